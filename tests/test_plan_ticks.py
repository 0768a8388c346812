"""Ticking plan sessions off with pain during and the next morning changes the next sessions by the
pain rule: through the CLI (`kneeguard plan tick`, then `kneeguard plan --json`) and the web app."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from kneeguard.advice.checkins import save_checkin
from kneeguard.cli import app
from kneeguard.clinic.history import CheckinRecord
from kneeguard.store import open_store
from tests.advice_support import BASE_ANSWERS

TODAY = dt.date.today()
YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture()
def home(tmp_path):
    """An athlete whose latest check-in keeps the pain rule (3/10 during, settled to 1/10 next morning)."""
    with open_store(home=tmp_path) as store:
        answers = {**BASE_ANSWERS, "pain_during_run": 3, "pain_next_morning": 1}
        save_checkin(CheckinRecord(TODAY - dt.timedelta(days=3), answers, "self-care"), "ana", store=store)
    return tmp_path


def _cli(home, *args):
    return CliRunner().invoke(app, [*args, "--athlete", "ana", "--home", str(home)])


def _plan(home) -> dict:
    res = CliRunner().invoke(app, ["plan", "--athlete", "ana", "--home", str(home), "--as-of", TODAY.isoformat(),
                                   "--weeks", "4", "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _first_walk_run(plan: dict) -> str:
    return next(d["phase"] for d in plan["days"] if d["kind"] in ("run", "walk_run", "walk"))


def test_cli_tick_with_high_pain_steps_the_next_sessions_back(home):
    before = _plan(home)
    assert before["pain"]["decision"] == "progress"
    ok = _cli(home, "plan", "tick", YESTERDAY.isoformat(), "run", "--pain-during", "3", "--pain-morning", "1")
    assert ok.exit_code == 0 and "pain during 3/10, next morning 1/10" in ok.stdout
    assert _plan(home)["pain"]["decision"] == "progress"  # acceptable and settled: it may progress
    sore = _cli(home, "plan", "tick", YESTERDAY.isoformat(), "run", "--pain-during", "7")
    assert sore.exit_code == 0 and "pain during 7/10, next morning 1/10" in sore.stdout  # the morning is kept
    after = _plan(home)
    assert after["pain"]["decision"] == "step_back" and after["pain"]["step_back"] and after["pain"]["hold"]
    assert after["running"]["mode"] == "walk"  # above 5/10 in a run: walking only
    assert _first_walk_run(after) != _first_walk_run(before)  # back to the first walk/run phase
    assert _cli(home, "plan", "tick", YESTERDAY.isoformat(), "run", "--undo").exit_code == 0
    assert _plan(home)["pain"]["decision"] == "progress"


def test_cli_next_morning_pain_two_points_above_the_usual_steps_back(home):
    assert _cli(home, "plan", "tick", YESTERDAY.isoformat(), "strength", "--pain-morning", "2").exit_code == 0
    assert _plan(home)["pain"]["decision"] == "progress"  # 2/10 is settled: no hold, no finding
    assert _cli(home, "plan", "tick", YESTERDAY.isoformat(), "strength", "--pain-morning", "3").exit_code == 0
    pain = _plan(home)["pain"]
    # not settled, and 2 points (the minimal important change) above the check-in's 1/10
    assert pain["decision"] == "step_back" and "advice.pain.session_not_settled" in pain["codes"]


@pytest.mark.parametrize(("args", "needle"), [
    (["soon", "run"], "YYYY-MM-DD"),
    ([(TODAY + dt.timedelta(days=1)).isoformat(), "run"], "still to come"),
    ([YESTERDAY.isoformat(), "nap"], "unknown plan session"),
    ([YESTERDAY.isoformat(), "rest"], "unknown plan session"),
    ([YESTERDAY.isoformat(), "run", "--pain-during", "11"], "0 to 10"),
    ([YESTERDAY.isoformat(), "run", "--pain-morning", "-1"], "0 to 10"),
    ([TODAY.isoformat(), "run", "--pain-morning", "2"], "record the next-morning pain then"),
    ([YESTERDAY.isoformat(), "run", "--undo", "--pain-during", "2"], "--undo"),
])
def test_cli_bad_ticks_are_one_line_errors(home, args, needle):
    res = _cli(home, "plan", "tick", *args)
    assert res.exit_code == 2 and needle in " ".join(res.output.split()) and "Traceback" not in res.output


def test_undo_without_a_tick_says_so(home):
    res = _cli(home, "plan", "tick", YESTERDAY.isoformat(), "run", "--undo")
    assert res.exit_code == 0 and "was not ticked" in res.stdout
