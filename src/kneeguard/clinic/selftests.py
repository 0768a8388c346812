"""The self-tests as a whole: which questions make up each test, how to do it, the norms it
is read against, and an athlete's latest results with the findings they give.

Everything comes from `questions/50_selftests.json` (the questions, their `help` text
as the instructions, and the "tests" grouping with the evidence-registry keys of the
norms), so the CLI interview and the web page show the same words.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from kneeguard import evidence
from kneeguard.clinic.engine import Question, load_questionnaire

SELFTESTS_FILE = "50_selftests.json"


@dataclass(frozen=True)
class SelfTest:
    id: str
    name: str
    measures: str
    questions: tuple[Question, ...]
    norm_keys: tuple[str, ...]
    findings_prefix: str | None = None  # codes of the findings this test can give

    @property
    def instructions(self) -> list[str]:
        """The how-to texts of the test's questions (the left-leg question usually carries it)."""
        return list(dict.fromkeys(q.help for q in self.questions if q.help))

    @property
    def norms(self) -> list[evidence.Rule]:
        return [evidence.rule(key) for key in self.norm_keys]


@lru_cache(maxsize=1)
def load_selftests() -> tuple[SelfTest, ...]:
    raw = json.loads(resources.files("kneeguard.clinic").joinpath("questions", SELFTESTS_FILE).read_text("utf-8"))
    by_id = load_questionnaire().by_id
    tests = []
    for t in raw.get("tests", []):
        missing = [q for q in t["questions"] if q not in by_id]
        if missing:
            raise ValueError(f"self-test {t['id']} names unknown questions {missing}")
        tests.append(SelfTest(t["id"], t["name"], t.get("measures", ""), tuple(by_id[q] for q in t["questions"]),
                              tuple(t.get("norms", [])), t.get("findings")))
    return tuple(tests)


def latest_results(records) -> dict[str, tuple[Any, dt.date]]:
    """{question id: (value, date)} of the newest answer to each self-test question in `records`
    (CheckinRecords, any order)."""
    wanted = {q.id for t in load_selftests() for q in t.questions}
    latest: dict[str, tuple[Any, dt.date]] = {}
    for record in sorted(records, key=lambda r: r.on_date):
        for qid, value in record.answers.items():
            if qid in wanted and value is not None:
                latest[qid] = (value, record.on_date)
    return latest


def results_by_test(records, sex: str | None) -> list[dict[str, Any]]:
    """Per test: the test, its latest values [(question, value, date)], and the findings they give
    against the norms (the same `selftest_findings` the check-in uses)."""
    from kneeguard.clinic.findings import selftest_findings

    latest = latest_results(records)
    answers: dict[str, Any] = {qid: value for qid, (value, _day) in latest.items()}
    if sex:
        answers["sex"] = sex
    findings = [f.to_dict() for f in selftest_findings(answers)]
    out = []
    for test in load_selftests():
        values = [(q, *latest[q.id]) for q in test.questions if q.id in latest]
        mine = [f for f in findings if test.findings_prefix and f["code"].startswith(test.findings_prefix)]
        out.append({"test": test, "values": values, "findings": mine})
    return out
