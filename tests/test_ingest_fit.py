"""FIT reader against real device files (tests/data/activities, see MANIFEST.md).

Expected values are the devices' own `session` messages as listed in the
manifest: distance within 0.5 %, timer within 1 s, average HR within 1 bpm,
start exact. Cadence is steps/min: FIT running cadence (strides/min, plus
avg_fractional_cadence) doubled; other sports carry no avg_cadence_spm.
"""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from kneeguard.ingest import hr as streams
from kneeguard.ingest.model import SAMPLE_COLUMNS
from tests.ingest_support import parsed, utc


# (sport, start UTC, distance m, timer s, avg HR or None = device wrote none, cadence spm or None)
S = tuple
DEVICE_SESSIONS: dict[str, tuple[str, list[S]]] = {
    "fitdecode/garmin-fr935-cr.fit": ("garmin/fr935", [
        S(("swimming", "2018-03-24 11:02:35", 0.0, 7553.0, 80, None))]),
    "fitparse/2013-02-06-12-11-14.fit": ("garmin/fr110", [
        S(("running", "2013-02-06 12:11:14", 4835.4, 2625.1, 147, None))]),
    "fitparse/2015-10-13-08-43-15.fit": ("garmin/edge200", [
        S(("cycling", "2015-10-13 15:43:15", 11536.4, 1558.2, None, None))]),
    "fitparse/20170518-191602-1740899583.fit": ("garmin/vivo_active_hr", [
        S(("fitness_equipment", "2017-05-18 16:37:30", 0.0, 1707.3, 132, None))]),
    "fitparse/2019-02-17-062644-ELEMNT-297E-195-0.fit": ("wahoo_fitness/ELEMNT", [
        S(("cycling", "2019-02-17 06:26:44", 78940.6, 13471.0, 124, None))]),
    "fitparse/Activity.fit": ("dynastream/hrm1", [
        S(("running", "2012-04-09 21:22:26", 5.7, 13.7, None, None))]),
    "fitparse/Edge810-Vector-2013-08-16-15-35-10.fit": ("garmin/edge810", [
        S(("cycling", "2013-08-16 18:05:10", 41339.4, 4700.1, 154, None))]),
    "fitparse/activity-activity-filecrc.fit": ("dynastream/hrm1", [
        S(("running", "2012-04-09 21:22:26", 5.7, 13.7, None, None))] * 2),
    "fitparse/activity-filecrc.fit": ("dynastream/hrm1", [
        S(("running", "2012-04-09 21:22:26", 5.7, 13.7, None, None))]),
    "fitparse/activity-large-fenxi2-multisport.fit": ("garmin/fenix2", [
        S(("generic", "2015-08-29 08:00:01", 25072.1, 11738.2, None, None)),
        S(("transition", "2015-08-29 10:30:24", 224.2, 334.8, None, None)),
        S(("running", "2015-08-29 10:36:00", 2245.2, 2294.8, None, None)),
        S(("transition", "2015-08-29 11:14:16", 3.6, 4.3, None, None)),
        S(("running", "2015-08-29 11:14:21", 12740.4, 6764.5, None, None)),
        S(("transition", "2015-08-29 13:07:07", 617.5, 269.8, None, None)),
        S(("cycling", "2015-08-29 13:11:37", 28928.3, 3211.0, None, None))]),
    "fitparse/activity-small-fenix2-run.fit": ("garmin/fenix2", [
        S(("running", "2015-08-15 14:45:08", 9008.2, 2832.0, None, 162.0))]),
    "fitparse/compressed-speed-distance.fit": ("garmin/fr70", [
        # FR70 never had its clock set: 17217864 s after the FIT epoch.
        S(("running", "1990-07-18 06:44:24", 10248.7, 3772.8, 170, 176.0))]),
    "fitparse/coros-pace-2-cycling-misaligned-fields.fit": ("coros/COROS PACE 2", [
        S(("cycling", "2020-10-25 11:10:19", 32145.8, 11287.0, None, None))]),
    "fitparse/developer-types-sample.fit": ("stryd", [
        S(("running", "2017-01-17 17:06:47", 6754.0, 3424.0, None, 148.0))]),
    "fitparse/elemnt-bolt-no-application-id-inside-developer-data-id.fit": (
        "wahoo_fitness/ELEMNT BOLT", [
            S(("cycling", "2017-08-21 08:18:00", 963.6, 132.0, None, None))]),
    "fitparse/event_timestamp.fit": ("garmin/fr735xt", [
        S(("swimming", "2017-06-13 13:42:30", 2606.0, 4371.6, 142, None))]),
    "fitparse/garmin-edge-500-activity.fit": ("garmin/edge500", [
        S(("cycling", "2011-09-25 13:00:21", 92622.3, 10641.1, 162, None))]),
    "fitparse/garmin-edge-820-bike.fit": ("garmin/edge_820", [
        S(("cycling", "2017-06-12 16:10:15", 457.1, 64.5, 116, None))]),
    "fitparse/garmin-fenix-5-bike.fit": ("garmin/fenix5", [
        S(("cycling", "2017-06-12 16:09:22", 459.5, 60.4, 101, None))]),
    "fitparse/garmin-fenix-5-run.fit": ("garmin/fenix5", [
        S(("running", "2017-06-11 14:34:09", 157.6, 56.9, 90, (83 + 0.671875) * 2))]),
    "fitparse/garmin-fenix-5-walk.fit": ("garmin/fenix5", [
        S(("walking", "2017-06-11 14:32:51", 67.8, 45.4, 75, (61 + 0.2265625) * 2))]),
    "fitparse/null_compressed_speed_dist.fit": ("zwift/0", [
        S(("cycling", "2017-10-05 00:04:06", 13400.1, 1808.0, None, None))]),
    "fitparse/sample-activity-indoor-trainer.fit": ("garmin/edge800", [
        S(("cycling", "2011-11-02 12:54:19", 0.0, 2261.8, 148, None))]),
    "fitparse/sample-activity.fit": ("garmin/edge500", [
        S(("cycling", "2011-06-26 21:18:39", 88797.2, 10699.4, 166, None))]),
    "fitparse/sample_mulitple_header.fit": ("garmin/fr920xt", [
        S(("swimming", "2018-05-27 07:33:01", 1644.7, 1987.5, 165, None)),
        S(("transition", "2018-05-27 08:06:08", 141.7, 170.3, 176, None)),
        S(("cycling", "2018-05-27 08:08:58", 40909.4, 4422.1, 172, None)),
        S(("transition", "2018-05-27 09:22:40", 31.9, 60.7, 164, None)),
        S(("running", "2018-05-27 09:23:41", 9805.9, 2850.7, 176, (83 + 0.515625) * 2))]),
    "sweatpy/2020-06-01-16-52-40.fit": ("garmin/edge1000", [
        S(("cycling", "2020-06-01 14:52:40", 668.2, 93.7, 150, None))]),
    "sweatpy/4078723797.fit": ("garmin/edge1000", [
        S(("cycling", "2019-09-20 14:10:03", 57567.2, 8355.6, 165, None))]),
    "sweatpy/4801048867.fit": ("garmin/fr935", [
        S(("cycling", "2020-04-18 11:10:44", 36322.8, 5158.6, 130, None))]),
    "sweatpy/6449921903_ACTIVITY.fit": ("garmin/fr935", [
        S(("cycling", "2021-03-18 13:02:33", 0.0, 196.2, 100, None))]),
    "sweatpy/6471559601_ACTIVITY.fit": ("garmin/fr935", [
        S(("running", "2021-03-22 10:48:16", 0.0, 24.6, 54, None)),
        S(("transition", "2021-03-22 10:48:40", 0.0, 11.8, 48, None)),
        S(("rowing", "2021-03-22 10:48:52", 0.0, 23.2, 54, None))]),
}


