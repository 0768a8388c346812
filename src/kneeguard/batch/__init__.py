"""Batch work over many athletes on Dask (issue 17)."""
