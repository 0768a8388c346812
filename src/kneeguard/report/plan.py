"""The plan section from the advice engine's output, tolerant of missing parts.

The advice engine owns what is prescribed; this module only reshapes its
`to_dict()` for the page (dosage text, citation numbers). A part the advice
lacks becomes None / an empty list, and the template says so.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from kneeguard.report.document import References

import re

CODE = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")  # e.g. advice.no_shoes: an engine code, not words
DETAIL_DAYS = 14
RUN_KINDS = ("easy", "long", "run", "walk_run", "tempo", "intervals", "quality")
NO_ADVICE = ("No plan was generated for this report. Run `kneeguard plan` once activities or a check-in "
             "are recorded.")


def plain_advice(advice: Any) -> dict[str, Any]:
    """The advice as a dict (its `to_dict()`), or {} when there is none."""
    if advice is None:
        return {}
    if isinstance(advice, dict):
        return advice
    if hasattr(advice, "to_dict"):
        return advice.to_dict()
    return {}


def build_plan(adv: dict[str, Any], refs: References, titles: dict[str, str] | None = None) -> dict[str, Any]:
    """`titles`: finding code -> title, so a reason given as codes reads as words."""
    titles = titles or {}
    running = adv.get("running") if isinstance(adv.get("running"), dict) else {}
    days = adv.get("days") or running.get("days") or []
    strength = adv.get("strength")
    return {
        "available": bool(adv),
        "no_advice": NO_ADVICE,
        "running_notes": _texts([running.get("summary"), *(running.get("rules") or running.get("notes")
                                                            or adv.get("running_rules") or [])]),
        "weeks": _weeks([_dict(d) for d in days]),
        # Day by day only for the first fortnight: the weekly table covers the rest in two minutes' reading.
        "days": [_day(d, refs, titles) for d in days if _in_first_days(d, days)],
        "days_total": len(days),
        "strength": [_item(x, refs, titles) for x in _list(adv, "strength", "strength_programme", "strength_program")],
        "pain_rule": _text(adv.get("pain_rule") or adv.get("pain_monitoring")
                           or (strength.get("pain_rule") if isinstance(strength, dict) else None)),
        "warmup": [_item(x, refs, titles) for x in _list(adv, "warm_up", "warmup")],
        "flexibility": [_item(x, refs, titles) for x in _list(adv, "flexibility", "stretching")],
        "gait": _block(adv.get("gait_retraining") or adv.get("gait"), refs, titles),
        "footwear": [_item(x, refs, titles) for x in _list(adv, "footwear", "shoes")],
        "professional": _block(adv.get("professional") or adv.get("see_professional")
                               or adv.get("when_to_see_professional"), refs, titles),
    }


def _list(adv: dict[str, Any], *names: str) -> list[Any]:
    """The first present list under any of `names`; a dict holding a list is unwrapped."""
    for name in names:
        value = adv.get(name)
        if isinstance(value, dict):
            for inner in ("exercises", "items", "recommendations", "programme", "program"):
                if isinstance(value.get(inner), list):
                    return value[inner]
            return [value]
        if isinstance(value, (list, tuple)):
            return list(value)
    return []


def _day(d: Any, refs: References, titles: dict[str, str]) -> dict[str, Any]:
    d = _dict(d)
    day = _date(d.get("date"))
    details = "" if str(d.get("kind")) == "strength" else _text(d.get("details"))
    exercises = [_dict(x) if not isinstance(x, str) else {"name": x} for x in d.get("exercises") or []]
    if exercises and not details and str(d.get("kind")) != "strength":  # strength: dose is in the programme table
        listed = "; ".join(str(x.get("name", "")) for x in exercises)
        details = f"{details} {listed}".strip() if details else listed
    return {
        "date": day.isoformat() if day else str(d.get("date") or ""),
        "weekday": day.strftime("%a %d %b") if day else "",
        "week": d.get("week") or (day.isocalendar()[1] if day else ""),
        "kind": str(d.get("kind") or ""),
        "title": str(d.get("title") or d.get("kind") or ""),
        "details": details,
        "duration": _num(d.get("duration_min"), "min"),
        "distance": _num(d.get("distance_km"), "km"),
        "cadence": _num(d.get("target_cadence_spm"), "spm"),
        "reason": _reason_text(d.get("reason"), titles),
        "cites": refs.cite(d.get("citations")),
    }


def _item(x: Any, refs: References, titles: dict[str, str] | None = None) -> dict[str, Any]:
    """One exercise or recommendation: name, dosage line, how to progress / regress, reason, cites."""
    titles = titles or {}
    if isinstance(x, str):
        return {"name": x, "dosage": "", "details": "", "progression": "", "regression": "", "tempo": "",
                "reason": "", "evidence": "", "cites": []}
    d = _dict(x)
    dosage = d.get("dosage") or d.get("dose_summary") or d.get("dose")
    if not dosage:
        parts = []
        if d.get("sets") and d.get("reps"):
            parts.append(f"{d['sets']} × {d['reps']}")
        elif d.get("sets") and (d.get("hold_s") or d.get("seconds")):
            parts.append(f"{d['sets']} × {d.get('hold_s') or d.get('seconds')} s")
        for key, label in (("tempo", "tempo "), ("frequency", ""), ("per_week", "/week: ")):
            if d.get(key):
                parts.append(f"{label}{d[key]}" if key != "per_week" else f"{d[key]} per week")
        dosage = ", ".join(str(p) for p in parts)
    return {
        "name": str(d.get("name") or d.get("title") or d.get("exercise") or ""),
        "dosage": _text(dosage),
        "details": _text(d.get("details") or d.get("description") or d.get("instructions") or d.get("text")),
        "progression": _text(d.get("progression")),
        "regression": _text(d.get("regression")),
        "tempo": _text(d.get("tempo")) if d.get("dose_summary") else "",
        "reason": _reason_text(d.get("reason"), titles, d.get("why")),
        "evidence": _text(d.get("evidence")),
        "cites": refs.cite(d.get("citations")),
    }


def _reason_text(reason: Any, titles: dict[str, str], why: Any = None) -> str:
    """Finding codes as their titles; engine-internal codes with no title are left out."""
    items = reason if isinstance(reason, (list, tuple)) else ([reason] if reason else [])
    words = [titles.get(str(r), "" if CODE.match(str(r)) else str(r)) for r in items]
    return "; ".join(w for w in [*words, _text(why)] if w)


def _weeks(days: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per plan week: runs, distance, longest run, strength sessions, rest days."""
    by_week: dict[tuple, dict[str, Any]] = {}
    for d in days:
        day = _date(d.get("date"))
        if day is None:
            continue
        start = day - dt.timedelta(days=day.weekday())
        w = by_week.setdefault((start,), {"start": start, "end": start + dt.timedelta(days=6), "runs": 0, "km": 0.0,
                                          "longest": 0.0, "strength": 0, "rest": 0, "minutes": 0.0})
        kind = str(d.get("kind") or "")
        km = d.get("distance_km") or 0
        if km:
            w["runs"] += 1
            w["km"] += float(km)
            w["longest"] = max(w["longest"], float(km))
        elif kind in RUN_KINDS and d.get("duration_min"):
            w["runs"] += 1
        if kind == "strength":
            w["strength"] += 1
        w.setdefault("days", set()).add(day)
        if km or (kind in RUN_KINDS and d.get("duration_min")):
            w.setdefault("run_days", set()).add(day)
    rows = []
    for n, w in enumerate(sorted(by_week.values(), key=lambda w: w["start"]), start=1):
        rows.append({"n": n, "dates": f"{w['start']:%d %b} – {w['end']:%d %b}", "runs": w["runs"],
                     "km": f"{w['km']:.1f} km" if w["km"] else "—", "longest": f"{w['longest']:.1f} km" if w["longest"] else "—",
                     "strength": w["strength"],
                     # days of the plan in this week with no run (the plan may start or end mid-week)
                     "rest": len(_span(w["days"], w["start"]) - w.get("run_days", set()))})
    return rows


