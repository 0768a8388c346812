"""The explanation registry: what sits behind the knee and how running loads it.

Entries are data (`explanations.toml` beside this file): one per structure and
one per mechanism, each with a plain-language text, what a runner feels, what
helps, the Finding codes that point to it and its citations (keys of the
evidence registry). A number in a text is written as a placeholder naming its
evidence rule (`{{load.spike.small|pct}}`), so the value and its sources come
from the one place every threshold lives, and the rule's citations join the
entry's own.
"""
from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from kneeguard import evidence
from kneeguard.clinic.triage import RuleWords, rule_words
from kneeguard.errors import NotFound
from kneeguard.explain.codes import base_code

KINDS = ("structure", "mechanism")
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z0-9_.]+)\s*(?:\|\s*(pct|range|first|last))?\s*\}\}")


class UnknownExplanation(NotFound):
    """No entry, alias or finding code matches; `suggestions` holds the closest keys."""

    def __init__(self, key: str, suggestions: list[str]):
        self.key, self.suggestions = key, suggestions
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no explanation for {key!r}{hint} (`kneeguard explain --list` shows every key)")


@dataclass(frozen=True)
class Explanation:
    key: str
    kind: str  # "structure" | "mechanism"
    name: str
    label: str  # short name for the diagram
    text: str  # what it is and how running loads it (<= 120 words)
    feels: str  # what a runner typically feels
    helps: str  # what helps
    codes: tuple[str, ...]  # Finding codes that point straight here
    structures: tuple[str, ...]  # structures to highlight (a structure lists itself)
    citation_keys: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()  # evidence rules whose values appear in the texts
    figure: str = ""  # "landing": a gait mechanism also drawn as the runner at landing

    @property
    def citations(self) -> tuple[evidence.Citation, ...]:
        return tuple(evidence.citation(k) for k in self.citation_keys)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "name": self.name, "text": self.text, "feels": self.feels,
                "helps": self.helps, "codes": list(self.codes), "structures": list(self.structures),
                "citations": [c.to_dict() for c in self.citations], "figure": self.figure or None}


@dataclass(frozen=True)
class Topic:
    """What one key explains: the entries, the structures to highlight, the codes pointing here."""

    key: str
    title: str
    entries: tuple[Explanation, ...]
    structures: tuple[str, ...]
    codes: tuple[str, ...] = ()
    is_finding: bool = False
    figure: str = ""
    citations: tuple[evidence.Citation, ...] = field(default=())
    rule: RuleWords | None = None  # a check-in rule's code: the rule's own words come first, then the entries

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "is_finding": self.is_finding,
                "entries": [e.to_dict() for e in self.entries], "structures": list(self.structures),
                "codes": list(self.codes), "figure": self.figure or None,
                "citations": [c.to_dict() for c in self.citations],
                "rule": self.rule.to_dict() if self.rule else None}


@lru_cache(maxsize=1)
def all_explanations() -> dict[str, Explanation]:
    raw = tomllib.loads(resources.files(__package__).joinpath("explanations.toml").read_text("utf-8"))
    entries = {key: _entry(key, data) for key, data in raw.items()}
    structures = {k for k, e in entries.items() if e.kind == "structure"}
    for e in entries.values():
        stray = [s for s in e.structures if s not in structures]
        if stray:
            raise ValueError(f"explanation {e.key} highlights unknown structures {stray}")
    return entries


def _entry(key: str, data: dict[str, Any]) -> Explanation:
    kind = data["kind"]
    if kind not in KINDS:
        raise ValueError(f"explanation {key}: kind must be one of {KINDS}, got {kind!r}")
    rules: list[str] = []
    texts = {name: fill_numbers(data[name], rules) for name in ("text", "feels", "helps")}
    own = list(data["citations"])
    for k in own:
        evidence.citation(k)  # UnknownEvidence names the missing key
    from_rules = [c.key for r in rules for c in evidence.rule(r).citations]
    structures = tuple(data.get("structures", [key] if kind == "structure" else []))
    return Explanation(key=key, kind=kind, name=data["name"], label=data.get("label", data["name"]),
                       codes=tuple(data.get("codes", [])), structures=structures,
                       citation_keys=tuple(dict.fromkeys(own + from_rules)), aliases=tuple(data.get("aliases", [])),
                       rules=tuple(dict.fromkeys(rules)), figure=data.get("figure", ""), **texts)


def fill_numbers(text: str, used: list[str] | None = None) -> str:
    """Replace {{rule.key|format}} with the rule's value (formats: pct, range, first, last)."""
    def value(match: re.Match[str]) -> str:
        key, fmt = match.group(1), match.group(2)
        v = evidence.value(key)
        if used is not None:
            used.append(key)
        if fmt == "pct":
            return f"{_num(float(v) * 100)} %"
        if fmt == "range":
            return "-".join(_num(x) for x in v)
        if fmt in ("first", "last"):
            return _num(v[0] if fmt == "first" else v[-1])
        return _num(v)
    return " ".join(_PLACEHOLDER.sub(value, text).split())


