"""Calendar export re-parses with icalendar; `kneeguard plan` end to end on a store; gather_context."""
from __future__ import annotations

import datetime as dt
import json

import typer
from icalendar import Calendar
from typer.testing import CliRunner

from kneeguard.advice import advise, gather_context, make_context, write_ics
from kneeguard.cli import plan_cmd
from kneeguard.advice.checkins import save_checkin
from kneeguard.clinic import TriageLevel
from kneeguard.clinic.history import CheckinRecord
from kneeguard.store import open_store, records
from tests.advice_support import AS_OF, BASE_ANSWERS, gait_summary


def test_ics_reparses_with_stable_uids(tmp_path):
    a = advise(make_context("ana", AS_OF, gait=gait_summary()), weeks=4)
    path = write_ics(a, tmp_path / "plan.ics")
    cal = Calendar.from_ical(path.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(a.days)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    assert all("Pain rule" in str(e["DESCRIPTION"]) or e["CATEGORIES"].cats == ["rest"] or
               e["CATEGORIES"].cats == ["film"] for e in events)
    codes = {code for s in a.days for code in s.reason}
    assert codes and not any(code in str(e["DESCRIPTION"]) for e in events for code in codes)  # words, not codes
    again = write_ics(advise(make_context("ana", AS_OF, gait=gait_summary()), weeks=4), tmp_path / "again.ics")
    assert again.read_bytes() == path.read_bytes()  # identical input, identical file


def _seed(home):
    with open_store(home=home) as store:
        answers = {**BASE_ANSWERS, "pain_during_run": 3, "pain_next_morning": 1, "heel_rise_left": 10}
        save_checkin(CheckinRecord(AS_OF - dt.timedelta(days=2), answers, "self-care"), "ana", store=store)
        with store.write() as s:
            records.save_gait_session(s, "ana", gait_summary(day=AS_OF - dt.timedelta(days=3)).to_dict(),
                                      recorded_at=dt.datetime(2025, 6, 27, 10, tzinfo=dt.timezone.utc))


def test_gather_context_reads_checkin_and_gait(tmp_path):
    _seed(tmp_path)
    with open_store(home=tmp_path) as store:
        ctx = gather_context(store, "ana", AS_OF)
        early = gather_context(store, "ana", AS_OF - dt.timedelta(days=10))
        nobody = gather_context(store, "zed", AS_OF)
    assert ctx.checkin.level is TriageLevel.SELF_CARE and ctx.gait.cadence_spm == 158.0
    assert {"checkin", "gait"} <= {f["source"] for f in ctx.to_dict()["findings"]}
    assert {m.part for m in ctx.missing} == {"activities", "shoes"}
    assert early.checkin is None and early.gait is None  # nothing recorded yet on that day
    assert "athlete" in {m.part for m in nobody.missing}


def test_plan_cli_json_and_ics(tmp_path):
    _seed(tmp_path)
    app = typer.Typer()
    plan_cmd.register(app)
    app.command("noop")(lambda: None)  # two commands keep `plan` as a sub-command
    ics = tmp_path / "plan.ics"
    runner = CliRunner()
    res = runner.invoke(app, ["plan", "--athlete", "ana", "--as-of", AS_OF.isoformat(), "--weeks", "4", "--json",
                              "--ics", str(ics), "--home", str(tmp_path)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["banner"]["level"] == "self-care" and len({d["date"] for d in data["days"]}) == 28
    assert Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    res = runner.invoke(app, ["plan", "--athlete", "ana", "--as-of", AS_OF.isoformat(), "--home", str(tmp_path)])
    assert res.exit_code == 0 and "This week" in res.stdout and "Top contributing" in res.stdout
    bad = runner.invoke(app, ["plan", "--weeks", "12", "--home", str(tmp_path)])
    assert bad.exit_code == 2
