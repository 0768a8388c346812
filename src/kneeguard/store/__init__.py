"""The store: SQLAlchemy database (SQLite by default, PostgreSQL by URL) plus
Parquet sample streams, with the import service, athletes and shoes.

    store = open_store()                      # migrated to head, ready
    outcomes = import_sources(store, iter_sources(paths), athlete="me")
    with store.session() as s:
        frame = activities_frame(s, athletes.get(s, "me").id)

The names below are imported on first use, so that `store.config` (and `open_store`) can be imported
without pandas and pyarrow (`store.queries`): light commands start fast.
"""
from kneeguard.lazy import lazy_exports

_SUBMODULE = {
    "athletes": "athletes", "shoes": "shoes",
    "DEFAULT_ATHLETE": "config", "database_url": "config", "home_dir": "config",
    "Store": "db", "open_store": "db",
    "NotFoundError": "errors", "UnknownActivity": "errors", "UnknownAthlete": "errors", "UnknownShoe": "errors",
    "FileOutcome": "importer", "import_sources": "importer",
    "activities_frame": "queries", "list_activities": "queries", "load_samples": "queries",
    "shoe_statuses": "shoes",
}
__getattr__, __dir__ = lazy_exports(__name__, _SUBMODULE)

__all__ = [
    "DEFAULT_ATHLETE",
    "FileOutcome",
    "NotFoundError",
    "Store",
    "UnknownActivity",
    "UnknownAthlete",
    "UnknownShoe",
    "activities_frame",
    "athletes",
    "database_url",
    "home_dir",
    "import_sources",
    "list_activities",
    "load_samples",
    "open_store",
    "shoe_statuses",
    "shoes",
]
