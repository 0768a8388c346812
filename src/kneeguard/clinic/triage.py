"""Triage: one level (emergency / urgent / routine / self-care) from check-in answers.

Rules are data (`rules/triage.json`: a condition, what to do now and a plain "why"
for the person, see `rule_text`); each rule's level, summary and citations (for the
clinician) come from the evidence registry under `clinic.triage.<id>`. The highest
level any rule reaches wins. A red-flag question left unanswered escalates to at
least urgent: when unsure, escalate (`clinic.unknowns` goes further: the worse
answer). A rule may name a `route` (e.g. "surgeon": the surgeon's team comes first
and running does not progress).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping, Sequence

from kneeguard import evidence
from kneeguard.clinic.conditions import deciding_questions, evaluate
from kneeguard.clinic.episode import PainHistory
from kneeguard.clinic.levels import TriageLevel
from kneeguard.clinic.rule_text import PAIN_HISTORY_FACT, RuleText

NOT_A_DIAGNOSIS = (
    "This is not a diagnosis. kneeguard sorts your answers into a level of care using published "
    "rules; only a health professional who examines you can say what is wrong. If you feel worse or "
    "are worried, seek care sooner than this says."
)
UNANSWERED_WHY = ("A warning-sign question was not answered, so kneeguard cannot rule out something that needs "
                  "care today.")
OSTRC_WEEKS_KEY = "_ostrc_substantial_weeks"  # derived input, not a question
PAIN_HISTORY_KEY = PAIN_HISTORY_FACT  # the check-in history's PainHistory (for the rule texts' {pain:...})
PAIN_RISEN_KEY = "_pain_risen"  # derived input: the pain has risen across the check-ins
SURGEON_ROUTE = "surgeon"  # the operating surgeon's or arthroplasty team's protocol comes first


@dataclass(frozen=True)
class TriageRule:
    id: str
    when: Mapping[str, Any]
    text: RuleText
    red_flag: bool
    level: TriageLevel
    route: str | None = None
    possible_clot: bool = False  # sent to a doctor today for a possible clot: the chest warning is said second

    @property
    def evidence(self) -> evidence.Rule:
        return evidence.rule(f"clinic.triage.{self.id}")


@dataclass
class Reason:
    rule: str
    level: TriageLevel
    summary: str
    triggered_by: dict[str, Any]
    advice: str
    red_flag: bool
    citations: list[dict[str, str]]
    route: str | None = None
    why: str = ""  # one plain sentence for the person; `summary` and `citations` are the clinician's

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "level": self.level.value}

    @property
    def flag_words(self) -> str:
        """The red flag as what was answered: the answers behind it that were not 'no' ('calf tender'), not the
        rule's name: a summary said 'calf red warm' for a calf answered tender but not red or warm (read 51)."""
        said = [q.replace("_", " ") for q, answer in self.triggered_by.items()
                if answer not in (False, None, 0, "no", "none", [])]
        return ", ".join(said) or self.rule.replace("_", " ")


@dataclass(frozen=True)
class LevelChange:
    """One answer that would give another level: `question` answered `answer` gives `level`."""

    question: str
    answer: Any
    level: TriageLevel

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer, "level": self.level.value}

    def describe(self) -> str:
        """One line for the runner and the clinician: 'Is one calf swollen …? yes — would give urgent'."""
        from kneeguard.clinic.engine import answer_in_words

        return f"{answer_in_words(self.question, self.answer)} — would give {self.level.value}"


@dataclass
class TriageResult:
    level: TriageLevel
    reasons: list[Reason]
    red_flags: list[str]
    what_to_do: list[str]
    review_date: dt.date | None = None
    unanswered_red_flags: list[str] = field(default_factory=list)
    statement: str = NOT_A_DIAGNOSIS
    level_changes: list[LevelChange] = field(default_factory=list)
    # The line that says what to do at this level (the level's own line, or a route's that replaces it):
    # pages emphasise it by what it says, not by where it happens to stand in `what_to_do`.
    action: str = ""

    def is_action(self, line: str) -> bool:
        return bool(self.action) and line == self.action

    @property
    def routes(self) -> list[str]:
        """The special routes the answers open ("surgeon"), in rule order."""
        return list(dict.fromkeys(r.route for r in self.reasons if r.route))

    @property
    def surgeon_first(self) -> bool:
        """The surgeon's team comes first: running does not progress and the visit is on day 1."""
        return SURGEON_ROUTE in self.routes

    @property
    def driving_answers(self) -> dict[str, Any]:
        """The answers behind the reasons at the final level (what drove it)."""
        driving: dict[str, Any] = {}
        for reason in self.reasons:
            if reason.level == self.level:
                driving.update(reason.triggered_by)
        return driving

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level.value,
            "reasons": [r.to_dict() for r in self.reasons],
            "red_flags": self.red_flags,
            "what_to_do": self.what_to_do,
            "review_date": self.review_date.isoformat() if self.review_date else None,
            "unanswered_red_flags": self.unanswered_red_flags,
            "not_a_diagnosis": self.statement,
        }

    def explanation_dict(self) -> dict[str, Any]:
        """Why this level (issue #13): routes, the answers that drove it, the answers that would change it."""
        return {
            "routes": self.routes,
            "driving_answers": self.driving_answers,
            "level_changes": [c.to_dict() for c in self.level_changes],
        }


