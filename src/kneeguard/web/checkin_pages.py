"""Check-in: a form generated from the clinic's question files, branching in the browser,
re-validated on the server by the same questionnaire, then `assess()` and the level banner."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData

from kneeguard.web.common import athlete_name, render, store_of

router = APIRouter()

def _form_context(given: dict[str, Any]) -> dict[str, Any]:
    from kneeguard.clinic import load_questionnaire

    qn = load_questionnaire()
    sections = []
    for section in qn.sections:
        questions = [q for q in qn.questions if q.section == section["id"]]
        sections.append({"id": section["id"], "title": section["title"], "questions": questions})
    return {"sections": sections, "given": given, "show_if_json": _show_if_json}


def _show_if_json(question) -> str:
    return json.dumps(question.show_if) if question.show_if else ""


@router.get("/checkin")
def checkin_page(request: Request):
    return render(request, "checkin.html", **_form_context({}))


@router.post("/checkin")
async def checkin_submit(request: Request):
    from kneeguard.clinic import CheckinError, assess, load_questionnaire
    from kneeguard.advice.checkins import load_checkins, save_checkin

    form = await request.form()
    qn = load_questionnaire()
    raw = answers_from_form(form, qn)
    problems = form_problems(qn, raw)
    if problems:
        return render(request, "checkin.html", status_code=422, problems=problems, **_form_context(raw))
    store, athlete, today = store_of(request), athlete_name(request), dt.date.today()
    try:
        result = assess(raw, history=load_checkins(athlete, store=store), today=today)
    except CheckinError as exc:
        return render(request, "checkin.html", status_code=422, problems=exc.problems, **_form_context(raw))
    result.athlete = athlete
    save_checkin(result.record, athlete, store=store)
    return render(request, "checkin_result.html", result=result, findings=[f.to_dict() for f in result.findings])


def answers_from_form(form: FormData, qn) -> dict[str, Any]:
    """Only known questions; empty fields are left out; several checkboxes make a list."""
    raw: dict[str, Any] = {}
    for q in qn.questions:
        if q.type == "multi":
            chosen = [str(v) for v in form.getlist(q.id) if str(v).strip()]
            if chosen:
                raw[q.id] = chosen
        else:
            value = form.get(q.id)
            if isinstance(value, str) and value.strip():
                raw[q.id] = value.strip()
    return raw


def form_problems(qn, raw: dict[str, Any]) -> list[str]:
    """What the person must fix: bad answers, required questions left open, contradictions.

    Unlike an answers file, the form asks for every required question that applies (the CLI
    interview does the same), so a missing warning sign is asked for rather than escalated.
    """
    validation = qn.validate(raw)
    problems = list(validation.errors)
    for qid in validation.missing:
        problems.append(f"Please answer: {qn.by_id[qid].text}")
    problems.extend(c.message for c in validation.contradictions)
    return problems
