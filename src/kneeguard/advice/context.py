"""Everything the advice engine knows about one athlete on one day, gathered from the store.

Each part (load history, latest gait session, latest check-in, shoes) may be
missing; a missing part stays None and is listed in `missing` with the command
that adds it. Findings from all sources are kept as one list of `Finding`s; where
each came from (load / gait / checkin) is `finding_source(f)`.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from kneeguard import evidence
from kneeguard.advice.load_reference import PainOnset, PastRun, estimate_pain_onset
from kneeguard.clinic.episode import other_knee_days, other_knee_words, same_knee
from kneeguard.advice.pain import SessionPain
from kneeguard.advice.overrides import PlanOverride
from kneeguard.clinic import codes as clinic_codes
from kneeguard.clinic.levels import TriageLevel
from kneeguard.clinic.referral import EarlierReferral
from kneeguard.findings import Finding
from kneeguard.load.spike import in_reference_window, window_days
from kneeguard.gait.summary import GaitSummary
from kneeguard.profile import AthleteProfile, ShoeStatus

if TYPE_CHECKING:
    from kneeguard.clinic.assess import CheckinAssessment

log = logging.getLogger(__name__)
# Findings are named by the part of the data they came from; the clinic's come from the check-in.
SOURCE_OF_DOMAIN = {"clinic": "checkin"}


def finding_source(finding: Finding) -> str:
    """Where a finding came from: "load", "gait" or "checkin"."""
    return SOURCE_OF_DOMAIN.get(finding.domain, finding.domain)


@dataclass(frozen=True)
class MissingPart:
    part: str  # "activities" | "checkin" | "self_tests" | "gait" | "shoes" | "athlete"
    message: str
    how: str  # the command that adds it

    def text(self) -> str:
        return f"{self.message}: {self.how}"

    def to_dict(self) -> dict[str, str]:
        return {"part": self.part, "message": self.message, "how": self.how}


@dataclass
class AthleteContext:
    athlete: str
    as_of: dt.date
    profile: AthleteProfile | None = None
    load_report: Any = None  # kneeguard.load.LoadReport | None
    gait: GaitSummary | None = None  # latest gait session
    checkin: CheckinAssessment | None = None  # the latest check-in, re-assessed
    shoes: list[ShoeStatus] = field(default_factory=list)
    # pain during / next morning recorded with plan sessions ticked off since the latest check-in
    session_pain: list[SessionPain] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    pain_onset: PainOnset | None = None  # start of the current pain episode, from the check-ins
    other_knee_checkins: tuple = ()  # earlier check-ins about the other knee: not this episode (`same_knee`)
    missing: list[MissingPart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # stale data, conflicts between sources
    overrides: list[PlanOverride] = field(default_factory=list)  # the clinician's edits in force

    @property
    def profile_note(self) -> str:
        """The note when the check-in's sex or age disagrees with the stored profile ('' when they agree): the
        self-test norms read the answers, the running plan the profile's data; the plan says it first (read 38)."""
        return profile_conflict_words(profile_conflicts(self))

    @property
    def referral_note(self) -> str:
        """An earlier check-in's referral this calmer one must not quietly undo ('' without one): said first of
        all the notes (`clinic.referral`)."""
        referral = self.checkin.earlier_referral if self.checkin is not None else None
        return referral.words if referral is not None else ""

    @property
    def other_knee_note(self) -> str:
        """The note when earlier check-ins were about the other knee ('' otherwise): said first with the profile
        note (read 42: at the plan's end it came after the exercises that lead with the check-in's side)."""
        return other_knee_words(self.answers.get("side"), self.other_knee_checkins)

    @property
    def checkin_date(self) -> dt.date | None:
        return self.checkin.on_date if self.checkin else None

    @property
    def checkin_age_days(self) -> int | None:
        return (self.as_of - self.checkin.on_date).days if self.checkin else None

    @property
    def checkin_stale(self) -> bool:
        """The latest check-in is too old to say how the knee is now: loads hold until a new one."""
        age = self.checkin_age_days
        return age is not None and age > int(evidence.value("advice.checkin.stale_days"))

    @property
    def gait_date(self) -> dt.date | None:
        return self.gait.recorded_date if self.gait else None

    @property
    def answers(self) -> dict[str, Any]:
        return dict(self.checkin.answers) if self.checkin else {}

    @property
    def certain_findings(self) -> list[Finding]:
        """The findings whose evidence is good enough to act on (the plan reads only these)."""
        return [f for f in self.findings if not f.uncertain]

    @property
    def uncertain_findings(self) -> list[Finding]:
        """Findings from doubtful evidence: shown with their reason, never acted on."""
        return [f for f in self.findings if f.uncertain]

    @property
    def finding_codes(self) -> list[str]:
        """The codes of the certain findings: what programmes, pain rules and footwear advice act on."""
        return [f.code for f in self.certain_findings]

    def past_runs(self) -> list[PastRun]:
        """Every run up to as_of, oldest first, with the load analysis's spike band."""
        runs = getattr(self.load_report, "runs", None)
        if runs is None or len(runs) == 0:
            return []
        days = pd.to_datetime(runs["date"]).dt.date.tolist()
        km = (runs["distance_m"].astype(float) / 1000).tolist()
        dur = runs["duration_s"].astype(float).tolist() if "duration_s" in runs else [None] * len(km)
        bands = runs["spike_band"].tolist() if "spike_band" in runs else [None] * len(km)
        refs = (runs["ref_longest_m"].astype(float) / 1000).tolist() if "ref_longest_m" in runs else [None] * len(km)
        # a table stored before the column existed: every window counted as whole, as it was then
        whole = runs["window_in_record"].astype(bool).tolist() if "window_in_record" in runs else [True] * len(km)
        return [PastRun(d, k, s if s == s else None, b if isinstance(b, str) else None, r if r == r else None, w)
                for d, k, s, b, r, w in zip(days, km, dur, bands, refs, whole, strict=True)
                if d <= self.as_of and k == k and k > 0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "athlete": self.athlete, "as_of": self.as_of.isoformat(),
            "has": {"activities": self.load_report is not None, "checkin": self.checkin is not None,
                    "gait": self.gait is not None, "shoes": bool(self.shoes)},
            "checkin_date": _iso(self.checkin_date), "gait_date": _iso(self.gait_date),
            "findings": [{**f.to_dict(), "source": finding_source(f)} for f in self.findings], "missing": [m.to_dict() for m in self.missing], "notes": list(self.notes),
        }


