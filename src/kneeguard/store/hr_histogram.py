"""The stored heart-rate histogram: seconds at each whole bpm 0..255 as 256 little-endian float32 (one BLOB per
activity), so the load analysis computes TRIMP and zones for any rest/max HR without re-reading samples."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

HR_BINS = 256


def histogram_blob(seconds_by_bpm: Any) -> bytes | None:
    """256 little-endian float32 seconds; longer input folds into the top bin."""
    import numpy as np

    if seconds_by_bpm is None:
        return None
    values = np.nan_to_num(np.asarray(seconds_by_bpm, dtype=np.float64).ravel())
    out = np.zeros(HR_BINS, dtype="<f4")
    head = values[:HR_BINS]
    out[: len(head)] = head
    if len(values) > HR_BINS:
        out[-1] += values[HR_BINS:].sum()
    return out.tobytes()


def histogram_array(blob: bytes | None) -> np.ndarray | None:
    import numpy as np

    return None if blob is None else np.frombuffer(blob, dtype="<f4").astype(np.float64)
