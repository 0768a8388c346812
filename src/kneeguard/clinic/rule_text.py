"""A triage rule's words for the person: its line in "what to do" and its plain "why".

A rule's `advice` in `rules/triage.json` is either one text or a list of variants
``{"when": condition, "text": ...}``: the first variant whose condition holds and whose
answers are all given is used, so a line can name this person's answers ("Your pain has
lasted 3 weeks …") and fall back to a statement about the person when it cannot. An empty
text adds no line (another rule already says it). In a text, ``{answer:question_id}`` is
that answer, ``{registry:key}`` a registry value and ``{pain_rule:resume_running}`` the one sentence
saying when walk/run starts again (`pain_rule.resume_running_words`), so thresholds and rules keep one owner.
``{pain:duration}`` is how long it has hurt and ``{pain:rise}`` how it has risen, from the check-in history
(`clinic.episode.PainHistory`, the value the plan reads too); ``{pain:rise_vs_said}`` says that rise beside
the runner's own trend answer when the two disagree ("you said it is about the same, but ...").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from kneeguard.pain_rule import resume_running_words
from kneeguard.clinic.conditions import evaluate
from kneeguard.clinic.engine import value_in_words, with_registry_values

_ANSWER_PLACEHOLDER = re.compile(r"\{answer:([a-z0-9_]+)\}")
_PAIN_PLACEHOLDER = re.compile(r"\{pain:(duration|rise|rise_vs_said)\}")
PAIN_HISTORY_FACT = "_pain_history"  # = triage.PAIN_HISTORY_KEY (a clinic.episode.PainHistory, or None)


@dataclass(frozen=True)
class TextVariant:
    text: str
    when: Mapping[str, Any] | None = None  # None: always applies (the fallback)

    @property
    def answers_named(self) -> list[str]:
        named = _ANSWER_PLACEHOLDER.findall(self.text)
        return (named + (["duration_weeks"] if "{pain:duration}" in self.text else [])
                + (["trend"] if "{pain:rise_vs_said}" in self.text else []))

    def render(self, facts: Mapping[str, Any]) -> str | None:
        """This variant's text for these answers, or None when it does not apply to them."""
        if self.when is not None and evaluate(self.when, facts) is not True:
            return None
        if any(facts.get(q) is None for q in self.answers_named):
            return None
        # the text names the unit itself ("{answer:duration_weeks} weeks"): the value without its unit
        text = _ANSWER_PLACEHOLDER.sub(lambda m: value_in_words(m.group(1), facts[m.group(1)], unit=False), self.text)
        return _PAIN_PLACEHOLDER.sub(lambda m: _pain_words(m.group(1), facts), text)


@dataclass(frozen=True)
class RuleText:
    """What a rule says to the person: `advice` variants (first that applies wins) and a plain `why`."""

    variants: tuple[TextVariant, ...]
    why: str

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> "RuleText":
        advice = raw["advice"]
        items = [{"text": advice}] if isinstance(advice, str) else advice
        variants = tuple(TextVariant(_with_pain_rule(with_registry_values(v["text"])), v.get("when")) for v in items)
        return cls(variants, with_registry_values(raw.get("why", "")))

    @property
    def general(self) -> str:
        """The last variant: the rule's words when no answer can be named (e.g. for an explain page)."""
        return self.variants[-1].text

    def advice_for(self, facts: Mapping[str, Any]) -> str:
        """The line for this person ("" when the rule adds no line of its own)."""
        for variant in self.variants:
            text = variant.render(facts)
            if text is not None:
                return text
        return self.general


def _pain_words(part: str, facts: Mapping[str, Any]) -> str:
    """`{pain:duration}`: how long it has hurt ('3 weeks', or the history's earlier onset, said as such);
    `{pain:rise}`: how it has risen across the check-ins. Both from the one `PainHistory` the plan also reads."""
    history = facts.get(PAIN_HISTORY_FACT)
    if part == "rise":
        return history.rise_words if history is not None else ""
    if part == "rise_vs_said":
        return history.rise_against(value_in_words("trend", facts["trend"])) if history is not None else ""
    if history is not None and history.duration_words():
        return history.duration_words()
    return f"{value_in_words('duration_weeks', facts['duration_weeks'], unit=False)} weeks"


def _with_pain_rule(text: str) -> str:
    return text.replace("{pain_rule:resume_running}", resume_running_words())
