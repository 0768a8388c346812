"""How each spike band is drawn, the same in the PNG chart (`load.plot`), the load page and the
dashboard: rank (the worse band wins a week), fill colour, hatch (the PNG reads in black and white) and
the legend label, whose numbers are the registry's band edges (`load.spike.spike_thresholds`).
Kept apart from `load.plot` so the web pages get the colours without loading matplotlib."""
from __future__ import annotations

from kneeguard.load.spike import spike_thresholds


def spike_label(band: str) -> str:
    """The legend label of a spike band ('spike SMALL-MODERATE %'...), from the registry's band edges."""
    small, moderate, large = (f"{edge * 100:g}" for edge in spike_thresholds())
    return {"small": f"spike {small}-{moderate} %", "moderate": f"spike {moderate}-{large} %",
            "large": f"spike > {large} %"}[band]


# worst band of the week -> (rank, fill colour, hatch, legend label); higher rank wins
BAND_STYLE = {
    "none": (0, "#d0d0d0", "", "no spike"),
    "return_after_break": (1, "#9ecae1", "...", "return after break"),
    "small": (2, "#fee08b", "//", spike_label("small")),
    "moderate": (3, "#fc8d59", "xx", spike_label("moderate")),
    "large": (4, "#e0442f", "OO", spike_label("large")),
}
