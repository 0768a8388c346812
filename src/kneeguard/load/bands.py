"""How each spike band is drawn, the same in the PNG chart (`load.plot`), the load page and the
dashboard: rank (the worse band wins a week), fill colour, hatch (the PNG reads in black and white) and
the legend label, whose numbers are the registry's band edges (`load.spike.spike_thresholds`).
Kept apart from `load.plot` so the web pages get the colours without loading matplotlib."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kneeguard.load.spike import SPIKE_BANDS, spike_thresholds, window_days

# A spike on a run whose reference window reaches back before the imported record: not judged (the
# findings call it uncertain), drawn apart so it never reads as a spike.
SHORT_RECORD = "short_record"


def spike_label(band: str) -> str:
    """The legend label of a spike band ('spike SMALL-MODERATE %'...), from the registry's band edges."""
    small, moderate, large = (f"{edge * 100:g}" for edge in spike_thresholds())
    return {"small": f"spike {small}-{moderate} %", "moderate": f"spike {moderate}-{large} %",
            "large": f"spike > {large} %"}[band]


# worst band of the week -> (rank, fill colour, hatch, legend label); higher rank wins, so any real spike
# (or a return after a break) beats a spike that could not be judged
BAND_STYLE = {
    "none": (0, "#d0d0d0", "", "no spike"),
    SHORT_RECORD: (1, "#bcbddc", "--", f"fewer than {window_days()} days of record before: not judged"),
    "return_after_break": (2, "#9ecae1", "...", "return after break"),
    "small": (3, "#fee08b", "//", spike_label("small")),
    "moderate": (4, "#fc8d59", "xx", spike_label("moderate")),
    "large": (5, "#e0442f", "OO", spike_label("large")),
}


def shown_bands(runs: pd.DataFrame) -> np.ndarray:
    """Each run's spike band as the charts show it: None for the record's first run (no known past,
    as in the findings), SHORT_RECORD for a spike whose reference window is not wholly inside the
    record. A runs table stored before `window_in_record` existed reads as whole windows."""
    bands = runs["spike_band"].to_numpy(dtype=object).copy()
    if "first_in_record" in runs:
        bands[runs["first_in_record"].to_numpy(dtype=bool)] = None
    if "window_in_record" in runs:
        short = ~runs["window_in_record"].to_numpy(dtype=bool) & np.isin(bands, SPIKE_BANDS)
        bands[short] = SHORT_RECORD
    return bands
