"""Contributing factors: the findings worth acting on, one per code, most serious and best evidenced first.

A cause comes before its effect: a training event dated after the pain began (a spike run on 15 Nov
when the pain began on 1 Nov) cannot have caused it. Such a factor is kept apart (`Factor.after_onset`)
and shown as "may have aggravated it", never among the causes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kneeguard import evidence
from kneeguard.advice.context import finding_source
from kneeguard.clinic import codes as clinic_codes
from kneeguard.clinic.episode import PainOnset
from kneeguard.codes import SIDES, any_of, base_code
from kneeguard.findings import Finding, Severity
from kneeguard.load import codes as load_codes
from kneeguard.numbers import shown_value

# Load findings that describe training on dated days: the days before their date they cover (a single run:
# 0; a week's jump: the 6 days before the week's end). All of it after the pain began = not a cause.
EVENT_SPAN_DAYS = ((load_codes.SPIKE, 0), (load_codes.RETURN_AFTER_BREAK, 0), (load_codes.WEEKLY_JUMP, 6))
# Findings about the pain itself (its trend and severity), not about what may cause it: the pain rule and its
# verdict act on them; among the contributing factors they would read as a cause (a physiotherapist's read).
PAIN_STATUS = (clinic_codes.OSTRC_SUBSTANTIAL, clinic_codes.WORSE_OVER_TWO_WEEKS,
               clinic_codes.MORNING_PAIN_ABOVE_BASELINE)


@dataclass(frozen=True)
class Factor:
    """The most serious finding of one code, how often the code was raised, and how strong its evidence is.

    `evidence_strength` is the registry's `advice.evidence_strength` score for the code (0 when unscored).
    """

    finding: Finding
    source: str  # "load" | "gait" | "checkin"
    evidence_strength: int
    count: int = 1
    after_onset: dt.date | None = None  # the pain's onset, when the finding happened wholly after it
    other_sides: tuple[Finding, ...] = ()  # the same per-side test flagged on the other side (this is the worse)
    onset_how: str = ""  # how the onset was dated, in words (the check-ins it comes from)
    on_painful_leg: bool = False  # a self-test done on the painful leg: pain may have limited it (`PAIN_LIMITED`)
    episode_onset: PainOnset | None = None  # the onset it came after, with any later date the newest answer gives
    on_onset_day: bool = False  # a cause dated the day the pain began (`ONSET_DAY`: a likely trigger, said)
    filmed_in_pain: bool = False  # a gait finding from a video filmed on or after the onset (`FILMED_IN_PAIN`)
    data_not_confirmed: bool = False  # from the profile's runs or video while the check-in disagrees with it

    @property
    def possible_trigger(self) -> bool:
        """After the kept onset, but before the later one the newest check-in's answer gives (the same
        `happened_after` test that keeps it out of the causes): by that reading it could have started the pain."""
        onset = self.episode_onset
        later = onset.later_day if onset is not None and onset.later_possible else None
        return self.after_onset is not None and later is not None and not happened_after(self.finding, later)

    @property
    def onset_note(self) -> str:
        """' (on the day the pain began)' for a cause dated that day (a physiotherapist asked for it), else ''."""
        return f" ({ONSET_DAY})" if self.on_onset_day else ""

    @property
    def titled(self) -> str:
        return self.title + self.onset_note

    @property
    def marked(self) -> list[tuple[str, str]]:
        """This factor's (mark, words) of `FACTOR_MARKS`: '*' a self-test on the painful leg, '†' a gait video
        filmed after the pain began, '‡' runs or a video of a profile the check-in disagrees with."""
        on = {"*": self.on_painful_leg, "†": self.filmed_in_pain, "‡": self.data_not_confirmed}
        return [(mark, words) for mark, words in FACTOR_MARKS if on[mark]]

    @property
    def cautions(self) -> str:
        """The factor's cautions in words, '' without any (the web shows them by the title)."""
        return "; ".join(words for _, words in self.marked)

    @property
    def marks(self) -> str:
        """' *' / ' †' after the title in a table, each explained once below it (`FACTOR_MARKS`)."""
        return "".join(f" {mark}" for mark, _ in self.marked)

    @property
    def is_cause(self) -> bool:
        """Whether it may have contributed to the pain (not only have aggravated it once the pain had begun)."""
        return self.after_onset is None

    @property
    def code(self) -> str:
        return self.finding.code

    @property
    def injury_evidence(self) -> bool:
        """Whether its flag comes from injury evidence: False where the registry marks the threshold as not
        injury-based (`threshold_injury_evidence = false`, e.g. the overstride band, a lab's design choice)."""
        rule = self.finding.rule
        return rule is None or rule.threshold_injury_evidence

    @property
    def onset_words(self) -> str:
        """For a factor after the onset: when the pain began and how that was dated, in words ('' otherwise);
        the factors after one onset share it, so a listing says it once above them."""
        if self.after_onset is None:
            return ""
        return f"after the pain began on {self.after_onset:%d %b %Y} ({self.onset_how or 'onset dated from your check-in'})"

    @property
    def when(self) -> str:
        """'on 15 Nov 2026' (a run) or 'in the week to 08 Nov 2026' (a week's load); '' when undated."""
        if self.finding.on_date is None:
            return ""
        if _first_day(self.finding) is not None:  # a streak: its first and last day
            return f"from {_first_day(self.finding):%d %b} to {self.finding.on_date:%d %b %Y}"
        return ("in the week to " if event_span_days(self.code) else "on ") + f"{self.finding.on_date:%d %b %Y}"

    @property
    def when_short(self) -> str:
        """'15 Nov' or 'week to 08 Nov', for the two-page summary (its onset gives the year); '' when undated."""
        if self.finding.on_date is None:
            return ""
        if _first_day(self.finding) is not None:
            return f"{_first_day(self.finding):%d %b} to {self.finding.on_date:%d %b}"
        return ("week to " if event_span_days(self.code) else "") + f"{self.finding.on_date:%d %b}"

    @property
    def title(self) -> str:
        """With a test flagged on both sides, both sides' values: the factor is the worse side."""
        title = self.finding.title or self.finding.code
        if not self.other_sides:
            return title
        values = ", ".join(f"{_side(f)} {_value(f)}" for f in (self.finding, *self.other_sides))
        return f"{title} ({values})"

    @property
    def severity(self) -> Severity:
        """The finding's severity (no higher than low for a flag that is not injury-based: `Finding`)."""
        return self.finding.severity

    @property
    def explanation(self) -> str:
        return self.finding.explanation

    @property
    def citation_keys(self) -> list[str]:
        """The finding's citations that the registry knows (the advice's reference list takes these)."""
        known = evidence.all_citations()
        return [c.key for c in self.finding.citations if c.key in known]

    def to_dict(self) -> dict[str, Any]:
        f = self.finding.to_dict()
        return {
            "code": self.code, "title": self.title, "severity": self.severity.value, "source": self.source,
            "evidence_strength": self.evidence_strength, "explanation": f["explanation"], "measured": f["measured"],
            "threshold": f["threshold"], "unit": f["unit"], "date": f["date"], "rule": f["rule"],
            "citations": f["citations"], "citation_keys": self.citation_keys, "count": self.count,
            "after_onset": self.after_onset.isoformat() if self.after_onset else None,
            "other_sides": [{"code": o.code, "measured": o.measured, "unit": o.unit} for o in self.other_sides],
            "on_painful_leg": self.on_painful_leg, "on_onset_day": self.on_onset_day,
            "filmed_in_pain": self.filmed_in_pain, "data_not_confirmed": self.data_not_confirmed,
        }


