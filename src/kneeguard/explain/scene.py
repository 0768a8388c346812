"""A tiny vector scene (paths, regions, text) with two writers: SVG text and PNG through matplotlib.

The pictures are drawn once, as SVG path data, and rendered twice: the SVG
writer copies the path data; the PNG writer parses the same path data into
matplotlib paths (matplotlib cannot read SVG files, but it can draw their
geometry). Hatching is computed here as plain line segments clipped to each
region, so every renderer (browsers, WeasyPrint, matplotlib) shows the same
hatch and the SVG needs no `url(#...)` paint servers or shared ids.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

Point = tuple[float, float]
FONT_FAMILY = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
_TOKEN = re.compile(r"[MLHVCQZmlhvcqz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARGS = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "Q": 4, "Z": 0}


@dataclass(frozen=True)
class Shape:
    """One filled and/or stroked path. `hatch` adds diagonal lines clipped to the shape."""

    d: str
    fill: str = "none"
    stroke: str = "none"
    width: float = 1.0
    opacity: float = 1.0  # fill opacity only: outlines stay crisp
    dash: str = ""
    hatch: bool = False
    hatch_colour: str = "#000000"
    hatch_spacing: float = 7.0
    hatch_width: float = 2.0


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    size: float = 12.0
    anchor: str = "start"  # start | middle | end
    bold: bool = False
    colour: str = "#111111"


@dataclass(frozen=True)
class Region:
    """A named structure: written as <g id=... data-structure=...> around its shapes."""

    structure: str
    title: str
    shapes: tuple[Shape, ...]
    highlighted: bool = False


@dataclass
class Scene:
    width: float
    height: float
    title: str
    description: str = ""
    items: list = field(default_factory=list)  # Shape | Text | Region | Placed

    def add(self, *items) -> Scene:
        self.items.extend(items)
        return self


@dataclass(frozen=True)
class Placed:
    """Another scene drawn at an offset (pictures side by side)."""

    scene: Scene
    dx: float
    dy: float
    name: str = "part"  # keeps region ids unique inside the outer picture


# --- path data ------------------------------------------------------------------


def parse_path(d: str) -> list[list[tuple]]:
    """SVG path data (M L H V C Q Z, absolute or relative) -> subpaths of absolute segments."""
    tokens = _TOKEN.findall(d)
    subpaths: list[list[tuple]] = []
    current: list[tuple] = []
    pos = start = (0.0, 0.0)
    i, command = 0, ""
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
        if not command:
            raise ValueError(f"path data must start with a command: {d[:40]!r}")
        upper, relative = command.upper(), command.islower()
        n = _ARGS[upper]
        nums = [float(t) for t in tokens[i:i + n]]
        if len(nums) < n:
            raise ValueError(f"path data ends inside a {command} command: {d[:40]!r}")
        i += n
        base = pos if relative else (0.0, 0.0)
        if upper == "Z":
            current.append(("Z",))
            pos = start
            command = ""
            continue
        if upper == "H":
            pos = (nums[0] + (pos[0] if relative else 0.0), pos[1])
            current.append(("L", pos))
            continue
        if upper == "V":
            pos = (pos[0], nums[0] + (pos[1] if relative else 0.0))
            current.append(("L", pos))
            continue
        points = [(base[0] + nums[k], base[1] + nums[k + 1]) for k in range(0, n, 2)]
        if upper == "M":
            if current:
                subpaths.append(current)
            current = [("M", points[0])]
            pos = start = points[0]
            command = "l" if relative else "L"  # extra pairs after M are line-tos
            continue
        current.append((upper, *points))
        pos = points[-1]
    if current:
        subpaths.append(current)
    return subpaths


def flatten(d: str, steps: int = 12) -> list[list[Point]]:
    """Each subpath as a closed polyline (curves sampled), for hatching and hit tests."""
    rings = []
    for sub in parse_path(d):
        ring: list[Point] = []
        for seg in sub:
            kind = seg[0]
            if kind in ("M", "L"):
                ring.append(seg[1])
            elif kind == "Q":
                p0, (c, p1) = ring[-1], seg[1:]
                ring += [_quad(p0, c, p1, k / steps) for k in range(1, steps + 1)]
            elif kind == "C":
                p0, (c1, c2, p1) = ring[-1], seg[1:]
                ring += [_cubic(p0, c1, c2, p1, k / steps) for k in range(1, steps + 1)]
        if len(ring) >= 3:
            rings.append(ring)
    return rings


def _quad(p0: Point, c: Point, p1: Point, t: float) -> Point:
    u = 1 - t
    return (u * u * p0[0] + 2 * u * t * c[0] + t * t * p1[0], u * u * p0[1] + 2 * u * t * c[1] + t * t * p1[1])


def _cubic(p0: Point, c1: Point, c2: Point, p1: Point, t: float) -> Point:
    u = 1 - t
    a, b, c, e = u ** 3, 3 * u * u * t, 3 * u * t * t, t ** 3
    return (a * p0[0] + b * c1[0] + c * c2[0] + e * p1[0], a * p0[1] + b * c1[1] + c * c2[1] + e * p1[1])


def hatch_segments(d: str, spacing: float = 7.0, angle_deg: float = 45.0) -> list[tuple[Point, Point]]:
    """Parallel lines clipped to the (even-odd) inside of the path: the hatch, as plain geometry."""
    rings = flatten(d)
    if not rings:
        return []
    a = math.radians(angle_deg)
    along, normal = (math.cos(a), math.sin(a)), (-math.sin(a), math.cos(a))
    offsets = [p[0] * normal[0] + p[1] * normal[1] for ring in rings for p in ring]
    lo, hi = min(offsets), max(offsets)
    out = []
    t = lo + spacing / 2
    while t < hi:
        crossings = []
        for ring in rings:
            for p, q in zip(ring, ring[1:] + ring[:1]):
                dp = p[0] * normal[0] + p[1] * normal[1] - t
                dq = q[0] * normal[0] + q[1] * normal[1] - t
                if (dp < 0) != (dq < 0):
                    s = dp / (dp - dq)
                    x, y = p[0] + s * (q[0] - p[0]), p[1] + s * (q[1] - p[1])
                    crossings.append((x * along[0] + y * along[1], (x, y)))
        crossings.sort()
        for k in range(0, len(crossings) - 1, 2):
            out.append((crossings[k][1], crossings[k + 1][1]))
        t += spacing
    return out


def segments_path(segments: list[tuple[Point, Point]]) -> str:
    return " ".join(f"M{_n(p[0])},{_n(p[1])} L{_n(q[0])},{_n(q[1])}" for p, q in segments)


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text.removesuffix(".0")


# --- SVG ------------------------------------------------------------------------


def to_svg(scene: Scene, id_prefix: str = "kg", width: str | None = None, css_class: str = "kg-figure") -> str:
    """The scene as one standalone <svg> element (inline in HTML or a file on its own)."""
    prefix = re.sub(r"[^A-Za-z0-9_-]+", "-", id_prefix).strip("-") or "kg"
    size = f' width="{escape(width)}"' if width else ""
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(scene.width)} {_n(scene.height)}"{size} '
            f'class="{escape(css_class)}" role="img" aria-labelledby="{prefix}-title {prefix}-desc" '
            f'font-family="{FONT_FAMILY}">')
    body = [head, f'<title id="{prefix}-title">{escape(scene.title)}</title>',
            f'<desc id="{prefix}-desc">{escape(scene.description)}</desc>',
            f'<rect width="{_n(scene.width)}" height="{_n(scene.height)}" fill="#ffffff"/>']
    body += _svg_items(scene.items, prefix)
    body.append("</svg>")
    return "\n".join(body)


def _svg_items(items: list, prefix: str) -> list[str]:
    out = []
    for item in items:
        if isinstance(item, Region):
            cls = "region highlighted" if item.highlighted else "region"
            out.append(f'<g id="{prefix}-{item.structure}" data-structure="{item.structure}" class="{cls}">'
                       f'<title>{escape(item.title)}</title>')
            out += [_svg_shape(s) for s in item.shapes]
            out.append("</g>")
        elif isinstance(item, Shape):
            out.append(_svg_shape(item))
        elif isinstance(item, Text):
            weight = ' font-weight="bold"' if item.bold else ""
            out.append(f'<text x="{_n(item.x)}" y="{_n(item.y)}" font-size="{_n(item.size)}" '
                       f'text-anchor="{item.anchor}" fill="{item.colour}"{weight}>{escape(item.text)}</text>')
        elif isinstance(item, Placed):
            out.append(f'<g transform="translate({_n(item.dx)},{_n(item.dy)})">')
            out += _svg_items(item.scene.items, f"{prefix}-{item.name}")
            out.append("</g>")
    return out


def _svg_shape(s: Shape) -> str:
    parts = [f'<path d="{s.d}" fill="{s.fill}"']
    if s.fill != "none" and s.opacity < 1:
        parts.append(f' fill-opacity="{s.opacity:g}"')
    parts.append(f' stroke="{s.stroke}"')
    if s.stroke != "none":
        parts.append(f' stroke-width="{s.width:g}" stroke-linejoin="round" stroke-linecap="round"')
    if s.dash:
        parts.append(f' stroke-dasharray="{s.dash}"')
    parts.append("/>")
    line = "".join(parts)
    if s.hatch:
        hatch = segments_path(hatch_segments(s.d, s.hatch_spacing))
        if hatch:
            line += (f'<path class="hatch" d="{hatch}" fill="none" stroke="{s.hatch_colour}" '
                     f'stroke-width="{s.hatch_width:g}" stroke-linecap="butt"/>')
    return line


# --- PNG (matplotlib) -----------------------------------------------------------


def to_png(scene: Scene, path: str | Path, scale: float = 2.0) -> Path:
    """Draw the same geometry with matplotlib (Agg) and save a PNG; 1 scene unit = `scale` pixels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dpi = 72.0 * scale  # 1 unit = 1 point, so line widths and font sizes carry over unchanged
    fig = plt.figure(figsize=(scene.width / 72.0, scene.height / 72.0), dpi=dpi)
    try:
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, scene.width)
        ax.set_ylim(scene.height, 0)  # SVG y grows downwards
        ax.set_axis_off()
        _mpl_items(ax, scene.items, 0.0, 0.0)
        path = Path(path)
        fig.savefig(path, format="png", dpi=dpi, facecolor="white")
    finally:
        plt.close(fig)
    return path


