"""Athletes: create/get/update/list, profile, validation messages."""
from __future__ import annotations

import datetime as dt

import pytest

from kneeguard.profile import AthleteProfile
from kneeguard.store import UnknownAthlete, athletes


def test_create_get_update_list_profile(store):
    with store.begin() as s:
        athletes.create(s, "  Ana ", sex="F", birth_year=1985, height_cm=168, mass_kg=58.5,
                        hr_max=188, hr_rest=48)
        athletes.create(s, "ben")
    with store.begin() as s:
        ana = athletes.get(s, "Ana")
        assert athletes.get(s, ana.id) is ana
        athletes.update(s, "Ana", mass_kg=57, hr_rest=None)
        assert athletes.list_names(s) == ["Ana", "ben"]
        assert athletes.get_or_create(s, "ben").name == "ben"
        assert athletes.get_or_create(s, "cy").name == "cy"
    with store.session() as s:
        assert athletes.profile(athletes.get(s, "Ana")) == AthleteProfile(
            name="Ana", sex="female", birth_year=1985, height_cm=168.0, mass_kg=57.0, hr_max=188.0, hr_rest=None)


def test_rename(store):
    with store.begin() as s:
        athletes.create(s, "ana")
        athletes.create(s, "ben")
        with pytest.raises(ValueError, match="'ben' already exists"):
            athletes.update(s, "ana", name="ben")
        athletes.update(s, "ana", name="Ana B")
        assert athletes.get(s, "Ana B").name == "Ana B"


def test_unknown_athlete_is_a_lookup_error(store):
    with store.session() as s:
        with pytest.raises(LookupError, match="unknown athlete 'zed'; none exist yet"):
            athletes.get(s, "zed")
        athletes.create(s, "ana")
        with pytest.raises(UnknownAthlete, match="known: ana"):
            athletes.get(s, "zed")
        with pytest.raises(UnknownAthlete, match="no athlete with id 999"):
            athletes.get(s, 999)


@pytest.mark.parametrize(("fields", "message"), [
    ({"sex": "x"}, "sex must be 'male' or 'female'"),
    ({"birth_year": 1850}, "birth year must be a whole year between 1900"),
    ({"birth_year": dt.date.today().year + 1}, "birth year"),
    ({"birth_year": 1980.5}, "birth year"),
    ({"height_cm": 1.8}, "height_cm must be between 50 and 260 cm"),
    ({"mass_kg": "heavy"}, "mass_kg must be a number"),
    ({"hr_max": float("nan")}, "finite"),
    ({"hr_rest": 110, "hr_max": 105}, r"resting heart rate \(110\) must be below maximum heart rate \(105\)"),
    ({"weight": 70}, "unknown athlete field"),
])
def test_validation_messages(store, fields, message):
    with store.session() as s:
        with pytest.raises(ValueError, match=message):
            athletes.create(s, "ana", **fields)


def test_update_checks_hr_against_stored_value(store):
    with store.begin() as s:
        athletes.create(s, "ana", hr_max=110)
        with pytest.raises(ValueError, match="resting heart rate"):
            athletes.update(s, "ana", hr_rest=115)


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_bad_names(store, name):
    with store.session() as s:
        with pytest.raises(ValueError, match="athlete name"):
            athletes.create(s, name)


def test_duplicate_name(store):
    with store.begin() as s:
        athletes.create(s, "ana")
        with pytest.raises(ValueError, match="already exists"):
            athletes.create(s, "ana")
