"""The one pain-monitoring rule (Silbernagel 2007) for every reading of pain: check-ins, ticked
plan sessions, the plan and the report.

Pain during activity up to `advice.pain.acceptable_max` (5/10) is acceptable; by the next morning
it must be back in the safe band (`advice.pain.morning_settled_max`, 2/10); it must not rise week
to week, where a rise means at least the minimal important change of the 0-10 scale
(`clinic.trend.pain_change`, about 2 points: Salaffi 2004, Farrar 2001; smaller changes are noise).

    kept                                         -> PROGRESS
    next morning not settled, swelling, unknown  -> HOLD       (nothing rises)
    clearly worse: during above acceptable,      -> STEP_BACK  (back one level)
      next morning above acceptable or risen by
      the minimal important change, rising trend
    red flags (triage stops training)            -> STOP       (rest and triage)

Upstream of clinic and advice so that both judge pain by the same numbers.
"""
from __future__ import annotations

from enum import Enum

from kneeguard import evidence
from kneeguard.findings import Severity
from kneeguard.text import listed

ACCEPTABLE_KEY = "advice.pain.acceptable_max"
SETTLED_KEY = "advice.pain.morning_settled_max"
CHANGE_KEY = "clinic.trend.pain_change"


class LoadDecision(str, Enum):
    """What the pain rule lets the load do next, mildest first (`rank` orders them)."""

    PROGRESS = "progress"
    HOLD = "hold"
    STEP_BACK = "step_back"
    STOP = "stop"

    @property
    def rank(self) -> int:
        return list(LoadDecision).index(self)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    def worst(self, other: "LoadDecision") -> "LoadDecision":
        return other if other.rank > self.rank else self


# A finding that cites the rule is as serious as the decision it triggers.
_SEVERITY = {LoadDecision.PROGRESS: Severity.INFO, LoadDecision.HOLD: Severity.LOW,
             LoadDecision.STEP_BACK: Severity.MODERATE, LoadDecision.STOP: Severity.HIGH}


def decision_severity(decision: LoadDecision) -> Severity:
    return _SEVERITY[decision]


def acceptable_max() -> float:
    return evidence.value(ACCEPTABLE_KEY)


def settled_max() -> float:
    return evidence.value(SETTLED_KEY)


def safe_max() -> float:
    """Pain (0-10) low enough to count as pain-free for planning (`advice.pain.safe_max`)."""
    return evidence.value("advice.pain.safe_max")


def important_change() -> float:
    return evidence.value(CHANGE_KEY)


def during_decision(during: float | None) -> LoadDecision:
    """Pain during (or just after) a session or run."""
    if during is not None and during > acceptable_max():
        return LoadDecision.STEP_BACK
    return LoadDecision.PROGRESS


def morning_risen(morning: float | None, baseline: float | None) -> bool:
    """Next-morning pain outside the safe band and at least the minimal important change above the
    athlete's own baseline: clearly worse, as patients feel it."""
    return (morning is not None and baseline is not None and morning > settled_max()
            and morning - baseline >= important_change())


def morning_decision(morning: float | None, baseline: float | None = None) -> LoadDecision:
    """Next-morning pain against the safe band and the athlete's baseline (None: not known)."""
    if morning is None or morning <= settled_max():
        return LoadDecision.PROGRESS
    if morning > acceptable_max() or morning_risen(morning, baseline):
        return LoadDecision.STEP_BACK
    return LoadDecision.HOLD


def risen(before: float, now: float) -> bool:
    """Pain rising week to week: by at least the minimal important change."""
    return now - before >= important_change()


def provoking_change_text(new: str, usual: str, added: str) -> str:
    """The pain rule applied to one change (a new step rate, ...): a change that provokes the pain is undone,
    not merely held, and the run stops where every run stops (above the acceptable band). An unsettled next
    morning says exactly what the next run does: `usual`, and none of the change's `added` work."""
    ok, settled = acceptable_max(), settled_max()
    return (f"If the pain rises at {new}, go back to {usual}; stop and walk home above {ok:g}/10; "
            f"if the next morning is above {settled:g}/10, run the next run at {usual} and add no {added}.")


