"""`build_report(context, advice)`: gather every section of the clinician report.

Reads the advice engine's `AthleteContext` and `Advice` (or no advice), so an
athlete with no data (or a partial context) still gets every section, each
saying what is absent and how to add it. Citations are numbered in
reading order through one `References`, so the same source keeps one number.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kneeguard.report import charts
from kneeguard.disclaimer import DISCLAIMER
from kneeguard.findings import Finding, uncertain_groups
from kneeguard.report.document import ReportDocument, References
from kneeguard.report.plan import build_plan

if TYPE_CHECKING:
    from kneeguard.advice import Advice, Banner

SEVERITY_ORDER = {"high": 0, "moderate": 1, "low": 2, "info": 3}
DOMAIN_OF_SOURCE = {"checkin": "clinic"}  # a factor's source names the domain its findings are listed under
DOMAIN_TITLES = {"load": "Training load", "gait": "Running gait (video)", "clinic": "Clinic: check-in and self-tests"}
# What to do when a domain has no data; used when the context's own `missing` says nothing about it.
HOW_TO_ADD = {
    "load": ("No running activities", "Import watch files: `kneeguard import FILES_OR_FOLDER` (FIT, GPX, TCX, "
             "Strava or Garmin export)."),
    "gait": ("No gait video analysis", "Film 10 s of steady running from the side at 60 fps or more and run "
             "`kneeguard gait VIDEO`."),
    "clinic": ("No check-in", "Answer the symptom and self-test questions: `kneeguard checkin`."),
}
TRIAGE_TEXT = {
    "emergency": "Emergency: seek care now",
    "urgent": "Urgent: see a professional within days",
    "routine": "Routine: book an appointment with a professional",
    "self-care": "Self-care: manage with the plan, review as scheduled",
}


def build_report(context: Any, advice: Advice | None = None, *, history: list[Any] | None = None,
                 gait_dir: str | Path | None = None) -> ReportDocument:
    """The report for `context` (AthleteContext) and `advice` (None: the plan section says how to get one).

    `history`: the athlete's check-ins (CheckinRecord or stored dicts), for the pain trend.
    `gait_dir`: the gait output folder, whose knee_angle.png is embedded when present.
    """
    refs = References()
    checkin = _as_dict(getattr(context, "checkin", None))
    gait = _as_dict(getattr(context, "gait", None))
    load_report = getattr(context, "load_report", None)
    as_of = _as_date(getattr(context, "as_of", None)) or dt.date.today()

    # Build in reading order so reference numbers rise through the document.
    triage = _triage(advice.banner if advice else None, checkin, refs)
    summary = _summary(advice, load_report, gait, checkin, refs)
    uncertain = _uncertain(advice, load_report, gait, checkin)
    domains = [
        _load_domain(load_report, refs),
        _gait_domain(gait, refs, gait_dir),
        _clinic_domain(checkin, history, refs),
    ]
    causes = _causes(checkin, refs)
    titles = {f.get("code"): f.get("title") for f in _all_findings(load_report, gait, checkin) if f.get("code")}
    plan = build_plan(advice, refs, titles)
    return ReportDocument(
        athlete=str(getattr(context, "athlete", None) or "unknown athlete"),
        as_of=as_of,
        generated_at=dt.datetime.now().astimezone().strftime("%d %b %Y %H:%M"),
        sources=_sources(context, load_report, gait, checkin, history),
        triage=triage,
        summary=summary,
        uncertain=uncertain,
        domains=domains,
        causes=causes,
        plan=plan,
        missing=_missing(getattr(context, "missing", None), advice.missing if advice else None, domains),
        references=refs.entries,
        notes=list(dict.fromkeys(str(n) for n in [*(getattr(context, "notes", None) or []), *(advice.notes if advice else [])])),
        disclaimer=DISCLAIMER,
    )


# --- header ---------------------------------------------------------------------


def _sources(context: Any, load_report: Any, gait: dict, checkin: dict, history: list[Any] | None) -> list[dict]:
    out = []
    s = getattr(load_report, "summary", None) or {}
    if s.get("runs_total"):
        out.append({"name": "Activities", "date": f"{s.get('first_run_date')} to {s.get('last_run_date')}",
                    "detail": f"{s['runs_total']} runs; last 28 days {_fmt(s.get('distance_last_28d_km'))} km"})
    else:
        out.append({"name": "Activities", "date": "none", "detail": "no runs imported"})
    if gait:
        view = gait.get("view") or (gait.get("summary") or {}).get("view")
        detail = ", ".join(x for x in (
            Path(str(gait.get("source"))).name if gait.get("source") else "",
            f"{view} view" if view else "",
            f"{gait.get('n_steps')} steps" if gait.get("n_steps") else "",
            f"quality {_fmt(gait.get('quality'), 2)}" if gait.get("quality") is not None else "") if x)
        out.append({"name": "Gait video", "date": _date_text(gait.get("recorded_at")), "detail": detail})
    else:
        out.append({"name": "Gait video", "date": "none", "detail": "no gait session"})
    if checkin:
        n = len(history or []) or 1
        out.append({"name": "Check-in", "date": _date_text(checkin.get("date")),
                    "detail": f"{n} check-in{'s' if n != 1 else ''} on record"})
    else:
        out.append({"name": "Check-in", "date": "none", "detail": "no check-in"})
    shoes = list(getattr(context, "shoes", None) or [])
    if shoes:
        out.append({"name": "Shoes", "date": "", "detail": f"{len(shoes)} pair{'s' if len(shoes) != 1 else ''} tracked"})
    return out


# --- triage and summary ---------------------------------------------------------


def _triage(banner: Banner | None, checkin: dict, refs: References) -> dict[str, Any]:
    # The advice banner decides level and wording; the check-in holds the cited reasons and red flags.
    level = banner.level_name if banner else checkin.get("level")
    if not level:
        return {"level": "not-assessed", "headline": "Not assessed: no check-in yet",
                "what_to_do": ["Triage needs the symptom and warning-sign questions: run `kneeguard checkin`. "
                               "Until then, stop running and seek care if you have any warning sign "
                               "(calf swelling, chest symptoms, a hot swollen knee, a locked knee)."],
                "reasons": [], "red_flags": [], "review_date": None, "stale": False, "unanswered": []}
    reasons = [{"level": r["level"], "summary": r["summary"], "advice": r["advice"], "red_flag": r["red_flag"],
                "cites": refs.cite(r["citations"])} for r in checkin.get("reasons") or []]
    if not reasons and banner:
        reasons = [{"level": "", "summary": r, "advice": "", "red_flag": False, "cites": []} for r in banner.reasons]
    review = banner.review_date if banner and banner.review_date else checkin.get("review_date")
    return {
        "level": level,
        "headline": banner.headline if banner else TRIAGE_TEXT[level],
        "what_to_do": list((banner.what_to_do if banner else None) or checkin.get("what_to_do") or []),
        "reasons": reasons,
        "red_flags": list(checkin.get("red_flags") or []),
        "review_date": review.isoformat() if isinstance(review, dt.date) else review,
        "stale": bool(banner and banner.stale),
        "unanswered": list(checkin.get("unanswered_red_flags") or []),
    }


def _summary(advice: Advice | None, load_report: Any, gait: dict, checkin: dict, refs: References) -> list[dict]:
    if advice is not None and advice.top_factors:
        rows = [{**f.to_dict(), "domain": DOMAIN_OF_SOURCE.get(f.source, f.source)} for f in advice.top_factors]
    else:  # no factors from the advice engine: the most serious findings stand in
        rows = sorted(_all_findings(load_report, gait, checkin), key=lambda f: SEVERITY_ORDER.get(f.get("severity"), 9))
        rows = [f for f in rows if f.get("severity") != "info" and not f.get("uncertain")]
    return [{"rank": rank, "title": f.get("title", ""), "domain": f.get("domain", ""), "severity": f.get("severity", ""),
             "why": _first_sentences(f.get("explanation", "")), "measured": _measured_text(f),
             "cites": refs.cite(f.get("citations"))}
            for rank, f in enumerate(rows[:5], start=1)]


def _uncertain(advice: Advice | None, load_report: Any, gait: dict, checkin: dict) -> list[dict[str, str]]:
    """Findings from doubtful evidence grouped by reason: what was found, why it is doubtful, what to do."""
    found = advice.uncertain if advice is not None else \
        [Finding.from_dict(f) for f in _all_findings(load_report, gait, checkin) if f.get("uncertain")]
    return [{"titles": "; ".join(titles), "reason": reason} for reason, titles in uncertain_groups(found).items()]


def _first_sentences(text: Any, limit: int = 220) -> str:
    """The summary keeps each factor to a line or two; the full explanation is in the findings."""
    text = str(text or "")
    if len(text) <= limit:
        return text
    cut = text.rfind(". ", 0, limit)
    return text[:cut + 1] if cut > 40 else text[:limit].rsplit(" ", 1)[0] + " …"


def _all_findings(load_report: Any, gait: dict, checkin: dict) -> list[dict]:
    found = [_as_dict(f) for f in getattr(load_report, "findings", None) or []]
    found += [_as_dict(f) for f in gait.get("findings") or []]
    found += [_as_dict(f) for f in checkin.get("findings") or []]
    return [f for f in found if f]


# --- findings by domain ---------------------------------------------------------


def _finding_rows(findings: list[Any], refs: References, gait_values: dict | None = None) -> list[dict]:
    rows = []
    explained: set[str] = set()
    for f in sorted((_as_dict(x) for x in findings or []), key=lambda f: SEVERITY_ORDER.get(f.get("severity"), 9)):
        rows.append({"title": f.get("title", ""), "severity": f.get("severity", ""),
                     "measured": _value_text(f.get("measured"), f.get("unit")),
                     "threshold": _value_text(f.get("threshold"), f.get("unit")),
                     "explanation": f.get("explanation", ""), "date": f.get("date") or "",
                     "uncertain": f.get("uncertain") or "",
                     "cites": refs.cite(f.get("citations")),
                     "explain": _explain_panel(f, len(rows), refs, gait_values, explained)})
    return rows


def _explain_panel(f: dict, index: int, refs: References, gait_values: dict | None, explained: set[str]) -> dict | None:
    """The highlighted knee diagram (and runner figure) beside a finding; once per explanation in a domain."""
    from kneeguard.explain import base_code, explain_keys
    from kneeguard.explain.panels import finding_panel

    code = base_code(str(f.get("code") or ""))
    same = ",".join(explain_keys(code)["entries"])  # e.g. every load-progression finding shares one picture
    if not code or same in explained:
        return None
    explained.add(same)
    panel = finding_panel(f, id_prefix=f"kg-{code}-{index}", gait_values=gait_values)
    if panel is not None:
        panel["cites"] = refs.cite(panel["citations"])
    return panel


def _load_domain(load_report: Any, refs: References) -> dict:
    s = getattr(load_report, "summary", None) or {}
    has_runs = bool(s.get("runs_total"))
    metrics = [(label, _value_text(s.get(key), unit)) for label, key, unit in (
        ("Distance, last 7 days", "distance_last_7d_km", "km"), ("Distance, last 28 days", "distance_last_28d_km", "km"),
        ("Runs, last 28 days", "runs_last_28d", ""), ("Longest run, last 30 days", "longest_run_30d_km", "km"),
        ("Last run", "last_run_km", "km"), ("Last complete week vs the one before", "last_complete_week_change_pct", "%"),
        ("Acute:chronic ratio (EWMA)", "acwr_ewma", ""), ("Rest days, last 7 days", "rest_days_last_7d", ""),
    ) if s.get(key) is not None] if has_runs else []
    chart = charts.load_chart(load_report) if has_runs else None
    return _domain("load", _finding_rows(getattr(load_report, "findings", None) or [], refs) if has_runs else [],
                   metrics, [c for c in (chart,) if c], list(getattr(load_report, "warnings", None) or []) if has_runs else [],
                   has_runs)


def _gait_domain(gait: dict, refs: References, gait_dir: str | Path | None) -> dict:
    if not gait:
        return _domain("gait", [], [], [], [], False)
    metrics = [(label, _value_text(gait.get(key), unit)) for label, key, unit in (
        ("Cadence", "cadence_spm", "steps/min"), ("Overstride", "overstride_pct_leg", "% leg"),
        ("Knee flexion at landing", "knee_flexion_ic_deg", "deg"), ("Peak knee flexion", "peak_knee_flexion_deg", "deg"),
        ("Shank angle at landing", "shank_angle_ic_deg", "deg"), ("Trunk lean", "trunk_lean_deg", "deg"),
        ("Contact time", "contact_time_ms", "ms"), ("Foot strike", "foot_strike", ""),
        ("Speed", "speed_m_s", "m/s"),
    ) if gait.get(key) is not None]
    found = [charts.gait_metrics_chart(gait), charts.knee_steps_chart(gait)]
    folder = Path(gait_dir) if gait_dir else None
    if folder is not None:
        found.append(charts.image_file_chart(folder / "landing.png", "The runner at landing (initial contact)",
                                             "Drawn from the video's keypoints at a typical contact."))
        found.append(charts.image_file_chart(folder / "knee_angle.png", "Knee angle over each stride",
                                             "Drawn by the gait analysis: landing (IC) and toe-off (TO) marked."))
    return _domain("gait", _finding_rows(gait.get("findings"), refs, gait), metrics, [c for c in found if c],
                   list(gait.get("warnings") or []), True)


def _clinic_domain(checkin: dict, history: list[Any] | None, refs: References) -> dict:
    if not checkin:
        return _domain("clinic", [], [], [], [], False)
    answers = checkin.get("answers") or {}
    ostrc = _as_dict(checkin.get("ostrc"))
    metrics = [(label, _value_text(answers.get(key), unit)) for label, key, unit in (
        ("Pain now", "pain_now", "/10"), ("Pain during running", "pain_during_run", "/10"),
        ("Pain next morning", "pain_next_morning", "/10"),
    ) if answers.get(key) is not None]
    if ostrc:
        metrics.append(("OSTRC severity", f"{ostrc.get('severity')}/100"
                        + (" (substantial problem)" if ostrc.get("substantial_problem") else "")))
    found = [charts.pain_trend_chart(_trend_points(history, checkin)), charts.selftest_chart(answers)]
    notes = [f"{r.get('question')}: {r.get('value')} (recorded; {r.get('note')})" for r in checkin.get("recorded") or []]
    return _domain("clinic", _finding_rows(checkin.get("findings"), refs), metrics, [c for c in found if c], notes, True)


def _trend_points(history: list[Any] | None, checkin: dict) -> list[dict]:
    from kneeguard.clinic.history import CheckinRecord
    from kneeguard.clinic.ostrc import score_ostrc

    points = []
    for item in history or []:
        try:
            rec = item if isinstance(item, CheckinRecord) else CheckinRecord.from_dict(_as_dict(item).get("record", item))
        except (KeyError, TypeError, ValueError):
            continue  # a damaged stored record is skipped, as the history module does
        ostrc = score_ostrc(rec.answers)
        points.append({"date": rec.on_date, "pain": rec.pain, "ostrc": ostrc.severity if ostrc else None})
    if not points and checkin.get("date"):
        answers = checkin.get("answers") or {}
        pains = [answers.get(k) for k in ("pain_now", "pain_during_run") if answers.get(k) is not None]
        points.append({"date": _as_date(checkin["date"]), "pain": max(pains) if pains else None,
                       "ostrc": (_as_dict(checkin.get("ostrc")) or {}).get("severity")})
    return points


def _domain(key: str, findings: list, metrics: list, chart_list: list, notes: list, has_data: bool) -> dict:
    return {"key": key, "title": DOMAIN_TITLES[key], "has_data": has_data, "findings": findings,
            "metrics": metrics, "charts": chart_list, "notes": notes,
            "empty": None if has_data else {"what": HOW_TO_ADD[key][0], "how": HOW_TO_ADD[key][1]}}


def _causes(checkin: dict, refs: References) -> list[dict]:
    return [{"name": c.get("name", ""), "label": c.get("label") or "possibility - not a diagnosis",
             "why": list(c.get("why") or []), "examine": c.get("professional_would_examine") or "",
             "care": _care_text(c.get("usual_level_of_care")), "about": c.get("about", ""),
             "cites": refs.cite(c.get("citations"))}
            for c in (_as_dict(x) for x in checkin.get("possible_causes") or [])]


def _care_text(code: Any) -> str:
    """The registry's care codes ('S -> R') in words ('self-care, then routine')."""
    words = {"S": "self-care", "R": "routine", "U": "urgent", "E": "emergency"}
    text = re.sub(r"\b([SRUE])\b", lambda m: words[m.group(1)], str(code or ""))
    return text.replace(" -> ", ", then ")


