"""Symptom check-in, self-tests and triage for pain behind the knee (issue 4).

    from kneeguard.clinic import assess
    result = assess({"age": 34, "has_pain": True, ...})   # CheckinError if malformed
    result["level"], result["reasons"], result["possible_causes"]

Questions are data (`questions/*.json`), triage rules are data (`rules/*.json`),
and every threshold and rule reaching a user comes from the evidence registry.
Everything here is educational support, never a diagnosis.
"""
from kneeguard.clinic.assess import CheckinError, assess
from kneeguard.clinic.causes import possible_causes
from kneeguard.clinic.engine import AnswerError, Question, Questionnaire, Validation, load_questionnaire
from kneeguard.clinic.ostrc import OstrcScore, score_ostrc
from kneeguard.clinic.triage import LEVELS, NOT_A_DIAGNOSIS, TriageResult, level_rank, triage

__all__ = [
    "LEVELS",
    "NOT_A_DIAGNOSIS",
    "AnswerError",
    "CheckinError",
    "OstrcScore",
    "Question",
    "Questionnaire",
    "TriageResult",
    "Validation",
    "assess",
    "level_rank",
    "load_questionnaire",
    "possible_causes",
    "score_ostrc",
    "triage",
]
