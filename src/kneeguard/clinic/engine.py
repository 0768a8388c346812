"""The questionnaire engine: one set of question definitions (JSON under
``questions/``) for the CLI interview, the answers-file form and the web app.

`load_questionnaire()` reads them; `Questionnaire.validate(raw)` turns a raw
answers dict into clean answers plus clear messages that name the question;
`Questionnaire.json_schema()` describes an answers file.
"""
from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

from kneeguard import evidence
from kneeguard.clinic.conditions import evaluate
from kneeguard.clinic.legacy import upgrade_answers
from kneeguard.errors import InvalidInput

TYPES = ("bool", "choice", "multi", "number", "scale", "text")
SCALE_MIN, SCALE_MAX = 0, 10
TEXT_MAX = 1000
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
DONT_KNOW = "dont_know"  # the stored value of "I don't know" on questions that allow it
_DONT_KNOW_TYPED = {DONT_KNOW, "don't know", "dont know", "not sure", "unsure", "?", "dk"}
_REGISTRY_PLACEHOLDER = re.compile(r"\{registry:([a-z0-9_.]+)\}")


class AnswerError(InvalidInput):
    """One answer that cannot be accepted; the message names the question."""

    def __init__(self, qid: str, problem: str):
        super().__init__(f"{qid}: {problem}")
        self.qid = qid


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: str
    section: str
    help: str = ""
    required: bool = False
    red_flag: bool = False
    options: tuple[Option, ...] = ()
    exclusive: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    unit: str = ""
    group: str = ""
    show_if: Mapping[str, Any] | None = None
    dont_know: bool = False  # a yes/no question that also accepts "I don't know"
    source: str = ""  # why the question matters: a registry citation key or a short note

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options)

    def coerce(self, raw: Any) -> Any:
        """A raw answer (JSON value or typed text) as a clean value, or AnswerError."""
        if self.type == "bool":
            return self._coerce_bool(raw)
        if self.type == "choice":
            return self._coerce_option(raw)
        if self.type == "multi":
            return self._coerce_multi(raw)
        if self.type in ("number", "scale"):
            return self._coerce_number(raw)
        if not isinstance(raw, str):
            raise AnswerError(self.id, "expected text")
        if len(raw) > TEXT_MAX:
            raise AnswerError(self.id, f"text longer than {TEXT_MAX} characters")
        return raw.strip()

    def _coerce_bool(self, raw: Any) -> bool | str:
        if isinstance(raw, bool):
            return raw
        text = raw.strip().lower() if isinstance(raw, str) else None
        if text in _YES | _NO:
            return text in _YES
        if self.dont_know and text in _DONT_KNOW_TYPED:
            return DONT_KNOW
        expected = "yes, no or dont_know" if self.dont_know else "yes or no"
        raise AnswerError(self.id, f"expected {expected}, got {raw!r}")

    def _coerce_option(self, raw: Any) -> str:
        if isinstance(raw, str):
            text = raw.strip().lower()
            for i, o in enumerate(self.options, start=1):
                if text in (o.value.lower(), o.label.lower(), str(i)):
                    return o.value
        raise AnswerError(self.id, f"expected one of {', '.join(self.values)}, got {raw!r}")

    def _coerce_multi(self, raw: Any) -> list[str]:
        items = [p for p in raw.split(",") if p.strip()] if isinstance(raw, str) else raw
        if not isinstance(items, list) or not items:
            raise AnswerError(self.id, f"expected a list of {', '.join(self.values)}")
        chosen: list[str] = []
        for item in items:
            value = self._coerce_option(item)
            if value not in chosen:
                chosen.append(value)
        clash = [v for v in chosen if v in self.exclusive]
        if clash and len(chosen) > 1:
            raise AnswerError(self.id, f"'{clash[0]}' cannot be combined with other choices")
        return chosen

    def _coerce_number(self, raw: Any) -> float | int:
        if isinstance(raw, bool):
            raise AnswerError(self.id, f"expected a number, got {raw!r}")
        try:
            number = float(raw.strip().replace(",", ".")) if isinstance(raw, str) else float(raw)
        except (TypeError, ValueError):
            raise AnswerError(self.id, f"expected a number, got {raw!r}") from None
        if not math.isfinite(number):
            raise AnswerError(self.id, f"expected a finite number, got {raw!r}")
        low, high = (SCALE_MIN, SCALE_MAX) if self.type == "scale" else (self.minimum, self.maximum)
        if (low is not None and number < low) or (high is not None and number > high):
            unit = f" {self.unit}" if self.unit else ""
            raise AnswerError(self.id, f"{raw!r} is out of range ({low:g}-{high:g}{unit})")
        if self.type == "scale" or self.integer:
            if number != int(number):
                raise AnswerError(self.id, f"expected a whole number, got {raw!r}")
            return int(number)
        return number


