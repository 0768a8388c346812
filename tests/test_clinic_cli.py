"""`kneeguard checkin` end to end: answers file, JSON, schema, bad input, interview, resume."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.test_triage_vignettes import NEGATIVE

runner = CliRunner()
# Answers are shown in words: the question as asked, then the answer.
LUMP_YES = "Can you see or feel a lump or fullness behind the knee? yes"
LUMP_NO = "Can you see or feel a lump or fullness behind the knee? no"


@pytest.fixture(scope="module")
def app(checkin_app):
    return checkin_app


def kg(app, *args, input=None):
    return runner.invoke(app, ["checkin", *args], input=input, catch_exceptions=False)


def test_answers_json_has_the_contract_fields(app, tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({**NEGATIVE, "onset": "gradual", "location": ["calf"], "pain_now": 3, "calf_swelling": True,
                                "ostrc_q1": "reduced", "ostrc_q2": "minor", "ostrc_q3": "minor", "ostrc_q4": "mild"}))
    result = kg(app, "--answers", str(path), "--json", "--home", str(tmp_path), "--athlete", "ana")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"level", "reasons", "red_flags", "possible_causes", "ostrc", "findings"} <= set(data)
    assert data["level"] == "urgent" and "calf_swelling" in data["red_flags"]
    assert data["possible_causes"][0]["citations"] and data["ostrc"]["severity"] == 17 + 6 + 6 + 8
    from kneeguard.store import open_store, records

    with open_store(home=tmp_path) as store, store.session() as s:
        (saved,) = records.list_checkins(s, "ana")
    assert saved["record"]["level"] == "urgent" and saved["record"]["answers"] == data["answers"]


@pytest.mark.parametrize("content, needle", [
    ("{not json", "not a valid JSON answers file"),
    ("[1, 2]", "must be a JSON object"),
    (json.dumps({**NEGATIVE, "pain_now": 14, "onset": "gradual", "location": ["calf"]}), "pain_now: 14 is out of range"),
    # a coach's empty file was stored as an EMERGENCY check-in (every warning sign taken as its worse answer)
    ("{}", "a.json: no question is answered"),
])
def test_bad_answers_file_is_one_line_exit_2(app, tmp_path, content, needle):
    path = tmp_path / "a.json"
    path.write_text(content)
    result = kg(app, "--answers", str(path), "--json", "--home", str(tmp_path))
    assert result.exit_code == 2
    assert needle in " ".join(result.output.split())
    assert "Traceback" not in result.output
    from kneeguard.store import open_store, records
    from kneeguard.store.errors import UnknownAthlete

    with open_store(home=tmp_path) as store, store.session() as s, pytest.raises(UnknownAthlete):
        records.list_checkins(s, "me")  # nothing stored, not even the athlete


def test_missing_file_and_schema(app, tmp_path):
    assert kg(app, "--answers", str(tmp_path / "nope.json"), "--home", str(tmp_path)).exit_code == 2
    schema = json.loads(kg(app, "--schema").stdout)
    assert schema["type"] == "object" and "calf_swelling" in schema["properties"]


def _interview_input(stop_after: int | None = None) -> str:
    lines = ["abc", "34", "", "no", ""]  # a typo for age is re-asked; sex skipped; has_pain no; no knee surgery
    lines += ["yes", "1"] + ["no"] * 7 + ["1"] + ["no"] * 5  # bear weight now, locking, flags, clot none, flags
    lines += [""] * 40  # skip every optional question
    if stop_after is not None:
        return "\n".join(lines[:stop_after]) + "\n"
    return "\n".join(lines) + "\n"


def test_interview_survives_typos_and_interrupt_then_resumes(app, tmp_path):
    first = kg(app, "--home", str(tmp_path), input=_interview_input(stop_after=7))
    assert first.exit_code == 130  # input ran out (like Ctrl-D / Ctrl-C): progress saved
    partial = json.loads((tmp_path / "checkins" / "me" / "partial.json").read_text())["answers"]
    assert partial["age"] == 34 and partial["has_pain"] is False
    rest = "\n".join(["no"] * 7 + ["1"] + ["no"] * 5 + [""] * 40) + "\n"
    second = kg(app, "--home", str(tmp_path), "--json", input=rest)
    assert second.exit_code == 0, second.output
    data = json.loads(second.stdout[second.stdout.index("{"):])
    assert data["level"] == "self-care" and data["review_date"]
    assert not (tmp_path / "checkins" / "me" / "partial.json").exists()


def test_checkin_output_explains_the_level(app, tmp_path):
    # Issue #13: surgery, the answers that set the level and what would change it are printed.
    path = tmp_path / "a.json"
    path.write_text(json.dumps({**NEGATIVE, "onset": "gradual", "location": ["calf"], "pain_now": 3,
                                "surgery": ["meniscus"], "post_surgery_rehab": "yes", "lump": True}))
    result = kg(app, "--answers", str(path), "--home", str(tmp_path))
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Knee surgery: Meniscus (keyhole) surgery" in text and f"Answers that set this level: {LUMP_YES}" in text
    assert f"{LUMP_NO} — would give self-care" in text and "surgeon or physiotherapist" in text
    data = json.loads(kg(app, "--answers", str(path), "--json", "--home", str(tmp_path)).stdout)
    assert data["routes"] == ["surgeon"] and data["surgical_history"] == ["meniscus"]
    assert {"question": "lump", "answer": False, "level": "self-care"} in data["level_changes"]


def test_the_why_lines_quote_the_answers_in_words_not_field_ids(app, tmp_path):
    """A physiotherapist's read found '(calf_skin_red_warm=True, calf_tender=False)' under Why: the reasons
    quote the questions as the runner was asked them (engine.answer_in_words, the one owner)."""
    path = tmp_path / "a.json"
    path.write_text(json.dumps({**NEGATIVE, "onset": "gradual", "location": ["calf"], "pain_now": 3, "lump": True}))
    result = kg(app, "--answers", str(path), "--home", str(tmp_path))
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert LUMP_YES in text.split("Why", 1)[1]
    assert "lump=True" not in text and "=True" not in text and "=False" not in text


def test_the_painful_legs_self_test_results_carry_the_plans_caveat(app, tmp_path):
    """A physiotherapist (read 34): the plan and summary mark a result of the painful leg, the check-in did not."""
    from pathlib import Path

    answers = Path(__file__).parent / "data" / "checkins" / "worse_routine.json"
    result = kg(app, "--answers", str(answers), "--home", str(tmp_path), "--no-save")
    text = " ".join(result.output.split())
    assert result.exit_code == 0
    assert "Single-leg hamstring bridge (right) in the 'poor' range" in text
    assert "tested on the painful leg: pain may have limited it" in text
