"""The back-of-the-knee diagram with chosen structures highlighted.

Highlighting never relies on colour alone, so the picture survives a black-and-white
printer: a highlighted structure is drawn on top, with a thick black outline, a
black diagonal hatch and a bold label with a leader line; everything else fades
to pale fills with thin grey outlines.
"""
from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kneeguard.errors import InvalidInput
from kneeguard.explain.scene import Region, Scene, Shape, Text, circle_path

TOP = 72.0  # room for the heading above the drawing
BOTTOM = 34.0
# (fill, outline) per tissue kind; pale so the hatch of a highlight stands out even in grey.
STYLES = {
    "bone": ("#f4efe2", "#8a8170"),
    "muscle": ("#e8c4b8", "#9c6b5e"),
    "tendon": ("#efe0c8", "#9c8a6e"),
    "capsule": ("#dedbf0", "#6f6a96"),
    "cartilage": ("#cfe7f0", "#4f7f90"),
    "ligament": ("#f1e6b8", "#8c7a3a"),
    "cyst": ("#d4ebcd", "#4f7a45"),
    "artery": ("#f2b3b3", "#9b3b3b"),
    "vein": ("#b9c6ee", "#3d4f8f"),
    "nerve": ("#f3e391", "#7d6d12"),
}
TRANSLUCENT = {"muscle", "tendon", "capsule"}  # superficial sheets: deep structures show through
HIGHLIGHT_FILL = "#ffb54d"
HIGHLIGHT_OUTLINE = 4.0
LABEL_SIZE = {"highlighted": 15.0, "all": 12.5}
LABEL_MODES = ("highlighted", "all", "numbers", "none")
MARKER_RADIUS, MARKER_FONT = 16.0, 21.0  # numbered markers: big enough for a 5 cm wide print


@dataclass(frozen=True)
class DiagramRegion:
    structure: str
    part: str
    style: str
    d: str


@dataclass(frozen=True)
class DiagramData:
    width: float
    height: float
    regions: tuple[DiagramRegion, ...]
    labels: dict[str, tuple[float, float, str]]  # structure -> (x, y, side)

    @property
    def structures(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.structure for r in self.regions))


@lru_cache(maxsize=1)
def diagram_data() -> DiagramData:
    raw = tomllib.loads(resources.files(__package__).joinpath("knee_back.toml").read_text("utf-8"))
    regions = tuple(DiagramRegion(r["structure"], r.get("part", ""), r["style"], r["d"]) for r in raw["region"])
    unknown = {r.style for r in regions} - set(STYLES)
    if unknown:
        raise ValueError(f"knee_back.toml uses unknown styles {sorted(unknown)}")
    labels = {k: (float(v["at"][0]), float(v["at"][1]), v["side"]) for k, v in raw["label"].items()}
    missing = {r.structure for r in regions} - set(labels)
    if missing:
        raise ValueError(f"knee_back.toml has no label position for {sorted(missing)}")
    return DiagramData(float(raw["width"]), float(raw["height"]), regions, labels)


def knee_scene(highlight: Iterable[str] = (), *, labels: str = "highlighted", heading: bool = True,
               title: str | None = None) -> Scene:
    """The diagram as a Scene.

    `labels`: "highlighted" (names with leader lines, the default), "all" (an atlas), "numbers"
    (a numbered marker on each highlighted structure, in highlight order, for a legend written
    beside a small picture) or "none". `heading`: the title above; without it only the
    inner/outer side captions are drawn.
    """
    from kneeguard.explain.registry import all_explanations

    data = diagram_data()
    wanted = list(dict.fromkeys(highlight))
    unknown = [s for s in wanted if s not in data.structures]
    if unknown:
        raise InvalidInput(f"not a structure on the knee diagram: {', '.join(unknown)}")
    if labels not in LABEL_MODES:
        raise InvalidInput(f"labels must be one of {', '.join(LABEL_MODES)}, got {labels!r}")
    entries = all_explanations()
    names = {s: entries[s].label if s in entries else s.replace("_", " ") for s in data.structures}
    labelled = wanted if labels == "highlighted" else list(data.structures) if labels == "all" else []
    size = LABEL_SIZE["all" if labels == "all" else "highlighted"]
    bold = labels == "highlighted"
    left = [s for s in labelled if data.labels[s][2] == "left"]
    right = [s for s in labelled if data.labels[s][2] == "right"]
    ml = _margin([names[s] for s in left], size, bold)
    mr = _margin([names[s] for s in right], size, bold)
    top = TOP if heading else 26.0
    scene = Scene(ml + data.width + mr, top + data.height + (BOTTOM if heading else 8.0),
                  title or _title(wanted, names),
                  "Schematic of the back of the right knee, inner side on the left, outer side on the right."
                  + (f" Highlighted with a thick outline and hatching: {', '.join(names[s] for s in wanted)}."
                     if wanted else ""))
    _heading(scene, ml, data.width, bool(wanted), top, heading)
    regions = _regions(data, set(wanted), names, ml, top)
    scene.add(*[r for r in regions if not r.highlighted], *[r for r in regions if r.highlighted])
    _labels(scene, data, left, "left", names, ml, top, size, bold)
    _labels(scene, data, right, "right", names, ml, top, size, bold)
    if labels == "numbers":
        for n, s in enumerate(wanted, start=1):
            x, y = data.labels[s][0] + ml, data.labels[s][1] + top
            scene.add(Shape(circle_path(x, y, MARKER_RADIUS), "#ffffff", "#000000", 2.5),
                      Text(x, y + MARKER_FONT * 0.36, str(n), MARKER_FONT, "middle", bold=True))
    return scene


