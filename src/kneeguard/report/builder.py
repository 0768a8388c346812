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

from kneeguard.advice.context import profile_conflicts
from kneeguard.clinic.engine import answer_in_words
from kneeguard.clinic.episode import other_knee, same_knee
from kneeguard.disclaimer import DISCLAIMER
from kneeguard.findings import Finding, uncertain_groups
from kneeguard.gait.quality import quality_words
from kneeguard.numbers import counted
from kneeguard.report import charts, summary_charts
from kneeguard.report.document import ReportDocument, References
from kneeguard.report.measured import fmt as _fmt, value_text as _value_text
from kneeguard.report.plan import build_plan
from kneeguard.report.presenting import (driving_beyond_presenting, gait_shorthand, missing_runs_words,
                                         other_knee_shorthand, presenting_complaint, running_since,
                                         selftest_shorthand, unconfirmed_words)
from kneeguard.report.summary import plan_overview
from kneeguard.report.summary_factors import mark_notes, more_factors, summary_factors

if TYPE_CHECKING:
    from kneeguard.advice import Advice, AthleteContext, Banner, MissingPart
    from kneeguard.clinic import CheckinAssessment
    from kneeguard.clinic.history import CheckinRecord
    from kneeguard.gait.summary import GaitSummary
    from kneeguard.load import LoadReport
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
    "urgent": "Urgent: see a doctor today",
    "routine": "Routine: book an appointment with a professional",
    "self-care": "Self-care: manage with the plan, review as scheduled",
}


def build_report(context: AthleteContext, advice: Advice | None = None, *, history: list[CheckinRecord] | None = None,
                 gait_dir: str | Path | None = None) -> ReportDocument:
    """The report for `context` and `advice` (None: the plan section says how to get one).

    `history`: the athlete's check-ins, for the pain trend.
    `gait_dir`: the gait output folder, whose knee_angle.png is embedded when present.
    """
    refs = References()
    checkin, gait, load_report = context.checkin, context.gait, context.load_report
    load_findings = list(load_report.findings) if load_report is not None else []
    gait_findings = list(gait.findings) if gait is not None else []
    checkin_findings = list(checkin.findings) if checkin is not None else []
    everything = load_findings + gait_findings + checkin_findings

    # Build in reading order so reference numbers rise through the document.
    triage = _triage(advice.banner if advice else None, checkin, refs)
    # read 48: the headline said "(see the notes)" and the summary had none: what is unconfirmed, in a line
    triage["notes_line"] = unconfirmed_words(profile_conflicts(context), context.other_knee_checkins,
                                             (checkin.answers or {}).get("side") if checkin else None,
                                             checkin.earlier_referral if checkin else None) \
        if advice is not None and advice.first_notes else ""
    summary = summary_factors(advice, everything, refs)
    more = more_factors(advice)  # the plan's factors beyond the summary's rows, in a line
    aggravating = _aggravating(advice)
    uncertain = _uncertain(advice, everything)
    # The trend charts lead the summary (the recent weeks, drawn to be read small); the load section has the
    # 26-week chart with fitness and fatigue.
    onset = context.pain_onset.day if context.pain_onset else None
    trend = [c for c in (summary_charts.summary_load_chart(load_report, onset) if _has_runs(load_report) else None,
                         summary_charts.pain_trend_chart(_trend_points(history, checkin)) if checkin is not None
                         else None) if c]
    explained: set[str] = set()  # each explanation (diagram) appears once in the whole appendix
    domains = [
        _load_domain(load_report, load_findings, refs, explained),
        _gait_domain(gait, refs, gait_dir, explained),
        _clinic_domain(checkin, refs, explained),
    ]
    causes = _causes(checkin, refs)
    plan = build_plan(advice, refs, {f.code: f.title for f in everything})
    return ReportDocument(
        athlete=str(context.athlete or "unknown athlete"),
        as_of=context.as_of,
        generated_at=dt.datetime.now().astimezone().strftime("%d %b %Y %H:%M"),
        sources=_sources(context, history),
        triage=triage,
        summary=summary,
        more_factors=more, mark_notes=mark_notes(summary, more),
        aggravating=aggravating,
        uncertain=uncertain, uncertain_brief=_uncertain(advice, everything, brief=True),
        domains=domains,
        causes=causes,
        plan=plan,
        plan_overview=plan_overview(plan, triage["review_date"]),
        trend_charts=trend,
        missing=_missing(context.missing, advice.missing if advice else [], domains),
        references=refs.entries,
        notes=list(dict.fromkeys(str(n) for n in [*context.notes, *(advice.notes if advice else [])])),
        disclaimer=DISCLAIMER,
    )


