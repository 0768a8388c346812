"""Explanation panels ready for the HTML report and the web app (inline SVG marked safe).

Both templates autoescape; the SVG here is built from kneeguard's own data and
numbers only (labels and names are escaped by the SVG writer), so it is passed
as `Markup`.
"""
from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

from kneeguard.explain.codes import base_code
from kneeguard.explain.diagram import knee_svg
from kneeguard.explain.pictures import emphasis_for
from kneeguard.explain.registry import all_explanations, explanations_for_finding
from kneeguard.explain.runner_figure import LandingValues, landing_rows, runner_svg


def finding_panel(finding: Any, *, id_prefix: str, gait_values: dict[str, Any] | None = None,
                  compact: bool = False) -> dict[str, Any] | None:
    """What to show beside one finding: the highlighted diagram, a numbered legend, the entries in brief.

    The diagram carries numbered markers (the legend is HTML text, so it stays sharp at any
    print size). `gait_values`: the gait summary, for the runner-at-landing figure of gait
    mechanisms (drawn only from measured numbers). `compact`: a thumbnail for web lists.
    None when the code has no explanation (the coverage test keeps that from happening).
    """
    topic = explanations_for_finding(finding)
    if not topic.entries:
        return None
    entries = all_explanations()
    prefix = safe_id(id_prefix)
    knee = knee_svg(topic.structures, id_prefix=prefix, labels="numbers", heading=False,
                    width="150" if compact else "100%")
    runner, rows = None, []
    if topic.figure == "landing" and not compact and LandingValues.from_summary(gait_values).measured:
        runner = runner_svg(gait_values, emphasis_for(topic.key), id_prefix=prefix + "-runner", width="100%",
                            compact=True)
        rows = [{"label": label, "yours": yours, "band": limit, "outside": outside}
                for _, label, yours, limit, outside in landing_rows(gait_values)]
    return {
        "key": topic.key,
        "code": base_code(topic.key),
        "title": topic.title,
        "href": f"/explain/{topic.key}",
        "structures": [entries[s].label for s in topic.structures],
        "legend": [{"n": n, "label": entries[s].label} for n, s in enumerate(topic.structures, start=1)],
        "entries": [{"key": e.key, "kind": e.kind, "name": e.name, "summary": first_sentences(e.text, 2),
                     "helps": e.helps} for e in topic.entries],
        "citations": list(topic.citations),
        "knee_svg": Markup(knee),
        "runner_svg": Markup(runner) if runner else None,
        "landing_rows": rows,
    }


def first_sentences(text: str, count: int) -> str:
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    return " ".join(parts[:count])


def safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "kg"