def make_context(
    athlete: str,
    as_of: dt.date,
    *,
    profile: AthleteProfile | None = None,
    activities: pd.DataFrame | None = None,
    load_report: Any = None,
    checkin: CheckinAssessment | None = None,
    gait: GaitSummary | None = None,
    shoes: list[ShoeStatus] | tuple = (),
    session_pain: list[SessionPain | tuple] | tuple = (),
    overrides: list[PlanOverride] | tuple = (),
    athlete_known: bool = True,
    checkin_history: list | tuple = (),
) -> AthleteContext:
    """Build a context from parts already in hand (tests, the demo); `gather_context` reads the store.
    `checkin_history`: earlier check-ins (anything with `on_date` and `answers`), to date the pain's onset."""
    shoes = list(shoes)
    if load_report is None and activities is not None and len(activities):
        from kneeguard.load import analyze_load

        load_report = analyze_load(activities, profile, as_of, shoes)
    ctx = AthleteContext(athlete, as_of, profile, load_report, gait, checkin, shoes, overrides=list(overrides))
    since = ctx.checkin_date
    ticks = [SessionPain.of(t) for t in session_pain]
    ctx.session_pain = sorted((t for t in ticks if t.recorded and t.day <= as_of and (since is None or t.day >= since)),
                              key=lambda t: (t.day, t.kind))
    ctx.findings = _all_findings(ctx)
    # the check-ins before the latest (store records or assessments: on_date + answers) date the pain episode
    earlier = [c for c in checkin_history if since is not None and c.on_date < since]
    if checkin is not None:  # this knee's episode only: `same_knee` keeps the latest run, the rest is the other knee
        ctx.other_knee_checkins = other_knee_days(earlier, checkin.answers)
        earlier = same_knee(earlier, checkin.answers)
    ctx.pain_onset = estimate_pain_onset([*earlier, checkin]) if checkin else None
    ctx.missing = _missing_parts(ctx, athlete_known)
    ctx.notes = _notes(ctx)
    return ctx