def rank_factors(findings: list[Finding], onset: dt.date | None = None, painful_side: str | None = None,
                 onset_how: str = "", pain_onset: PainOnset | None = None,
                 filmed_on: dt.date | None = None, data_doubted: bool = False) -> list[Factor]:
    """Non-info findings with sound evidence, one per code: severity first, then evidence strength (the spike
    rule leads load). Uncertain findings (doubtful video, too few steps, no norm) and prompts (`prompt_only`: a
    count below a healthy median) never rank. With the pain's
    `onset`, a code's findings from before it make its factor (a cause) and those after it a second factor
    marked `after_onset` (it may have aggravated the pain), listed after every cause; a flag whose threshold the
    registry marks as not injury-based comes after those from injury evidence. A self-test flagged on
    both sides is one factor: the worse side (further beyond its flag; on a tie the `painful_side`), showing
    both sides' values. `pain_onset`: the onset with how it was dated (a later reading makes a factor after
    `onset` a possible trigger: `later_onset_words`). `filmed_on`: the gait video's day (its findings carry
    none), which marks gait factors from a video filmed on or after the onset (`FILMED_IN_PAIN`). `data_doubted`:
    the check-in disagrees with the profile, which marks factors from its runs and video (`NOT_CONFIRMED`)."""
    strengths = evidence.value("advice.evidence_strength")
    worst: dict[tuple[str, bool], Finding] = {}
    counts: dict[tuple[str, bool], int] = {}
    for f in findings:
        if f.severity is Severity.INFO or f.uncertain or any_of(f.code, PAIN_STATUS) or prompt_only(f):
            continue
        key = (f.code, happened_after(f, onset))
        counts[key] = counts.get(key, 0) + 1
        if key not in worst or f.severity.rank > worst[key].severity.rank:
            worst[key] = f
    sides: dict[tuple[str, bool], list[tuple[str, bool]]] = {}
    for code, after in worst:
        sides.setdefault((base_code(code), after), []).append((code, after))
    factors = []
    for (base, after), keys in sides.items():
        ranked = sorted((worst[k] for k in keys), key=lambda f: _worse_first(f, painful_side))
        factors.append(Factor(ranked[0], finding_source(ranked[0]), _strength(base, strengths),
                              sum(counts[k] for k in keys), after_onset=onset if after else None,
                              other_sides=tuple(ranked[1:]), onset_how=onset_how if after else "",
                              on_painful_leg=tested_on_painful_leg(ranked[0], painful_side),
                              # a single run (span 0) that day, not a week or streak ending on it
                              on_onset_day=bool(onset) and not after and ranked[0].on_date == onset
                              and event_span_days(ranked[0].code) == 0,
                              filmed_in_pain=finding_source(ranked[0]) == "gait" and bool(onset)
                              and (ranked[0].on_date or filmed_on or dt.date.min) >= onset,
                              episode_onset=pain_onset if after else None,
                              data_not_confirmed=data_doubted and finding_source(ranked[0]) in ("load", "gait")))
    # A flag the registry marks as not injury-based never outranks one from injury evidence (a physiotherapist
    # read overstride 'moderate' on a lab's design band above injury-study findings as overstated).
    return sorted(factors, key=lambda x: (not x.is_cause, not x.injury_evidence, -x.severity.rank,
                                          -x.evidence_strength, x.code))