# --- header ---------------------------------------------------------------------


def _sources(context: AthleteContext, history: list[CheckinRecord] | None) -> list[dict]:
    out = []
    s = context.load_report.summary if context.load_report is not None else {}
    if s.get("runs_total"):
        # An unset watch clock dates a run decades back: the range starts at the first run with a real date.
        first = s.get("first_dated_run_date") or s.get("first_run_date")
        unset = s.get("runs_with_unset_clock") or 0
        detail = f"{s['runs_total']} runs; {_fmt(s.get('distance_last_28d_km'))} km in the 28 days to the report date"
        block = running_since(_run_days(context.load_report), _day(first))
        detail += f"; {block}" if block else ""
        gap = s.get("days_since_last_run")
        if gap:  # a physiotherapist asked: stopped running, or not imported yet? (the check-in may say she runs)
            detail += f"; last run {gap} day{'s' if gap != 1 else ''} before it"
        missing = missing_runs_words(context.checkin, _day(s.get("last_run_date")))
        if missing:
            weeks = (context.checkin.answers or {}).get("reduced_load_weeks")  # said once, here; optional
            said = "" if not isinstance(weeks, (int, float)) else (  # unanswered: a report, not a crash
                "check-in: not running less" if weeks == 0 else  # "0 weeks running less" puzzled a reader
                f"check-in: {counted(weeks, 'week')} running less")
            detail += f": {missing}" + (f" ({said})" if said else "")
        if unset:
            detail += f"; {unset} undated run{'s' if unset != 1 else ''} (watch clock unset)"
        out.append({"name": "Activities", "date": f"{first} to {s.get('last_run_date')}", "detail": detail})
    else:
        out.append({"name": "Activities", "date": "none", "detail": "no runs imported"})
    gait = context.gait
    if gait is not None:
        detail = ", ".join(x for x in (
            Path(gait.source).name if gait.source else "",
            f"{gait.view} view" if gait.view else "",
            f"{gait.n_steps} steps" if gait.n_steps else "",
            quality_words(gait.quality) if gait.quality is not None else "", gait_shorthand(gait)) if x)
        out.append({"name": "Gait video", "date": _date_text(gait.recorded_date), "detail": detail})
    else:
        out.append({"name": "Gait video", "date": "none", "detail": "no gait session"})
    if context.checkin is not None:
        n = len(history or []) or 1
        presentation = presenting_complaint(context.checkin)
        other = len(context.other_knee_checkins)  # a change of knee: a separate episode, said where it is counted
        other_side = other_knee((context.checkin.answers or {}).get("side"))
        conflicts = profile_conflicts(context)
        out.append({"name": "Check-in", "date": context.checkin.on_date.isoformat(),
                    "detail": (f"{presentation}; " if presentation else "")
                    + (f"differs from the profile: {' and '.join(conflicts)}; " if conflicts else "")
                    + f"{n} check-in{'s' if n != 1 else ''} on record"
                    + (f", {other} about the {other_side} knee ({other_knee_shorthand(history, context.other_knee_checkins)}"
                       "a separate episode, unless the side is wrong; whether it has settled: not asked)" if other else "")})
        tests = selftest_shorthand(context.checkin.answers)
        if tests:
            out.append({"name": "Self-tests", "date": context.checkin.on_date.isoformat(), "detail": tests})
    else:
        out.append({"name": "Check-in", "date": "none", "detail": "no check-in"})
    if context.shoes:
        n = len(context.shoes)
        out.append({"name": "Shoes", "date": "", "detail": f"{n} pair{'s' if n != 1 else ''} tracked"})
    return out


# --- triage and summary ---------------------------------------------------------