def _span(days: set, start: dt.date) -> set:
    """The calendar days of the week from `start` that lie within the plan's first and last day seen."""
    first, last = min(days), max(days)
    return {start + dt.timedelta(days=i) for i in range(7) if first <= start + dt.timedelta(days=i) <= last}


def _in_first_days(d: Any, days: list[Any]) -> bool:
    first = min((x for x in (_date(_dict(y).get("date")) for y in days) if x), default=None)
    day = _date(_dict(d).get("date"))
    return first is None or day is None or (day - first).days < DETAIL_DAYS


def _block(x: Any, refs: References, titles: dict[str, str]) -> dict[str, Any] | None:
    """A free-form part (gait retraining, when to see a professional): label/value rows plus reason."""
    if not x:
        return None
    if isinstance(x, str):
        return {"rows": [], "text": x, "list": [], "reason": "", "cites": []}
    d = _dict(x)
    skip = {"citations", "reason", "why", "text", "summary", "active", "domain", "title", "schedule"}
    rows = [(k.replace("_", " ").capitalize(), _text(v)) for k, v in d.items()
            if k not in skip and v not in (None, "", [], {})]
    if d.get("active") is False:
        rows = []  # inactive: only its explanation matters
    schedule = d.get("schedule")
    return {"rows": rows, "text": _text(d.get("text") or d.get("summary")),
            "list": [_text(v) for v in schedule] if isinstance(schedule, (list, tuple)) else _texts(schedule),
            "reason": _reason_text(d.get("reason"), titles, d.get("why")), "cites": refs.cite(d.get("citations"))}


def _dict(x: Any) -> dict[str, Any]:
    if isinstance(x, dict):
        return x
    if hasattr(x, "to_dict"):
        return x.to_dict()
    return dict(vars(x)) if hasattr(x, "__dict__") else {}


def _texts(x: Any) -> list[str]:
    """Lines of text; a {"key", "text"} rule shows its text only."""
    if not x:
        return []
    items = x if isinstance(x, (list, tuple)) else [x]
    out = [_text(v.get("text") or v) if isinstance(v, dict) else _text(v) for v in items if v]
    return [t for t in out if t]


def _text(x: Any) -> str:
    """Readable text from whatever the advice holds: lists join with '; ', dicts as 'key: value'."""
    if x is None:
        return ""
    if isinstance(x, (list, tuple)):
        return "; ".join(_text(v) for v in x if v not in (None, ""))
    if isinstance(x, dict):
        return "; ".join(f"{k.replace('_', ' ')}: {_text(v)}" for k, v in x.items() if v not in (None, ""))
    if isinstance(x, float):
        return f"{x:g}"
    return str(x)


def _num(x: Any, unit: str) -> str:
    if x is None or x == "":
        return ""
    try:
        return f"{float(x):g} {unit}"
    except (TypeError, ValueError):
        return str(x)


def _date(x: Any) -> dt.date | None:
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    try:
        return dt.date.fromisoformat(str(x)[:10]) if x else None
    except ValueError:
        return None
