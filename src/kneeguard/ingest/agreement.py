"""Compare the fast FIT path with the fitdecode path on one file (tests and benchmarks/fit_agreement.py)."""
from __future__ import annotations

import os
from contextlib import contextmanager

import numpy as np

from kneeguard.ingest.model import IngestError
from kneeguard.ingest.readers import read_bytes


@contextmanager
def fit_decoder(name: str):
    """Force the FIT decoder: 'fitdecode' (the reference) or '' (fast where it can)."""
    before = os.environ.get("KNEEGUARD_FIT_DECODER")
    os.environ["KNEEGUARD_FIT_DECODER"] = name
    try:
        yield
    finally:
        if before is None:
            del os.environ["KNEEGUARD_FIT_DECODER"]
        else:
            os.environ["KNEEGUARD_FIT_DECODER"] = before


def _outcome(name: str, data: bytes, decoder: str):
    with fit_decoder(decoder):
        try:
            return read_bytes(name, data)
        except IngestError as exc:
            return exc


def compare_paths(name: str, data: bytes) -> list[str]:
    """Every difference between the two paths' results (empty: identical)."""
    reference, fast = _outcome(name, data, "fitdecode"), _outcome(name, data, "")
    if isinstance(reference, IngestError) or isinstance(fast, IngestError):
        same = type(reference) is type(fast) and str(reference) == str(fast)
        return [] if same else [f"outcome {reference!r} != {fast!r}"]
    problems = [f"{key}: {a!r} != {b!r}" for key, a, b in (
        ("warnings", reference.warnings, fast.warnings),
        ("skipped_reason", reference.skipped_reason, fast.skipped_reason),
        ("activities", len(reference.activities), len(fast.activities))) if a != b]
    for index, (a, b) in enumerate(zip(reference.activities, fast.activities)):
        for key, value in vars(a).items():
            other = getattr(b, key)
            if key == "samples":
                problems += [f"activity {index} samples: {p}" for p in _frame_differences(value, other)]
            elif key == "hr_seconds_by_bpm":
                if not _same_array(value, other):
                    problems.append(f"activity {index} {key} differs")
            elif not _same_value(value, other):
                problems.append(f"activity {index} {key}: {value!r} != {other!r}")
    return problems


def _same_value(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    return type(a) is type(b) and a == b


def _same_array(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


def _frame_differences(a, b) -> list[str]:
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return [f"columns/length {list(a.columns)}/{len(a)} != {list(b.columns)}/{len(b)}"]
    return [f"column {c}" for c in a.columns if not _same_array(a[c].to_numpy(), b[c].to_numpy())]