@pytest.mark.parametrize("relative", sorted(DEVICE_SESSIONS))
def test_session_totals_match_device(relative: str) -> None:
    device, sessions = DEVICE_SESSIONS[relative]
    result = parsed(relative)
    assert result.format == "fit" and result.skipped_reason is None
    assert len(result.activities) == len(sessions)
    for index, (activity, expected) in enumerate(zip(result.activities, sessions)):
        sport, start, distance, timer, avg_hr, cadence = expected
        assert activity.session_index == index
        assert activity.sport == sport
        assert activity.start == utc(start)
        assert activity.start.tzinfo is not None
        assert activity.distance_m == pytest.approx(distance, rel=0.005, abs=0.06)
        assert activity.timer_s == pytest.approx(timer, abs=1.0)
        if avg_hr is not None:
            assert activity.avg_hr == pytest.approx(avg_hr, abs=1.0)
        if cadence is None:
            assert activity.avg_cadence_spm is None or sport in ("running", "walking")
        else:
            assert activity.avg_cadence_spm == pytest.approx(cadence, abs=0.01)
        assert activity.device == device


@pytest.mark.parametrize("relative", sorted(DEVICE_SESSIONS))
def test_samples_follow_the_contract(relative: str) -> None:
    for activity in parsed(relative).activities:
        samples = activity.samples
        assert set(samples.columns) <= set(SAMPLE_COLUMNS)
        for column in samples.columns:
            assert str(samples[column].dtype) == SAMPLE_COLUMNS[column], column
        if len(samples):
            times = samples["time"]
            assert times.is_monotonic_increasing
            assert times.iloc[0] >= pd.Timestamp(activity.start) - pd.Timedelta(seconds=1)
            if "heart_rate_bpm" in samples:
                hr = samples["heart_rate_bpm"].dropna()
                assert ((hr > 0) & (hr < 250)).all()
        if activity.hr_seconds_by_bpm is not None:
            assert len(activity.hr_seconds_by_bpm) == 256
            # Histogram time never exceeds the activity's span (plus one sample).
            assert 0 < sum(activity.hr_seconds_by_bpm) <= (activity.elapsed_s or 0) + 10


