"""Explain: what each finding loads behind the knee, why, and what helps, with the highlighted diagram.

`/explain` lists every structure, mechanism and finding code; `/explain/{key}` shows
one of them (a finding code, a structure or a mechanism, or an alias such as
"baker's cyst"). Finding lists elsewhere call the `explain_thumbnail` template
global registered here to show a small highlighted diagram linking to the page.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from markupsafe import Markup

from kneeguard.web.common import TEMPLATES, athlete_name, render, store_of

router = APIRouter()


def explain_thumbnail(finding: Any, index: int = 0) -> dict[str, Any] | None:
    """The small highlighted diagram and legend for one finding in a list (None if unexplained)."""
    from kneeguard.explain.panels import finding_panel

    code = finding.get("code") if isinstance(finding, dict) else getattr(finding, "code", "")
    return finding_panel(finding, id_prefix=f"kg-thumb-{code}-{index}", compact=True)


TEMPLATES.env.globals["explain_thumbnail"] = explain_thumbnail


@router.get("/explain")
def explain_index(request: Request):
    from kneeguard.explain import (
        all_explanations,
        emittable_codes,
        explanations_for_code,
        knee_svg,
    )

    entries = list(all_explanations().values())
    codes = [{"code": c, "entries": [e.name for e in explanations_for_code(c)]} for c in emittable_codes()]
    return render(request, "explain.html", page="index", structures=[e for e in entries if e.kind == "structure"],
                  mechanisms=[e for e in entries if e.kind == "mechanism"], codes=codes,
                  atlas=Markup(knee_svg(labels="all", id_prefix="kg-atlas", width="100%")))


@router.get("/explain/{key}")
def explain_page(request: Request, key: str):
    from kneeguard.explain import UnknownExplanation, all_explanations, knee_svg, topic
    from kneeguard.explain.pictures import emphasis_for
    from kneeguard.explain.runner_figure import runner_svg

    try:
        found = topic(key)
    except UnknownExplanation as exc:
        return render(request, "explain.html", status_code=404, page="missing", key=key,
                      suggestions=exc.suggestions)
    gait = _latest_gait(request) if found.figure == "landing" else None
    entries = all_explanations()
    loaders = []
    if not found.is_finding and found.entries[0].kind == "structure":
        loaders = [m for m in entries.values() if m.kind == "mechanism" and found.key in m.structures]
    return render(request, "explain.html", page="topic", topic=found, entries=entries, loaders=loaders,
                  diagram=Markup(knee_svg(found.structures, id_prefix="kg-explain", width="100%")),
                  runner=Markup(runner_svg(gait, emphasis_for(found.key), id_prefix="kg-explain-runner",
                                           width="100%")) if found.figure == "landing" else None,
                  has_gait=gait is not None)


def _latest_gait(request: Request) -> dict[str, Any] | None:
    """The current athlete's newest stored gait summary, for the runner-at-landing figure."""
    from kneeguard.store import UnknownAthlete
    from kneeguard.store.records import list_gait_sessions

    try:
        with store_of(request).session() as session:
            rows = list_gait_sessions(session, athlete_name(request))
    except UnknownAthlete:
        return None
    summaries = [r["summary"] for r in rows if isinstance(r.get("summary"), dict)]
    return summaries[-1] if summaries else None