@dataclass(frozen=True)
class Contradiction:
    id: str
    message: str
    questions: tuple[str, ...]


@dataclass
class Validation:
    """The outcome of checking an answers dict; `answers` holds only clean, visible answers."""

    answers: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    missing_red_flags: list[str] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "errors": self.errors,
            "missing": self.missing,
            "missing_red_flags": self.missing_red_flags,
            "contradictions": [{"id": c.id, "message": c.message, "questions": list(c.questions)} for c in self.contradictions],
            "ignored": self.ignored,
        }


class Questionnaire:
    def __init__(self, sections: list[dict[str, Any]], contradictions: list[dict[str, Any]]):
        self.sections = [{"id": s["section"], "title": s["title"]} for s in sections]
        self.questions: list[Question] = [_question(q, s["section"]) for s in sections for q in s["questions"]]
        self.by_id = {q.id: q for q in self.questions}
        if len(self.by_id) != len(self.questions):
            raise ValueError("duplicate question ids in the clinic question files")
        self.contradiction_rules = contradictions

    def visible(self, question: Question, answers: Mapping[str, Any]) -> bool:
        return question.show_if is None or evaluate(question.show_if, answers) is True

    def visible_questions(self, answers: Mapping[str, Any]) -> list[Question]:
        return [q for q in self.questions if self.visible(q, answers)]

    def validate(self, raw: Mapping[str, Any]) -> Validation:
        result = Validation()
        coerced: dict[str, Any] = {}
        for key, value in upgrade_answers(raw).items():
            if key not in self.by_id:
                near = difflib.get_close_matches(key, self.by_id, n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                result.errors.append(f"{key}: unknown question{hint}")
            elif value is not None:
                try:
                    coerced[key] = self.by_id[key].coerce(value)
                except AnswerError as exc:
                    result.errors.append(str(exc))
        # Contradictions are checked on everything given, before branching hides answers.
        result.contradictions = self.contradictions(coerced)
        for q in self.questions:  # definition order, so parents are settled before children
            if q.id in coerced and self.visible(q, result.answers):
                result.answers[q.id] = coerced[q.id]
            elif q.id in coerced:
                result.ignored.append(f"{q.id}: ignored because it does not apply to your other answers")
            elif q.required and self.visible(q, result.answers):
                result.missing.append(q.id)
                if q.red_flag:
                    result.missing_red_flags.append(q.id)
        result.errors.extend(self._group_errors(result.answers))
        return result

    def contradictions(self, answers: Mapping[str, Any]) -> list[Contradiction]:
        found = []
        for rule in self.contradiction_rules:
            if evaluate(rule["when"], answers) is True:
                shown = {k: ("-" if answers.get(k) is None else answers.get(k)) for k in rule["questions"]}
                found.append(Contradiction(rule["id"], rule["message"].format(**shown), tuple(rule["questions"])))
        return found

    def _group_errors(self, answers: Mapping[str, Any]) -> list[str]:
        """A group (the OSTRC four) is scored only when complete: all or none."""
        errors = []
        groups: dict[str, list[str]] = {}
        for q in self.questions:
            if q.group:
                groups.setdefault(q.group, []).append(q.id)
        for name, ids in groups.items():
            given = [i for i in ids if i in answers]
            if given and len(given) != len(ids):
                missing = ", ".join(i for i in ids if i not in answers)
                errors.append(f"{name}: answer all {len(ids)} questions or none (missing {missing})")
        return errors

    def json_schema(self) -> dict[str, Any]:
        props = {q.id: _schema_for(q) for q in self.questions}
        always_required = [q.id for q in self.questions if q.required and q.show_if is None]
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "kneeguard check-in answers",
            "description": "One object: question id -> answer. Questions with x-show-if apply only when that "
            "condition holds; required ones then become required. Red-flag questions (x-red-flag) left "
            "unanswered make kneeguard escalate.",
            "type": "object",
            "properties": props,
            "required": always_required,
            "additionalProperties": False,
        }


