"""`kneeguard explain`: text in the terminal, pictures with --out, the list, clear errors."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kneeguard.cli import app
from kneeguard.explain import emittable_codes

runner = CliRunner()


def kg(*args: str, home: Path):
    return runner.invoke(app, ["explain", *args, "--home", str(home)], catch_exceptions=False)


def test_structure_in_the_terminal(tmp_path):
    result = kg("popliteus", home=tmp_path)
    assert result.exit_code == 0
    out = " ".join(result.stdout.split())
    for expected in ("Popliteus", "What you may feel", "What helps", "clinic.cause.popliteus", "Also loaded by",
                     "English S, Perret D"):
        assert expected in out, expected


def test_finding_code_with_side_and_alias(tmp_path):
    result = kg("clinic.bridge_poor.left", home=tmp_path)
    assert result.exit_code == 0 and "Weak hamstrings" in result.stdout and "Freckleton" in result.stdout
    assert kg("Baker's cyst", home=tmp_path).exit_code == 0


def test_unknown_key_lists_close_matches_and_fails(tmp_path):
    result = kg("hamstrng", home=tmp_path)
    assert result.exit_code == 2
    err = " ".join(result.stderr.split())
    assert "no explanation for 'hamstrng'" in err and "weak_hamstrings" in err and "Traceback" not in err


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_out_writes_the_picture(tmp_path, suffix):
    out = tmp_path / f"overstride{suffix}"
    result = kg("gait.overstride", "--out", str(out), home=tmp_path)
    assert result.exit_code == 0 and out.is_file() and out.stat().st_size > 5_000
    if suffix == ".svg":
        root = ET.fromstring(out.read_text("utf-8"))  # well-formed, standalone
        highlighted = {g.get("data-structure") for g in root.iter("{http://www.w3.org/2000/svg}g")
                       if "highlighted" in (g.get("class") or "")}
        assert {"biceps_femoris", "popliteus", "posterior_capsule"} <= highlighted
        assert "Inside the evidence band" in out.read_text("utf-8")  # the runner figure beside it
    else:
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "evidence band only" in " ".join(result.stderr.split())  # no stored gait session here (wrapped text)


def test_out_refuses_other_formats(tmp_path):
    result = kg("popliteus", "--out", str(tmp_path / "x.pdf"), home=tmp_path)
    assert result.exit_code == 2 and ".svg or .png" in result.stderr


def test_list_shows_structures_mechanisms_and_every_code(tmp_path):
    result = runner.invoke(app, ["explain", "--list"], catch_exceptions=False, terminal_width=200)
    assert result.exit_code == 0
    for expected in ("Structures behind the knee", "Mechanisms", "bakers_cyst", "worn_shoes", "load.spike",
                     f"Finding codes ({len(emittable_codes())})"):
        assert expected in result.stdout, expected
    assert "nothing yet" not in result.stdout


def test_json_output(tmp_path):
    result = kg("load.spike", "--json", home=tmp_path)
    payload = json.loads(result.stdout)
    assert payload["is_finding"] and payload["entries"][0]["key"] == "load_spikes"
    assert payload["citations"] and "popliteus" in payload["structures"]
    listing = json.loads(kg("--list", "--json", home=tmp_path).stdout)
    assert len(listing["codes"]) == len(emittable_codes()) and all(c["entries"] for c in listing["codes"])


def test_out_draws_the_runner_from_the_stored_gait_session(tmp_path):
    from kneeguard.store import athletes, open_store
    from kneeguard.store.records import save_gait_session

    measured = {"overstride_pct_leg": 17.0, "knee_flexion_ic_deg": 6.0, "shank_angle_ic_deg": 12.0,
                "trunk_lean_deg": 9.0, "findings": []}
    with open_store(home=tmp_path) as store, store.write() as session:
        athletes.get_or_create(session, "ana")
        save_gait_session(session, "ana", measured)
    out = tmp_path / "knee.svg"
    result = kg("gait.extended_knee_landing", "--out", str(out), "--athlete", "ana", home=tmp_path)
    assert result.exit_code == 0 and "latest gait session" in result.stderr
    svg = out.read_text("utf-8")
    assert "You (measured)" in svg and "knee 6°" in svg