def _mpl_items(ax, items: list, dx: float, dy: float) -> None:
    for item in items:
        if isinstance(item, Region):
            for shape in item.shapes:
                _mpl_shape(ax, shape, dx, dy)
        elif isinstance(item, Shape):
            _mpl_shape(ax, item, dx, dy)
        elif isinstance(item, Text):
            ax.text(item.x + dx, item.y + dy, item.text, fontsize=item.size, color=item.colour,
                    ha={"start": "left", "middle": "center", "end": "right"}[item.anchor], va="baseline",
                    fontweight="bold" if item.bold else "normal", family="DejaVu Sans")
        elif isinstance(item, Placed):
            _mpl_items(ax, item.scene.items, dx + item.dx, dy + item.dy)


def _mpl_shape(ax, s: Shape, dx: float, dy: float) -> None:
    from matplotlib.patches import PathPatch

    mpath = _mpl_path(s.d, dx, dy)
    if s.fill != "none":
        ax.add_patch(PathPatch(mpath, facecolor=s.fill, alpha=s.opacity, edgecolor="none", fill=True))
    if s.hatch:
        segs = hatch_segments(s.d, s.hatch_spacing)
        if segs:
            ax.add_patch(PathPatch(_mpl_path(segments_path(segs), dx, dy), fill=False, edgecolor=s.hatch_colour,
                                   linewidth=s.hatch_width, capstyle="butt"))
    if s.stroke != "none":
        dashes = (0, [float(v) / max(s.width, 0.1) for v in s.dash.replace(",", " ").split()]) if s.dash else None
        ax.add_patch(PathPatch(mpath, fill=False, edgecolor=s.stroke, linewidth=s.width, joinstyle="round",
                               capstyle="round", linestyle=dashes or "solid"))