# A self-test on the painful leg measures the leg as the pain lets it work: its result may be the pain's effect,
# not a cause. A caution in words, no threshold.
PAIN_LIMITED = "tested on the painful leg: pain may have limited it"
ONSET_DAY = "on the day the pain began"
# A gait video filmed on or after the onset may show a gait the pain has changed (advice.gait.filmed_after_onset).
FILMED_IN_PAIN = "filmed after the pain began: the pain may have changed how you run"
# Runs and a video of a profile the check-in disagrees with may be another person's (read 43: ranked as hers
# while the plan said they may not be).
NOT_CONFIRMED = "from this profile's runs, video or shoes, which may not be yours (the check-in disagrees with the profile)"
FACTOR_MARKS = (("*", PAIN_LIMITED), ("†", FILMED_IN_PAIN), ("‡", NOT_CONFIRMED))


def tested_on_painful_leg(f: Finding, painful_side: str | None) -> bool:
    """Whether `f` is a self-test result of the painful leg (either leg when both hurt): a per-side check-in
    finding of that side, or a left-right comparison whose weaker leg is the painful one (the weaker leg's
    count may be low because it hurts)."""
    side = _side(f) or f.weaker_side
    return finding_source(f) == "checkin" and bool(side) and painful_side in (side, "both")


