"""Unknown means escalate, and what would change the level (issue #13).

A required or warning-sign question left unanswered, or answered "I don't know", is
triaged as its worse answer: each possible answer is tried and the highest level is
kept (`clinic.triage.unknown_worst_case`). The same trials tell the runner and the
clinician which answers would give another level (`LevelChange`): for each unknown,
and for the yes/no and choice answers behind the final level (a list is tried as
each single option).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from kneeguard import evidence
from kneeguard.clinic.conditions import referenced_questions
from kneeguard.clinic.engine import Question, Questionnaire, Validation, answer_in_words
from kneeguard.clinic.episode import PainHistory
from kneeguard.clinic.triage import LevelChange, Reason, TriageResult, triage, triage_rules

DONT_KNOW = "dont_know"  # the answer value for "I don't know" (questions that offer it)
TRIED_TYPES = ("bool", "choice", "multi")  # numbers are not tried: a missing red-flag number keeps the urgent floor
WORST_CASE_WHY = ("Some warning-sign answers are missing or 'I don't know', so kneeguard takes the more serious "
                  "answer to be safe.")


def triage_checkin(questionnaire: Questionnaire, validation: Validation, previous_ostrc_substantial_weeks: int = 0,
                   today: dt.date | None = None, raw: Mapping[str, Any] | None = None,
                   pain_history: PainHistory | None = None) -> TriageResult:
    """Triage a validated check-in, with unknowns as their worse answer and the level-change list.

    `pain_history`: the check-in history's onset and rise, for the words of the final result (trials only
    compare levels, which read the answers).
    `raw`: the answers as given. A trial answer can reveal follow-up questions the runner already
    answered (e.g. the Ottawa questions behind an injury), so trials start from them, not only from
    the answers visible without it.
    """
    weeks = previous_ostrc_substantial_weeks
    given = dict(raw) if raw is not None else dict(validation.answers)

    def level_with(qid: str, answer: Any, depth: int = 1):
        # A trial answer can open follow-up warning signs nobody answered (an injury opens the foot-pulse
        # question): those count as their worse answer too, one level deep.
        trial_given = {**given, qid: answer}
        trial = questionnaire.validate(trial_given)
        level = triage(trial.answers, trial.missing_red_flags, weeks, today).level
        if depth > 0:
            for follow_up in unknown_questions(questionnaire, trial):
                if follow_up.id != qid and follow_up.id not in given:
                    for option in candidate_answers(follow_up):
                        level = max(level, level_with_given(trial_given, follow_up.id, option), key=lambda lv: lv.rank)
        return level

    def level_with_given(base_given: dict, qid: str, answer: Any):
        trial = questionnaire.validate({**base_given, qid: answer})
        return triage(trial.answers, trial.missing_red_flags, weeks, today).level

    base = triage(validation.answers, validation.missing_red_flags, weeks, today)
    unknown = unknown_questions(questionnaire, validation)
    tried = {q.id: {_key(a): (a, level_with(q.id, a)) for a in candidate_answers(q)} for q in unknown}
    extra = []
    worst = max((lvl for trials in tried.values() for _, lvl in trials.values()), key=lambda lvl: lvl.rank, default=None)
    if worst is not None and worst.rank > base.level.rank:
        extra.append(_worst_case_reason(questionnaire, validation, tried, worst))
    if extra or pain_history is not None:
        result = triage(validation.answers, validation.missing_red_flags, weeks, today, extra, pain_history)
    else:
        result = base
    for q in _driving_questions(questionnaire, validation, result):
        if q.id not in tried:
            current = validation.answers.get(q.id)
            tried[q.id] = {_key(a): (a, level_with(q.id, a)) for a in candidate_answers(q) if a != current}
    result.level_changes = [LevelChange(qid, answer, lvl) for qid, trials in tried.items()
                            for answer, lvl in trials.values() if lvl != result.level]
    return result


def unknown_questions(questionnaire: Questionnaire, validation: Validation) -> list[Question]:
    """Required or warning-sign questions left unanswered (where they apply), and answers of "I don't know"."""
    ids = list(validation.missing)
    ids += [q.id for q in questionnaire.visible_questions(validation.answers) if q.red_flag and q.id not in validation.answers]
    for qid, answer in validation.answers.items():
        if answer == DONT_KNOW or (isinstance(answer, list) and DONT_KNOW in answer):
            ids.append(qid)
    return [questionnaire.by_id[i] for i in dict.fromkeys(ids) if questionnaire.by_id[i].type in TRIED_TYPES]


def candidate_answers(q: Question) -> list[Any]:
    """The answers a trial tries: yes and no, each option, each single choice of a list."""
    if q.type == "bool":
        return [True, False]
    values = [v for v in q.values if v != DONT_KNOW]
    return [[v] for v in values] if q.type == "multi" else values


def _driving_questions(questionnaire: Questionnaire, validation: Validation, result: TriageResult) -> list[Question]:
    """Yes/no and choice questions read by the rules that set the final level (answered or visible)."""
    rules = {r.id: r for r in triage_rules()}
    ids: list[str] = []
    for reason in result.reasons:
        if reason.level == result.level and reason.rule in rules:
            ids += referenced_questions(rules[reason.rule].when)
    visible = {q.id for q in questionnaire.visible_questions(validation.answers)}
    return [questionnaire.by_id[i] for i in dict.fromkeys(ids)
            if i in visible and questionnaire.by_id[i].type in TRIED_TYPES]


def _worst_case_reason(questionnaire: Questionnaire, validation: Validation,
                       tried: dict[str, dict[str, tuple[Any, Any]]], worst) -> Reason:
    assumed = {qid: answer for qid, trials in tried.items() for answer, lvl in trials.values() if lvl == worst}
    shown = "; ".join(answer_in_words(qid, a) for qid, a in assumed.items())
    ev = evidence.rule("clinic.triage.unknown_worst_case")
    advice = (f"Some warning-sign answers are missing or 'I don't know': kneeguard assumes the worse answer "
              f"({shown}), which means {worst.value}. Answer them to get an accurate level.")
    return Reason("unknown_worst_case", worst, ev.summary, {q: validation.answers.get(q) for q in assumed}, advice,
                  any(questionnaire.by_id[q].red_flag for q in assumed), [c.to_dict() for c in ev.citations],
                  why=WORST_CASE_WHY)


def _key(answer: Any) -> str:
    return repr(answer)

