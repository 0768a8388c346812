"""Self-test and history answers as Findings (domain 'clinic'), norms from the registry.

Below-norm results are prompts for a professional, not diagnoses. Plank holds,
leg-length difference and shoe age have no sourced norm: they are recorded and
produce no below-norm finding (the registry says why); the two self-tests among
them give one uncertain INFO finding each, so the runner sees why and what to do.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from kneeguard import evidence
from kneeguard.clinic import codes
from kneeguard.findings import Finding, Severity, make_finding

SIDES = ("left", "right")


def selftest_findings(answers: Mapping[str, Any], on_date: dt.date | None = None) -> list[Finding]:
    sex = answers.get("sex")
    out: list[Finding] = []
    out += _heel_rise(answers, sex, on_date)
    out += _bridge(answers, on_date)
    out += _knee_to_wall(answers, on_date)
    out += _ake(answers, sex, on_date)
    out += _history(answers, on_date)
    out += _without_norm(answers, on_date)
    return out


_PEOPLE = {"male": "men", "female": "women"}  # the norm's groups, in the words a runner uses


def _other_median(medians: Mapping[str, int], sex: str) -> str:
    """'women: 21': the other group's median, said too (read 47: the sex the finding rests on may be in doubt)."""
    return "; ".join(f"{_PEOPLE[other]}: {value}" for other, value in medians.items() if other != sex)


def _heel_rise(answers: Mapping[str, Any], sex: str | None, on_date: dt.date | None) -> list[Finding]:
    median = evidence.rule("clinic.selftest.heel_rise_median")
    noise = evidence.rule("clinic.selftest.heel_rise_noise")
    out = []
    for side in SIDES:
        count = answers.get(f"heel_rise_{side}")
        if count is None or sex not in median.value or count >= median.value[sex]:
            continue
        # read 49: below every group's median, the title does not rest on the sex (which may be in doubt)
        groups = "men and women" if count < min(median.value.values()) else _PEOPLE[sex]
        out.append(make_finding(
            # INFO: half of healthy adults are below it (physiotherapists' reads 15-21); the plan still acts on it
            # as a prompt (`advice.factors.prompt_only`), never ranking it as a cause.
            # read 45: "for males" in the title and "in healthy adults" in the text read as two different norms
            codes.HEEL_RISE_BELOW_MEDIAN, Severity.INFO, f"Heel raises ({side}) below the median for {groups}",
            f"{count} single-leg heel raises is below the median of {median.value[sex]} for healthy {_PEOPLE[sex]} "
            f"({_other_median(median.value, sex)}; a study of 566 adults). Half of healthy people score below the "
            "median, so read this as a prompt to build calf capacity, not as a problem.",
            measured=count, threshold=median.value[sex], unit="reps", rule=median, on_date=on_date, side=side))
    left, right = answers.get("heel_rise_left"), answers.get("heel_rise_right")
    if left is not None and right is not None and abs(left - right) > noise.value:
        weaker = "left" if left < right else "right"
        out.append(make_finding(
            codes.HEEL_RISE_ASYMMETRY, Severity.LOW, f"Heel raises: {weaker} side weaker beyond test noise",
            f"Left {left} vs right {right}: a difference of {abs(left - right)} is more than the test's day-to-day "
            f"noise of about {noise.value} repetitions.",
            measured=abs(left - right), threshold=noise.value, unit="reps apart", rule=noise, on_date=on_date,
            weaker_side=weaker))
    return out


def _bridge(answers: Mapping[str, Any], on_date: dt.date | None) -> list[Finding]:
    poor = evidence.rule("clinic.selftest.bridge_poor")
    out = []
    for side in SIDES:
        count = answers.get(f"bridge_{side}")
        if count is not None and count < poor.value:
            out.append(make_finding(
                codes.BRIDGE_POOR, Severity.MODERATE, f"Single-leg hamstring bridge ({side}) in the 'poor' range",
                f"{count} repetitions is under {poor.value}, rated 'poor' in a clinic interpretation of Freckleton 2014, "
                "where lower scores predicted hamstring injury in footballers. It measures endurance, not maximal strength.",
                measured=count, threshold=poor.value, unit="reps", rule=poor, on_date=on_date, side=side))
    return out


def _knee_to_wall(answers: Mapping[str, Any], on_date: dt.date | None) -> list[Finding]:
    soft = evidence.rule("clinic.selftest.ktw_soft_cutoff")
    per_cm = float(evidence.value("clinic.selftest.ktw_deg_per_cm"))
    out = []
    both = {side: answers.get(f"ktw_{side}_cm") for side in SIDES}
    # Both sides beside each other, not judged: the registry has no sourced side-to-side limit for this test
    # (a physiotherapist read 'a side-to-side difference is more useful' beside L 11 / R 8 cm left unsaid).
    sides = (f" Left {both['left']:g} cm, right {both['right']:g} cm: kneeguard has no sourced limit for a "
             "side-to-side difference in this test, so the difference is shown, not judged."
             if all(isinstance(v, (int, float)) for v in both.values()) else
             " Measure the other side too, to see the two side by side.")
    for side in SIDES:
        cm = both[side]
        if cm is not None and cm < soft.value:
            out.append(make_finding(
                codes.KNEE_TO_WALL_SOFT, Severity.INFO, f"Knee-to-wall ({side}) under the commonly quoted {soft.value} cm",
                f"{cm:g} cm is about {cm * per_cm:.0f} degrees of ankle bend. The '<{soft.value} cm' cut-off is widely "
                "quoted but NOT sourced in kneeguard's evidence, so this is information only." + sides,
                measured=cm, threshold=soft.value, unit="cm", rule=soft, on_date=on_date,
                details={"degrees": round(cm * per_cm, 1)}, side=side))
    return out


