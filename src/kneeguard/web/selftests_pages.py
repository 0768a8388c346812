"""Self-tests: how to do each test, the norms it is read against (with their sources), and
the athlete's latest results from the check-ins. The tests are recorded in the check-in."""
from __future__ import annotations

from fastapi import APIRouter, Request

from kneeguard.web.common import athlete_name, render, store_of

router = APIRouter()


@router.get("/selftests")
def selftests_page(request: Request):
    from kneeguard.advice.checkins import load_checkins
    from kneeguard.clinic.selftests import results_by_test
    from kneeguard.store import athletes

    name = athlete_name(request)
    store = store_of(request)
    records = load_checkins(name, store=store)
    with store.session() as session:
        sex = athletes.get(session, name).sex
    if not sex:  # the check-in asks for it too
        sex = next((r.answers.get("sex") for r in reversed(records) if r.answers.get("sex")), None)
    return render(request, "selftests.html", tests=results_by_test(records, sex), sex=sex)
