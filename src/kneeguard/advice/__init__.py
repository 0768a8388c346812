"""Advice engine and personal plan (issue 5): findings from load, gait and check-in -> a day-by-day plan.

    from kneeguard.advice import gather_context, advise, write_ics
    with open_store() as store:
        ctx = gather_context(store, "me", dt.date.today())
    plan = advise(ctx, weeks=6)
    plan.banner, plan.top_factors, plan.days, plan.to_dict()
    write_ics(plan, "plan.ics")

The names below are imported on first use, so that a small submodule (`advice.ticks`, `advice.session`)
can be imported without pandas (`advice.context`): `kneeguard plan tick --help` starts fast.
"""
from kneeguard.lazy import lazy_exports

_SUBMODULE = {
    "AthleteContext": "context", "MissingPart": "context", "gather_context": "context", "make_context": "context",
    "Advice": "engine", "Banner": "engine", "advise": "engine",
    "Factor": "factors", "rank_factors": "factors",
    "Prescription": "exercises", "Stage": "exercises", "library": "exercises",
    "write_ics": "ics",
    "PainState": "pain", "pain_state": "pain",
    "SESSION_KINDS": "session", "Recommendation": "session", "Session": "session",
}
__getattr__, __dir__ = lazy_exports(__name__, _SUBMODULE)

__all__ = [
    "SESSION_KINDS", "Advice", "AthleteContext", "Banner", "Factor", "MissingPart", "PainState", "Prescription",
    "Recommendation", "Session", "Stage", "advise", "gather_context", "library", "make_context", "pain_state",
    "rank_factors", "write_ics",
]
