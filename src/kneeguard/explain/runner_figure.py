"""The runner at landing, side view, drawn from the runner's own gait numbers next to the evidence band.

`gait/outputs/landing_figure.py` draws one real contact from the video's keypoints (for
the gait output folder). This picture needs no keypoints: it is built from the
summary numbers that every stored gait session keeps (overstride, shank angle,
knee flexion at contact, trunk lean), so the report, the web page and
`kneeguard explain` can show it long after the video is gone. Angles follow the
conventions of `gait/angles.py` (runner facing right; knee flexion 0 = straight;
shank and trunk angles from vertical, positive = forward) and the band edges come
from the evidence registry.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from kneeguard import evidence
from kneeguard.errors import InvalidInput
from kneeguard.explain.scene import Placed, Scene, Shape, Text, circle_path, to_svg

SEGMENT = 80.0  # thigh and shank length in picture units (leg length = 2 segments)
TRUNK = 100.0
GROUND = 336.0
PANEL_W, PANEL_H = 265.0, 392.0
HEAD = 52.0
TABLE_ROW = 21.0
# Which drawn measure a finding is about (drawn thicker, its table row boxed).
EMPHASIS_BY_CODE = {
    "gait.overstride": "overstride", "gait.shank_angle": "shank", "gait.extended_knee_landing": "knee",
    "gait.trunk_lean": "trunk", "gait.low_cadence": "overstride", "gait.cadence": "overstride",
    "gait.contact_time": "overstride", "gait.large_pelvic_drop": "trunk", "gait.knee_valgus": "trunk",
}
MEASURES = ("overstride", "knee", "shank", "trunk")


@dataclass(frozen=True)
class LandingValues:
    """Gait summary numbers at initial contact; None where the video could not measure them."""

    overstride_pct_leg: float | None = None
    overstride_cm: float | None = None
    knee_flexion_deg: float | None = None
    shank_angle_deg: float | None = None
    trunk_lean_deg: float | None = None

    @classmethod
    def from_summary(cls, summary: dict[str, Any] | None) -> LandingValues:
        s = dict(summary or {})
        if isinstance(s.get("summary"), dict):  # the stored session nests the same block
            s = {**s["summary"], **{k: v for k, v in s.items() if v is not None}}
        return cls(_num(s.get("overstride_pct_leg")), _num(s.get("overstride_cm")),
                   _num(s.get("knee_flexion_ic_deg")), _num(s.get("shank_angle_ic_deg")),
                   _num(s.get("trunk_lean_deg")))

    @property
    def measured(self) -> bool:
        return any(v is not None for v in (self.overstride_pct_leg, self.knee_flexion_deg, self.shank_angle_deg,
                                            self.trunk_lean_deg))


@dataclass(frozen=True)
class Band:
    overstride_max_pct: float
    knee_min_deg: float
    shank_max_deg: float
    trunk_deg: tuple[float, float]


def band() -> Band:
    lo, hi = evidence.value("gait.trunk_lean.band")
    return Band(float(evidence.value("gait.overstride.warn_pct_leg")), float(evidence.value("gait.knee_ic.extended")),
                float(evidence.value("gait.shank_angle_ic.warn")), (float(lo), float(hi)))


def band_values() -> LandingValues:
    """A pose inside every band: foot at the overstride edge, knee in the middle of the typical 10-20 deg."""
    b = band()
    knee = b.knee_min_deg + 5.0  # the rule summary gives 10-20 deg as typical; its middle
    shank = _shank_for(b.overstride_max_pct / 100, knee)
    return LandingValues(b.overstride_max_pct, None, knee, shank, sum(b.trunk_deg) / 2)


@dataclass(frozen=True)
class Pose:
    thigh_deg: float
    shank_deg: float
    trunk_deg: float
    points: dict[str, tuple[float, float]]

    @property
    def knee_flexion_deg(self) -> float:
        return self.thigh_deg - self.shank_deg

    @property
    def overstride_fraction(self) -> float:
        """Ankle ahead of hip as a fraction of leg length (thigh + shank)."""
        return (self.points["ankle"][0] - self.points["hip"][0]) / (2 * SEGMENT)


def landing_pose(values: LandingValues, hip_x: float = 112.0) -> Pose:
    """Solve the drawn angles from what was measured; missing numbers come from the band pose."""
    typical = band_values()
    knee, shank, over = values.knee_flexion_deg, values.shank_angle_deg, values.overstride_pct_leg
    if shank is None and knee is None:
        knee = typical.knee_flexion_deg
    if shank is None:
        shank = _shank_for((over if over is not None else typical.overstride_pct_leg) / 100, knee)
    if knee is None:
        reach = 2 * (over if over is not None else typical.overstride_pct_leg) / 100 - math.sin(math.radians(shank))
        knee = math.degrees(math.asin(max(-1.0, min(1.0, reach)))) - shank
    thigh = shank + knee
    trunk = values.trunk_lean_deg if values.trunk_lean_deg is not None else typical.trunk_lean_deg
    t, s, lean = (math.radians(a) for a in (thigh, shank, trunk))
    ankle_y = GROUND - 12.0
    hip = (hip_x, ankle_y - SEGMENT * (math.cos(t) + math.cos(s)))
    knee_pt = (hip[0] + SEGMENT * math.sin(t), hip[1] + SEGMENT * math.cos(t))
    ankle = (knee_pt[0] + SEGMENT * math.sin(s), knee_pt[1] + SEGMENT * math.cos(s))
    heel = (ankle[0] - 6.0, GROUND)
    toe = (heel[0] + 36 * math.cos(math.radians(14)), GROUND - 36 * math.sin(math.radians(14)))
    shoulder = (hip[0] + TRUNK * math.sin(lean), hip[1] - TRUNK * math.cos(lean))
    head = (shoulder[0] + 17 * math.sin(lean), shoulder[1] - 17 * math.cos(lean))
    # the other leg swings behind, knee bent: drawn only for context, in grey
    back_knee = _towards(hip, -22, SEGMENT)
    back_ankle = _towards(back_knee, -68, SEGMENT * 0.9)
    points = {"hip": hip, "knee": knee_pt, "ankle": ankle, "heel": heel, "toe": toe, "shoulder": shoulder,
              "head": head, "back_knee": back_knee, "back_ankle": back_ankle}
    return Pose(thigh, shank, trunk, points)


def _shank_for(fraction: float, knee: float) -> float:
    """Shank angle putting the ankle `fraction` of leg length ahead of the hip at this knee flexion."""
    def reach(s: float) -> float:
        return (math.sin(math.radians(s + knee)) + math.sin(math.radians(s))) / 2 - fraction
    lo, hi = -45.0, 45.0
    for _ in range(60):  # reach() rises with s over this range: bisection is enough
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if reach(mid) < 0 else (lo, mid)
    return (lo + hi) / 2


# --- drawing ----------------------------------------------------------------------


def runner_scene(values: LandingValues | dict[str, Any] | None = None, emphasis: str = "", *,
                 compact: bool = False) -> Scene:
    """Two panels (the runner's landing, a landing inside the band) above a table of numbers.

    `compact`: one panel with the runner drawn solid over the band pose drawn dashed, and no
    heading or table (the page or report prints `landing_rows()` as text beside it).
    """
    if not isinstance(values, LandingValues):
        values = LandingValues.from_summary(values)
    if emphasis and emphasis not in MEASURES:
        raise InvalidInput(f"emphasis must be one of {MEASURES}, got {emphasis!r}")
    b = band()
    typical = band_values()
    if compact:
        if not values.measured:
            return _panel(typical, "Landing inside the evidence band", "", b, _band_labels(b), False)
        return _panel(values, "You (solid) and the band (dashed)", emphasis, b, _measured_labels(values), True,
                      ghost=typical)
    rows = landing_rows(values)
    panels = [_panel(typical, "Inside the evidence band", "", b, _band_labels(b), False)]
    if values.measured:  # without numbers a second, made-up runner would only repeat the band
        panels.insert(0, _panel(values, "You (measured)", emphasis, b, _measured_labels(values), True))
    width = max(len(panels) * (PANEL_W + 10) + 10, 540.0)
    height = HEAD + PANEL_H + TABLE_ROW * (len(rows) + 1) + 34
    scene = Scene(width, height, "The runner at landing, side view, next to the evidence band",
                  ("Left: a stick figure drawn from the runner's measured landing angles. Right: a landing inside "
                   "the evidence band. " if values.measured else "A landing inside the evidence band; no gait "
                   "video has been measured yet. ") + "The table lists the runner's numbers and the band edges.")
    scene.add(Text(width / 2, 22, "Landing (first contact), side view", 17, "middle", bold=True),
              Text(width / 2, 40, "runner faces right · dashed lines are vertical references", 11, "middle",
                   colour="#333333"))
    left = (width - len(panels) * (PANEL_W + 10) + 10) / 2
    for i, panel in enumerate(panels):
        scene.add(Placed(panel, left + i * (PANEL_W + 10), HEAD, "you" if len(panels) == 2 and i == 0 else "band"))
    _table(scene, rows, emphasis, HEAD + PANEL_H + 6)
    return scene


def runner_svg(values: LandingValues | dict[str, Any] | None = None, emphasis: str = "", *,
               id_prefix: str = "kg-runner", width: str | None = None, compact: bool = False) -> str:
    return to_svg(runner_scene(values, emphasis, compact=compact), id_prefix, width, "kg-runner-figure")


def _measured_labels(values: LandingValues) -> dict[str, str]:
    over = values.overstride_pct_leg
    return {"overstride": "foot: not measured" if over is None else f"foot {over:.0f} % of leg ahead of hip",
            "knee": f"knee {_deg(values.knee_flexion_deg)}", "shank": f"shin {_deg(values.shank_angle_deg)}",
            "trunk": f"trunk {_deg(values.trunk_lean_deg)}"}


def _band_labels(b: Band) -> dict[str, str]:
    lo, hi = b.trunk_deg
    return {"overstride": f"foot up to {b.overstride_max_pct:g} % of leg ahead", "knee": f"knee {b.knee_min_deg:g}° or more",
            "shank": f"shin up to {b.shank_max_deg:g}°", "trunk": f"trunk {lo:g}-{hi:g}°"}


def _panel(values: LandingValues, title: str, emphasis: str, b: Band, labels: dict[str, str], solid: bool,
           ghost: LandingValues | None = None) -> Scene:
    pose = landing_pose(values)
    p = pose.points
    panel = Scene(PANEL_W, PANEL_H, title)
    panel.add(Shape(_rect(0, 0, PANEL_W, PANEL_H), "none", "#9a9a9a", 1.0),
              Text(PANEL_W / 2, 20, title, 13.5, "middle", bold=True))
    # the evidence band for foot placement, as a hatched strip on the ground
    leg = 2 * SEGMENT
    panel.add(Shape(_rect(p["hip"][0], GROUND + 3, leg * b.overstride_max_pct / 100, 9), "#ffffff", "#000000", 1.0,
                    hatch=True, hatch_spacing=5.0, hatch_width=1.0),
              Text(p["hip"][0] - 4, GROUND + 12, "band", 10, "end", colour="#333333"),
              Shape(f"M6,{GROUND:.1f} L{PANEL_W - 6:.1f},{GROUND:.1f}", stroke="#000000", width=1.6))
    if ghost is not None:
        _stick(panel, landing_pose(ghost, hip_x=p["hip"][0]), solid=False, swing_leg=False)
    _stick(panel, pose, solid)
    _references(panel, pose, labels, emphasis)
    return panel


def _stick(panel: Scene, pose: Pose, solid: bool, swing_leg: bool = True) -> None:
    """The stick runner: solid black for the runner, dashed dark grey for a pose inside the band."""
    p = pose.points
    ink = "#000000" if solid else "#555555"
    dash = "" if solid else "9 5"
    if swing_leg:
        grey = "#8c8c8c"
        panel.add(_line(p["hip"], p["back_knee"], grey, 6.0, "6 4"), _line(p["back_knee"], p["back_ankle"], grey, 5.0, "6 4"))
    panel.add(_line(p["hip"], p["shoulder"], ink, 7.0, dash), Shape(circle_path(*p["head"], 13), "#ffffff", ink, 3.0, dash=dash),
              _line(p["hip"], p["knee"], ink, 7.0, dash), _line(p["knee"], p["ankle"], ink, 7.0, dash),
              _line(p["heel"], p["toe"], ink, 5.0, dash), _line(p["ankle"], p["heel"], ink, 5.0, dash))
    if solid:
        for name in ("hip", "knee", "ankle"):
            panel.add(Shape(circle_path(*p[name], 4.5), "#ffffff", ink, 2.0))


def _references(panel: Scene, pose: Pose, labels: dict[str, str], emphasis: str) -> None:
    p = pose.points
    hip, knee = p["hip"], p["knee"]
    ref = "#555555"

    def weight(measure: str) -> tuple[float, bool]:
        return (3.0, True) if emphasis == measure else (1.4, False)

    # overstride: vertical from the hip to the ground, arrow to the ankle
    w, bold = weight("overstride")
    y = GROUND + 26
    panel.add(_line(hip, (hip[0], y + 4), ref, 1.2, "3 3"), _line((p["ankle"][0], p["ankle"][1]), (p["ankle"][0], y + 4), ref, 1.2, "3 3"),
              _line((hip[0], y), (p["ankle"][0], y), "#000000", w), _arrowhead((p["ankle"][0], y), 1, w))
    panel.add(Text(PANEL_W / 2, y + 18, labels["overstride"], 11.5, "middle", bold=bold))
    # knee flexion: the thigh line carried on past the knee, and the shank
    w, bold = weight("knee")
    t, s = pose.thigh_deg, pose.shank_deg
    panel.add(_line(knee, _towards(knee, t, 48), ref, 1.2, "4 3"), Shape(_arc(knee, 30, s, t), stroke="#000000", width=w),
              Text(knee[0] + 16, knee[1] - 8, labels["knee"], 12, "start", bold=bold))
    # shank: a vertical from the knee
    w, bold = weight("shank")
    panel.add(_line(knee, _towards(knee, 0, 70), ref, 1.2, "4 3"), Shape(_arc(knee, 56, 0, s), stroke="#000000", width=w),
              Text(knee[0] + 12, knee[1] + 62, labels["shank"], 12, "start", bold=bold))
    # trunk lean: a vertical up from the hip
    w, bold = weight("trunk")
    lean = pose.trunk_deg
    panel.add(_line(hip, (hip[0], hip[1] - 92), ref, 1.2, "4 3"),
              Shape(_arc(hip, 62, 180 - lean, 180), stroke="#000000", width=w),
              Text(p["shoulder"][0] + 12, hip[1] - 48, labels["trunk"], 12, "start", bold=bold))


def landing_rows(values: LandingValues | dict[str, Any] | None) -> list[tuple[str, str, str, str, bool]]:
    """(measure, label, yours, band, outside) per measure: the table under the figure, also for HTML."""
    if not isinstance(values, LandingValues):
        values = LandingValues.from_summary(values)
    b = band()
    def deg(v: float | None) -> str:
        return f"{v:.0f}°" if v is not None else _missing(values)

    over, knee, shank, trunk = (values.overstride_pct_leg, values.knee_flexion_deg, values.shank_angle_deg,
                                values.trunk_lean_deg)
    cm = f" ({values.overstride_cm:.0f} cm)" if values.overstride_cm is not None and over is not None else ""
    lo, hi = b.trunk_deg
    return [
        ("overstride", "Foot ahead of hip at landing", _missing(values) if over is None else f"{over:.0f} % of leg{cm}",
         f"up to {b.overstride_max_pct:g} %", over is not None and over > b.overstride_max_pct),
        ("knee", "Knee bend at landing", deg(knee), f"at least {b.knee_min_deg:g}°",
         knee is not None and knee < b.knee_min_deg),
        ("shank", "Shin tilt at landing", deg(shank), f"up to {b.shank_max_deg:g}°",
         shank is not None and shank > b.shank_max_deg),
        ("trunk", "Trunk lean forward", deg(trunk), f"{lo:g}-{hi:g}°", trunk is not None and not lo <= trunk <= hi),
    ]


def _table(scene: Scene, rows: list, emphasis: str, top: float) -> None:
    x0 = 14.0
    x1, x2 = x0 + 200.0, scene.width - 122.0
    scene.add(Text(x0, top + 15, "Measure", 12, bold=True), Text(x1, top + 15, "You", 12, bold=True),
              Text(x2, top + 15, "Evidence band", 12, bold=True),
              Shape(f"M{x0:.0f},{top + 20:.1f} L{scene.width - 14:.0f},{top + 20:.1f}", stroke="#000000", width=1.2))
    for i, (measure, label, yours, limit, outside) in enumerate(rows):
        y = top + 20 + TABLE_ROW * (i + 1)
        strong = measure == emphasis
        if strong:
            scene.add(Shape(_rect(x0 - 6, y - 15, scene.width - 2 * x0 + 12, TABLE_ROW), "none", "#000000", 2.2))
        scene.add(Text(x0, y, label, 12, bold=strong),
                  Text(x1, y, yours + (" · outside" if outside else ""), 12, bold=outside or strong),
                  Text(x2, y, limit, 12))
    scene.add(Text(x0, top + 20 + TABLE_ROW * (len(rows) + 1) + 4,
                   "2D video: knee and shin angles carry about ±5° of error; compare with your own later videos.",
                   10.5, colour="#333333"))


# --- small geometry helpers -------------------------------------------------------


def _deg(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.0f}°"


def _missing(values: LandingValues) -> str:
    return "not measured" if values.measured else "no gait video yet"


def _towards(start: tuple[float, float], angle_from_down: float, length: float) -> tuple[float, float]:
    a = math.radians(angle_from_down)
    return (start[0] + length * math.sin(a), start[1] + length * math.cos(a))


def _arc(centre: tuple[float, float], r: float, a0: float, a1: float) -> str:
    """A polyline arc between two directions measured from straight down (forward positive)."""
    steps = max(2, int(abs(a1 - a0) / 4) + 2)
    pts = [_towards(centre, a0 + (a1 - a0) * k / (steps - 1), r) for k in range(steps)]
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts)


def _line(a: tuple[float, float], b: tuple[float, float], colour: str, width: float, dash: str = "") -> Shape:
    return Shape(f"M{a[0]:.1f},{a[1]:.1f} L{b[0]:.1f},{b[1]:.1f}", stroke=colour, width=width, dash=dash)


def _arrowhead(tip: tuple[float, float], direction: int, width: float) -> Shape:
    x, y = tip
    back = x - direction * (8 + width * 2)
    return Shape(f"M{x:.1f},{y:.1f} L{back:.1f},{y - 5 - width:.1f} L{back:.1f},{y + 5 + width:.1f} Z", "#000000")


def _rect(x: float, y: float, w: float, h: float) -> str:
    return f"M{x:.1f},{y:.1f} L{x + w:.1f},{y:.1f} L{x + w:.1f},{y + h:.1f} L{x:.1f},{y + h:.1f} Z"


def _num(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


