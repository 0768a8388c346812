"""A misspelt --athlete is one line and exit code 2 for the plan and the report (they gave an empty plan and
report for 'anaa', exit 0; load, activities and shoes already refused it)."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kneeguard.cli import app
from tests.ingest_support import DATA

runner = CliRunner()


@pytest.mark.parametrize("command", [["plan"], ["report", "--out", "r.html"]])
def test_a_misspelt_athlete_is_refused(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    home = str(tmp_path / "home")
    run = str(DATA / "fitparse" / "activity-small-fenix2-run.fit")
    assert runner.invoke(app, ["import", run, "--athlete", "ana", "--home", home]).exit_code == 0
    result = runner.invoke(app, [*command, "--athlete", "anaa", "--home", home])
    assert result.exit_code == 2, result.output
    assert "unknown athlete 'anaa'; known: ana" in result.output
    assert not (tmp_path / "r.html").exists()
    assert runner.invoke(app, [*command, "--athlete", "ana", "--home", home]).exit_code == 0


def test_a_writing_command_says_it_creates_an_athlete_and_refuses_one_differing_only_in_capitals(tmp_path):
    """A coach: 'Anna' beside 'anna' became two athletes (runs in one, check-in in the other), and a check-in for
    'nobody' made a new athlete without a word."""
    home = str(tmp_path / "home")
    run = str(DATA / "fitparse" / "activity-small-fenix2-run.fit")
    answers = str(DATA.parent / "checkins" / "worse_routine.json")
    assert runner.invoke(app, ["import", run, "--athlete", "anna", "--home", home]).exit_code == 0
    for command in (["import", run], ["checkin", "--answers", answers]):
        result = runner.invoke(app, [*command, "--athlete", " Anna ", "--home", home])
        assert result.exit_code == 2, result.output
        assert "athlete 'Anna' does not exist, but 'anna' does" in " ".join(result.output.split())
    result = runner.invoke(app, ["checkin", "--answers", answers, "--athlete", "ben", "--home", home])
    assert result.exit_code == 0 and "new athlete 'ben' (known: anna)" in " ".join(result.output.split())
    result = runner.invoke(app, ["shoes", "add", "Pegasus", "--athlete", "anan", "--home", home])
    assert result.exit_code == 0 and "new athlete 'anan' (known: anna, ben)" in " ".join(result.output.split())
    result = runner.invoke(app, ["shoes", "add", "Pegasus", "--athlete", "ANNA", "--home", home])
    assert result.exit_code == 2 and "athlete 'ANNA' does not exist, but 'anna' does" in result.output
    result = runner.invoke(app, ["athlete", "add", "ANNA", "--home", home])
    assert result.exit_code == 2 and "use 'anna'" in result.output
    result = runner.invoke(app, ["athlete", "list", "--home", home])
    assert "ANNA" not in result.output and "Anna" not in result.output


def test_the_check_in_says_when_its_answers_disagree_with_the_profile(tmp_path):
    """A physiotherapist (read 36): the plan and summary said 'sex male (profile: female) and age 44 (profile: born
    1988, about 38)', the check-in result the runner reads first did not."""
    import json

    home = str(tmp_path / "home")
    assert runner.invoke(app, ["athlete", "add", "ana", "--sex", "female", "--birth-year", "1988",
                               "--home", home]).exit_code == 0
    base = json.loads((DATA.parent / "checkins" / "worse_routine.json").read_text())
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({**base, "sex": "male", "age": 44}))
    out = " ".join(runner.invoke(app, ["checkin", "--answers", str(answers), "--athlete", "ana", "--home", home,
                                       "--no-save"]).output.split())
    assert "note: Your check-in says sex male (profile: female) and age 44 (profile: born 1988" in out
    # routine: a level that sends her to a professional holds whoever's check-in it is (never conditional)
    assert "Level: ROUTINE" in out and "This holds once" not in out
    from tests.advice_support import BASE_ANSWERS

    answers.write_text(json.dumps({**BASE_ANSWERS, "sex": "male", "age": 44}))
    calm = " ".join(runner.invoke(app, ["checkin", "--answers", str(answers), "--athlete", "ana", "--home", home,
                                        "--no-save"]).output.split())
    # read 46: a self-care level and its dates read as settled before the notes questioned the check-in
    assert ("Level: SELF-CARE This holds once the check-in is confirmed as yours and about this knee (see the "
            "notes).") in calm and calm.index("This holds once") < calm.index("note: Your check-in says")
    answers.write_text(json.dumps({**base, "sex": "female"}))
    agreed = runner.invoke(app, ["checkin", "--answers", str(answers), "--athlete", "ana", "--home", home, "--no-save"])
    assert "profile:" not in agreed.output


