"""The evidence registry: every threshold that reaches a user, with its citation.

Data lives in `registry.toml` beside this file; code asks for rules by key
(`rule("load.spike.small")`) and never hard-codes a user-facing number.
"""
from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Citation:
    key: str
    text: str
    doi: str = ""
    url: str = ""
    short: str = ""  # how a threshold names it ('GaitLab design band'); '' -> first author and year of `text`

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "text": self.text, "doi": self.doi, "url": self.url}


# The evidence notes' source markers, in words for a runner (the report and the registry keep the short form a
# clinician knows): '[NR] ...' not retrieved by the project, '[S] ...' a secondary summary of the source.
_MARKERS = (("[NR] ", "Not checked against the original source: "), ("[S] ", "From a secondary summary: "),
            ("[S for the ", "From a secondary summary (for the "))


def marker_legend(texts: Iterable[str]) -> str:
    """What the short markers among these citation texts mean, for a reference list a patient may read too:
    '[S]: from a secondary summary of the source' ('' when none carries a marker)."""
    texts = list(texts)
    legend = [(tag, words) for tag, words in (("[S", "[S]: from a secondary summary of the source"),
                                              ("[NR]", "[NR]: not checked against the original source"))
              if any(t.startswith(tag) for t in texts)]
    return "; ".join(words for _, words in legend)


def marker_words(text: str) -> str:
    """A citation's leading source marker spelled out: '[S] healthhp.com.au: ...' -> 'From a secondary
    summary: healthhp.com.au: ...'; '[S for the bands] X' -> 'From a secondary summary (for the bands) X'."""
    for short, words in _MARKERS:
        if text.startswith(short):
            rest = text[len(short):]
            return words + (rest.replace("] ", ") ", 1) if short.endswith("the ") else rest)
    return text


@dataclass(frozen=True)
class Rule:
    """A threshold or constant with the sources that justify it."""

    key: str
    value: Any
    unit: str
    summary: str
    citations: tuple[Citation, ...]
    # Whose number it is: the citation that sets the threshold (not every citation of the rule does), whether
    # that source is injury evidence, and what the number is called beside a measurement ('flagged' / 'guide').
    threshold_from: str = ""
    threshold_injury_evidence: bool = True
    threshold_name: str = ""
    # A population midpoint, not a limit (half of healthy people fall below a median): a result beyond it is a
    # prompt to build capacity, acted on with exercises but never ranked as a contributing factor.
    prompt_only: bool = False

    @property
    def threshold_source(self) -> Citation | None:
        """The citation that sets the number: `threshold_from`, else the rule's first citation."""
        chosen = [c for c in self.citations if c.key == self.threshold_from]
        return chosen[0] if chosen else (self.citations[0] if self.citations else None)


class UnknownEvidence(KeyError):
    pass


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, Citation], dict[str, Rule]]:
    raw = tomllib.loads(resources.files(__package__).joinpath("registry.toml").read_text("utf-8"))
    citations = {
        key: Citation(key=key, text=c["text"], doi=c.get("doi", ""), url=c.get("url", ""), short=c.get("short", ""))
        for key, c in raw.get("citations", {}).items()
    }
    rules: dict[str, Rule] = {}
    for key, r in _flatten(raw.get("rules", {})).items():
        missing = [c for c in r["citations"] if c not in citations]
        if missing:
            raise UnknownEvidence(f"rule {key} cites unknown {missing}")
        if r.get("threshold_from") and r["threshold_from"] not in r["citations"]:
            raise UnknownEvidence(f"rule {key}: threshold_from {r['threshold_from']!r} is not among its citations")
        rules[key] = Rule(
            key=key,
            value=r["value"],
            unit=r.get("unit", ""),
            summary=r["summary"],
            citations=tuple(citations[c] for c in r["citations"]),
            threshold_from=r.get("threshold_from", ""),
            threshold_injury_evidence=r.get("threshold_injury_evidence", True),
            threshold_name=r.get("threshold_name", ""),
            prompt_only=r.get("prompt_only", False),
        )
    return citations, rules


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    """TOML tables nest by dots; a table with `value` is a rule."""
    out: dict[str, dict[str, Any]] = {}
    for name, node in tree.items():
        key = f"{prefix}{name}"
        if isinstance(node, dict) and "value" in node:
            out[key] = node
        elif isinstance(node, dict):
            out.update(_flatten(node, key + "."))
    return out


def rule(key: str) -> Rule:
    try:
        return _load()[1][key]
    except KeyError:
        raise UnknownEvidence(key) from None


def value(key: str) -> Any:
    return rule(key).value


def citation(key: str) -> Citation:
    try:
        return _load()[0][key]
    except KeyError:
        raise UnknownEvidence(key) from None


def all_rules() -> dict[str, Rule]:
    return dict(_load()[1])


def all_citations() -> dict[str, Citation]:
    return dict(_load()[0])
