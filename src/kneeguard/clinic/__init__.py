"""Symptom check-in, self-tests and triage for pain behind the knee (issue 4).

    from kneeguard.clinic import assess
    result = assess({"age": 34, "has_pain": True, ...})   # CheckinError if malformed
    result.level, result.reasons, result.possible_causes, result.to_dict()

Questions are data (`questions/*.json`), triage rules are data (`rules/*.json`),
and every threshold and rule reaching a user comes from the evidence registry.
Everything here is educational support, never a diagnosis.
"""
from kneeguard.clinic.assess import CheckinAssessment, CheckinError, assess
from kneeguard.clinic.causes import possible_causes
from kneeguard.clinic.engine import AnswerError, Question, Questionnaire, Validation, load_questionnaire
from kneeguard.clinic.ostrc import OstrcScore, score_ostrc
from kneeguard.clinic.levels import TriageLevel
from kneeguard.clinic.triage import NOT_A_DIAGNOSIS, TriageResult, triage

__all__ = [
    "NOT_A_DIAGNOSIS",
    "AnswerError",
    "CheckinAssessment",
    "CheckinError",
    "OstrcScore",
    "Question",
    "Questionnaire",
    "TriageLevel",
    "TriageResult",
    "Validation",
    "assess",
    "load_questionnaire",
    "possible_causes",
    "score_ostrc",
    "triage",
]
