"""Every Finding code kneeguard can emit, read from the code and rule data themselves.

Findings are built in many places (load, shoes, gait, self-tests, check-in
trends) with a literal code; triage reasons and possible causes are rules as
data (`clinic/rules/*.json`). Rather than keep a hand-written list that drifts,
this module finds them:

- the package source is parsed (no import, no execution) for calls to
  `Finding(code=...)` and to the small factories that pass their `code`
  parameter on to it (`make_finding`, `_make`); a code written as an f-string
  over the side (`f"clinic.bridge_poor.{side}"`) yields one code per side;
- triage rules give `clinic.triage.<id>` (the key of their evidence rule), plus
  the escalation for unanswered warning-sign questions;
- possible causes give `clinic.cause.<id>`;
- gait metric bands (`Metric.band`, data on each metric) give their Finding codes.
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import kneeguard

SIDES = ("left", "right")
UNANSWERED_RED_FLAG = "clinic.triage.unanswered_red_flag"  # added by triage(), not in triage.json


class UnlistableCode(ValueError):
    """A Finding code the scanner cannot expand (a new placeholder in an f-string)."""


@lru_cache(maxsize=1)
def emittable_codes() -> dict[str, str]:
    """code -> where it comes from (a source file, or the rules file), sorted by code."""
    root = Path(kneeguard.__file__).parent
    trees = {path.relative_to(root).as_posix(): ast.parse(path.read_text("utf-8"), str(path))
             for path in sorted(root.rglob("*.py"))}
    # Factories are found across the package: clinic/history.py uses clinic/findings.py's make_finding.
    factories = {"Finding"}.union(*(_factories(tree) for tree in trees.values()))
    found: dict[str, str] = {}
    for name, tree in trees.items():
        for code in _codes(tree, factories, name):
            found.setdefault(code, f"kneeguard/{name}")
    found.update({code: "kneeguard/clinic/rules/triage.json" for code in triage_codes()})
    found.update({code: "kneeguard/clinic/rules/causes.json" for code in cause_codes()})
    found.update(gait_band_codes())
    return dict(sorted(found.items()))


def triage_codes() -> list[str]:
    from kneeguard.clinic.triage import triage_rules

    return [f"clinic.triage.{rule.id}" for rule in triage_rules()] + [UNANSWERED_RED_FLAG]


def cause_codes() -> list[str]:
    from kneeguard.clinic.causes import cause_definitions

    return [f"clinic.cause.{cause['id']}" for cause in cause_definitions()]


def gait_band_codes() -> dict[str, str]:
    """code -> the gait metrics module whose band raises it."""
    from kneeguard.gait.metrics import REGISTRY

    found = {}
    for metric in REGISTRY.values():
        band = metric.band
        if band is not None:
            where = f"kneeguard/gait/metrics/{metric.per_step.__module__.rpartition('.')[2]}.py"
            for message in (band.out, band.out_low, band.within):
                if message is not None:
                    found[message.code] = where
    return found


def finding_codes_in_source(source: str, filename: str = "<source>") -> list[str]:
    """Literal codes passed to Finding() or to a factory (in the same source) that forwards `code`."""
    tree = ast.parse(source, filename)
    return _codes(tree, {"Finding"} | _factories(tree), filename)


def _codes(tree: ast.AST, factories: set[str], filename: str) -> list[str]:
    codes: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _callee(node) in factories:
            arg = _code_argument(node)
            if arg is not None:
                codes += _expand(arg, filename)
    return list(dict.fromkeys(codes))


def _factories(tree: ast.AST) -> set[str]:
    """Functions whose parameter `code` goes straight into Finding(code=code)."""
    names = set()
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        params = {a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)}
        for node in ast.walk(fn):
            if isinstance(node, ast.Call) and _callee(node) == "Finding":
                arg = _code_argument(node)
                if isinstance(arg, ast.Name) and arg.id in params:
                    names.add(fn.name)
    return names


def _callee(call: ast.Call) -> str:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return ""


def _code_argument(call: ast.Call) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == "code":
            return kw.value
    return call.args[0] if call.args else None


def _expand(arg: ast.expr, filename: str) -> list[str]:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    if isinstance(arg, ast.JoinedStr):
        variants = [""]
        for part in arg.values:
            if isinstance(part, ast.Constant):
                variants = [v + str(part.value) for v in variants]
            elif isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Name) and part.value.id == "side":
                variants = [v + side for v in variants for side in SIDES]
            else:
                raise UnlistableCode(f"{filename}:{arg.lineno}: a Finding code built from "
                                     f"{ast.unparse(part)}; teach kneeguard.explain.codes its values")
        return variants
    return []  # a code passed through from data (e.g. a Finding rebuilt from its dict): not a new code


def base_code(code: str) -> str:
    """A per-side code without its side: clinic.bridge_poor.left -> clinic.bridge_poor."""
    head, _, tail = code.rpartition(".")
    return head if tail in SIDES and head else code