def _ake(answers: Mapping[str, Any], sex: str | None, on_date: dt.date | None) -> list[Finding]:
    cut = evidence.rule("clinic.selftest.ake_shortness")
    # Without a sex, only a value beyond both cut-offs is flagged.
    threshold = cut.value.get(sex, max(cut.value.values())) if sex else max(cut.value.values())
    youngest, oldest = evidence.value("clinic.selftest.ake_norm_ages")
    age = answers.get("age")
    # a young-adult norm: outside its ages the result is shown, not judged (`clinic.selftest.ake_norm_ages`)
    outside = (f"the cut-off comes from adults aged {youngest}-{oldest} and you are {age}: shown, not judged"
               if isinstance(age, (int, float)) and not youngest <= age <= oldest else "")
    out = []
    for side in SIDES:
        deg = answers.get(f"ake_{side}_deg")
        if deg is not None and deg > threshold:
            out.append(make_finding(
                codes.AKE_SHORT, Severity.LOW, f"Active knee extension ({side}): "
                + ("beyond the young-adult cut-off" if outside else "hamstring shortness"),
                (f"{deg:g} degrees short of straight is beyond the {threshold} degree cut-off, which was derived in "
                 f"adults aged {youngest}-{oldest}: at {age}, compare it with your own later re-tests rather than "
                 "read it as hamstring shortness." if outside else
                 f"{deg:g} degrees short of straight is beyond the {threshold} degree cut-off for hamstring shortness "
                 f"(derived in adults aged {youngest}-{oldest}).") + _other_side_words(answers, side),
                measured=deg, threshold=threshold, unit="deg", rule=cut, on_date=on_date, side=side,
                uncertain=outside))
    return out


def _other_side_words(answers: Mapping[str, Any], side: str) -> str:
    """' Other side (left): 26 degrees.' where it was measured (read 47: a finding about one side read as if the
    other were not measured or normal); '' otherwise."""
    other = next(s for s in SIDES if s != side)
    deg = answers.get(f"ake_{other}_deg")
    return f" Other side ({other}): {deg:g} degrees." if deg is not None else ""


def _history(answers: Mapping[str, Any], on_date: dt.date | None) -> list[Finding]:
    out = []
    if answers.get("previous_injury") is True:
        hr = evidence.rule("clinic.history.previous_injury_hr")
        ratio, low, high = hr.value
        out.append(make_finding(
            codes.PREVIOUS_INJURY, Severity.INFO, "A previous running injury",
            f"A previous injury is one of the most consistent risk factors for a new one: in one cohort of recreational "
            f"runners, those with one were about {ratio:g} times as likely to be injured again (hazard ratio {ratio} "
            f"({low}-{high})). Progress load carefully.", measured="yes", rule=hr, on_date=on_date))
    years = answers.get("years_running")
    novice = evidence.rule("clinic.history.novice_months")
    if years is not None and years * 12 < novice.value:
        out.append(make_finding(
            codes.NOVICE_RUNNER, Severity.INFO, "Running for less than 6 months",
            "Runners with under 6 months' experience had about twice the injury likelihood of runners with 5-10 years.",
            measured=round(years * 12, 1), threshold=novice.value, unit="months", rule=novice, on_date=on_date))
    return out


# Answers with no sourced norm -> the registry rule that says so.
WITHOUT_NORM = {
    "plank_s": "clinic.selftest.plank_no_norm", "side_plank_left_s": "clinic.selftest.plank_no_norm",
    "side_plank_right_s": "clinic.selftest.plank_no_norm", "leg_length_diff_cm": "clinic.selftest.leg_length_no_norm",
    "shoe_age_months": "clinic.history.shoe_age_no_norm",
}
# The self-tests among them: each gives one uncertain finding (shown with what to do, never acted on).
UNCERTAIN_TESTS = (
    (codes.PLANK_NO_NORM, "clinic.selftest.plank_no_norm", "Plank holds: no norm to compare with", "s",
     "re-test the same way after a few weeks of the plan and compare with yourself"),
    (codes.LEG_LENGTH_NO_NORM, "clinic.selftest.leg_length_no_norm", "Leg-length difference: no norm to compare with",
     # No registry threshold for a clinically relevant difference (no runner evidence): so no number, no heel lifts.
     "cm", "no study links it to running injury: no action needed (no heel lifts)"),
)


def _without_norm(answers: Mapping[str, Any], on_date: dt.date | None) -> list[Finding]:
    """One uncertain finding per self-test that was done but has no sourced norm."""
    out = []
    for code, key, title, unit, todo in UNCERTAIN_TESTS:
        values = {q: answers[q] for q, k in WITHOUT_NORM.items() if k == key and answers.get(q) is not None}
        if not values:
            continue
        rule = evidence.rule(key)
        measured = ", ".join(f"{q.replace('_', ' ').removesuffix(' s').removesuffix(' cm')} {v:g} {unit}"
                             for q, v in values.items())
        out.append(make_finding(
            code, Severity.INFO, title, f"Recorded: {measured}. {rule.summary}", measured=measured, rule=rule,
            on_date=on_date, uncertain=f"no sourced norm, so not judged; {todo}"))
    return out


def recorded_without_norm(answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Answers kept for the record with the reason no finding is made."""
    out = []
    for qid, key in WITHOUT_NORM.items():
        if answers.get(qid) is not None:
            ev = evidence.rule(key)
            out.append({"question": qid, "value": answers[qid], "note": ev.summary, "citations": [c.to_dict() for c in ev.citations]})
    return out