def test_cycling_cadence_is_not_reported_as_steps() -> None:
    bike = parsed("fitparse/garmin-edge-820-bike.fit").activities[0]
    assert bike.avg_cadence_spm is None
    assert "cadence_spm" not in bike.samples


def test_running_samples_carry_doubled_cadence_and_dynamics() -> None:
    run = parsed("fitparse/garmin-fenix-5-run.fit").activities[0]
    samples = run.samples
    # Per-record strides/min doubled: a runner's steps/min, not 80-ish.
    assert samples["cadence_spm"].median() == pytest.approx(168, abs=15)
    for column in ("vertical_oscillation_mm", "ground_contact_ms", "stride_length_m",
                   "gct_balance_left_pct", "vertical_ratio_pct"):
        assert samples[column].notna().any(), column
    assert 0.5 < samples["stride_length_m"].median() < 1.5  # step_length mm -> m
    assert 45 < samples["gct_balance_left_pct"].median() < 55


def test_developer_power_fills_power_when_device_has_none() -> None:
    stryd = parsed("fitparse/developer-types-sample.fit").activities[0]
    power = stryd.samples["power_w"]
    assert power.notna().mean() > 0.95
    assert 150 < power.median() < 300


def test_multisport_samples_are_split_by_session_without_overlap() -> None:
    legs = parsed("fitparse/activity-large-fenxi2-multisport.fit").activities
    for before, after in zip(legs, legs[1:]):
        assert before.samples["time"].iloc[-1] < after.samples["time"].iloc[0]
    assert sum(len(a.samples) for a in legs) <= 24239
    # The device wrote no session HR: it is computed from that leg's samples.
    assert all(a.avg_hr and 100 < a.avg_hr < 180 for a in legs)


def test_chained_file_keeps_each_copy_with_its_own_records() -> None:
    copies = parsed("fitparse/activity-activity-filecrc.fit").activities
    assert [len(a.samples) for a in copies] == [14, 14]


def test_positions_are_degrees_and_hr_placeholders_are_removed() -> None:
    ride = parsed("sweatpy/4801048867.fit").activities[0]
    assert ride.samples["lat_deg"].between(52.0, 52.3).all()
    assert ride.samples["lon_deg"].between(6.5, 6.8).all()
    zwift = parsed("fitparse/null_compressed_speed_dist.fit").activities[0]
    assert zwift.avg_hr is None  # session says 0: no strap, not 0 bpm
    assert zwift.hr_seconds_by_bpm is None


