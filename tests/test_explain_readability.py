"""Every explanation reads at a general adult level (textstat: Flesch reading ease or FK grade)."""
from __future__ import annotations

import pytest

from kneeguard.explain import all_explanations

textstat = pytest.importorskip("textstat", reason="textstat is in the dev extra (pip install -e .[dev])")

MIN_READING_EASE = 50.0  # 50-60 'fairly difficult' is the floor; most entries score 70-90
MAX_GRADE = 10.0


@pytest.mark.parametrize("key", sorted(all_explanations()))
@pytest.mark.parametrize("field", ["text", "feels", "helps", "all"])
def test_entry_is_readable(key, field):
    e = all_explanations()[key]
    text = f"{e.text} {e.feels} {e.helps}" if field == "all" else getattr(e, field)
    ease, grade = textstat.flesch_reading_ease(text), textstat.flesch_kincaid_grade(text)
    assert ease >= MIN_READING_EASE or grade <= MAX_GRADE, f"{key}.{field}: reading ease {ease}, grade {grade}"


def test_the_main_texts_clear_both_bars():
    """Not just one of the two: the long texts pass reading ease and grade together."""
    for e in all_explanations().values():
        assert textstat.flesch_reading_ease(e.text) >= MIN_READING_EASE, e.key
        assert textstat.flesch_kincaid_grade(e.text) <= MAX_GRADE, e.key