def prompt_only(f: Finding) -> bool:
    """Whether the registry marks `f`'s threshold as a prompt, not a problem (`prompt_only`): its explanation tells
    the runner so, so the factor list must not rank it as a cause (its exercises are still chosen for it)."""
    return f.rule is not None and f.rule.prompt_only


def onset_source_words(factors: list[Factor]) -> str:
    """How the kept onset of the factors after it was dated, for the summary: 'by your 15 Nov check-in'
    ('by your check-ins' when no single check-in gives it)."""
    onset = next((f.episode_onset for f in factors if f.episode_onset is not None), None)
    if onset is None or onset.dated_from is None:
        return "by your check-ins"
    conflict = onset.conflict_words()  # a newer answer that cannot be the onset: said, not acted on
    return f"by your {onset.dated_from:%d %b} check-in" + (f"; {conflict}" if conflict else "")


def later_onset_words(factors: list[Factor]) -> str:
    """One sentence, for the summary and the plan alike, when the check-ins disagree on the onset and a factor
    after the kept (earlier) onset lies before the later date the newest answer gives: 'Your 07 Dec check-in
    gives onset 16 Nov, the day after it: by that date, a possible trigger.'
    ('' when no factor is one). A physiotherapist read the earlier date hiding a likely trigger."""
    triggers = [f for f in factors if f.possible_trigger]
    if not triggers:
        return ""
    onset = triggers[0].episode_onset
    if len(triggers) == 1:
        gap = (onset.later_day - triggers[0].finding.on_date).days
        it = "it" if len(factors) == 1 else triggers[0].title  # named when other factors are listed beside it
        after = f"the day after {it}" if gap == 1 else f"{gap} days after {it}"
        which = "by that date, a possible trigger"
    else:
        after, which = "after both" if len(triggers) == 2 else "after all of these", "by that date, possible triggers"
    return f"Your {onset.later_from:%d %b} check-in gives onset {onset.later_day:%d %b}, {after}: {which}."


def _worse_first(f: Finding, painful_side: str | None) -> tuple:
    """Sort key: most severe, then furthest beyond its flag, then the painful side."""
    beyond = (abs(f.measured - f.threshold) if isinstance(f.measured, (int, float))
              and isinstance(f.threshold, (int, float)) else 0.0)
    return (-f.severity.rank, -beyond, _side(f) != painful_side)


def _side(f: Finding) -> str:
    tail = f.code.rpartition(".")[2]
    return tail if tail in SIDES else ""


def _value(f: Finding) -> str:
    """The side's value with the one rounding a flagged value gets everywhere (`numbers.shown_value`)."""
    numeric = isinstance(f.measured, (int, float)) and isinstance(f.threshold, (int, float))
    number = shown_value(f.measured, [f.threshold]) if numeric else str(f.measured)
    return f"{number}{'°' if f.unit == 'deg' else ' ' + f.unit if f.unit else ''}"


def happened_after(finding: Finding, onset: dt.date | None) -> bool:
    """Whether the training a load finding describes lies after the pain's onset: wholly, for a dated event;
    for a streak with its first day (`details['first_day']`, days in a row without rest), when its days before
    the onset are fewer than its own flag, so the part that could have started the pain would not have been
    flagged (a physiotherapist read a 23-day streak, 21 days of it in pain, listed as a cause)."""
    if onset is None or finding.on_date is None:
        return False
    first = _first_day(finding)
    if first is not None and isinstance(finding.threshold, (int, float)):
        return (onset - first).days < finding.threshold
    span = event_span_days(finding.code)
    return span is not None and finding.on_date - dt.timedelta(days=span) > onset


def _first_day(finding: Finding) -> dt.date | None:
    first = (finding.details or {}).get("first_day")
    try:
        return dt.date.fromisoformat(first) if isinstance(first, str) else None
    except ValueError:
        return None


def event_span_days(code: str) -> int | None:
    """Days before its date that a dated load event covers (None: not a dated training event)."""
    return next((days for declared, days in EVENT_SPAN_DAYS if declared.matches(code)), None)


def _strength(code: str, table: dict[str, int]) -> int:
    matches = [p for p in table if code == p or code.startswith(p + ".") or code.startswith(p + "_") or code.startswith(p)]
    return table[max(matches, key=len)] if matches else 0