def stored_load_report(store, athlete: str | None, as_of: dt.date):
    """The load analysis of one stored athlete as of `as_of` (UnknownAthlete when there is none)."""
    from kneeguard.load import analyze_load
    from kneeguard.store.config import DEFAULT_ATHLETE
    from kneeguard.store.queries import load_inputs

    with store.session() as session:
        profile, frame, shoes = load_inputs(session, athlete or DEFAULT_ATHLETE, as_of)
    return analyze_load(frame, profile, as_of, shoes)


def gather_context(store, athlete: str | None, as_of: dt.date) -> AthleteContext:
    """Read load history, shoes, the latest check-in and gait session as of `as_of` from the store."""
    from kneeguard.store import UnknownAthlete, athletes, plan_log, plan_overrides, records
    from kneeguard.store.config import DEFAULT_ATHLETE
    from kneeguard.store.queries import load_inputs

    name = athlete or DEFAULT_ATHLETE
    with store.session() as session:
        try:
            row = athletes.get(session, name)
        except UnknownAthlete:
            return make_context(name, as_of, athlete_known=False)
        profile, frame, shoes = load_inputs(session, row, as_of)
        checkin_rows = records.list_checkins(session, row.id)
        gait_rows = records.list_gait_sessions(session, row.id)
        # ticks as old as a still-current check-in can be (older ones say little about the knee now)
        look_back = dt.timedelta(days=int(evidence.value("advice.checkin.stale_days")))
        ticks = plan_log.completions(session, row, start=as_of - look_back, end=as_of)
        edits = plan_overrides.list_active(session, row)
    return make_context(
        name, as_of, profile=profile, activities=frame if len(frame) else None, shoes=shoes,
        checkin=assess_latest_checkin([r["record"] for r in checkin_rows], as_of),
        checkin_history=_parsed_checkins([r["record"] for r in checkin_rows], as_of),
        gait=latest_gait(gait_rows, as_of),
        session_pain=[SessionPain(t.day, t.session_key, t.pain_during, t.pain_morning) for t in ticks.values()],
        overrides=edits,
    )


def _parsed_checkins(records: list[dict[str, Any]], as_of: dt.date) -> list:
    from kneeguard.advice.checkins import parse_records

    return [r for r in parse_records(records) if r.on_date <= as_of]


def assess_latest_checkin(records: list[dict[str, Any]], as_of: dt.date) -> CheckinAssessment | None:
    """Re-assess the latest stored check-in on or before `as_of` against the ones before it."""
    from kneeguard.advice.checkins import parse_records
    from kneeguard.clinic.assess import CheckinAssessment, CheckinError, assess

    parsed = [r for r in parse_records(records) if r.on_date <= as_of]
    if not parsed:
        return None
    latest = parsed[-1]
    try:
        return assess(latest.answers, history=parsed[:-1], today=latest.on_date)
    except CheckinError as exc:
        # An old record may not satisfy today's questionnaire: keep its stored level, say so.
        log.warning("stored check-in of %s could not be re-assessed: %s", latest.on_date, exc)
        return CheckinAssessment.stored_level_only(latest, str(exc))


