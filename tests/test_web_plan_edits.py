"""Plan edits in the web app: a clinician edits the plans of assigned athletes; an athlete reads them
(403 on a write); a clinician not assigned gets 404; single-user mode edits as "local clinician"."""
from __future__ import annotations

import datetime as dt

import pytest

from kneeguard.store import plan_overrides
from kneeguard.web import create_app
from tests.test_web_multiuser import fast_hashing, login, post, web, world  # noqa: F401 - fixtures


@pytest.fixture
def clinic(world):  # noqa: F811 - the multi-user world of test_web_multiuser
    return world


CEILING = {"kind": "max_weekly_km", "max_weekly_km": "15", "note": "<b>keep it easy</b>"}


def _edits(clinic, name: str):
    with clinic.store.session() as s:
        return plan_overrides.list_active(s, name)


def test_clinician_edits_and_athlete_reads(clinic):
    clin, ana = login(clinic.app, "clin"), login(clinic.app, "ana")
    assert post(clin, "/plan/edits", {**CEILING, "athlete": "ana"}).status_code == 303
    bad = post(clin, "/plan/edits", {"kind": "dose", "athlete": "ana", "exercise": "side_plank", "sets": "3",
                                     "reps": "lots"})
    assert bad.status_code == 400 and "SETSxREPS" in bad.text
    [edit] = _edits(clinic, "ana")
    assert edit.author == "clin" and edit.max_weekly_km == 15
    page = ana.get("/plan").text
    assert "at most 15 km of running a week" in page and "set by clin" in page and "&lt;b&gt;" in page
    assert 'href="/plan/edits"' not in page  # no edit link for the athlete
    edits_page = ana.get("/plan/edits").text
    assert "at most 15 km" in edits_page and 'name="kind"' not in edits_page and "Remove" not in edits_page
    assert post(ana, "/plan/edits", {**CEILING, "athlete": "ana"}).status_code == 403
    assert post(ana, f"/plan/edits/{edit.id}/remove").status_code == 403
    assert post(clin, f"/plan/edits/{edit.id}/remove").status_code == 303
    assert _edits(clinic, "ana") == []


def test_unassigned_clinician_gets_404(clinic):
    with clinic.store.write() as s:
        from kneeguard.advice.overrides import OverrideKind, PlanOverride

        bobs = plan_overrides.add(s, "bob", PlanOverride(OverrideKind.MAX_WEEKLY_KM, "root", max_weekly_km=10))
    clin, admin = login(clinic.app, "clin"), login(clinic.app, "root")
    assert post(clin, "/plan/edits", {**CEILING, "athlete": "bob"}).status_code == 404
    assert post(clin, f"/plan/edits/{bobs.id}/remove").status_code == 404
    assert post(clin, "/plan/edits/999999/remove").status_code == 404
    assert [e.id for e in _edits(clinic, "bob")] == [bobs.id]
    assert post(admin, "/plan/edits", {**CEILING, "athlete": "bob"}).status_code == 303  # an admin may


def test_single_user_mode_edits_as_local_clinician(tmp_path):
    client = web(create_app(home=tmp_path / "home"))
    form = client.get("/plan/edits").text
    assert 'value="no_running"' in form and "<script>" not in form
    start, end = (dt.date.today() + dt.timedelta(days=d) for d in (200, 209))  # within `analysis.days_ahead`
    r = client.post("/plan/edits", data={"kind": "no_running", "start": start.isoformat(), "end": end.isoformat()})
    assert r.status_code == 303
    page = client.get("/plan").text
    assert f"no running from {start.isoformat()} to {end.isoformat()}" in page and "local clinician" in page
    assert "not applied" in page  # the period lies after this plan: shown, not dropped
