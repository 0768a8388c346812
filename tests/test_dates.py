"""Days a person types: one parser and one range for the CLI and the web app (`kneeguard.dates`)."""
from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from kneeguard.cli import app
from kneeguard.dates import day_range, parse_day
from kneeguard.errors import InvalidInput


def test_the_range_runs_from_the_imports_first_year_to_a_year_ahead():
    first, last = day_range(dt.date(2026, 12, 7))
    assert first == dt.date(1989, 1, 1) and last == dt.date(2027, 12, 8)


@pytest.mark.parametrize("text, problem", [("9999-12-31", "must be between"), ("0001-01-01", "must be between"),
                                           ("2026-02-30", "is not a day in the calendar"),
                                           ("yesterday", "must be YYYY-MM-DD")])
def test_unusable_days_are_named(text, problem):
    with pytest.raises(InvalidInput, match=problem):
        parse_day(text, "--as-of")


def test_the_cli_says_so_instead_of_an_internal_error(tmp_path):
    """`kneeguard plan --as-of 0001-01-01` printed 'internal error: OverflowError' (a bug report, not a hint)."""
    result = CliRunner().invoke(app, ["plan", "--as-of", "0001-01-01", "--home", str(tmp_path)])
    assert result.exit_code == 2 and "--as-of must be between 1989-01-01 and" in result.output
    assert "internal error" not in result.output
