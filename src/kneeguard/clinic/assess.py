"""One check-in end to end: validate, triage, possible causes, OSTRC, findings."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from kneeguard.clinic.causes import context_notes, possible_causes
from kneeguard.clinic.engine import Validation, load_questionnaire
from kneeguard.clinic.episode import PainHistory, estimate_pain_onset, other_knee_days, same_knee
from kneeguard.clinic.referral import EarlierReferral, earlier_referral
from kneeguard.clinic.findings import recorded_without_norm, selftest_findings
from kneeguard.clinic.history import (CheckinRecord, baseline_checkins, consecutive_ostrc_substantial,
                                      morning_baseline, pain_rises, trend_findings)
from kneeguard.clinic.levels import TriageLevel
from kneeguard.clinic.ostrc import OstrcScore, score_ostrc
from kneeguard.clinic.triage import LevelChange, Reason, TriageResult
from kneeguard.clinic.unknowns import triage_checkin
from kneeguard.errors import InvalidInput
from kneeguard.findings import Finding, sort_findings


class CheckinError(InvalidInput):
    """Answers that cannot be used as they are: `problems` holds one line per problem, each naming its question."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


@dataclass
class CheckinAssessment:
    """One assessed check-in: its triage and what the answers show.

    `to_dict()` is the JSON of `kneeguard checkin --json` (docs/json.md). `reassess_error`
    is set when a stored check-in could not be re-assessed and only its stored level is known.
    """

    on_date: dt.date
    answers: dict[str, Any]
    triage: TriageResult
    findings: list[Finding] = field(default_factory=list)
    possible_causes: list[dict[str, Any]] = field(default_factory=list)
    context: list[dict[str, Any]] = field(default_factory=list)
    ostrc: OstrcScore | None = None
    recorded: list[dict[str, Any]] = field(default_factory=list)
    validation: Validation = field(default_factory=Validation)
    athlete: str | None = None
    reassess_error: str | None = None
    pain_history: PainHistory | None = None  # how long it has hurt and any rise: the plan reads the same value
    earlier_referral: EarlierReferral | None = None  # a recent higher referral this check-in must not undo

    @property
    def level(self) -> TriageLevel:
        return self.triage.level

    @property
    def reasons(self) -> list[Reason]:
        return self.triage.reasons

    @property
    def red_flags(self) -> list[str]:
        return self.triage.red_flags

    @property
    def what_to_do(self) -> list[str]:
        return self.triage.what_to_do

    def is_action(self, line: str) -> bool:
        """`line` is the level's action (what to do now), the one a page emphasises."""
        return self.triage.is_action(line)

    @property
    def review_date(self) -> dt.date | None:
        return self.triage.review_date

    @property
    def level_changes(self) -> list[LevelChange]:
        """Which answers would give another level (question, answer, level)."""
        return self.triage.level_changes

    @property
    def driving_answers(self) -> dict[str, Any]:
        """The answers behind the final level."""
        return self.triage.driving_answers

    @property
    def surgical_history(self) -> list[str]:
        """The knee operations the runner reported (for the clinician), without "none"."""
        return [s for s in self.answers.get("surgery") or [] if s != "none"]

    def surgical_history_words(self) -> list[str]:
        """The operations as the questionnaire names them (e.g. 'Total knee replacement')."""
        from kneeguard.clinic.engine import load_questionnaire

        question = load_questionnaire().by_id.get("surgery")
        labels = {o.value: o.label for o in question.options} if question else {}
        return [labels.get(s, s) for s in self.surgical_history]

    def driving_answers_words(self) -> list[str]:
        """The answers behind the final level, each as 'question: answer' in words."""
        from kneeguard.clinic.engine import answer_in_words

        return [answer_in_words(qid, answer) for qid, answer in self.driving_answers.items()]

    @property
    def not_a_diagnosis(self) -> str:
        return self.triage.statement

    @property
    def record(self) -> CheckinRecord:
        """What the history stores of this check-in."""
        return CheckinRecord(self.on_date, self.answers, self.level)

    @classmethod
    def stored_level_only(cls, record: CheckinRecord, error: str) -> "CheckinAssessment":
        """A stored check-in this version cannot re-assess: its answers and stored level, nothing derived.

        A record without a level counts as routine: when unsure, a professional should look."""
        level = record.level or TriageLevel.ROUTINE
        return cls(record.on_date, dict(record.answers), TriageResult(level, [], [], []), reassess_error=error)

    def to_dict(self) -> dict[str, Any]:
        payload = self.triage.to_dict()
        payload.update(
            date=self.on_date.isoformat(),
            possible_causes=self.possible_causes,
            context=self.context,
            ostrc=self.ostrc.to_dict() if self.ostrc else None,
            findings=[f.to_dict() for f in self.findings],
            recorded=self.recorded,
            answers=self.answers,
            validation=self.validation.to_dict(),
            surgical_history=self.surgical_history,
            **self.triage.explanation_dict(),
        )
        if self.earlier_referral is not None:  # a higher referral of the last days this check-in must not undo
            payload["earlier_referral"] = {"date": self.earlier_referral.on_date.isoformat(),
                                           "level": self.earlier_referral.level.value,
                                           "seen_since": self.earlier_referral.seen_since,
                                           "words": self.earlier_referral.words}
        if self.reassess_error is not None:
            payload["reassess_error"] = self.reassess_error
        if self.athlete is not None:
            payload["athlete"] = self.athlete
        return payload


def assess(
    raw: Mapping[str, Any],
    history: list[CheckinRecord] | None = None,
    today: dt.date | None = None,
) -> CheckinAssessment:
    """Assess one check-in. `history`: earlier stored check-ins, oldest first."""
    if not isinstance(raw, Mapping):
        raise CheckinError("the answers must be a JSON object of question id -> answer")
    today = today or dt.date.today()
    questionnaire = load_questionnaire()
    validation = questionnaire.validate(raw)
    if not validation.ok:
        raise CheckinError(validation.errors)
    if not validation.answers:
        # every warning sign would be taken as its worse answer: an empty file became an emergency check-in that
        # replaced the runner's real one (a coach)
        raise CheckinError("no question is answered: answer at least the symptom and warning-sign questions "
                           "(`kneeguard checkin` asks them; `kneeguard checkin --schema` lists the ids)")
    answers = validation.answers
    every_earlier = [r for r in (history or []) if r.on_date <= today]
    earlier = same_knee(every_earlier, answers)  # this knee's episode: its onset, baseline and trend
    records = [*earlier, CheckinRecord(today, answers)]  # the trends read answers and dates, not the level
    # One value for how long it has hurt and whether it has risen: the triage's words and the plan read it.
    pain_history = PainHistory(today, answers.get("duration_weeks"), estimate_pain_onset(records),
                               tuple(pain_rises(records)), morning_baseline(earlier),
                               tuple(r.on_date for r in baseline_checkins(earlier)),
                               other_knee_days(every_earlier, answers))
    result = triage_checkin(questionnaire, validation, consecutive_ostrc_substantial(every_earlier), today, raw=raw,
                            pain_history=pain_history)
    causes = possible_causes(answers)
    return CheckinAssessment(
        on_date=today,
        answers=answers,
        triage=result,
        findings=sort_findings(selftest_findings(answers, today) + trend_findings(records)),
        possible_causes=causes,
        context=context_notes(answers, causes),
        ostrc=score_ostrc(answers),
        recorded=recorded_without_norm(answers),
        validation=validation,
        pain_history=pain_history,
        earlier_referral=earlier_referral(every_earlier, result.level, today, answers.get("seen_since_last_checkin")),
    )