def _triage(banner: Banner | None, checkin: CheckinAssessment | None, refs: References) -> dict[str, Any]:
    # The advice banner decides level and wording; the check-in holds the cited reasons and red flags.
    level = banner.level_name if banner else (checkin.level.value if checkin is not None else None)
    if not level:
        return {"level": "not-assessed", "headline": "Not assessed: no check-in yet",
                "what_to_do": ["Triage needs the symptom and warning-sign questions: run `kneeguard checkin`. "
                               "Until then, stop running and seek care if you have any warning sign "
                               "(calf swelling, chest symptoms, a hot swollen knee, a locked knee)."],
                "reasons": [], "red_flags": [], "review_date": None, "stale": False, "unanswered": [],
                **_explanation(None, refs)}
    # `why`: the plain reason on the runner's page; `summary`: the rule as the clinician's appendix states it.
    reasons = [{"level": r.level.value, "why": r.why or r.summary, "summary": r.summary, "advice": r.advice,
                "red_flag": r.red_flag, "cites": refs.cite(r.citations)}
               for r in (checkin.reasons if checkin is not None else [])]
    if not reasons and banner:
        reasons = [{"level": "", "why": r, "summary": r, "advice": "", "red_flag": False, "cites": []}
                   for r in banner.reasons]
    review = banner.review_date if banner and banner.review_date else (checkin.review_date if checkin else None)
    return {
        "level": level,
        # the page shows no level tag beside it (the CLI and web do): an urgent or emergency headline names it
        "headline": (f"{level.upper()}: " if level in ("urgent", "emergency") else "") + banner.headline if banner
        else TRIAGE_TEXT[level],
        # Under the banner's headline: its lines (the level action once); without a banner, the check-in's.
        # the visit for both knees is the Follow-up row's in the summary (its two pages): not again here
        "what_to_do": [line for line in banner.lines if line != banner.both_knees] if banner else
        list(checkin.what_to_do if checkin else []),
        "reasons": reasons,
        # as answered (read 51: the rule's name 'calf red warm' for a tender calf that was neither)
        "red_flags": list(dict.fromkeys(r.flag_words for r in checkin.reasons if r.red_flag))
        if checkin is not None else [],
        "review_date": review.isoformat() if review else None,
        "stale": bool(banner and banner.stale),
        "unanswered": list(checkin.triage.unanswered_red_flags) if checkin is not None else [],
        **_explanation(checkin, refs),
    }


def _explanation(checkin: CheckinAssessment | None, refs: References) -> dict[str, Any]:
    """What the clinician needs beyond the level (issue #13): surgery, context notes, driving answers, changes."""
    if checkin is None:
        return {"surgery": [], "context": [], "driving": [], "driving_in_checkin_row": False, "changes": []}
    driving, in_checkin_row = driving_beyond_presenting(checkin)
    return {
        "surgery": checkin.surgical_history_words(),
        "context": [{"text": n["text"], "cites": refs.cite(n["citations"])} for n in checkin.context],
        "driving": driving, "driving_in_checkin_row": in_checkin_row,  # each value once on the page
        "changes": [c.describe() for c in checkin.level_changes],
    }


def _aggravating(advice: Advice | None) -> dict[str, Any]:
    """Factors after the pain began: one line below the causes, as what may have aggravated it (each is cited
    in the appendix's findings)."""
    from kneeguard.advice.factors import later_onset_words, onset_source_words

    factors = advice.aggravating if advice is not None else []
    if not factors:
        return {}
    return {"onset": f"{factors[0].after_onset:%d %b %Y}", "dated": onset_source_words(factors),
            "items": [{"title": f.title, "when": f.when_short} for f in factors],
            "later": later_onset_words(factors)}  # the newest answer's later onset would make them triggers


def _uncertain(advice: Advice | None, findings: list[Finding], brief: bool = False) -> list[dict[str, str]]:
    """Findings from doubtful evidence grouped by reason: what was found, why it is doubtful, what to do."""
    found = advice.uncertain if advice is not None else [f for f in findings if f.uncertain]
    return [{"titles": "; ".join(titles), "reason": reason} for reason, titles in uncertain_groups(found, brief=brief).items()]


# --- findings by domain ---------------------------------------------------------


