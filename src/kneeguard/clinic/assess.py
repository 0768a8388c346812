"""One check-in end to end: validate, triage, possible causes, OSTRC, findings."""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from kneeguard.clinic.causes import context_notes, possible_causes
from kneeguard.clinic.engine import load_questionnaire
from kneeguard.clinic.findings import recorded_without_norm, selftest_findings
from kneeguard.clinic.history import CheckinRecord, consecutive_ostrc_substantial, trend_findings
from kneeguard.clinic.ostrc import score_ostrc
from kneeguard.clinic.triage import triage
from kneeguard.errors import InvalidInput
from kneeguard.findings import sort_findings


class CheckinError(InvalidInput):
    """Answers that cannot be used as they are; the message names each question."""


def assess(
    raw: Mapping[str, Any],
    history: list[CheckinRecord] | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The JSON-ready result of one check-in. `history`: earlier stored check-ins, oldest first."""
    if not isinstance(raw, Mapping):
        raise CheckinError("the answers must be a JSON object of question id -> answer")
    today = today or dt.date.today()
    validation = load_questionnaire().validate(raw)
    if not validation.ok:
        raise CheckinError("; ".join(validation.errors))
    answers = validation.answers
    earlier = [r for r in (history or []) if r.on_date <= today]
    result = triage(answers, validation.missing_red_flags, consecutive_ostrc_substantial(earlier), today)
    causes = possible_causes(answers)
    ostrc = score_ostrc(answers)
    current = CheckinRecord(today, answers, result.level)
    findings = sort_findings(selftest_findings(answers, today) + trend_findings([*earlier, current]))
    payload = result.to_dict()
    payload.update(
        date=today.isoformat(),
        possible_causes=causes,
        context=context_notes(answers, causes),
        ostrc=ostrc.to_dict() if ostrc else None,
        findings=[f.to_dict() for f in findings],
        recorded=recorded_without_norm(answers),
        answers=answers,
        validation=validation.to_dict(),
    )
    return payload
