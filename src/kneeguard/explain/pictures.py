"""Pictures for a topic: the highlighted knee diagram, plus the runner at landing for gait mechanisms.

One function per output: SVG text for pages and reports (inline, no network),
and files (`.svg` or `.png`) for `kneeguard explain --out`. PNG goes through
matplotlib, already a dependency, drawing the same path data (scene.py).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from kneeguard.errors import InvalidInput
from kneeguard.explain.codes import base_code
from kneeguard.explain.diagram import knee_scene
from kneeguard.explain.registry import Topic
from kneeguard.explain.runner_figure import EMPHASIS_BY_CODE, runner_scene
from kneeguard.explain.scene import Placed, Scene, to_png, to_svg

GAP = 24.0


def topic_scene(topic: Topic, gait_values: dict[str, Any] | None = None) -> Scene:
    """The knee diagram for the topic; for gait mechanisms the runner figure beside it."""
    knee = knee_scene(topic.structures, labels="highlighted" if topic.structures else "all")
    if topic.figure != "landing":
        return knee
    runner = runner_scene(gait_values, emphasis=emphasis_for(topic.key))
    scene = Scene(knee.width + GAP + runner.width, max(knee.height, runner.height),
                  f"{knee.title}; and the runner at landing", f"{knee.description} {runner.description}")
    return scene.add(Placed(knee, 0, 0, "knee"), Placed(runner, knee.width + GAP, 0, "runner"))


def emphasis_for(code: str) -> str:
    return EMPHASIS_BY_CODE.get(base_code(code), "")


def write_picture(topic: Topic, path: str | Path, gait_values: dict[str, Any] | None = None) -> Path:
    """Write the topic's picture as .svg or .png (ValueError for any other suffix)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise InvalidInput(f"the picture must be a .svg or .png file, got {path.name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    scene = topic_scene(topic, gait_values)
    if suffix == ".png":
        return to_png(scene, path)
    svg = to_svg(scene, "kg-explain")
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n", encoding="utf-8")
    return path