def latest_gait(rows: list[dict[str, Any]], as_of: dt.date) -> GaitSummary | None:
    """The newest gait session recorded on or before `as_of`, with the store's date and id."""
    usable = [r for r in rows if isinstance(r.get("summary"), dict) and (_as_date(r.get("recorded_at")) or as_of) <= as_of]
    if not usable:
        return None
    row = usable[-1]
    return GaitSummary.from_dict(row["summary"]).stored(session_id=row.get("id"),
                                                        recorded_at=_iso(_as_date(row.get("recorded_at"))))


def _all_findings(ctx: AthleteContext) -> list[Finding]:
    load = list(getattr(ctx.load_report, "findings", None) or [])
    return load + gait_findings(ctx.gait) + (list(ctx.checkin.findings) if ctx.checkin else [])


def gait_findings(gait: GaitSummary | None) -> list[Finding]:
    """The findings of the latest gait session (the one place advice reads them)."""
    out = []
    for finding in gait.findings if gait else []:
        out.append(finding if finding.domain else replace(finding, domain="gait"))
    return out


SELF_TEST_KEYS = ("heel_rise_left", "heel_rise_right", "bridge_left", "bridge_right", "ktw_left_cm", "ktw_right_cm",
                  "ake_left_deg", "ake_right_deg", "side_plank_left_s", "side_plank_right_s", "plank_s")


def self_tests_measured(ctx: AthleteContext) -> bool:
    return any(ctx.answers.get(k) is not None for k in SELF_TEST_KEYS)


def _missing_parts(ctx: AthleteContext, athlete_known: bool) -> list[MissingPart]:
    out = []
    if not athlete_known:
        out.append(MissingPart("athlete", f"no athlete called {ctx.athlete!r} yet",
                               f"kneeguard import FILES --athlete {ctx.athlete}"))
    if ctx.load_report is None:
        out.append(MissingPart("activities", "no runs imported yet, so the plan cannot size your runs",
                               "kneeguard import FILES (FIT, GPX, TCX, Strava or Garmin export)"))
    if ctx.checkin is None:
        out.append(MissingPart("checkin", "no check-in yet, so pain and warning signs are unknown",
                               "kneeguard checkin"))
    elif not self_tests_measured(ctx):
        out.append(MissingPart("self_tests", "no self-test results, so the exercises are a default programme",
                               "kneeguard checkin (answer the heel-raise, bridge, knee-to-wall and AKE questions)"))
    if ctx.gait is None:
        out.append(MissingPart("gait", "no gait video yet, so cadence and overstride are unknown",
                               "kneeguard gait VIDEO"))
    if not ctx.shoes:
        out.append(MissingPart("shoes", "no shoes recorded, so shoe mileage is unknown", "kneeguard shoes add NAME"))
    return out


def _notes(ctx: AthleteContext) -> list[str]:
    notes = []
    if ctx.checkin_stale:
        notes.append(f"your latest check-in is {ctx.checkin_age_days} days old "
                     f"(over {int(evidence.value('advice.checkin.stale_days'))}): "
                     "the plan holds your loads until you run `kneeguard checkin` again")
    if ctx.checkin and ctx.checkin.reassess_error:
        notes.append("your latest check-in could not be re-read by this version; its stored level is used")
    runs = ctx.past_runs()
    tomorrow = ctx.as_of + dt.timedelta(days=1)  # the plan's default start: the runs it can size from
    recent = [r for r in runs if in_reference_window(r.day, tomorrow)]
    if ctx.answers.get("pain_during_run") is not None and ctx.load_report is not None and not recent:
        notes.append("the check-in reports pain during running but no run was imported in the last "
                     f"{window_days()} days: import your recent runs so the plan can size them")
    if ctx.answers.get("has_pain") is False and any(clinic_codes.MORNING_PAIN_ABOVE_BASELINE.matches(f.code) for f in ctx.findings):
        notes.append("the check-in says no pain now but earlier check-ins showed rising morning pain: the plan stays cautious")
    if referral := ctx.referral_note:
        notes.append(referral)
    if profile := ctx.profile_note:
        notes.append(profile)
    if other := ctx.other_knee_note:
        notes.append(other)
    gait_date = ctx.gait_date
    if gait_date and (ctx.as_of - gait_date).days > int(evidence.value("advice.gait.refilm_days")):
        notes.append(f"your gait video is from {gait_date.isoformat()}: film again (`kneeguard gait VIDEO`)")
    return notes


