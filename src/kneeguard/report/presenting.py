"""The check-in in a clinician's shorthand for the report's data-source table: the presenting complaint, what is
absent (the negatives a clinician asks for), what aggravates it, and the self-test values side by side.

A physiotherapist's reads: the summary gave no side, site, duration or pain scores; then no pertinent negatives,
no aggravating factors and none of the measured self-test values. Every value is the check-in's own answer (or the
pain history's duration, `clinic.episode.PainHistory`, which the check-in's and the plan's words read too).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from kneeguard.text import listed

# A display rule, not a health threshold: the check-in counts running less in whole weeks, so a whole week or
# more with no imported run before it, beside "0 weeks" of running less and a pain score for the last run, does
# not add up: runs may be missing from the import (or she stopped without saying). Said neutrally, never judged.
DATA_GAP_DAYS = 7

# Symptoms a clinician asks about at a posterior knee, by question: the answer(s) that mean "absent", and the short
# name the shorthand uses. Presentation only: the triage reads the answers themselves.
NEGATIVES = (
    ("swelling", ("none",), "knee swelling"),  # the knee's: beside a swollen calf 'no swelling' read as a contradiction
    ("locking", ("no",), "locking"),
    ("catching", (False,), "catching"),
    ("giving_way", (False,), "giving way"),
    ("lump", (False,), "lump"),
    ("calf_swelling", (False,), "calf swelling"),
    ("foot_numb_tingling", (False,), "numbness or tingling"),
)


def duration_shorthand(checkin) -> str:
    """'3 wk', or '5 wk (said 3)' when the earlier check-ins date the pain further back (the same
    `clinic.episode.PainHistory` the check-in's and the plan's words read)."""
    weeks = checkin.answers.get("duration_weeks")
    if not isinstance(weeks, (int, float)):
        return ""
    history = checkin.pain_history
    if history is not None and history.differs_from_answer:
        return f"{history.weeks} wk (said {weeks:g})"
    return f"{weeks:g} wk"


def missing_runs_words(checkin, last_run: dt.date | None) -> str:
    """'runs since 22 Nov may be missing from the import' when the last imported run is `DATA_GAP_DAYS` or more
    before the check-in, yet the check-in gives a pain score for a run ('' otherwise, and '' when its own "days
    since your last run" agrees with the import). Physiotherapists read 'last run 15 days before it' beside a
    run's pain score as a contradiction (the plan's restart assumes the break)."""
    if checkin is None or last_run is None:
        return ""
    a = checkin.answers
    gap = (checkin.on_date - last_run).days
    said = a.get("last_run_days_ago")
    agrees = isinstance(said, (int, float)) and not isinstance(said, bool) and abs(said - gap) <= 1
    if not isinstance(a.get("pain_during_run"), (int, float)) or gap < DATA_GAP_DAYS or agrees:
        return ""
    return f"runs since {last_run:%d %b} may be missing from the import"


# The answers `presenting_complaint` shows (the duration as 'N wk (said M)', the pain scores): the answers that
# set the triage level are listed beside it without these, so each value is read once on the page.
PRESENTED = ("duration_weeks", "pain_during_run", "pain_next_morning", "pain_now")


def driving_beyond_presenting(checkin) -> tuple[list[str], bool]:
    """The answers that set the level, in the summary's brief words, less those the presenting complaint shows;
    and whether any were left out for that reason (the page then points to the Check-in row)."""
    from kneeguard.clinic.engine import answer_in_words

    driving = checkin.driving_answers
    shown = checkin.answers.get("has_pain") is True  # the presenting complaint shows scores only with pain
    kept = [answer_in_words(q, a, brief=True) for q, a in driving.items() if not (shown and q in PRESENTED)]
    return kept, shown and any(q in PRESENTED for q in driving)


def presenting_complaint(checkin) -> str:
    """The presenting complaint in a clinician's shorthand, from the latest check-in's own answers (a
    physiotherapist's read: the summary gave no side, site, duration or pain scores)."""
    a = checkin.answers
    if a.get("has_pain") is not True:
        return "no pain reported"
    where = " ".join(x for x in (a.get("side") or "", "/".join(a.get("location") or [])) if x and x != "unsure")
    who = " ".join(x for x in (f"{a['age']:g} y" if isinstance(a.get("age"), (int, float)) else "",
                               {"female": "F", "male": "M"}.get(a.get("sex") or "", "")) if x)
    parts = [who, where, a.get("onset") or "", duration_shorthand(checkin)]
    pain = pain_scores(a, with_now=True)
    if pain:
        parts.append("pain " + ", ".join(pain))
    if checkin.ostrc is not None:
        parts.append(f"OSTRC {checkin.ostrc.severity}/100")
    if a.get("previous_injury") is True:
        parts.append("previous injury")
    parts.append(negatives_and_aggravators(a))
    return "; ".join(p.replace("_", " ") for p in parts if p)


def pain_scores(answers: dict[str, Any], with_now: bool = False) -> list[str]:
    """['3/10 in runs', '1/10 next morning'(, '0/10 now')]: the pain answers given, as the summary says them."""
    labels = (("pain_during_run", "in runs"), ("pain_next_morning", "next morning"),
              *((("pain_now", "now"),) if with_now else ()))
    return [f"{answers[k]:g}/10 {label}" for k, label in labels if isinstance(answers.get(k), (int, float))]


def negatives_and_aggravators(answers: dict[str, Any]) -> str:
    """'stiffness; worse with downhill, push off, resisted bend; no swelling, locking, ... or tingling; waking at
    night not ticked (when it hurts)'. An answer of no is 'no'; a timing option left unticked is said as such, since
    nothing asked about it on its own (a physiotherapist read 'no night pain' as a negative never asked)."""
    if answers.get("has_pain") is not True:
        return ""
    absent = [name for qid, no, name in NEGATIVES if qid in answers and answers[qid] in no]
    timing = answers.get("timing")
    # 'not reported' read as 'not asked' (read 34): it is an option of 'When does it hurt?' left unticked
    unticked = ("waking at night not ticked (when it hurts)" if isinstance(timing, list) and timing
                and "night" not in timing else "")
    when = [w.replace("_", " ") for w in answers.get("stiffness_when") or []]
    parts = [("stiffness" + (f" ({', '.join(when)})" if when else "")) if answers.get("stiffness") is True else ""]
    aggravators = [a for a in answers.get("aggravators") or [] if a not in ("none", "dont_know")]
    if aggravators:
        parts.append("worse with " + ", ".join(a.replace("_", " ") for a in aggravators))
    if absent:
        parts.append("no " + (", ".join(absent[:-1]) + " or " + absent[-1] if len(absent) > 1 else absent[0]))
    return "; ".join(p for p in [*parts, unticked] if p)


def selftest_shorthand(answers: dict[str, Any]) -> str:
    """Each answered self-test's values, left/right side by side: 'Single-leg heel raises L 24 / R 17 reps; ...'."""
    from kneeguard.clinic.selftests import load_selftests

    out = []
    for test in load_selftests():
        values = [(q, answers[q.id]) for q in test.questions if isinstance(answers.get(q.id), (int, float))]
        if not values:
            continue
        unit = values[-1][0].unit or ""
        sides = [f"{_side(q.id)}{v:g}" for q, v in values]
        longer = answers.get("leg_length_longer") if test.id == "leg_length" else None
        out.append(f"{test.name} {' / '.join(sides)}{(' ' + unit) if unit else ''}"
                   + (f" ({longer} longer)" if longer in ("left", "right") else ""))
    return "; ".join(out)


def _side(qid: str) -> str:
    return "L " if "_left" in qid else "R " if "_right" in qid else ""


# The gait row's headline numbers (a physiotherapist's read: "no numbers"): the metric, its short name, its unit.
GAIT_HEADLINE = (("cadence_spm", "step rate", "/min"), ("knee_flexion_ic_deg", "knee at landing", "°"),
                 ("trunk_lean_deg", "trunk lean", "°"))


def gait_shorthand(gait) -> str:
    """'step rate 168/min, knee at landing 9.7°, trunk lean 3°, peak knee bend L 28° / R 20°, ±5 deg 2D-video error':
    each headline value rounded as its gait finding shows it (`numbers.shown_value` against the finding's flag),
    and each left/right difference the plan names as a reason for a gait analysis (beyond the video's error,
    `advice.footwear.beyond_error_asymmetries`), both sides with the measure's error."""
    from kneeguard.advice.footwear import beyond_error_asymmetries, sides_text
    from kneeguard.gait.metrics import REGISTRY
    from kneeguard.numbers import shown_value

    shown = []
    for key, name, unit in GAIT_HEADLINE:
        value = getattr(gait, key, None)
        if not isinstance(value, (int, float)):
            continue
        flags = [f.threshold for f in gait.findings if isinstance(f.threshold, (int, float))
                 and isinstance(f.measured, (int, float)) and abs(f.measured - value) < 1e-3]
        shown.append(f"{name} {shown_value(value, flags) if flags else f'{value:.0f}'}{unit}")
    for key in dict.fromkeys(beyond_error_asymmetries(gait)):
        shown.append(f"{REGISTRY[key].label} {sides_text(gait, key)}")
    return ", ".join(shown)


def running_since(run_days: list[dt.date], first_dated: dt.date | None) -> str:
    """'runs from 01 Sep 2026 on with no break of 14 days or more' when the record's dated runs have such a
    break after its first run ('' otherwise): physiotherapists twice read a range starting years back (old files
    in the record) as wrong; the current block's start says what the range does not. The break is the plan's own
    (`advice.run.break_days`)."""
    from kneeguard import evidence

    days = sorted(d for d in run_days if first_dated is None or d >= first_dated)
    gap = int(evidence.value("advice.run.break_days"))
    starts = [b for a, b in zip(days, days[1:]) if (b - a).days >= gap]
    if not starts:
        return ""
    # the runs before the block, counted and dated, so the range's first day reads as a real run (reads 20-21 still
    # took it for the undated run's)
    earlier = sum(d < starts[-1] for d in days)
    first = f"the first on {days[0]:%d %b %Y}" if earlier > 1 else f"on {days[0]:%d %b %Y}"
    return (f"runs from {starts[-1]:%d %b %Y} on with no break of {gap} days or more "
            f"({earlier} earlier dated run{'s' if earlier != 1 else ''}, {first})")


def other_knee_shorthand(history: list | None, days: tuple) -> str:
    """'15 Nov: 3/10 in runs, 1/10 next morning, self-care; 22 Nov: ...; ' for the other knee's check-ins (read 47:
    a clinician asked what that knee's episode had been, not only that there was one); '' without the records."""
    parts = []
    for record in (r for r in history or [] if r.on_date in days):
        said = ", ".join([*pain_scores(record.answers or {}), *([record.level.value] if record.level else [])])
        parts.append(f"{record.on_date:%d %b}: {said}" if said else f"{record.on_date:%d %b}")
    return "".join(f"{part}; " for part in parts)


def unconfirmed_words(conflicts: list[str], other_knee_days: tuple, side: str | None, referral: Any = None) -> str:
    """What the summary's reader must know is unconfirmed, in a line (the plan's notes, for a clinician): 'the
    check-in says sex male (profile: female), so the profile's runs, video and shoes (‡) may be another person's;
    the earlier check-ins of 15 Nov and 22 Nov were about the right knee.' ('' when nothing is)."""
    from kneeguard.clinic.episode import other_knee

    parts = []
    if referral is not None:  # `clinic.referral.EarlierReferral`: a higher level this check-in must not undo
        parts.append(f"the check-in of {referral.on_date:%d %b} was {referral.level.value}: {referral.action}; "
                     f"whether a professional has seen the runner since: {referral.seen_words}")
    if conflicts:
        parts.append(f"the check-in says {' and '.join(conflicts)}, so the profile's runs, video and shoes (‡) may "
                     "be another person's")
    if other_knee_days:
        days = listed([f"{d:%d %b}" for d in other_knee_days])
        parts.append(f"the earlier check-in{'s' if len(other_knee_days) > 1 else ''} of {days} "
                     f"{'were' if len(other_knee_days) > 1 else 'was'} about the {other_knee(side)} knee")
    return f"{'; '.join(parts)}." if parts else ""