def test_backwards_timestamps_are_dropped_with_a_warning() -> None:
    run = parsed("fitparse/activity-large-fenxi2-multisport.fit").activities[2]
    assert any("backwards" in w for w in run.warnings)


def test_unset_device_clock_is_flagged() -> None:
    result = parsed("fitparse/compressed-speed-distance.fit")
    assert any("clock was not set" in w for w in result.warnings)
    assert len(result.activities[0].samples) == 755  # compressed-timestamp records


# --- deliberately broken files: what we do with each -------------------------


def test_trailing_garbage_after_a_complete_file_is_ignored() -> None:
    result = parsed("fitparse/activity-settings-corruptheader.fit")
    (activity,) = result.activities
    assert activity.distance_m == pytest.approx(5.73)
    assert any("trailing data" in w and "771" in w for w in result.warnings)


@pytest.mark.parametrize("relative, byte", [
    ("fitparse/activity-settings-nodata.fit", 784),
    ("fitparse/activity-unexpected-eof.fit", 768),
])
def test_truncated_file_keeps_the_activity_before_the_cut(relative: str, byte: int) -> None:
    result = parsed(relative)
    (activity,) = result.activities
    assert activity.timer_s == pytest.approx(13.749)
    assert any(f"truncated at byte {byte}" in w for w in result.warnings)


def test_strava_file_with_undefined_message_keeps_session_and_early_records() -> None:
    result = parsed("fitparse/strava-android-app-201.10-b1218918.fit")
    (run,) = result.activities
    assert run.distance_m == pytest.approx(11274.0, rel=0.005)
    assert run.timer_s == pytest.approx(3558.0)
    assert run.start == utc("2021-09-27 14:13:10")
    assert run.device == "strava/102"
    assert 400 < len(run.samples) <= 473
    assert any("local message 11 not defined" in w for w in result.warnings)


def test_truncated_file_without_session_is_rebuilt_from_records() -> None:
    result = parsed("fitparse/nick.fit")
    (ride,) = result.activities
    assert any("truncated at byte 403456" in w for w in result.warnings)
    assert any("no session summary" in w for w in result.warnings)
    assert ride.sport == "cycling"  # from the file's `sport` message
    assert ride.device == "sigmasport/46"
    assert len(ride.samples) == 14391
    assert ride.distance_m == pytest.approx(ride.samples["distance_m"].max())
    assert ride.timer_s == pytest.approx(
        (ride.samples["time"].iloc[-1] - ride.samples["time"].iloc[0]).total_seconds())


@pytest.mark.parametrize("relative, reason", [
    ("fitparse/MonitoringFile.fit", "monitoring file, not an activity"),
    ("fitparse/DeveloperData.fit", "no sessions or timestamped records"),
])
def test_files_without_an_activity_are_skipped_not_errors(relative: str, reason: str) -> None:
    result = parsed(relative)
    assert result.activities == []
    assert reason in result.skipped_reason


# --- shared time-weighting helpers ------------------------------------------


def test_hr_histogram_caps_pauses_and_ignores_missing_values() -> None:
    times = np.array([0.0, 1.0, 2.0, 3.0, 603.0, 604.0])
    hr = np.array([100.0, 100.0, np.nan, 150.0, 150.0, 0.0])
    seconds = streams.hr_seconds_by_bpm(times, hr)
    assert len(seconds) == 256
    assert seconds[100] == pytest.approx(2.0)
    assert seconds[150] == pytest.approx(10.0 + 1.0)  # 600 s pause counts as 10 s
    assert sum(seconds) == pytest.approx(13.0)
    assert streams.hr_seconds_by_bpm(times, np.full(6, np.nan)) is None


def test_forward_indices_drop_backward_and_far_future_samples() -> None:
    times = np.array([10.0, 11.0, 9.0, 12.0, 10_000_000.0, 13.0])
    kept = streams.forward_indices(times, 10.0, 86400.0)
    assert kept.tolist() == [0, 1, 3, 5]
