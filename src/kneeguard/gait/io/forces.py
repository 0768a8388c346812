"""Reference gait events from an instrumented treadmill (one plate under both feet).

Contacts are runs of vertical force above a threshold (the registry's
`gait.validation.contact_force_n`, 20 N) lasting at least 80 ms;
initial contact (IC) and toe-off (TO) are the threshold crossings, interpolated
between samples. Because one plate carries both feet, the side of each contact
comes from the marker data: the stance foot is the lower one at mid-contact.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kneeguard import evidence
from kneeguard.errors import InvalidInput
from kneeguard.gait.io.c3d_forces import read_ground_reaction
from kneeguard.gait.io.files import read_tab_table
from kneeguard.gait.io.mocap import MarkerTrial

FORCE_COLUMNS = ("Time", "Fx", "Fy", "Fz", "COPx", "COPy", "COPz", "Ty")


def contact_threshold_n() -> float:
    """The validation truth's contact threshold (N), from the evidence registry."""
    return float(evidence.value("gait.validation.contact_force_n"))


def read_forces(path: str | Path, rate: float = 300.0) -> pd.DataFrame:
    """Fukuchi treadmill forces: `Time` is a 1-based frame number at `rate` Hz; Fy is vertical (N).

    Returns the columns unchanged plus `time_s` (seconds from the first sample).
    """
    path = Path(path)
    table = read_tab_table(path, "force file", "force export")
    missing = [c for c in ("Time", "Fy") if c not in table.columns]
    if missing or len(table) < 2:
        raise InvalidInput(f"{path.name}: expected force columns {', '.join(FORCE_COLUMNS)}; missing {missing or 'rows'}")
    table = table.apply(pd.to_numeric, errors="coerce")
    table["time_s"] = (table["Time"] - table["Time"].iloc[0]) / rate
    table.attrs["rate"] = rate
    table.attrs["source"] = path.name
    return table


def read_c3d_vertical_force(path: str | Path) -> pd.DataFrame:
    """Vertical ground-reaction force of a .c3d file's force plates (summed), by its FORCE_PLATFORM group.

    Returns `time_s` and `Fy` (the vertical force, named as in the text exports whatever the lab's
    vertical axis) plus the centre of pressure `COPx/COPy/COPz` in lab millimetres; see
    `io.c3d_forces` for the conventions.
    """
    reaction = read_ground_reaction(path)
    table = pd.DataFrame({"time_s": reaction.time_s, "Fy": reaction.vertical_n,
                          "COPx": reaction.cop_mm[:, 0], "COPy": reaction.cop_mm[:, 1], "COPz": reaction.cop_mm[:, 2]})
    table.attrs.update(rate=reaction.rate, source=reaction.source, plates=len(reaction.plates),
                       vertical_axis="XYZ"[reaction.vertical_axis])
    return table


def detect_contacts(
    time_s: np.ndarray, vertical_n: np.ndarray, threshold_n: float | None = None, min_contact_s: float = 0.08
) -> pd.DataFrame:
    """Contacts as threshold crossings of the vertical force (default threshold: `contact_threshold_n()`).

    Contacts cut by the start or the end of the recording are dropped, as are runs shorter than
    `min_contact_s` (noise spikes). Columns: ic_time_s, to_time_s, contact_time_s, peak_force_n.
    """
    threshold_n = contact_threshold_n() if threshold_n is None else threshold_n
    t = np.asarray(time_s, dtype=float)
    f = np.nan_to_num(np.asarray(vertical_n, dtype=float), nan=0.0)
    above = f > threshold_n
    edges = np.diff(above.astype(int))
    starts = np.flatnonzero(edges == 1) + 1  # first sample above
    ends = np.flatnonzero(edges == -1)  # last sample above
    if above[0]:
        ends = ends[1:]  # the first contact began before the recording
    starts = starts[: len(ends)]  # the last contact may run past the end
    rows = []
    for s, e in zip(starts, ends):
        ic = _crossing(t, f, s - 1, s, threshold_n)
        to = _crossing(t, f, e, e + 1, threshold_n)
        if to - ic >= min_contact_s:
            rows.append({"ic_time_s": ic, "to_time_s": to, "contact_time_s": to - ic,
                         "peak_force_n": float(f[s:e + 1].max())})
    return pd.DataFrame(rows, columns=["ic_time_s", "to_time_s", "contact_time_s", "peak_force_n"])


def _crossing(t: np.ndarray, f: np.ndarray, i: int, j: int, level: float) -> float:
    """Time where the force crosses `level` between samples i and j (linear interpolation)."""
    if f[j] == f[i]:
        return float(t[j])
    return float(t[i] + (level - f[i]) * (t[j] - t[i]) / (f[j] - f[i]))


def assign_sides(contacts: pd.DataFrame, trial: MarkerTrial) -> pd.DataFrame:
    """Add `side` ("left"/"right"): the foot (heel bottom + MT1) that is lower at mid-contact.

    Forward position alone is ambiguous on a treadmill (the stance foot slides back), so height
    decides; a running gait alternates sides, which is checked and reported in `side_check`.
    """
    out = contacts.copy()
    if out.empty:
        out["side"] = pd.Series(dtype=str)
        return out
    height = {}
    for side, s in (("left", "L"), ("right", "R")):
        foot = (trial.marker(f"{s}.Heel.Bottom")[:, 1] + trial.marker(f"{s}.MT1")[:, 1]) / 2
        mid = (out["ic_time_s"] + out["to_time_s"]).to_numpy() / 2
        height[side] = np.interp(mid, trial.times, foot)
    out["side"] = np.where(height["left"] < height["right"], "left", "right")
    alternates = (out["side"].to_numpy()[1:] != out["side"].to_numpy()[:-1])
    out.attrs["side_check"] = {"alternating_fraction": float(alternates.mean()) if len(alternates) else 1.0}
    return out


def force_events(
    forces_path: str | Path,
    trial: MarkerTrial | None = None,
    rate: float = 300.0,
    threshold_n: float | None = None,
    min_contact_s: float = 0.08,
) -> pd.DataFrame:
    """Read a force file (.txt export or .c3d analog) and return its contacts, with sides when a marker trial is given."""
    if Path(forces_path).suffix.lower() == ".c3d":
        table = read_c3d_vertical_force(forces_path)
    else:
        table = read_forces(forces_path, rate=rate)
    contacts = detect_contacts(table["time_s"].to_numpy(), table["Fy"].to_numpy(), threshold_n, min_contact_s)
    if trial is not None:
        contacts = assign_sides(contacts, trial)
    contacts.attrs["source"] = table.attrs["source"]
    return contacts


def summarize_events(contacts: pd.DataFrame) -> dict:
    """Mean contact time, step time, cadence, flight time and duty factor from reference contacts."""
    if len(contacts) < 2:
        raise InvalidInput("need at least two foot contacts to measure step time")
    ic = contacts["ic_time_s"].to_numpy()
    contact = contacts["contact_time_s"].to_numpy()
    step = float(np.median(np.diff(ic)))
    mean_step = float(np.mean(np.diff(ic)))
    return {
        "n_contacts": int(len(contacts)),
        "contact_time_s_mean": float(contact.mean()),
        "contact_time_s_sd": float(contact.std(ddof=1)) if len(contact) > 1 else 0.0,
        "step_time_s": mean_step,
        "step_time_s_median": step,
        "cadence_spm": 60.0 / mean_step,
        "flight_time_s": mean_step - float(contact.mean()),
        "duty_factor": float(contact.mean()) / (2 * mean_step),
    }
