"""Evidence quality gates (issue 12 item 4): doubtful evidence is shown as uncertain, never ranked, never acted on.

The demo athlete's gait video is rated 0.39, below the registry's `gait.capture.doubtful_quality`
(0.5); its overstride and extended-knee-landing findings must not reach the top factors nor start
the metronome programme.
"""
from __future__ import annotations

import datetime as dt
import json
import warnings

import typer
from typer.testing import CliRunner

from kneeguard import evidence
from kneeguard.advice import advise, make_context
from kneeguard.advice.factors import rank_factors
from kneeguard.findings import Finding, Severity, uncertain_groups
from kneeguard.gait.findings import gait_findings
from kneeguard.gait.summary import GaitSummary
from tests.advice_support import AS_OF, checkin

DEMO_QUALITY = 0.39  # the demo athlete's video
GAIT_FLAGS = ("gait.overstride", "gait.extended_knee_landing")


def demo_like_gait(quality: float = DEMO_QUALITY, n_steps: int = 33) -> GaitSummary:
    return GaitSummary.from_dict({
        "cadence_spm": 168.3, "overstride_pct_leg": 14.0, "knee_flexion_ic_deg": 8.0, "quality": quality,
        "n_steps": n_steps, "recorded_at": f"{(AS_OF - dt.timedelta(days=3)).isoformat()}T10:00:00",
        "findings": [{"code": c, "severity": "moderate", "title": c, "citations": []} for c in GAIT_FLAGS]})


def test_uncertain_round_trips_through_the_dict_form():
    f = Finding("gait.overstride", Severity.MODERATE, "t", "e", uncertain="video quality 0.39 is below 0.5: re-film")
    back = Finding.from_dict(json.loads(json.dumps(f.to_dict())))
    assert back.uncertain == f.uncertain
    assert Finding.from_dict(Finding("gait.overstride", Severity.LOW, "t", "e").to_dict()).uncertain is None


def test_the_doubtful_threshold_is_the_registry_value():
    limit = evidence.value("gait.capture.doubtful_quality")
    assert limit == 0.5
    assert all(f.uncertain for f in demo_like_gait(quality=limit - 0.01).findings)
    assert not any(f.uncertain for f in demo_like_gait(quality=limit).findings)


def test_demo_like_video_findings_are_uncertain_with_reason_and_what_to_do():
    gait = demo_like_gait()
    assert [f.code for f in gait.findings] == list(GAIT_FLAGS)
    for f in gait.findings:
        assert "0.39" in f.uncertain and "0.5" in f.uncertain and "film again" in f.uncertain
    # stored and read back: still uncertain
    assert all(f.uncertain for f in GaitSummary.from_dict(gait.to_dict()).findings)


def test_too_few_steps_makes_findings_uncertain():
    stable = int(evidence.value("gait.capture.stable_steps"))
    few = demo_like_gait(quality=0.9, n_steps=stable - 1)
    assert all(f"only {stable - 1} steps" in f.uncertain for f in few.findings)
    assert not any(f.uncertain for f in demo_like_gait(quality=0.9, n_steps=stable).findings)


def test_the_analysis_marks_its_own_findings_when_the_clip_is_doubtful():
    summary = {"overstride_pct_leg": 30.0, "knee_flexion_ic_deg": 5.0, "cadence_spm": 150.0, "fps": 60.0,
               "speed_m_s": 3.0, "n_steps": 20}
    sound = gait_findings({**summary, "quality": 0.9}, "side")
    doubtful = gait_findings({**summary, "quality": DEMO_QUALITY}, "side")
    assert sound and not any(f.uncertain for f in sound)
    assert [f.code for f in doubtful] == [f.code for f in sound] and all(f.uncertain for f in doubtful)


def test_uncertain_findings_never_rank_nor_drive_the_metronome():
    ctx = make_context("ana", AS_OF, gait=demo_like_gait(), checkin=checkin(pain_now=1))
    assert not set(GAIT_FLAGS) & set(ctx.finding_codes)
    assert {f.code for f in ctx.uncertain_findings} == set(GAIT_FLAGS)
    assert not set(GAIT_FLAGS) & {f.code for f in rank_factors(ctx.findings)}
    advice = advise(ctx, weeks=4)
    assert not set(GAIT_FLAGS) & {f.code for f in advice.factors}
    assert not advice.gait.active and "doubtful" in advice.gait.summary
    assert not any(s.target_cadence_spm for s in advice.days)
    assert any(s.kind == "film" for s in advice.week(0))  # what to do: film again, early
    assert {f["code"] for f in advice.to_dict()["uncertain"]} == set(GAIT_FLAGS)


def test_the_same_flags_from_a_sound_video_do_drive_retraining():
    advice = advise(make_context("ana", AS_OF, gait=demo_like_gait(quality=0.9), checkin=checkin(pain_now=1)),
                    weeks=4)
    assert advice.gait.active and "gait.overstride" in {f.code for f in advice.factors}
    assert not advice.uncertain


