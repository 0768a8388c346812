"""The pictures without a browser: SVG structure, black-and-white legibility of the PNG, runner geometry."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from kneeguard import evidence
from kneeguard.explain import (
    diagram_data,
    knee_scene,
    knee_svg,
    runner_svg,
    topic,
    write_picture,
)
from kneeguard.explain.diagram import _shift
from kneeguard.explain.runner_figure import (
    LandingValues,
    band,
    band_values,
    landing_pose,
    landing_rows,
)
from kneeguard.explain.scene import flatten, hatch_segments, parse_path, to_png
from kneeguard.gait import angles

SVG = "{http://www.w3.org/2000/svg}"
MEASURED = {"overstride_pct_leg": 17.0, "overstride_cm": 15.0, "knee_flexion_ic_deg": 6.0,
            "shank_angle_ic_deg": 12.0, "trunk_lean_deg": 9.0}


def _groups(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {g.get("data-structure"): g for g in root.iter(f"{SVG}g") if g.get("data-structure")}


def test_every_structure_is_a_named_region():
    groups = _groups(knee_svg(labels="all", id_prefix="atlas"))
    assert set(groups) == set(diagram_data().structures)
    for name, g in groups.items():
        assert g.get("id") == f"atlas-{name}" and g.find(f"{SVG}title").text
        assert g.findall(f"{SVG}path")


def test_highlight_is_outline_hatch_and_label_not_colour_alone():
    svg = knee_svg(["popliteus", "fabella"], id_prefix="h")
    groups = _groups(svg)
    for name in ("popliteus", "fabella"):
        g = groups[name]
        assert "highlighted" in g.get("class")
        outline = g.find(f"{SVG}path")
        assert outline.get("stroke") == "#000000" and float(outline.get("stroke-width")) >= 3
        assert g.find(f"{SVG}path[@class='hatch']") is not None
    assert "highlighted" not in groups["biceps_femoris"].get("class")
    assert groups["biceps_femoris"].find(f"{SVG}path[@class='hatch']") is None
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "Popliteus" in texts and "Fabella" in texts
    # highlighted regions are drawn last, so a deep structure is never hidden under a muscle
    order = [g.get("data-structure") for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("data-structure")]
    assert order[-2:] == ["popliteus", "fabella"]


def test_svg_is_self_contained_and_ids_do_not_clash():
    one, two = knee_svg(["popliteus"], id_prefix="a"), knee_svg(["popliteus"], id_prefix="b")
    for svg in (one, two, runner_svg(MEASURED, "knee")):
        assert "url(" not in svg and "href" not in svg and "<script" not in svg
    assert not _ids(one) & _ids(two)


def _ids(svg: str) -> set[str]:
    return {e.get("id") for e in ET.fromstring(svg).iter() if e.get("id")}


def test_unknown_structure_is_refused():
    with pytest.raises(ValueError, match="not a structure"):
        knee_scene(["spleen"])


def test_numbered_markers_follow_the_highlight_order():
    svg = knee_svg(["bakers_cyst", "popliteal_vein"], labels="numbers", heading=False)
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "1" in texts and "2" in texts and "Popliteal vein" not in texts


def test_hatch_stays_inside_its_shape():
    d = "M0,0 L40,0 L40,20 L0,20 Z"
    segments = hatch_segments(d, spacing=5)
    assert len(segments) > 5
    for p, q in segments:
        for x, y in (p, q):
            assert -1e-6 <= x <= 40 + 1e-6 and -1e-6 <= y <= 20 + 1e-6
    assert parse_path("M1,2 l3,4 h5 v-6 z")[0][-1] == ("Z",)


def _luminance(png, rings, scale: float) -> np.ndarray:
    from PIL import Image, ImageDraw

    with Image.open(png) as im:
        grey = np.asarray(im.convert("L"), dtype=float)  # what a black-and-white printer keeps
    mask = Image.new("L", (grey.shape[1], grey.shape[0]), 0)
    for ring in rings:
        ImageDraw.Draw(mask).polygon([(x * scale, y * scale) for x, y in ring], fill=255)
    return grey[np.asarray(mask) > 0]


def test_highlight_survives_greyscale(tmp_path):
    """In grey, a highlighted region is clearly darker and textured; an unhighlighted one is pale and flat."""
    pytest.importorskip("PIL")
    scale = 2.0
    plain, marked = tmp_path / "plain.png", tmp_path / "marked.png"
    to_png(knee_scene([], labels="none", heading=False), plain, scale)
    to_png(knee_scene(["biceps_femoris"], labels="none", heading=False), marked, scale)
    data = diagram_data()
    region = next(r for r in data.regions if r.structure == "biceps_femoris")
    other = next(r for r in data.regions if r.structure == "semimembranosus")
    shift = knee_scene([], labels="none", heading=False)  # same layout: margins do not depend on the highlight
    dx, dy = (shift.width - data.width) / 2, shift.height - data.height - 8.0
    rings = flatten(_shift(region.d, dx, dy))
    before, after = _luminance(plain, rings, scale), _luminance(marked, rings, scale)
    faded = _luminance(marked, flatten(_shift(other.d, dx, dy)), scale)
    assert before.mean() - after.mean() > 25, (before.mean(), after.mean())
    assert after.std() > 40 and after.std() > 2.5 * faded.std()  # hatch texture versus pale fills
    assert faded.mean() - after.mean() > 40


def test_png_of_a_topic_with_the_runner_figure(tmp_path):
    out = write_picture(topic("gait.overstride"), tmp_path / "overstride.png", MEASURED)
    from PIL import Image

    with Image.open(out) as im:
        assert im.width > im.height > 400  # knee diagram and runner side by side
    with pytest.raises(ValueError, match=".svg or .png"):
        write_picture(topic("popliteus"), tmp_path / "x.pdf")


def test_runner_pose_follows_the_gait_angle_conventions():
    """The stick figure is drawn to the measured angles as gait/angles.py defines them."""
    pose = landing_pose(LandingValues.from_summary(MEASURED))
    p = {k: np.array(v) for k, v in pose.points.items()}
    assert float(angles.knee_flexion(p["hip"], p["knee"], p["ankle"], 1)) == pytest.approx(6.0, abs=0.01)
    assert float(angles.shank_angle(p["knee"], p["ankle"], 1)) == pytest.approx(12.0, abs=0.01)
    assert float(angles.trunk_lean(p["hip"], p["shoulder"], 1)) == pytest.approx(9.0, abs=0.01)


def test_missing_angles_are_solved_from_the_overstride():
    pose = landing_pose(LandingValues(overstride_pct_leg=20.0, knee_flexion_deg=8.0))
    assert pose.overstride_fraction == pytest.approx(0.20, abs=1e-3)
    assert pose.knee_flexion_deg == pytest.approx(8.0)


def test_band_pose_is_inside_every_band():
    b, v = band(), band_values()
    assert v.knee_flexion_deg >= evidence.value("gait.knee_ic.extended") == b.knee_min_deg
    assert v.shank_angle_deg <= b.shank_max_deg
    assert b.trunk_deg[0] <= v.trunk_lean_deg <= b.trunk_deg[1]
    assert landing_pose(v).overstride_fraction * 100 == pytest.approx(b.overstride_max_pct, abs=0.01)
    assert not any(outside for *_, outside in landing_rows(v))


def test_rows_flag_values_outside_the_band():
    rows = {r[0]: r for r in landing_rows(MEASURED)}
    assert rows["overstride"][4] and rows["knee"][4] and rows["shank"][4] and not rows["trunk"][4]
    assert "15 cm" in rows["overstride"][2]
    assert all(r[2] == "no gait video yet" for r in landing_rows(None))


def test_runner_figure_without_measurements_shows_the_band_only():
    svg = runner_svg(None)
    assert "You (measured)" not in svg and "Inside the evidence band" in svg
    assert "You (measured)" in runner_svg(MEASURED, "overstride")
    with pytest.raises(ValueError):
        runner_svg(MEASURED, "hips")
