"""`GaitSummary`: what one analysed clip leaves behind (summary.json, a stored gait session).

The one typed contract between the gait analysis and its readers (advice, report,
web, `gait compare`). `to_dict()` is the one stored/JSON shape (flat: headline
metrics at the top level, nothing twice); `from_dict()` also reads the shapes older
versions stored (headline metrics at the top level *and* again under "summary", or
only under "summary"), so existing databases and summary.json files keep working.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kneeguard import evidence
from kneeguard.findings import Finding
from kneeguard.gait.quality import QualityScore, clip_doubt, gate_findings
from kneeguard.jsonable import frame_records, plain

SIDES = ("left", "right")
SIDE_CAMERA_LR_NOTE = ("Left/right differences are low-confidence from one side camera: the far leg is tracked "
                       "less accurately, so part of any difference is the camera, not the runner.")


@dataclass(frozen=True)
class GaitSummary:
    """One clip's gait analysis: the headline medians, per side, quality, findings and where it came from.

    Metric fields are clip medians (None: not computable, never a guess); `left`/`right`
    hold the per-side medians, `asymmetry_pct` the L/R symmetry index per metric and
    `uncertainty` the 2D-pose uncertainty per metric in words.
    """

    view: str = "side"
    n_steps: int = 0
    fps: float | None = None
    quality: float | None = None  # the quality score (QualityScore.score); quality_detail holds its components
    quality_detail: QualityScore | None = None
    direction: int = 0
    speed_m_s: float | None = None
    treadmill: bool | None = None
    # headline metrics (analysis.HEADLINE) and the foot-strike class
    cadence_spm: float | None = None
    cadence_from_steps_spm: float | None = None
    cadence_from_bounce_spm: float | None = None
    contact_time_ms: float | None = None
    flight_time_ms: float | None = None
    duty_factor: float | None = None
    step_time_s: float | None = None
    knee_flexion_ic_deg: float | None = None
    peak_knee_flexion_deg: float | None = None
    shank_angle_ic_deg: float | None = None
    overstride_cm: float | None = None
    overstride_pct_leg: float | None = None
    hip_extension_to_deg: float | None = None
    foot_strike_angle_deg: float | None = None
    foot_strike: str | None = None
    trunk_lean_deg: float | None = None
    vertical_oscillation_cm: float | None = None
    vertical_ratio_pct: float | None = None
    pelvic_drop_deg: float | None = None
    knee_fppa_deg: float | None = None
    step_width_cm: float | None = None
    crossover: float | None = None
    left: dict[str, Any] = field(default_factory=dict)
    right: dict[str, Any] = field(default_factory=dict)
    asymmetry_pct: dict[str, float | None] = field(default_factory=dict)
    uncertainty: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    # where it came from
    athlete: str | None = None
    source: str | None = None
    recorded_at: str | None = None  # ISO date or date-time
    video: dict[str, Any] | None = None  # VideoInfo.to_dict() of the clip (None for keypoint files)
    session_id: int | None = None  # the stored gait session
    outputs_id: str | None = None  # the web job folder holding this session's files

    def __post_init__(self) -> None:
        # A doubtful clip's findings are uncertain however the summary was built (analysis, store, by hand).
        object.__setattr__(self, "findings", gate_findings(self.findings, self.quality, self.n_steps))

    @property
    def quality_text(self) -> str | None:
        """The quality score with its meaning in words (None when the clip was not rated)."""
        if self.quality_detail is not None:
            return self.quality_detail.describe()
        if self.quality is None:
            return None
        limit = evidence.value("gait.capture.doubtful_quality")
        return f"quality {self.quality:.2f} of 1 ({'below' if self.quality < limit else 'at or above'} {limit})"

    @property
    def side_difference_note(self) -> str | None:
        """Why left/right values from one side camera differ beyond the runner (None for other views)."""
        return SIDE_CAMERA_LR_NOTE if self.view == "side" and (self.left or self.right) else None

    @property
    def doubt(self) -> str | None:
        """Why this clip's findings are doubtful and what to do (None: good enough to act on)."""
        return clip_doubt(self.quality, self.n_steps)

    @classmethod
    def from_report(cls, report, *, athlete: str, source: str, video_info=None, extra_warnings: Iterable[str] = (),
                    recorded_at: str | None = None) -> GaitSummary:
        """The summary of a `GaitReport`, with where it came from; per-frame angles are left out."""
        warnings = list(report.warnings)
        for w in extra_warnings:
            # The analysis already warns about frame rate in its own words; keep one.
            if w not in warnings and not ("fps" in w and any("fps" in old for old in warnings)):
                warnings.append(w)
        values = {k: v for k, v in plain(report.summary).items() if k in _FIELDS}
        return cls(**{
            **values, "quality_detail": QualityScore.from_dict(values.get("quality_detail")), "view": report.view, "direction": report.direction, "findings": list(report.findings),
            "warnings": warnings, "events": frame_records(report.events), "steps": frame_records(report.steps),
            "athlete": athlete, "source": source,
            "recorded_at": recorded_at or dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "video": video_info.to_dict() if video_info is not None else None,
        })

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GaitSummary:
        """A summary back from `to_dict()` or from an older stored shape (metrics nested under "summary")."""
        nested = data.get("summary")
        flat = {**(nested if isinstance(nested, Mapping) else {}), **{k: v for k, v in data.items() if k != "summary"}}
        values = {k: v for k, v in flat.items() if k in _FIELDS and v is not None}
        values["findings"] = [Finding.from_dict(f) for f in flat.get("findings") or []
                              if isinstance(f, Mapping) and f.get("code")]
        for name in ("left", "right", "asymmetry_pct", "uncertainty"):
            values[name] = dict(values[name]) if isinstance(values.get(name), Mapping) else {}
        values["quality_detail"] = QualityScore.from_dict(flat.get("quality_detail"))
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """The one stored and JSON shape: plain values, findings as their dicts."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
               if f.name not in ("findings", "quality_detail")}
        out["findings"] = [f.to_dict() for f in self.findings]
        out["quality_detail"] = self.quality_detail.to_dict() if self.quality_detail is not None else None
        return plain(out)

    def stored(self, *, session_id: int | None = None, recorded_at: str | None = None) -> GaitSummary:
        """This summary as a stored session: its id and the date the store records."""
        return dataclasses.replace(self, session_id=session_id if session_id is not None else self.session_id,
                                   recorded_at=recorded_at or self.recorded_at)

    def value(self, key: str, side: str | None = None) -> Any:
        """A metric by name, overall or for one side (None when not measured)."""
        if side is None:
            return getattr(self, key, None) if key in _METRIC_FIELDS else None
        return (self.left if side == "left" else self.right).get(key)

    @property
    def recorded_date(self) -> dt.date | None:
        if not self.recorded_at:
            return None
        try:
            return dt.date.fromisoformat(str(self.recorded_at)[:10])
        except ValueError:
            return None

    @property
    def finding_codes(self) -> list[str]:
        return [f.code for f in self.findings]


_FIELDS = frozenset(f.name for f in dataclasses.fields(GaitSummary))
_METRIC_FIELDS = _FIELDS - {"quality_detail", "left", "right", "asymmetry_pct", "uncertainty", "findings", "warnings", "events",
                            "steps", "athlete", "source", "recorded_at", "video", "session_id", "outputs_id"}