def test_self_tests_without_a_norm_are_uncertain_and_not_acted_on():
    ctx = make_context("ana", AS_OF, checkin=checkin(plank_s=40, side_plank_left_s=20, leg_length_diff_cm=1.0))
    uncertain = {f.code: f for f in ctx.uncertain_findings}
    assert set(uncertain) == {"clinic.plank_no_norm", "clinic.leg_length_no_norm"}
    assert all("no sourced norm" in f.uncertain for f in uncertain.values())
    assert not set(uncertain) & set(ctx.finding_codes)
    assert "re-test" in uncertain["clinic.plank_no_norm"].uncertain


def test_uncertain_groups_share_one_reason_per_clip():
    groups = uncertain_groups(demo_like_gait().findings)
    assert len(groups) == 1 and list(groups.values())[0] == list(GAIT_FLAGS)


def test_report_shows_the_uncertain_group():
    from kneeguard.report import build_report
    from kneeguard.report.html import render_html

    ctx = make_context("ana", AS_OF, gait=demo_like_gait(), checkin=checkin(pain_now=1))
    doc = build_report(ctx, advise(ctx, weeks=4))
    assert doc.uncertain and "0.39" in doc.uncertain[0]["reason"]
    gait_rows = next(d for d in doc.domains if d["key"] == "gait")["findings"]
    assert all(r["uncertain"] for r in gait_rows)
    assert not any(r.title in GAIT_FLAGS for r in doc.summary)
    html = render_html(doc)
    assert 'id="uncertain"' in html and "Uncertain:" in html


def _seed_doubtful_video(home, athlete: str) -> None:
    from kneeguard.store import open_store, records

    with open_store(home=home) as store, store.write() as s:
        records.save_gait_session(s, athlete, demo_like_gait().to_dict(),
                                  recorded_at=dt.datetime(2025, 6, 27, 10, tzinfo=dt.timezone.utc))


def test_plan_cli_shows_uncertain_findings(tmp_path):
    from kneeguard.cli import plan_cmd

    _seed_doubtful_video(tmp_path, "ana")
    app = typer.Typer()
    plan_cmd.register(app)
    app.command("noop")(lambda: None)
    res = CliRunner().invoke(app, ["plan", "--athlete", "ana", "--as-of", AS_OF.isoformat(), "--home", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "Uncertain" in res.stdout and "0.39" in res.stdout
    data = json.loads(CliRunner().invoke(app, ["plan", "--athlete", "ana", "--as-of", AS_OF.isoformat(), "--json",
                                               "--home", str(tmp_path)]).stdout)
    assert {f["code"] for f in data["uncertain"]} == set(GAIT_FLAGS)
    assert not set(GAIT_FLAGS) & {f["code"] for f in data["top_factors"]}


def test_plan_page_shows_uncertain_findings(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from kneeguard.store.config import DEFAULT_ATHLETE
    from kneeguard.web import create_app

    home = tmp_path / "home"
    _seed_doubtful_video(home, DEFAULT_ATHLETE)
    with TestClient(create_app(home=home, max_upload_mb=1)) as client:
        r = client.get(f"/plan?as_of={AS_OF.isoformat()}")
    assert r.status_code == 200
    assert 'id="uncertain"' in r.text and "0.39" in r.text


def test_a_real_doubtful_clip_gives_uncertain_findings_only_end_to_end():
    """Real keypoints (male_side, MediaPipe) of a runner filmed from far away (a quarter of the size):
    the analysis' own quality score falls below the registry threshold, every gait finding it makes is
    uncertain, and none of them reaches the ranked or top factors of the advice (issue 15, Done when)."""
    from dataclasses import replace
    from pathlib import Path

    from kneeguard.gait.analysis import analyze_gait
    from kneeguard.gait.io.schema_json import read_keypoints_json

    real = read_keypoints_json(Path(__file__).parent / "data" / "gait" / "male_side.mediapipe.json")
    far = replace(real, xy=real.xy / 4, frame_size=(real.frame_size[0] // 4, real.frame_size[1] // 4))
    report = analyze_gait(far, view="side", height_cm=180)
    limit = evidence.value("gait.capture.doubtful_quality")
    assert report.summary["quality"] < limit
    assert report.findings and all(f.uncertain for f in report.findings)
    gait = GaitSummary.from_report(report, athlete="ana", source="far.mp4",
                                   recorded_at=f"{(AS_OF - dt.timedelta(days=3)).isoformat()}T10:00:00")
    codes = {f.code for f in gait.findings}
    ctx = make_context("ana", AS_OF, gait=gait, checkin=checkin(pain_now=1))
    assert not codes & set(ctx.finding_codes) and codes <= {f.code for f in ctx.uncertain_findings}
    assert not codes & {f.code for f in rank_factors(ctx.findings)}
    advice = advise(ctx, weeks=4)
    assert not codes & {f.code for f in advice.factors}
    assert not advice.gait.active and not any(s.target_cadence_spm for s in advice.days)
    assert not codes & {f["code"] for f in advice.to_dict()["top_factors"]}