def _mpl_path(d: str, dx: float, dy: float):
    from matplotlib.path import Path as MPath

    verts: list[Point] = []
    codes: list[int] = []
    for sub in parse_path(d):
        start = None
        for seg in sub:
            kind = seg[0]
            if kind == "M":
                start = seg[1]
                verts.append(seg[1])
                codes.append(MPath.MOVETO)
            elif kind == "L":
                verts.append(seg[1])
                codes.append(MPath.LINETO)
            elif kind == "Q":
                verts += [seg[1], seg[2]]
                codes += [MPath.CURVE3] * 2
            elif kind == "C":
                verts += [seg[1], seg[2], seg[3]]
                codes += [MPath.CURVE4] * 3
            elif kind == "Z" and start is not None:
                verts.append(start)
                codes.append(MPath.CLOSEPOLY)
    return MPath([(x + dx, y + dy) for x, y in verts], codes)


def circle_path(x: float, y: float, r: float) -> str:
    """SVG path data of a circle (four cubic Béziers), so circles go through the same path renderer."""
    k = r * 0.5523
    return (f"M{x:.1f},{y - r:.1f} C{x + k:.1f},{y - r:.1f} {x + r:.1f},{y - k:.1f} {x + r:.1f},{y:.1f} "
            f"C{x + r:.1f},{y + k:.1f} {x + k:.1f},{y + r:.1f} {x:.1f},{y + r:.1f} "
            f"C{x - k:.1f},{y + r:.1f} {x - r:.1f},{y + k:.1f} {x - r:.1f},{y:.1f} "
            f"C{x - r:.1f},{y - k:.1f} {x - k:.1f},{y - r:.1f} {x:.1f},{y - r:.1f} Z")