def test_the_check_in_says_when_earlier_check_ins_were_about_the_other_knee(tmp_path):
    """Read 43: the plan said the earlier check-ins were about the other knee, the check-in result did not."""
    import datetime as dt
    import json
    from pathlib import Path

    from kneeguard.advice.checkins import save_checkin
    from kneeguard.clinic.history import CheckinRecord

    home = str(tmp_path / "home")
    assert runner.invoke(app, ["athlete", "add", "ana", "--home", home]).exit_code == 0
    base = json.loads((DATA.parent / "checkins" / "worse_routine.json").read_text())
    earlier = dt.date.today() - dt.timedelta(days=7)
    save_checkin(CheckinRecord(earlier, {**base, "side": "right"}, "routine"), "ana", Path(home))
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({**base, "side": "left"}))
    out = " ".join(runner.invoke(app, ["checkin", "--answers", str(answers), "--athlete", "ana", "--home", home,
                                       "--no-save"]).output.split())
    assert (f"note: Your latest check-in is about the left knee; your check-in of {earlier:%d %b} was about the "
            "right") in out
    # read 50: the visit for both knees is said in the level's own block, before the notes
    both = "• If the right knee still hurts too, this plan does not cover it: see a physiotherapist or sports doctor"
    assert both in out and out.index(both) < out.index("note: Your latest check-in")
    answers.write_text(json.dumps({**base, "side": "right"}))
    same = runner.invoke(app, ["checkin", "--answers", str(answers), "--athlete", "ana", "--home", home, "--no-save"])
    assert "about the left knee" not in same.output
    # read 43: "A professional would examine ... and an X-ray" did not read as a sentence: a list under a heading
    assert "What a professional would check: " in " ".join(same.output.split())
    assert "would examine" not in same.output


def test_the_plan_says_a_profile_conflict_first(tmp_path):
    """Read 38: the note that the plan's distances come from a profile the check-in disagrees with sat at the very
    end of the plan, after the distances."""
    import json

    home = str(tmp_path / "home")
    run = str(DATA / "fitparse" / "activity-small-fenix2-run.fit")
    assert runner.invoke(app, ["athlete", "add", "ana", "--sex", "female", "--birth-year", "1988",
                               "--home", home]).exit_code == 0
    assert runner.invoke(app, ["import", run, "--athlete", "ana", "--home", home]).exit_code == 0
    answers = tmp_path / "a.json"
    base = json.loads((DATA.parent / "checkins" / "worse_routine.json").read_text())
    answers.write_text(json.dumps({**base, "sex": "male", "age": 44}))
    assert runner.invoke(app, ["checkin", "--answers", str(answers), "--athlete", "ana", "--home", home]).exit_code == 0
    out = " ".join(runner.invoke(app, ["plan", "--athlete", "ana", "--home", home], env={"COLUMNS": "200"}).output.split())
    note = "note: Your check-in says sex male (profile: female)"
    assert out.count("Your check-in says sex male") == 1 and note in out
    assert out.index(note) < out.index("This week") and "until then running returns by walk/run phases" in out
    # a walking-only week (the worse check-in) holds whoever's check-in it is: its week is not conditional (read 47)
    assert "This week (if" not in out
    from tests.advice_support import BASE_ANSWERS

    answers.write_text(json.dumps({**BASE_ANSWERS, "sex": "male", "age": 44}))
    assert runner.invoke(app, ["checkin", "--answers", str(answers), "--athlete", "ana", "--home", home]).exit_code == 0
    calm = " ".join(runner.invoke(app, ["plan", "--athlete", "ana", "--home", home], env={"COLUMNS": "200"}).output.split())
    # the routine check-in before it is a referral this one must not undo, and these answers name no side
    assert ("This week (if the professional your earlier check-in of" in calm
            and "has seen you and the check-in is yours and about this knee)" in calm)