CHECK_IN_AGAIN = "Check in again by"  # the self-care step the plan rewords once its day has passed


@lru_cache(maxsize=1)
def triage_rules() -> tuple[TriageRule, ...]:
    raw = json.loads(resources.files(__package__).joinpath("rules").joinpath("triage.json").read_text("utf-8"))
    rules = []
    for r in raw:
        registry_value = evidence.value(f"clinic.triage.{r['id']}")
        # A rule whose registry value is a threshold (weeks, points) states its level in the data.
        level = registry_value if registry_value in list(TriageLevel) else r["level"]
        rules.append(TriageRule(r["id"], r["when"], RuleText.from_json(r), r.get("red_flag", False),
                                TriageLevel(level), r.get("route"), r.get("possible_clot", False)))
    return tuple(rules)


@dataclass(frozen=True)
class RuleWords:
    """A triage rule in words, for an explain page: the person's plain why and the clinician's summary."""

    level: str
    why: str
    summary: str
    citations: tuple[evidence.Citation, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "why": self.why, "summary": self.summary}


def rule_words(code: str) -> RuleWords | None:
    """`clinic.triage.<id>` -> its rule's words; None for any other code (or an unknown rule)."""
    prefix = "clinic.triage."
    rule = next((r for r in triage_rules() if code == prefix + r.id), None) if code.startswith(prefix) else None
    return None if rule is None else RuleWords(rule.level.value, rule.text.why, rule.evidence.summary,
                                               tuple(rule.evidence.citations))


def triage(
    answers: Mapping[str, Any],
    missing_red_flags: Sequence[str] = (),
    previous_ostrc_substantial_weeks: int = 0,
    today: dt.date | None = None,
    extra_reasons: Sequence[Reason] = (),
    pain_history: PainHistory | None = None,
) -> TriageResult:
    """Triage clean answers (see `Questionnaire.validate`).

    `extra_reasons`: reasons found outside the rules (the worse answer of an unknown, `clinic.unknowns`).

    `previous_ostrc_substantial_weeks`: consecutive earlier weekly check-ins with an
    OSTRC substantial problem (from the stored history), so 'two weeks running' works.
    `pain_history`: how long it has hurt and any rise, from the history (`clinic.episode`), so the words
    say what the plan says.
    """
    from kneeguard.clinic.ostrc import score_ostrc

    today = today or dt.date.today()
    facts = dict(answers)
    ostrc = score_ostrc(answers)
    facts[OSTRC_WEEKS_KEY] = (previous_ostrc_substantial_weeks + 1) if ostrc and ostrc.substantial else 0
    # The history's onset and rise, for the words; and, when the earlier check-ins date the pain a week or more
    # before this answer does, the longer duration for the rules too (they only ask "at least N weeks", so the
    # longer one can only escalate: when unsure, escalate).
    facts[PAIN_HISTORY_KEY] = pain_history
    if pain_history is not None and pain_history.differs_from_answer:
        facts["duration_weeks"] = max(answers["duration_weeks"], pain_history.weeks)
    facts[PAIN_RISEN_KEY] = bool(pain_history and pain_history.risen)

    fired = [rule for rule in triage_rules() if evaluate(rule.when, facts) is True]
    reasons = [_reason(rule, facts, answers) for rule in fired]
    if missing_red_flags:
        reasons.append(_unanswered_reason(missing_red_flags))
    reasons += extra_reasons
    reasons.sort(key=lambda r: -r.level.rank)
    level = reasons[0].level if reasons else TriageLevel.SELF_CARE

    routed = [r for r in reasons if r.route]
    if routed and not level.stops_training:
        # The operating team comes first: its route replaces the general "book a sports-medicine
        # professional, reduce running" line, so the runner is sent one way, not two.
        what_to_do = list(dict.fromkeys(r.advice for r in routed if r.advice))
        action = what_to_do[0] if what_to_do else ""
    else:
        # a pain-free check-in read "run less than before the pain" (a research engineer): its own words
        pain_free = level is TriageLevel.SELF_CARE and answers.get("has_pain") is False
        action = evidence.value("clinic.level.self_care_pain_free" if pain_free else level.registry_key)
        what_to_do = [action]
        # A route's advice (surgeon first) is kept whatever the level: it changes who sees the knee first.
        # Then what the answers show at this level, about this person (a rule may add no line of its own).
        for r in reasons:
            if (r.level == level or r.route) and r.advice and r.advice not in what_to_do:
                line = _not_said_before(without_repeated_lead(r.advice, action), what_to_do)
                if line:
                    what_to_do.append(line)
    if level is TriageLevel.URGENT and any(rule.possible_clot for rule in fired):
        what_to_do.insert(1, str(evidence.value("clinic.triage.clot_chest_warning")))  # read 51: not only at the end
    review = None
    if level is TriageLevel.SELF_CARE:
        review = today + dt.timedelta(days=int(evidence.value("clinic.selfcare.review_days")))
        what_to_do.append(f"{CHECK_IN_AGAIN} {review.isoformat()}, or sooner if anything changes.")
    return TriageResult(
        level=level,
        reasons=reasons,
        red_flags=[r.rule for r in reasons if r.red_flag],
        what_to_do=what_to_do,
        review_date=review,
        unanswered_red_flags=list(missing_red_flags),
        action=action,
    )


