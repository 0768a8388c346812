"""Advice engine and personal plan (issue 5): findings from load, gait and check-in -> a day-by-day plan.

    from kneeguard.advice import gather_context, advise, write_ics
    with open_store() as store:
        ctx = gather_context(store, "me", dt.date.today())
    plan = advise(ctx, weeks=6)
    plan.banner, plan.top_factors, plan.days, plan.to_dict()
    write_ics(plan, "plan.ics")
"""
from kneeguard.advice.context import AthleteContext, MissingPart, gather_context, make_context
from kneeguard.advice.engine import Advice, Banner, advise
from kneeguard.advice.factors import Factor, rank_factors
from kneeguard.advice.exercises import Prescription, Stage, library
from kneeguard.advice.ics import write_ics
from kneeguard.advice.pain import PainState, pain_state
from kneeguard.advice.session import SESSION_KINDS, Recommendation, Session

__all__ = [
    "SESSION_KINDS", "Advice", "AthleteContext", "Banner", "Factor", "MissingPart", "PainState", "Prescription",
    "Recommendation", "Session", "Stage", "advise", "gather_context", "library", "make_context", "pain_state",
    "rank_factors", "write_ics",
]
