"""The clinician summary that leads the report: answers in words and the plan in one table.

The summary is at most two A4 pages; everything here shortens what the appendix
shows in full, so it reads the same `ReportDocument` parts and adds no numbers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kneeguard.text import listed, sentence

SUMMARY_FACTORS = 3  # the top factors a clinician reads first; the rest are in the appendix's findings
PLAN_ITEM_LIMIT = 4  # exercises or shoes named per plan row; the appendix lists every one


@dataclass(frozen=True)
class PlanRow:
    """One row of the summary's plan table: an area (Running, Strength, ...) and what to do, in a line or two."""

    area: str
    what: str


def plan_overview(plan: dict[str, Any], review_date: str | None) -> list[PlanRow]:
    """Running, strength, gait, footwear and follow-up, one row each, from the report's plan section."""
    if not plan.get("available"):
        return [PlanRow("Plan", plan.get("no_advice", ""))]
    if plan.get("stopped"):  # an urgent or emergency plan: one row, so the summary stays two pages (it ran to three)
        return [PlanRow("Plan", plan["stopped"]), PlanRow("Follow-up", "See the triage above.")]
    weeks = plan.get("weeks") or []
    running = plan.get("running_brief") or (plan["running_notes"][0] if plan.get("running_notes") else "No running planned.")
    # the last calendar week with running (a plan starting mid-week can end with a week of rest days only)
    ran = [w for w in weeks if w["km"] != "—"]
    last = f"{ran[-1]['km']} in week {ran[-1]['n']}" if ran else ""
    if last and last not in running:  # the running sentence may already name the last week's distance
        running += f" The plan's last running week: {last}."
    cap = plan.get("cap") or ""
    if cap and cap not in running:  # what the professional decides: the plan's own cap (a physiotherapist's read)
        running += f" {sentence(cap)}"
    # exercises by name without their set-up in brackets (the full report gives it) and with their first dose in
    # shorthand: a physiotherapist handed the summary checks and adjusts the load from it (read 9)
    strength = _dosed_names(plan.get("strength"), "Nothing prescribed.")
    if plan.get("exercise_pain_brief") and plan.get("strength"):
        strength += f" {sentence(plan['exercise_pain_brief'])}"
    if plan.get("flexibility"):
        strength += f" Mobility: {_dosed_names(plan['flexibility'], '')}"
    if plan.get("held_back"):  # the plan's "Not in this plan" exercises, the professional's to start
        # by name without the set-up in brackets (the plan's note gives it): the row stays within two pages
        # read 45: 'left to the physiotherapist' beside the plan's 'to start at a later re-check or when your
        # physiotherapist advises' read as two statements
        starter = plan.get("held_back_starter") or "a re-check or the physiotherapist starts them"
        strength += f" Not started yet ({starter}): {listed([_short(n) for n in plan['held_back']])}."
    gait = plan.get("gait")
    # what to bring is for the runner (`Recommendation.bring`); the clinician reading the summary has it in hand
    professional = plan.get("professional") or {}
    # the triage's own booking is the banner's headline; a conditional visit (self-care) is said here
    professional = "" if professional.get("books_visit") else professional.get("summary_text", "")
    # the review date once: the professional's text may already name it
    follow = [f"Review by {review_date}." if review_date and review_date not in professional else "", professional,
              plan.get("both_knees") or ""]
    # a plan held at week 1: the weeks after it wait for its re-check, the first follow-up
    follow.insert(0, plan.get("later_weeks_brief") or plan.get("later_weeks") or "")
    return [
        PlanRow("Running", running),
        PlanRow("Strength", strength),
        PlanRow("Gait", (gait or {}).get("brief") or (gait or {}).get("text") or "No gait retraining: nothing to retrain was measured."),
        # The summary lists what to do; "orthotics only after a professional assessment" is for the full report.
        PlanRow("Footwear", _names([x for x in plan.get("footwear") or [] if x.get("domain") != "orthotics"],
                                   "No footwear advice.")),
        PlanRow("Follow-up", " ".join(t for t in follow if t) or "See the triage above."),
    ]


def _dosed_names(items: list[dict] | None, none: str) -> str:
    """Each exercise as '<short name> <its first dose in shorthand>' (`Prescription.brief_dose`), the sessions a
    week said once after them when they share it ('...; all 3x/week')."""
    items = items or []
    shared = {x.get("brief_frequency") for x in items}
    once = len(items) > 1 and len(shared) == 1 and None not in shared

    def dosed(x: dict) -> str:
        named = " ".join(filter(None, (_short(x["name"]), x.get("brief_dose", ""))))
        return named if once or not x.get("brief_frequency") else f"{named}, {x['brief_frequency']}"

    # every exercise, dosed: the clinician checks the load from this row, without the full report (read 13)
    text = _names([{**x, "name": dosed(x)} for x in items], none, limit=len(items))
    return text[:-1] + f"; all {shared.pop()}." if once and text.endswith(".") else text


def _short(name: str) -> str:
    """'Slow hamstring curl (single leg, band or machine)' -> 'Slow hamstring curl'."""
    return re.sub(r"\s*\([^)]*\)", "", name).strip() or name


def _names(items: list[dict] | None, none: str, limit: int = PLAN_ITEM_LIMIT) -> str:
    if not items:
        return none
    # A conditional item keeps its condition (its own words): shortened to a name it would read as unconditional.
    names = [f"{x['name']}: {x['condition']}" if x.get("condition") else x["name"] for x in items[:limit]]
    # '‡' as the factors carry it: from the profile's shoes or video while the check-in disagrees (read 46)
    names = [f"{n} ‡" if x.get("data_not_confirmed") else n for n, x in zip(names, items)]
    more = len(items) - len(names)
    # "the full report", not "the appendix": the summary is also printed alone, without one.
    return "; ".join(names) + (f"; and {more} more (see the full report)." if more else ".")
