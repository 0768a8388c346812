"""Check-ins between the database and the clinic: stored records back as `CheckinRecord`s, new ones saved.

The store keeps each completed check-in as `CheckinRecord.to_dict()` (table
``checkins``). Functions take an open `Store`, or open (and close) one under `home`.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from kneeguard.clinic.history import CheckinRecord
from kneeguard.store import UnknownAthlete, open_store, records
from kneeguard.store.config import DEFAULT_ATHLETE
from kneeguard.store.db import Store


def save_checkin(record: CheckinRecord, athlete: str | None = None, home=None, now: dt.datetime | None = None,
                 *, store: Store | None = None) -> int:
    """Store a completed check-in in the database; returns its id. A naive `now` is local time."""
    recorded_at = (now or dt.datetime.now()).astimezone()
    with _opened(store, home) as opened, opened.write() as session:
        return records.save_checkin(session, athlete or DEFAULT_ATHLETE, record.to_dict(), recorded_at)


def load_checkins(athlete: str | None = None, home=None, *, store: Store | None = None) -> list[CheckinRecord]:
    """All stored check-ins, oldest first; a malformed record is skipped, never fatal."""
    with _opened(store, home) as opened, opened.session() as session:
        try:
            rows = records.list_checkins(session, athlete or DEFAULT_ATHLETE)
        except UnknownAthlete:
            return []  # no check-in saved yet
    return parse_records([row["record"] for row in rows])


def parse_records(stored: list[dict]) -> list[CheckinRecord]:
    """Stored record documents as CheckinRecords by date; one damaged record must not hide the others."""
    out = []
    for document in stored:
        try:
            out.append(CheckinRecord.from_dict(document))
        except (ValueError, KeyError, TypeError):
            continue
    return sorted(out, key=lambda r: r.on_date)  # stable: same-day check-ins keep save order


@contextlib.contextmanager
def _opened(store: Store | None, home) -> Iterator[Store]:
    """The caller's store, or one opened under `home` for this call only."""
    if store is not None:
        yield store
        return
    with open_store(home=home) as opened:
        yield opened


def profile_note(result, home=None, *, store: Store | None = None) -> str:
    """The plan's note when a check-in's sex or age disagree with its athlete's stored profile ('' when they agree
    or there is no profile): a physiotherapist found it in the plan and summary, not in the check-in result."""
    from kneeguard.advice.context import answers_against_profile, profile_conflict_words
    from kneeguard.store import athletes
    from kneeguard.text import sentence

    with _opened(store, home) as opened, opened.session() as session:
        found = athletes.find(session, result.athlete or DEFAULT_ATHLETE)
        profile = athletes.profile(found) if found is not None else None
    return sentence(profile_conflict_words(answers_against_profile(profile, result.answers, result.on_date)))


def other_knee_note(result) -> str:
    """The plan's note when the athlete's earlier check-ins were about the other knee ('' otherwise), for the
    check-in's own result (read 43: the plan said it, the check-in did not), from the days its assessment found."""
    from kneeguard.clinic.episode import other_knee_words
    from kneeguard.text import sentence

    days = result.pain_history.other_knee_days if result.pain_history is not None else ()
    return sentence(other_knee_words(result.answers.get("side"), days))


@dataclass(frozen=True)
class ResultNotes:
    """What a check-in's own result says beside its level, as sentences: an earlier referral it must not undo,
    a profile that disagrees, earlier check-ins about the other knee, and what the level then holds once
    (`advice.context.level_condition`). The CLI and the web result read this one value."""

    referral: str = ""
    profile: str = ""
    other_knee: str = ""
    condition: str = ""
    both_knees: str = ""  # the visit for both knees, said in the level's own box (read 50)
    recheck: str = ""  # a plan this check-in holds at week 1: its re-check day, said in the level's box (read 50)

    @property
    def notes(self) -> list[str]:
        """The notes in the order they are said: the referral first of all."""
        return [n for n in (self.referral, self.profile, self.other_knee) if n]


def result_notes(result, *, store: Store) -> ResultNotes:
    """`ResultNotes` for an assessed check-in (`result`) of the athlete in `store`."""
    from kneeguard.advice.context import level_condition
    from kneeguard.text import sentence

    from kneeguard.clinic.episode import both_knees_visit

    profile, other = profile_note(result, store=store), other_knee_note(result)
    referral, side = result.earlier_referral, result.answers.get("side")
    return ResultNotes(sentence(referral.words) if referral is not None else "", profile, other,
                       level_condition(result.level, bool(profile or other), referral, side),
                       f"{both_knees_visit(side)}." if other else "", recheck_note(result))


def recheck_note(result) -> str:
    """When the check-in's own pain holds the plan at week 1 (`advice.recheck`): the re-check day the plan will
    set and where the rest is said ('' otherwise). A physiotherapist (read 50): the worse week's result said
    "walk instead of running" with no date to check in again and no point at which to phone sooner."""
    import datetime as dt

    from kneeguard.advice.pain import pain_state
    from kneeguard.advice.recheck import holds_at_week_one, recheck_day

    from kneeguard import pain_rule
    from kneeguard.text import sentence

    if not holds_at_week_one(pain_state(result, [f.code for f in result.findings])):
        return ""
    day = recheck_day(result.on_date + dt.timedelta(days=1), result.on_date)
    said = (f"Check in again on {day:%a %d %b} (your plan's re-check). Until then your plan (`kneeguard plan`) "
            "keeps to this week's sessions")
    usual = result.pain_history.usual_morning if result.pain_history is not None else None
    run = result.answers.get("pain_during_run")
    if usual is None or not isinstance(run, (int, float)) or run <= pain_rule.acceptable_max():
        return f"{said} and says when to contact a professional sooner."
    # walking only after a run above the acceptable pain: the plan's own sentence for phoning sooner (read 51)
    now = result.answers.get("pain_next_morning")
    return f"{said}. {sentence(pain_rule.sooner_words(usual, now, subject='your next-morning pain').rstrip('.'))}"