def _missing(from_context: Any, from_advice: Any, domains: list[dict]) -> list[dict]:
    out: list[dict] = []
    for item in [*(from_context or []), *(from_advice or [])]:
        if isinstance(item, str):
            out.append({"what": item, "how": ""})
        else:
            d = _as_dict(item)
            what = d.get("what") or d.get("message") or d.get("item") or d.get("name") or d.get("title") or ""
            out.append({"what": str(what), "how": str(d.get("how") or d.get("how_to_add") or d.get("action") or "")})
    for d in domains:  # a domain with no data is always listed, even if the context forgot it
        if d["empty"] and not any(d["empty"]["what"].lower() == m["what"].lower() for m in out):
            out.append(dict(d["empty"]))
    seen, unique = set(), []
    for m in out:
        if m["what"] and m["what"] not in seen:
            seen.add(m["what"])
            unique.append(m)
    return unique


# --- small helpers --------------------------------------------------------------


def _as_dict(value: Any) -> dict:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if hasattr(value, "__dataclass_fields__"):
        return dict(vars(value))
    return {}


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _date_text(value: Any) -> str:
    day = _as_date(value)
    return day.isoformat() if day else (str(value) if value else "")


def _fmt(value: Any, digits: int = 1) -> str:
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return "" if value is None else str(value)


def _value_text(value: Any, unit: str | None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, (list, tuple)):
        text = "–".join(_fmt(v) for v in value)
    else:
        text = _fmt(value)
    return f"{text} {unit}".strip() if unit and unit not in ("/10",) else text + (unit or "")


def _measured_text(f: dict) -> str:
    if f.get("measured") is None:
        return ""
    text = _value_text(f.get("measured"), f.get("unit"))
    if f.get("threshold") is not None:
        text += f" (threshold {_value_text(f.get('threshold'), f.get('unit'))})"
    return text
