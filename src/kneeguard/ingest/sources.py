"""Find candidate files under paths: folders, gzip, Strava/Garmin export zips.

CONTRACT (helper fills in):
    @dataclass Source: name: str; read: Callable[[], bytes]; metadata: dict
        (metadata may carry 'gear', 'name', 'rpe', 'sport' from an export's CSV/JSON)
    @dataclass SourceError: name: str; problem: str
    iter_sources(paths: Iterable[Path]) -> Iterator[Source | SourceError]
    count_sources(paths) -> int   # cheap pre-count for progress bars
"""
