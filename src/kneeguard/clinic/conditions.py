"""A small condition language shared by question branching, triage rules and causes.

A condition is JSON data, e.g. ``{"q": "onset", "eq": "sudden_injury"}``,
``{"all": [...]}``, ``{"any": [...]}`` or ``{"not": {...}}``. Comparison values may
be ``{"rule": "clinic.triage.ottawa_age"}`` (a registry value, so thresholds keep
their citation) or ``{"answer": "age"}`` (another answer).

Evaluation is three-valued: True, False, or None when an answer it needs is
missing. Triage uses None to tell "not asked" from "no" (when unsure, escalate).
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kneeguard import evidence

COMPARATORS = ("eq", "ne", "in", "has", "has_any", "gt", "gte", "lt", "lte")


class ConditionError(ValueError):
    """A malformed condition in the packaged data (a bug, caught by tests)."""


def evaluate(cond: Mapping[str, Any], answers: Mapping[str, Any]) -> bool | None:
    if "all" in cond:
        results = [evaluate(c, answers) for c in cond["all"]]
        if any(r is False for r in results):
            return False
        return True if all(r is True for r in results) else None
    if "any" in cond:
        results = [evaluate(c, answers) for c in cond["any"]]
        if any(r is True for r in results):
            return True
        return False if all(r is False for r in results) else None
    if "not" in cond:
        inner = evaluate(cond["not"], answers)
        return None if inner is None else not inner
    if "q" not in cond:
        raise ConditionError(f"condition without 'q', 'all', 'any' or 'not': {cond}")
    if "answered" in cond:
        return (answers.get(cond["q"]) is not None) == bool(cond["answered"])
    value = answers.get(cond["q"])
    if value is None:
        return None
    op = next((k for k in COMPARATORS if k in cond), None)
    if op is None:
        raise ConditionError(f"condition on {cond['q']!r} has no comparator: {cond}")
    target = _resolve(cond[op], answers)
    if target is None:
        return None
    return _compare(op, value, target)


def _resolve(target: Any, answers: Mapping[str, Any]) -> Any:
    if isinstance(target, dict) and "rule" in target:
        return evidence.value(target["rule"])
    if isinstance(target, dict) and "answer" in target:
        return answers.get(target["answer"])
    return target


def _compare(op: str, value: Any, target: Any) -> bool:
    if op == "eq":
        return value == target
    if op == "ne":
        return value != target
    if op == "in":
        return value in target
    if op == "has":
        return isinstance(value, list) and target in value
    if op == "has_any":
        return isinstance(value, list) and any(t in value for t in target)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return {"gt": value > target, "gte": value >= target, "lt": value < target, "lte": value <= target}[op]


def referenced_questions(cond: Mapping[str, Any]) -> Iterator[str]:
    """Every question id a condition reads (for 'which answers triggered this')."""
    for key in ("all", "any"):
        for c in cond.get(key, []):
            yield from referenced_questions(c)
    if "not" in cond:
        yield from referenced_questions(cond["not"])
    if "q" in cond:
        yield cond["q"]
        for op in COMPARATORS:
            if isinstance(cond.get(op), dict) and "answer" in cond[op]:
                yield cond[op]["answer"]


def deciding_questions(cond: Mapping[str, Any], answers: Mapping[str, Any]) -> Iterator[str]:
    """The question ids that decided a condition that holds: as `referenced_questions`, but of an "any" only the
    branches that hold (read 51: "red or warm? no" listed among the answers that set an urgent level, beside the
    tender calf that did)."""
    if "any" in cond:
        held = [c for c in cond["any"] if evaluate(c, answers) is True]
        for c in held or cond["any"]:
            yield from deciding_questions(c, answers)
    for c in cond.get("all", []):
        yield from deciding_questions(c, answers)
    if "not" in cond:
        yield from referenced_questions(cond["not"])
    if "q" in cond:
        yield from referenced_questions({k: v for k, v in cond.items() if k not in ("all", "any", "not")})


def referenced_rules(cond: Mapping[str, Any]) -> Iterator[str]:
    """Every registry key a condition reads (tests check they all exist)."""
    for key in ("all", "any"):
        for c in cond.get(key, []):
            yield from referenced_rules(c)
    if "not" in cond:
        yield from referenced_rules(cond["not"])
    for op in COMPARATORS:
        if isinstance(cond.get(op), dict) and "rule" in cond[op]:
            yield cond[op]["rule"]