# How a rule's advice goes on once the level's own opening ("See a doctor today") is taken off it.
_LEAD_CONNECTORS = ((": ", ""), ("; ", ""), (". ", ""), (" and ", ""), (" to ", "The visit is to "),
                    (" for ", "The visit is for "))


def without_repeated_lead(advice: str, action: str) -> str:
    """A rule's advice said under the level's own action without repeating its opening: an urgent calf read
    "See a doctor today" three times in a row (a physiotherapist). 'See a doctor today: new foot weakness needs a
    nerve check.' -> 'New foot weakness needs a nerve check.'; advice that opens otherwise is kept as it is."""
    lead = action.split(" (")[0].split(".")[0]
    if not lead or not advice.startswith(lead):
        return advice
    rest = advice[len(lead):]
    for connector, opening in _LEAD_CONNECTORS:
        if rest.startswith(connector):
            rest = opening + rest[len(connector):]
            return rest[0].upper() + rest[1:]
    return advice


def _not_said_before(line: str, said: list[str]) -> str:
    """`line` without the sentences an earlier line already said word for word (two possible-clot rules both
    ended "Do not run or massage the calf until then.", read 51); '' when nothing new is left."""
    earlier = {sentence for text in said for sentence in _sentences(text)}
    return " ".join(sentence for sentence in _sentences(line) if sentence not in earlier)


def _sentences(text: str) -> list[str]:
    return [part if part.endswith((".", "!", "?")) else f"{part}." for part in text.split(". ") if part]


def _reason(rule: TriageRule, facts: Mapping[str, Any], answers: Mapping[str, Any]) -> Reason:
    ev = rule.evidence
    # the answers as the runner gave them (a duration the history lengthened is said in the advice's words)
    used = {q: answers.get(q, facts[q]) for q in dict.fromkeys(deciding_questions(rule.when, facts)) if q in facts}
    return Reason(rule.id, rule.level, ev.summary, used, rule.text.advice_for(facts), rule.red_flag,
                  [c.to_dict() for c in ev.citations], rule.route, rule.text.why)


def _unanswered_reason(missing: Sequence[str]) -> Reason:
    ev = evidence.rule("clinic.triage.unanswered_red_flag")
    advice = (
        "Answer the warning-sign questions (" + ", ".join(missing) + ") to get an accurate level. "
        "If you have chest pain, breathlessness, a cold or pale foot, or a knee stuck that will not unlock, "
        "call emergency services now."
    )
    return Reason("unanswered_red_flag", TriageLevel(ev.value), ev.summary, {q: None for q in missing}, advice, True,
                  [c.to_dict() for c in ev.citations], why=UNANSWERED_WHY)