def _num(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return f"{v:g}" if isinstance(v, float) else str(v)


# --- lookup -----------------------------------------------------------------------


def normalise(key: str) -> str:
    """'Baker’s cyst' -> 'bakers_cyst'; codes keep their dots."""
    text = key.strip().lower().replace("’", "").replace("'", "")
    return re.sub(r"[\s\-/]+", "_", text).strip("_")


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, Explanation], dict[str, list[Explanation]]]:
    names: dict[str, Explanation] = {}
    codes: dict[str, list[Explanation]] = {}
    for e in all_explanations().values():
        for alias in (e.key, *e.aliases):
            other = names.setdefault(normalise(alias), e)
            if other is not e:
                raise ValueError(f"alias {alias!r} names both {other.key} and {e.key}")
        for code in e.codes:
            codes.setdefault(code, []).append(e)
    for listed in codes.values():  # mechanisms lead: they say why; structures say where
        listed.sort(key=lambda e: e.kind != "mechanism")
    return names, codes


def explanations_for_code(code: str) -> list[Explanation]:
    """Every entry a Finding code points to (mechanisms first); [] for an unknown code."""
    codes = _index()[1]
    return list(codes.get(code) or codes.get(base_code(code)) or [])


def explanation_for(code_or_structure: str) -> Explanation:
    """The entry for a structure or mechanism key (or alias), or the leading entry for a Finding code."""
    names, _ = _index()
    key = normalise(code_or_structure)
    if key in names:
        return names[key]
    found = explanations_for_code(key)
    if found:
        return found[0]
    raise UnknownExplanation(code_or_structure, close_matches(code_or_structure))


def topic(key: str) -> Topic:
    """Everything `kneeguard explain KEY` and the /explain/KEY page show for one key."""
    names, _ = _index()
    wanted = normalise(key)
    if wanted in names:
        e = names[wanted]
        return Topic(e.key, e.name, (e,), e.structures, pointing_codes(e), False, e.figure, e.citations)
    found = explanations_for_code(wanted)
    if not found:
        raise UnknownExplanation(key, close_matches(key))
    return _finding_topic(wanted, found)


def explanations_for_finding(finding: Any) -> Topic:
    """Entries and structures to highlight for a Finding, its dict, or a bare code; never raises."""
    code = finding if isinstance(finding, str) else (
        finding.get("code") if isinstance(finding, dict) else getattr(finding, "code", None))
    found = explanations_for_code(str(code or ""))
    return _finding_topic(str(code or ""), found)


def _finding_topic(code: str, found: list[Explanation]) -> Topic:
    structures: list[str] = []
    for e in sorted(found, key=lambda e: KINDS.index(e.kind)):  # named structures first, then loaded ones
        structures += e.structures
    rule = rule_words(code)  # a check-in rule: titled as one, its own sources first
    cites = {c.key: c for c in (rule.citations if rule else ())} | {c.key: c for e in found for c in e.citations}
    figure = next((e.figure for e in found if e.figure), "")
    title = "Check-in rule" if rule else " · ".join(e.name for e in found) if found else code
    return Topic(code, title, tuple(found), tuple(dict.fromkeys(structures)), (code,) if code else (), True,
                 figure, tuple(cites.values()), rule)


def pointing_codes(entry: Explanation) -> tuple[str, ...]:
    """Codes that point here directly, and (for a structure) through a mechanism that loads it."""
    codes = list(entry.codes)
    if entry.kind == "structure":
        for other in all_explanations().values():
            if other.kind == "mechanism" and entry.key in other.structures:
                codes += other.codes
    return tuple(dict.fromkeys(codes))


def all_keys() -> list[str]:
    """Every key `explain` accepts: entries, aliases and the codes listed in the registry."""
    names, codes = _index()
    return sorted(set(names) | set(codes))


def close_matches(key: str, limit: int = 5) -> list[str]:
    wanted = normalise(key)
    entries = all_explanations()
    contains = [k for k, e in entries.items()
                if wanted and (wanted in k or any(wanted in normalise(a) for a in (e.name, *e.aliases)))]
    fuzzy = difflib.get_close_matches(wanted, all_keys(), n=limit, cutoff=0.55)
    picked = [_canonical(k) for k in (contains or fuzzy)]  # a word inside a name beats spelling distance
    return list(dict.fromkeys(picked))[:limit]


def _canonical(key: str) -> str:
    names, _ = _index()
    return names[key].key if key in names else key