AGE_SLACK_YEARS = 1  # a birth year gives the age within a year


def knee_words(side: str | None) -> str:
    """'your left knee' for a check-in's side, else 'this knee' (read 49: 'this knee' left open which)."""
    return f"your {side} knee" if side in ("left", "right") else "this knee"


def confirm_first(side: str | None = None) -> str:
    """The level's condition while a note asks whether the check-in is this person's and about this knee (read 46):
    the plan's banner and the check-in's own result (CLI, web) say it beside the level, before anything else."""
    return f"This holds once the check-in is confirmed as yours and about {knee_words(side)} (see the notes)."


CONFIRM_FIRST = confirm_first()  # without a side: 'about this knee'


def level_condition(level: str | None, noted: bool, referral: EarlierReferral | None = None,
                    side: str | None = None) -> str:
    """What the level holds once, said beside it ('' when nothing): an earlier, higher referral's visit
    (`clinic.referral`: the lower level holds only once that professional has seen the runner), and
    `CONFIRM_FIRST` for a self-care level under the profile or knee notes. A level that sends the runner to a
    professional holds whoever's check-in it is (when unsure, escalate), so it never waits for those notes."""
    parts = [f"This holds once {referral.condition} (see the notes)."] if referral and referral.condition else []
    if noted and level == TriageLevel.SELF_CARE:
        parts.append(confirm_first(side))
    return " ".join(parts)


def profile_conflict_words(found: list[str]) -> str:
    """The note the plan and the check-in give for `found` ('' without a conflict)."""
    if not found:
        return ""
    return (f"your check-in says {' and '.join(found)}: the self-test norms use the check-in's answers, while the "
            "load factors, running distances, step rate and shoes come from this profile's runs, video and shoes; "
            "correct whichever is wrong (`kneeguard athlete set` or a new check-in); until then running returns by "
            "walk/run phases, which do not depend on those runs. If you did not fill in this check-in, do a new one "
            "before following any of this plan, running included")


def profile_conflicts(ctx: AthleteContext) -> list[str]:
    """Where the check-in's sex or age disagrees with the stored profile, in short ('sex male (profile: female)'):
    a physiotherapist found a profile of a 38-year-old woman beside a check-in of a 44-year-old man, unremarked.
    The plan's note and the summary's check-in row both say it."""
    checkin = ctx.checkin
    if checkin is None:
        return []
    return answers_against_profile(ctx.profile, checkin.answers, checkin.on_date)


def answers_against_profile(profile: Any, answers: dict[str, Any], on_date: dt.date) -> list[str]:
    """`profile_conflicts` for a check-in's answers on `on_date` (the check-in's own result says it too)."""
    if profile is None or not answers:
        return []
    found = []
    if profile.sex in ("male", "female") and answers.get("sex") in ("male", "female") and answers["sex"] != profile.sex:
        found.append(f"sex {answers['sex']} (profile: {profile.sex})")
    age = answers.get("age")
    if profile.birth_year and isinstance(age, (int, float)) and not isinstance(age, bool):
        expected = on_date.year - profile.birth_year
        if abs(age - expected) > AGE_SLACK_YEARS:
            found.append(f"age {age:g} (profile: born {profile.birth_year}, about {expected})")
    return found


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.datetime.fromisoformat(str(value)).date()
    except ValueError:
        return None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