def _question(q: Mapping[str, Any], section: str) -> Question:
    if q["type"] not in TYPES:
        raise ValueError(f"question {q['id']}: unknown type {q['type']!r}")
    return Question(
        id=q["id"], type=q["type"], text=with_registry_values(q["text"]), section=section,
        help=with_registry_values(q.get("help", "")),
        required=q.get("required", False), red_flag=q.get("red_flag", False),
        options=tuple(Option(o["value"], o["label"]) for o in q.get("options", [])),
        exclusive=tuple(q.get("exclusive", [])), minimum=q.get("min"), maximum=q.get("max"),
        integer=q.get("integer", False), unit=q.get("unit", ""), group=q.get("group", ""), show_if=q.get("show_if"),
        dont_know=q.get("dont_know", False), source=q.get("source", ""),
    )


def with_registry_values(text: str) -> str:
    """`{registry:key}` in a question's (or triage rule's) wording becomes that registry value, so a
    number a runner reads (e.g. the minutes in the exertional-calf question) has one owner and a citation."""
    return _REGISTRY_PLACEHOLDER.sub(lambda m: f"{evidence.value(m.group(1)):g}", text)


def _schema_for(q: Question) -> dict[str, Any]:
    base: dict[str, Any] = {"description": q.text + (f" {q.help}" if q.help else "")}
    if q.type == "bool" and q.dont_know:
        base["enum"] = [True, False, DONT_KNOW]
    elif q.type == "bool":
        base["type"] = "boolean"
    elif q.type == "choice":
        base.update(type="string", enum=list(q.values))
    elif q.type == "multi":
        base.update(type="array", items={"enum": list(q.values)}, uniqueItems=True, minItems=1)
    elif q.type == "scale":
        base.update(type="integer", minimum=SCALE_MIN, maximum=SCALE_MAX)
    elif q.type == "number":
        base["type"] = "integer" if q.integer else "number"
        if q.minimum is not None:
            base["minimum"] = q.minimum
        if q.maximum is not None:
            base["maximum"] = q.maximum
    else:
        base.update(type="string", maxLength=TEXT_MAX)
    if q.unit:
        base["x-unit"] = q.unit
    if q.show_if:
        base["x-show-if"] = q.show_if
    base["x-required"] = q.required
    base["x-red-flag"] = q.red_flag
    if q.source:
        base["x-source"] = q.source
    return base


def answer_in_words(qid: str, answer: Any, *, brief: bool = False) -> str:
    """'Question text: answer' as a person reads it (option labels, yes/no, the number with its unit).

    The one place stored question ids and answer values become words, for the check-in result,
    the report and the CLI; an id this version does not know is shown as it is. `brief` (the clinician
    summary): the question without its bracketed hint to the person answering ('(0-10)', '(0 if you have
    not)'), and a scale answer as 'N/10', which says the scale the hint gave.
    """
    question = load_questionnaire().by_id.get(qid)
    if question is None:
        return f"{qid}: {answer}"
    text, words = question.text.rstrip(), value_in_words(qid, answer)
    if brief:
        text = re.sub(r"\s*\([^()]*\)$", "", text)
        if question.type == "scale" and isinstance(answer, (int, float)) and not isinstance(answer, bool):
            words = f"{answer:g}/{SCALE_MAX}"
    return f"{text} {words}" if text.endswith("?") else f"{text}: {words}"


def value_in_words(qid: str, answer: Any, *, unit: bool = True) -> str:
    """An answer's value as a person reads it: option labels, yes/no, a number (with the question's unit unless
    `unit` is False, for a text that says the unit itself); a list joined by '; '."""
    question = load_questionnaire().by_id.get(qid)
    labels = {o.value: o.label for o in question.options} if question else {}
    words = []
    for value in answer if isinstance(answer, list) else [answer]:
        if value is None:
            words.append("not answered")
        elif value == "dont_know":
            words.append("don't know")
        elif isinstance(value, bool):
            words.append("yes" if value else "no")
        elif isinstance(value, (int, float)):
            words.append(f"{value:g} {question.unit if question and unit else ''}".strip())
        else:
            words.append(labels.get(str(value), str(value)))
    return "; ".join(words)


@lru_cache(maxsize=1)
def load_questionnaire() -> Questionnaire:
    folder = resources.files(__package__).joinpath("questions")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)
    sections = [json.loads(f.read_text("utf-8")) for f in files if f.name != "contradictions.json"]
    contradictions = json.loads(folder.joinpath("contradictions.json").read_text("utf-8"))
    return Questionnaire(sections, contradictions)