def usual_morning_words(usual: float | None, from_days: tuple = (), walking_only: bool = False,
                        now: float | None = None, walks: tuple[float, float] | None = None) -> str:
    """'Your usual next morning is 1/10 (the middle of your check-ins of 15 Nov, 22 Nov and 07 Dec): a next
    morning of 3/10 or more steps back one level.', with the scores that only repeat the week when there are any
    ('' without a usual). The scores are `morning_decision`'s own, asked score by score. `walks`: (this plan's
    walk, the usual walk) in minutes, said when a walking-only plan already shortened them."""
    if usual is None:
        return ""
    decisions = {score: morning_decision(score, usual) for score in range(11)}
    step = step_back_morning(usual)
    repeat = [score for score, d in decisions.items() if d is LoadDecision.HOLD]
    held = "" if not repeat else (f" ({repeat[0]}/10 repeats the week)" if len(repeat) == 1 else
                                  f" ({repeat[0]}-{repeat[-1]}/10 repeat the week)")
    which = (f"the middle of your check-ins of {listed([f'{d:%d %b}' for d in from_days])}" if len(from_days) > 1
             else "the middle of your latest check-ins")
    if walking_only:  # no level below walking only (read 37: 'steps back one level' said nothing there)
        # read 38: a limit she had already reached; read 40: with the amounts, as the schedule has them
        # read 48: "15 min instead of 30" named walks she had never been given: the phase's usual, halved
        short = (f"this week's walks are {walks[0]:g} min (half the walking phase's usual {walks[1]:g})"
                 if walks and walks[0] < walks[1]
                 else "shorter walks")
        already = now is not None and now >= step
        seen = sooner_words(usual, now)
        if already:  # read 49: three shortening rules for one morning; the week is already shortened for it
            return (f"Your usual next morning is {usual:g}/10 ({which}); it is {now:g}/10 now, so {short} and the "
                    "exercises a set fewer (the doses below). While you walk only, shorten a walk further only if a "
                    f"morning is worse than the one before; {seen}")
        return (f"Your usual next morning is {usual:g}/10 ({which}): while you walk only, a next morning of {step}/10 "
                f"or more means shorter walks and lighter exercises; {seen}")
    return (f"Your usual next morning is {usual:g}/10 ({which}): a next morning of {step}/10 or more steps back one "
            f"level{held}.")


def step_back_morning(usual: float) -> int:
    """The lowest next-morning score that steps the plan back against this `usual` (`morning_decision`'s own)."""
    return min(score for score in range(11) if morning_decision(score, usual) is LoadDecision.STEP_BACK)


def sooner_words(usual: float, now: float | None, subject: str = "it") -> str:
    """When a walking-only plan's runner phones a professional sooner, by the next-morning pain (`subject`): 'if it
    is still 4/10 or more at your re-check, or reaches 6/10 before it, phone ...'. The plan's pain paragraph and
    the check-in result that holds the plan say this one sentence (read 51: the check-in pointed to the plan)."""
    step = step_back_morning(usual)
    # read 41: "if it stays there" had no time frame: the re-check, or a further rise by the rule's own change,
    # as a score where today's is known (read 45: "rises by 2 points" - above what?)
    change = important_change()
    rise = (f"reaches {now + change:g}/10" if now is not None and now >= step
            else f"rises by {change:g} or more points")
    # read 47: 'see the professional then, sooner than planned' said no how or when
    return (f"if {subject} is still {step}/10 or more at your re-check, or {rise} before it, phone a physiotherapist "
            "or sports doctor that day and ask to be seen within a few days.")


def describe(walking_only: bool = False) -> str:
    """The rule in one paragraph, with the registry's numbers, as the plan applies it (`advice.pain`): which reading
    wins (a step back instead of a repeat) and which pain each rise is of, since physiotherapists read an unsettled
    morning that was also "a rise" as two instructions at once. `walking_only`: the rule a plan that walks only
    keeps (`_walking_only_rule`)."""
    if walking_only:
        return _walking_only_rule()
    ok, change = acceptable_max(), important_change()
    window = int(evidence.value("clinic.trend.window_days"))  # the trend's own window (clinic.history)
    return (f"During a run or exercise, pain up to {ok:g}/10 is acceptable; above it, stop (from a run, walk "
            f"home). {_next_morning_words()} Step back one level instead when a run goes above "
            f"{ok:g}/10, when the next morning is above {ok:g}/10 or {change:g} or more points above your usual "
            "next morning (the middle of your last few check-ins), or when the pain you check in with (at rest "
            f"or in runs) is {change:g} or more points above a check-in of the last {window // 7:g} weeks. A step "
            "back: distances back by one week's growth (a walk/run return: back to its first step); after a run "
            f"above {ok:g}/10, walking only (the exercises then kept to {walking_only_exercise_max():g}/10 too) "
            f"until {resume_running_condition()}. {_WARNING}")


_WARNING = "Warning signs (listed at the end): stop and get checked."


def _next_morning_words() -> str:
    settled = settled_max()
    return (f"The next morning: back to {settled:g}/10 or less, the plan moves on; above {settled:g}/10, repeat this "
            "week and increase nothing.")


