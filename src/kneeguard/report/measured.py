"""A finding's measured value beside its threshold, for the summary's factor table: one rounding
(`shown_value`, the one its explanation uses) and the threshold's own source."""
from __future__ import annotations

import re
from typing import Any

from kneeguard.evidence import Rule
from kneeguard.findings import Finding
from kneeguard.numbers import shown_value


def fmt(value: Any, digits: int = 1) -> str:
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return "" if value is None else str(value)


def value_text(value: Any, unit: str | None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, (list, tuple)):
        text = "–".join(fmt(v) for v in value)
    else:
        text = fmt(value)
    return f"{text} {unit}".strip() if unit and unit not in ("/10",) else text + (unit or "")


def shown_measure(f: Finding) -> str:
    """The finding's value with its unit, in the one rounding its explanation uses (`shown_value` against its
    flag); '' without a value."""
    if f.measured is None:
        return ""
    limits = f.threshold if isinstance(f.threshold, (list, tuple)) else [f.threshold]
    numeric = isinstance(f.measured, (int, float)) and all(isinstance(x, (int, float)) for x in limits)
    return value_text(shown_value(f.measured, limits) if numeric else f.measured, f.unit)


def measured_text(f: Finding) -> str:
    """'42 % (flagged above 30 %, Frandsen 2025)': the threshold says what it is and whose it is (the source
    that sets the number, `Rule.threshold_source`), so it is not read as the plan's own limit; a number that no
    injury study sets says so ('guide 700 km, bench data, Cook 1985; not injury-based').
    The value has the one rounding its explanation uses (`shown_value`)."""
    if f.measured is None:
        return ""
    limits = f.threshold if isinstance(f.threshold, (list, tuple)) else [f.threshold]
    numeric = isinstance(f.measured, (int, float)) and all(isinstance(x, (int, float)) for x in limits)
    text = shown_measure(f)
    if f.threshold is None:
        return text
    threshold = "–".join(f"{x:g}" for x in limits) if numeric else f.threshold
    side = ("outside" if isinstance(f.threshold, (list, tuple)) else "above" if f.measured > f.threshold
            else "below" if f.measured < f.threshold else "at")
    rule = f.rule if isinstance(f.rule, Rule) else None
    name = rule.threshold_name if rule and rule.threshold_name else f"flagged {side}"
    cited = rule.threshold_source if rule else (f.citations[0] if f.citations else None)
    source = (cited.short or short_source(cited)) if cited else ""
    if rule is not None and not rule.threshold_injury_evidence:
        source = (source + "; " if source else "") + "not injury-based"
    return text + f" ({name} {value_text(threshold, f.unit)}" + (f", {source})" if source else ")")


def short_source(citation: Any) -> str:
    """'Frandsen 2025' from 'Frandsen et al. ... 2025;59(17)...' (first author and first year of the text)."""
    text = re.sub(r"^\s*\[[^\]]*\]\s*", "", str(getattr(citation, "text", "") or ""))  # '[S] ' grade tags
    author = re.split(r"[ ,.]", text.strip(), maxsplit=1)[0]
    year = re.search(r"\b(19|20)\d{2}\b", text)
    return f"{author} {year.group(0)}" if author and year else ""
