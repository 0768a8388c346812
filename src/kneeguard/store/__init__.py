"""The store: SQLAlchemy database (SQLite by default, PostgreSQL by URL) plus
Parquet sample streams, with the import service, athletes and shoes.

    store = open_store()                      # migrated to head, ready
    outcomes = import_sources(store, iter_sources(paths), athlete="me")
    with store.session() as s:
        frame = activities_frame(s, athletes.get(s, "me").id)
"""
from kneeguard.store import athletes, shoes
from kneeguard.store.config import DEFAULT_ATHLETE, database_url, home_dir
from kneeguard.store.db import Store, open_store
from kneeguard.store.errors import NotFoundError, UnknownActivity, UnknownAthlete, UnknownShoe
from kneeguard.store.importer import FileOutcome, import_sources
from kneeguard.store.queries import activities_frame, list_activities, load_samples
from kneeguard.store.shoes import shoe_statuses

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