def _walking_only_rule() -> str:
    """The rule of a plan that walks only: its own limit first, for walks and exercises (read 40 found the rule's
    5/10 for exercise before it), the next morning, and running's limit for when it comes back. The step-back
    levels of a plan that runs are left to the plan that runs again (read 41: they did not apply to the week)."""
    settled = settled_max()
    # read 44: "the plan moves on" had no meaning in a walking week (it could read as leave to start walk/run), and
    # three next-morning sentences overlapped: one, in the walks' terms
    morning = (f"The next morning: back to {settled:g}/10 or less, keep to the walks as set (walk/run starts only as "
               f"the running plan says); above {settled:g}/10, increase nothing, and if it is worse than the morning "
               "before, make the next walk shorter and the exercises lighter.")
    return (f"{walking_only_exercise_words(with_walks=True)} {morning} Once you run again: during a run "
            f"or exercise, pain up to {acceptable_max():g}/10 is acceptable; above it, stop and walk home (the plan "
            f"that runs again gives the rest of the rule). {_WARNING}")


def resume_running_words() -> str:
    """When running comes back after a walking-only spell: the one sentence the check-in, the plan's running
    summary and its walking sessions all use (the plan's hold points to it). Walks in the safe band, as in
    `advice.rtr.readiness`."""
    return f"walk/run starts when {resume_running_condition()}"


def resume_running_condition() -> str:
    """What `resume_running_words` waits for, on its own (the plan says 'walking only until ...')."""
    walks = int(evidence.value("advice.rtr.repeats"))  # each return-to-run phase is done at least this often
    # read 45: "5/10 or less during activity" beside the walks' 2/10 read as two limits for the same walks; the
    # check-in's limits are running's, and said so
    return (f"{walks} walks in a row stay at {safe_max():g}/10 or less and a new check-in "
            f"shows your pain within running's limits ({acceptable_max():g}/10 or less in activity, back to "
            f"{settled_max():g}/10 or less by the next morning)")


def walk_limit_words() -> str:
    """Why a walk ends above the safe band while a run or exercise may reach the acceptable maximum: walking
    within the safe band is the readiness check for walk/run (`advice.rtr.readiness`), so two limits, each
    explained where the walks are."""
    return f"Walks use a stricter {safe_max():g}/10 limit because they are the test for restarting running."


def walking_only_exercise_max() -> float:
    """The exercises' pain limit while walking only: the band `advice.pain.exercise_while_walking_only` names."""
    return evidence.value(str(evidence.value("advice.pain.exercise_while_walking_only")))


def walking_only_exercise_words(with_walks: bool = False) -> str:
    """The exercises' limit while the plan walks only (`advice.pain.exercise_while_walking_only`): the walks' safe
    band, not the acceptable maximum of runs and exercises at other times. `with_walks`: the walks' limit and the
    exercises' in one sentence, as the walking-only pain rule opens (`describe`)."""
    safe = walking_only_exercise_max()
    if with_walks:
        # read 42: "the next morning no worse ...; above it, end the walk there" - a walk cannot end the next day
        return (f"While you walk only (now), walks and exercises keep to {safe:g}/10: pain {safe:g}/10 or less during "
                "them (or no more than your pain at rest, if that is higher); above it, end the walk there, or use "
                "less weight, effort or range.")
    return (f"While you walk only, the exercises keep to the walks' limit too: pain {safe:g}/10 or less during them "
            "(or no more than your pain at rest, if that is higher), and the next morning no worse than the morning "
            "before; above it, use less weight, effort or range.")


def walking_only_exercise_brief() -> str:
    """`walking_only_exercise_words` for the clinician summary's plan row: 'exercise pain 2/10 or less while
    walking only'."""
    return f"exercise pain {walking_only_exercise_max():g}/10 or less while walking only"


def walks_above_safe_words(recheck: str) -> str:
    """What happens when the walks do not come down to the safe band (`resume_running_condition` waits for
    them), after why the walks have their own limit (`walk_limit_words`): shorter walks, and a professional
    at the re-check (`recheck`, e.g. 'your re-check on Mon 14 Dec') rather than later. The safe band and the
    acceptable maximum are the rule's own numbers; no new one ("see one sooner" had no action, read 42)."""
    safe, ok = safe_max(), acceptable_max()
    return (f"{walk_limit_words()} If a walk goes above {safe:g}/10, end it there and make the next one "
            f"shorter, short enough to stay at {safe:g}/10 or less. If your walks still go above {safe:g}/10 at "
            f"{recheck}, see a physiotherapist or sports doctor then, without waiting longer; if a walk goes "
            f"above {ok:g}/10, stop the planned walks and contact one to be seen before then")