def knee_svg(highlight: Iterable[str] = (), *, id_prefix: str = "kg-knee", width: str | None = None,
             labels: str = "highlighted", heading: bool = True) -> str:
    from kneeguard.explain.scene import to_svg

    return to_svg(knee_scene(highlight, labels=labels, heading=heading), id_prefix, width, "kg-knee-diagram")


def _title(wanted: list[str], names: dict[str, str]) -> str:
    if not wanted:
        return "The back of the right knee"
    return "The back of the right knee: " + ", ".join(names[s] for s in wanted)


def _margin(texts: list[str], size: float, bold: bool) -> float:
    if not texts:
        return 12.0
    per_char = size * (0.66 if bold else 0.61)  # DejaVu Sans is wide; leave room rather than clip
    return max(len(t) for t in texts) * per_char + 30.0


def _heading(scene: Scene, ml: float, width: float, highlighted: bool, top: float, title: bool) -> None:
    middle = ml + width / 2
    if title:
        # a right knee is drawn for everyone; a left-knee runner read 'the right knee' as the wrong knee
        scene.add(Text(middle, 24, "Back of the knee", 18, "middle", bold=True))
        scene.add(Text(middle, 42, "right knee from behind (left: mirror image)" + (
            " · hatched = involved" if highlighted else ""), 11.5, "middle", colour="#333333"))
    size = 11.5 if title else 15.0
    scene.add(Text(ml + 2, top - 6, "inner side", size, "start", colour="#333333"))
    scene.add(Text(ml + width - 2, top - 6, "outer side", size, "end", colour="#333333"))


def _regions(data: DiagramData, wanted: set[str], names: dict[str, str], dx: float, dy: float) -> list[Region]:
    faded = bool(wanted)
    shapes: dict[str, list[Shape]] = {}
    for region in data.regions:
        d = _shift(region.d, dx, dy)
        if region.structure in wanted:
            shape = Shape(d, HIGHLIGHT_FILL, "#000000", HIGHLIGHT_OUTLINE, hatch=True, hatch_spacing=7.0,
                          hatch_width=1.8)
        else:
            fill, outline = STYLES[region.style]
            opacity = 0.75 if region.style in TRANSLUCENT else 1.0
            shape = (Shape(d, fill, "#a0a0a0", 0.9, opacity=opacity * 0.45) if faded
                     else Shape(d, fill, outline, 1.3, opacity=opacity))
        shapes.setdefault(region.structure, []).append(shape)
    return [Region(s, names[s], tuple(parts), s in wanted) for s, parts in shapes.items()]


def _labels(scene: Scene, data: DiagramData, structures: list[str], side: str, names: dict[str, str],
            ml: float, top: float, size: float, bold: bool) -> None:
    if not structures:
        return
    gap = size * 1.35
    anchors = sorted((data.labels[s][1] + top, s) for s in structures)
    ys = [y for y, _ in anchors]
    for i in range(1, len(ys)):  # push labels apart downwards, then pull back up from the bottom edge
        ys[i] = max(ys[i], ys[i - 1] + gap)
    floor = scene.height - 10
    for i in range(len(ys) - 1, -1, -1):
        ys[i] = min(ys[i], floor if i == len(ys) - 1 else ys[i + 1] - gap)
    for (_, s), y in zip(anchors, ys):
        ax, ay = data.labels[s][0] + ml, data.labels[s][1] + top
        tx = ml - 10 if side == "left" else ml + data.width + 10
        lx = tx + (4 if side == "left" else -4)
        leader = f"M{lx:.1f},{y - size * 0.33:.1f} L{ax:.1f},{ay:.1f}"
        scene.add(Shape(leader, stroke="#ffffff", width=4.0), Shape(leader, stroke="#000000", width=1.5),
                  Shape(circle_path(ax, ay, 3.6), "#000000", "#ffffff", 1.2),
                  Text(tx, y, names[s], size, "end" if side == "left" else "start", bold=bold))


def _shift(d: str, dx: float, dy: float) -> str:
    """Absolute path data moved by (dx, dy): the diagram file stays in its own 360 x 480 box."""
    from kneeguard.explain.scene import parse_path

    out = []
    for sub in parse_path(d):
        for seg in sub:
            if seg[0] == "Z":
                out.append("Z")
            else:
                out.append(seg[0] + " ".join(f"{x + dx:.1f},{y + dy:.1f}" for x, y in seg[1:]))
    return " ".join(out)
