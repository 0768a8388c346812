"""Bundled sample data for `kneeguard demo`: real device files and a demo history."""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def bundled_files() -> list[Path]:
    """The real FIT recordings shipped with the package (see files/ATTRIBUTION.md)."""
    folder = Path(str(resources.files(__package__).joinpath("files")))
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".fit")


def template_file() -> Path:
    """The real run whose route and heart rate the demo history re-uses."""
    return next(p for p in bundled_files() if p.name == "2013-02-06-12-11-14.fit")


def sample_keypoints() -> Path:
    """MediaPipe keypoints of a real treadmill clip (see files/ATTRIBUTION.md)."""
    return Path(str(resources.files(__package__).joinpath("files", "male_side.keypoints.json")))


def sample_checkin() -> Path:
    """A typical check-in with self-test results, written for the demo."""
    return Path(str(resources.files(__package__).joinpath("checkin.json")))
