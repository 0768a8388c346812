"""The load chart renders a PNG from a synthetic history and from an empty report."""
import datetime as dt

from kneeguard.load import analyze_load, plot_load
from kneeguard.load.activities import activities_frame
from kneeguard.load.plot import worst_band_by_week
from kneeguard.load.synthetic import synthetic_activities, synthetic_shoes
from kneeguard.profile import AthleteProfile

PNG = b"\x89PNG\r\n\x1a\n"


def test_plot_from_synthetic_history(tmp_path):
    as_of = dt.date(2025, 6, 30)
    activities = synthetic_activities(days=200, end=as_of, seed=3)
    report = analyze_load(activities, AthleteProfile(name="x"), as_of, synthetic_shoes(activities, as_of))
    path = plot_load(report, tmp_path / "charts" / "load.png", weeks=20)
    assert path.read_bytes()[:8] == PNG
    assert len(worst_band_by_week(report.runs, report.weekly.index)) == len(report.weekly)


def test_week_colours_by_worst_band_and_first_run_is_no_return():
    # the record starts a whole spike window before the spikes, so they are judged
    # (tests/test_spike_short_record.py: the same runs in a 3-week record)
    records = [{"start": s, "distance_m": km * 1000, "timer_s": km * 360}
               for s, km in [("2025-05-10 07:00", 10), ("2025-06-02 07:00", 10), ("2025-06-10 07:00", 11.5),
                             ("2025-06-12 07:00", 25)]]
    report = analyze_load(activities_frame(records), AthleteProfile(name="x"), dt.date(2025, 6, 15))
    assert worst_band_by_week(report.runs, report.weekly.index) == ["none"] * 5 + ["large"]


def test_plot_empty_report(tmp_path):
    report = analyze_load(None, AthleteProfile(name="x"), dt.date(2025, 6, 30))
    assert plot_load(report, tmp_path / "empty.png").read_bytes()[:8] == PNG
