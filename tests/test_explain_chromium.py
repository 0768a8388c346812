"""The diagrams render in headless Chromium and stay legible in black and white.

Playwright drives Debian's Chromium (/usr/bin/chromium, as in test_web_browser.py).
Every structure must render as a visible region; highlighted regions, once the
screenshot is turned to grey (what a black-and-white printer keeps), must differ
clearly from the same regions drawn plain. Screenshots are kept under the
git-ignored pytest cache for a person to look at.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from kneeguard.explain import diagram_data, knee_svg, runner_svg

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.is_file():
    pytest.skip(f"the diagram screenshot test needs Debian's Chromium at {CHROMIUM} (scripts/setup.sh)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
Image = pytest.importorskip("PIL.Image", reason="Pillow (a matplotlib dependency) reads the screenshot")

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parent.parent / ".pytest_cache" / "explain-screens"
# Deep, small, thin and superficial structures: the cases most likely to vanish in grey.
SAMPLED = ("popliteus", "fabella", "popliteal_vein", "bakers_cyst", "biceps_femoris", "meniscus_posterior_horns")


@pytest.fixture(scope="module")
def page():
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        p = browser.new_page(viewport={"width": 1400, "height": 900})
        p.set_default_timeout(20_000)
        yield p
        browser.close()


def _page(*svgs: str) -> str:
    cells = "".join(f'<div style="display:inline-block;width:560px;vertical-align:top">{s}</div>' for s in svgs)
    return f"<!DOCTYPE html><html><body style='margin:0;background:#fff'>{cells}</body></html>"


def _grey(png: Path) -> np.ndarray:
    with Image.open(png) as im:
        return np.asarray(im.convert("L"), dtype=float)


def _crop(grey: np.ndarray, box: dict) -> np.ndarray:
    x0, y0 = int(box["x"]) + 2, int(box["y"]) + 2
    x1, y1 = int(box["x"] + box["width"]) - 2, int(box["y"] + box["height"]) - 2
    return grey[y0:max(y1, y0 + 1), x0:max(x1, x0 + 1)]


def test_every_structure_renders_as_a_visible_region(page, tmp_path):
    page.set_content(_page(knee_svg(labels="all", id_prefix="atlas", width="540")))
    for structure in diagram_data().structures:
        box = page.locator(f'[data-structure="{structure}"]').bounding_box()
        assert box and box["width"] > 3 and box["height"] > 3, structure
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "knee-atlas.png"), full_page=True)
    grey = _crop(_grey(Path(SHOTS / "knee-atlas.png")), page.locator("svg").bounding_box())
    assert len(np.unique(grey)) > 50 and (grey < 200).mean() > 0.05  # not blank


@pytest.mark.parametrize("structure", SAMPLED)
def test_highlight_differs_clearly_in_greyscale(page, tmp_path, structure):
    plain = knee_svg([], labels="none", heading=False, id_prefix="plain", width="540")
    marked = knee_svg([structure], labels="none", heading=False, id_prefix="marked", width="540")
    page.set_content(_page(plain, marked))
    shot = tmp_path / f"{structure}.png"
    page.screenshot(path=str(shot), full_page=True)
    grey = _grey(shot)
    before = _crop(grey, page.locator(f"#plain-{structure}").bounding_box())
    after = _crop(grey, page.locator(f"#marked-{structure}").bounding_box())
    # darker on average (black hatch and outline) and far more textured than the plain drawing
    assert before.mean() - after.mean() > 20, (structure, before.mean(), after.mean())
    assert after.std() > 45 and after.std() > before.std() + 15, (structure, before.std(), after.std())
    if structure == SAMPLED[0]:
        Image.fromarray(grey.astype("uint8")).save(SHOTS / "knee-highlight-grey.png")


def test_labelled_highlight_and_runner_figure_render(page, tmp_path):
    values = {"overstride_pct_leg": 17.0, "overstride_cm": 15.0, "knee_flexion_ic_deg": 6.0,
              "shank_angle_ic_deg": 12.0, "trunk_lean_deg": 9.0}
    page.set_content(_page(knee_svg(["popliteus", "posterior_capsule"], id_prefix="k", width="540"),
                           runner_svg(values, "knee", id_prefix="r", width="540")))
    for name in ("Popliteus", "Posterior capsule", "You (measured)", "Inside the evidence band"):
        label = page.locator("svg text").filter(has_text=re.compile(f"^{re.escape(name)}$"))
        assert label.count() == 1 and label.is_visible(), name
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "explain-knee-and-runner.png"), full_page=True)