def _finding_rows(findings: list[Finding], refs: References, explained: set[str],
                  gait_values: dict | None = None) -> list[dict]:
    rows = []
    for f in sorted(findings, key=lambda f: -f.severity.rank):
        rows.append({"title": f.title, "severity": f.severity.value,
                     "measured": _value_text(f.measured, f.unit), "threshold": _value_text(f.threshold, f.unit),
                     "explanation": f.explanation, "date": f.on_date.isoformat() if f.on_date else "",
                     "uncertain": f.uncertain or "",
                     "cites": refs.cite(f.citations),
                     "explain": _explain_panel(f, len(rows), refs, gait_values, explained)})
    return rows


def _explain_panel(f: Finding, index: int, refs: References, gait_values: dict | None,
                   explained: set[str]) -> dict | None:
    """The highlighted knee diagram (and runner figure) beside a finding; once per explanation in the report."""
    from kneeguard.explain import base_code, explain_keys
    from kneeguard.explain.panels import finding_panel

    code = base_code(f.code)
    same = ",".join(explain_keys(code)["entries"])  # e.g. every load-progression finding shares one picture
    if not code or same in explained:
        return None
    explained.add(same)
    panel = finding_panel(f, id_prefix=f"kg-{code}-{index}", gait_values=gait_values)
    if panel is not None:
        panel["cites"] = refs.cite(panel["citations"])
    return panel


def _has_runs(load_report: LoadReport | None) -> bool:
    return load_report is not None and bool(load_report.summary.get("runs_total"))


def _load_domain(load_report: LoadReport | None, findings: list[Finding], refs: References, explained: set[str]) -> dict:
    s = load_report.summary if load_report is not None else {}
    has_runs = _has_runs(load_report)
    metrics = [(label, _value_text(s.get(key), unit)) for label, key, unit in (
        ("Distance, last 7 days", "distance_last_7d_km", "km"), ("Distance, last 28 days", "distance_last_28d_km", "km"),
        ("Runs, last 28 days", "runs_last_28d", ""), ("Longest run, last 30 days", "longest_run_30d_km", "km"),
        ("Last run", "last_run_km", "km"), ("Last complete week vs the one before", "last_complete_week_change_pct", "%"),
        ("Acute:chronic ratio (EWMA)", "acwr_ewma", ""), ("Rest days, last 7 days", "rest_days_last_7d", ""),
    ) if s.get(key) is not None] if has_runs else []
    if not has_runs:
        return _domain("load", [], [], [], [], False)
    chart = charts.load_chart(load_report)
    return _domain("load", _finding_rows(findings, refs, explained), metrics, [chart] if chart else [],
                   list(load_report.warnings or []), True)


def _gait_domain(gait: GaitSummary | None, refs: References, gait_dir: str | Path | None, explained: set[str]) -> dict:
    if gait is None:
        return _domain("gait", [], [], [], [], False)
    values = gait.to_dict()  # the charts and the runner figure read the one flat stored shape
    metrics = [(label, _value_text(values.get(key), unit)) for label, key, unit in (
        ("Cadence", "cadence_spm", "steps/min"), ("Overstride", "overstride_pct_leg", "% leg"),
        ("Knee flexion at landing", "knee_flexion_ic_deg", "deg"), ("Peak knee flexion", "peak_knee_flexion_deg", "deg"),
        ("Shank angle at landing", "shank_angle_ic_deg", "deg"), ("Trunk lean", "trunk_lean_deg", "deg"),
        ("Contact time", "contact_time_ms", "ms"), ("Foot strike", "foot_strike", ""),
        ("Speed", "speed_m_s", "m/s"),
    ) if values.get(key) is not None]
    found = [charts.gait_metrics_chart(values), charts.knee_steps_chart(values)]
    folder = Path(gait_dir) if gait_dir else None
    if folder is not None:
        found.append(charts.image_file_chart(folder / "landing.png", "The runner at landing (initial contact)",
                                             "Drawn from the video's keypoints at a typical contact."))
        found.append(charts.image_file_chart(folder / "knee_angle.png", "Knee angle over each stride",
                                             "Drawn by the gait analysis: landing (IC) and toe-off (TO) marked."))
    if gait.quality is not None:
        metrics.append(("Video quality (0-1)", f"{gait.quality:.2f}"))
    # What the quality score means and why left/right differ lead the notes, beside the numbers they explain.
    leading = [line for line in (gait.quality_text, gait.side_difference_note) if line]
    return _domain("gait", _finding_rows(list(gait.findings), refs, explained, values), metrics, [c for c in found if c],
                   leading + list(gait.warnings), True)


