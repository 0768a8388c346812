"""Batch work on Dask distributed: `kneeguard batch import | load | gait` for clinics, clubs and cohorts.

engine.py    where tasks run (an in-process LocalCluster by default, `--scheduler` for an existing cluster)
manifest.py  the CSV manifests (athlete, path)
imports.py   decoding on the workers, storing once (content hash; the database's unique rows are the last guard)
load.py      the load analysis per athlete, written as a Parquet dataset (one file per athlete and table)
load_dataset.py  that dataset's fixed schemas and file names
gait.py      one gait analysis per video or keypoint file, sessions stored once per input fingerprint

Nothing here imports dask at module level: `kneeguard --help` stays light (tests/test_startup_imports.py).
See docs/batch.md.
"""
