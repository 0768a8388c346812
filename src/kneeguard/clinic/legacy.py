"""Old question ids -> new ones: the ONE place a stored check-in or an old answers file is upgraded.

Issue #13 split questions that asked several things at once. An old answer is read
conservatively: where the old question asked "A, B or C", a 'yes' sets every new part
to 'yes' (when unsure, escalate); a 'no' meant none of them, so every part is 'no'.
An answer already given under the new id always wins over the upgraded one.
"""
from __future__ import annotations

from typing import Any, Mapping

# old id -> the new ids its answer is copied to (same value).
SPLIT_IDS: dict[str, tuple[str, ...]] = {
    # "Is the knee hot, red and swollen?" (all three) -> warm-and-swollen and red asked apart.
    "knee_hot_swollen": ("knee_warm_swollen", "knee_red"),
    # "Is the calf red, warm or tender, or water running down it?" -> redness/warmth and tenderness.
    "calf_red_warm": ("calf_skin_red_warm", "calf_tender"),
    # "Calf cramping, tingling or a pale foot with running..." -> blood-supply and nerve symptoms.
    "exertional_calf": ("exertional_calf_circulation", "exertional_calf_nerve"),
    # "Can you take four steps?" (then and now mixed) -> now; 'then' follows below.
    "can_bear_weight": ("can_bear_weight_now",),
}
# The old 'no' to can_bear_weight meant "not right after the injury and not now".
_THEN_FROM_OLD_NO = ("can_bear_weight", "could_bear_weight_after_injury")


def upgrade_answers(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `raw` with every old id replaced by its new ids; new-format answers pass unchanged."""
    answers = dict(raw)
    for old, new_ids in SPLIT_IDS.items():
        if old not in answers:
            continue
        value = answers.pop(old)
        for new in new_ids:
            answers.setdefault(new, value)
    old, then = _THEN_FROM_OLD_NO
    if raw.get(old) is False and answers.get("onset") == "sudden_injury":
        answers.setdefault(then, False)
    return answers