def _clinic_domain(checkin: CheckinAssessment | None, refs: References, explained: set[str]) -> dict:
    if checkin is None:
        return _domain("clinic", [], [], [], [], False)
    answers = checkin.answers
    metrics = [(label, _value_text(answers.get(key), unit)) for label, key, unit in (
        ("Pain now", "pain_now", "/10"), ("Pain during running", "pain_during_run", "/10"),
        ("Pain next morning", "pain_next_morning", "/10"),
    ) if answers.get(key) is not None]
    if checkin.ostrc is not None:
        metrics.append(("OSTRC severity", checkin.ostrc.value_words()))
    found = [charts.selftest_chart(answers)]
    notes = [f"{answer_in_words(str(r.get('question')), r.get('value'))} (recorded; {r.get('note')})" for r in checkin.recorded]
    return _domain("clinic", _finding_rows(list(checkin.findings), refs, explained), metrics, [c for c in found if c],
                   notes, True)


def _trend_points(history: list[CheckinRecord] | None, checkin: CheckinAssessment) -> list[dict]:
    from kneeguard.clinic.ostrc import score_ostrc

    # this knee's episode only: a line through another knee's check-ins drew pain before this one began (read 30)
    earlier = [r for r in history or [] if r.on_date < checkin.on_date]
    episode = same_knee(earlier, checkin.answers) + [r for r in history or [] if r.on_date >= checkin.on_date]
    points = []
    for rec in episode:
        ostrc = score_ostrc(rec.answers)
        points.append({"date": rec.on_date, **_pain_scores(rec.answers), "ostrc": ostrc.severity if ostrc else None})
    if not points:
        points.append({"date": checkin.on_date, **_pain_scores(checkin.answers),
                       "ostrc": checkin.ostrc.severity if checkin.ostrc else None})
    return points


def _pain_scores(answers: dict) -> dict[str, float | None]:
    """The check-in's three pain scores as the trend chart draws them: in runs, at rest, the next morning (one
    'worse of now and in runs' line hid the pain at rest, a physiotherapist's read 36)."""
    def score(key: str) -> float | None:
        value = answers.get(key)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    return {"during": score("pain_during_run"), "now": score("pain_now"), "morning": score("pain_next_morning")}


def _domain(key: str, findings: list, metrics: list, chart_list: list, notes: list, has_data: bool) -> dict:
    return {"key": key, "title": DOMAIN_TITLES[key], "has_data": has_data, "findings": findings,
            "metrics": metrics, "charts": chart_list, "notes": notes,
            "empty": None if has_data else {"what": HOW_TO_ADD[key][0], "how": HOW_TO_ADD[key][1]}}


def _causes(checkin: CheckinAssessment | None, refs: References) -> list[dict]:
    return [{"name": c.get("name", ""), "label": c.get("label") or "possibility - not a diagnosis",
             "why": list(c.get("why") or []), "examine": c.get("professional_would_examine") or "",
             "care": _care_text(c.get("usual_level_of_care")), "about": c.get("about", ""),
             "cites": refs.cite(c.get("citations"))}
            for c in (checkin.possible_causes if checkin is not None else [])]


def _care_text(code: Any) -> str:
    """The registry's care codes ('S -> R') in words ('self-care, then routine')."""
    words = {"S": "self-care", "R": "routine", "U": "urgent", "E": "emergency"}
    text = re.sub(r"\b([SRUE])\b", lambda m: words[m.group(1)], str(code or ""))
    return text.replace(" -> ", ", then ")


def _missing(from_context: list[MissingPart], from_advice: list[MissingPart], domains: list[dict]) -> list[dict]:
    out = [{"what": m.message, "how": m.how} for m in [*from_context, *from_advice]]
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


def _run_days(load_report: Any) -> list[dt.date]:
    runs = getattr(load_report, "runs", None)
    if runs is None or len(runs) == 0 or "date" not in runs:
        return []
    return [d for d in (_day(v) for v in runs["date"].tolist()) if d is not None]


def _day(value: Any) -> dt.date | None:
    """A stored date (a date, a datetime or timestamp, or its ISO text in an older stored load report) as a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _date_text(day: dt.date | None) -> str:
    return day.isoformat() if day else ""
