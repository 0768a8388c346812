"""Check-in: a stepped interview generated from the clinic's question files (one section per step,
answers carried between steps in hidden fields, a progress indicator), branching in the browser,
re-validated on the server by the same questionnaire, then `assess()` and the level banner.
A post without `_step` is the whole form at once (answers scripts and older pages)."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData

from kneeguard.web.common import athlete_name, render, store_of

router = APIRouter()

def _steps(qn) -> list[dict[str, Any]]:
    """One step per question section, in file order."""
    return [{"id": sec["id"], "title": sec["title"], "questions": [q for q in qn.questions if q.section == sec["id"]]}
            for sec in qn.sections]


def _form_context(given: dict[str, Any], step: int | None = None) -> dict[str, Any]:
    """The form for one step (`step`), or every section on one page (`None`, the no-step post)."""
    from kneeguard.clinic import load_questionnaire

    steps = _steps(load_questionnaire())
    shown = steps if step is None else [steps[step]]
    here = {q.id for s in shown for q in s["questions"]}
    by_id = load_questionnaire().by_id
    carried = [(by_id[qid], v) for qid, raw in given.items() if qid not in here
               for v in (raw if isinstance(raw, list) else [raw])]
    return {"sections": shown, "given": given, "show_if_json": _show_if_json, "step": step, "steps": steps,
            "carried": carried, "last_step": step is None or _next_step(steps, step, given) is None}


def _show_if_json(question) -> str:
    return json.dumps(question.show_if) if question.show_if else ""


def _step_applies(step: dict[str, Any], answers: dict[str, Any]) -> bool:
    """A step is skipped only when every question in it is ruled out by earlier answers."""
    from kneeguard.clinic.conditions import evaluate

    return any(q.show_if is None or evaluate(q.show_if, answers) is not False for q in step["questions"])


def _next_step(steps: list[dict[str, Any]], step: int, answers: dict[str, Any], direction: int = 1) -> int | None:
    i = step + direction
    while 0 <= i < len(steps):
        if _step_applies(steps[i], answers):
            return i
        i += direction
    return None


# Answers that stay true from one check-in to the next, filled in from the latest one (a runner asked why each
# weekly check-in asks them again); shown, so they can be changed. Never a warning sign or a symptom: those are
# asked afresh every time (the age is a safety question, but it is a number the runner sees and corrects).
REMEMBERED = ("age", "sex", "surgery", "previous_injury", "years_running", "known_arthritis")


def remembered_answers(request: Request) -> dict[str, Any]:
    """The latest check-in's answers to `REMEMBERED` questions ({} without a check-in)."""
    from kneeguard.advice.checkins import load_checkins

    records = load_checkins(athlete_name(request), store=store_of(request))
    if not records:
        return {}
    latest = max(records, key=lambda r: r.on_date)
    return {q: latest.answers[q] for q in REMEMBERED if latest.answers.get(q) is not None}


@router.get("/checkin")
def checkin_page(request: Request):
    return render(request, "checkin.html", **_form_context(remembered_answers(request), step=0))


@router.post("/checkin")
async def checkin_submit(request: Request):
    from kneeguard.clinic import CheckinError, assess, load_questionnaire
    from kneeguard.advice.checkins import load_checkins, save_checkin

    form = await request.form()
    qn = load_questionnaire()
    raw = answers_from_form(form, qn)
    step = _posted_step(form, len(qn.sections))
    if step is not None:
        moved = _move(request, qn, raw, step, form.get("_go"))
        if moved is not None:
            return moved
    problems = form_problems(qn, raw)
    if problems:
        return render(request, "checkin.html", status_code=422, problems=problems,
                      **_form_context(raw, _step_of_problem(qn, raw, problems) if step is not None else None))
    store, athlete, today = store_of(request), athlete_name(request), dt.date.today()
    try:
        result = assess(raw, history=load_checkins(athlete, store=store), today=today)
    except CheckinError as exc:
        return render(request, "checkin.html", status_code=422, problems=exc.problems, **_form_context(raw, step))
    result.athlete = athlete
    save_checkin(result.record, athlete, store=store)
    from kneeguard.advice.factors import PAIN_LIMITED, tested_on_painful_leg

    side = result.answers.get("side")  # the painful leg's results carry the plan's caveat here too
    findings = [{**f.to_dict(), "caveat": PAIN_LIMITED if tested_on_painful_leg(f, side) else ""}
                for f in result.findings]
    from kneeguard.advice.checkins import result_notes

    return render(request, "checkin_result.html", result=result, findings=findings,
                  notes=result_notes(result, store=store))


def _posted_step(form: FormData, count: int) -> int | None:
    text = form.get("_step")
    if isinstance(text, str) and text.isdigit() and int(text) < count:
        return int(text)
    return None


def _move(request: Request, qn, raw: dict[str, Any], step: int, go: Any):
    """Back or next within the stepped interview; None when the last step was finished."""
    steps = _steps(qn)
    if go == "back":
        return render(request, "checkin.html", **_form_context(raw, _next_step(steps, step, raw, -1) or 0))
    here = {q.id for q in steps[step]["questions"]}
    problems = form_problems(qn, raw, only=here)
    if problems:
        return render(request, "checkin.html", status_code=422, problems=problems, **_form_context(raw, step))
    following = _next_step(steps, step, raw)
    return None if following is None else render(request, "checkin.html", **_form_context(raw, following))


def _step_of_problem(qn, raw: dict[str, Any], problems: list[str]) -> int:
    """The first step holding a question a problem names, so the runner can correct it there."""
    for i, step in enumerate(_steps(qn)):
        if any(q.id in p or q.text in p for q in step["questions"] for p in problems):
            return i
    return len(qn.sections) - 1


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


def _by_question(qn, error: str) -> str:
    qid, _, message = error.partition(":")
    question = qn.by_id.get(qid)
    return f"{question.text.rstrip()}: {message.strip()}" if question is not None and message else error


def form_problems(qn, raw: dict[str, Any], only: set[str] | None = None) -> list[str]:
    """What the person must fix: bad answers, required questions left open, contradictions.

    Unlike an answers file, the form asks for every required question that applies (the CLI
    interview does the same), so a missing warning sign is asked for rather than escalated.
    `only`: the questions of one step; then only their problems count (later steps are not yet asked).
    """
    validation = qn.validate(raw)

    def here(qids) -> bool:
        return only is None or any(q in only or any(qn.by_id[o].group == q for o in only) for q in qids)

    # a bad answer named by its question, as the person read it, not by its id (a runner saw 'leg_length_diff_cm')
    problems = [_by_question(qn, e) for e in validation.errors if here([e.split(":", 1)[0]])]
    problems += [f"Please answer: {qn.by_id[qid].text}" for qid in validation.missing if here([qid])]
    problems += [c.message for c in validation.contradictions if here(c.questions)]
    return problems
