"""Build Strava and Garmin export zips at test time from the real files.

Nothing binary is committed: each builder writes a zip (wherever `dest`
says, normally under `tmp_path`) from files in tests/data/activities, whose
sources and licences are in tests/data/activities/MANIFEST.md. Reusable by
importer and CLI tests:

    from tests.archive_builders import DATA, build_strava_export, build_garmin_export
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from pathlib import Path

DATA = Path(__file__).parent / "data" / "activities"

# Modelled on Strava's activities.csv: note the REPEATED names. The first
# Distance is in the athlete's display unit, the second in metres; Elapsed
# Time, Max Heart Rate, Relative Effort and Commute also appear twice.
STRAVA_HEADER = [
    "Activity ID", "Activity Date", "Activity Name", "Activity Type", "Activity Description",
    "Elapsed Time", "Distance", "Max Heart Rate", "Relative Effort", "Commute",
    "Activity Private Note", "Activity Gear", "Filename", "Athlete Weight", "Bike Weight",
    "Elapsed Time", "Moving Time", "Distance", "Max Speed", "Average Speed", "Elevation Gain",
    "Elevation Loss", "Max Cadence", "Average Cadence", "Max Heart Rate", "Average Heart Rate",
    "Calories", "Relative Effort", "Perceived Exertion", "Prefer Perceived Exertion",
    "Perceived Relative Effort", "Commute", "From Upload", "Grade Adjusted Distance", "Media",
]

# Builder row keys -> (column, occurrence) in STRAVA_HEADER.
_STRAVA_FIELDS = {
    "id": ("Activity ID", 0),
    "date": ("Activity Date", 0),
    "name": ("Activity Name", 0),
    "type": ("Activity Type", 0),
    "elapsed_s": ("Elapsed Time", 0),
    "distance": ("Distance", 0),
    "gear": ("Activity Gear", 0),
    "distance_m": ("Distance", 1),
    "rpe": ("Perceived Exertion", 0),
}


def _column(name: str, occurrence: int) -> int:
    positions = [i for i, column in enumerate(STRAVA_HEADER) if column == name]
    return positions[occurrence]


def strava_csv_text(rows: list[dict]) -> str:
    """An activities.csv for `rows` (builder keys as in build_strava_export)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STRAVA_HEADER)
    for row in rows:
        cells = [""] * len(STRAVA_HEADER)
        for key, (column, occurrence) in _STRAVA_FIELDS.items():
            if key in row:
                cells[_column(column, occurrence)] = str(row[key])
        cells[_column("Filename", 0)] = row.get("filename", "")
        cells[_column("Elapsed Time", 1)] = str(row.get("elapsed_s", ""))
        cells[_column("Max Heart Rate", 1)] = "171.0"
        cells[_column("Relative Effort", 1)] = "42.0"
        writer.writerow(cells)
    return out.getvalue()


def build_strava_export(
    dest: Path,
    files: list[tuple[Path | None, dict]],
    *,
    folder: str = "",
    extra_members: dict[str, bytes] | None = None,
) -> Path:
    """Write a Strava bulk-export zip at `dest` (the zip's path) and return it.

    Layout (as Strava ships it, evidence/load.md section 3):
        [folder/]activities.csv                CSV with repeated columns, see STRAVA_HEADER
        [folder/]activities/<id><ext>[.gz]     one member per listed file
        [folder/]<name>                        each of `extra_members`, bytes as given
    `folder` ("export_123/") puts everything one folder down, as some
    unzip-and-rezip round trips do.

    `files`: (real file, row) pairs; file None = a manual activity (empty
    Filename). Row keys, all optional: id (default 1000000001, 1000000002...),
    date (string as written in the CSV), name, type ('Run', 'Ride'...), gear,
    rpe, distance (FIRST Distance column, display unit), distance_m (SECOND
    Distance column, metres), elapsed_s, gzip (store gzipped as .gz),
    member (Filename override, relative to the export root), omit (list the
    file in the CSV but leave it out of the zip).
    """
    rows = []
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for number, (path, spec) in enumerate(files, start=1):
            row = {"id": str(1_000_000_000 + number), **spec}
            if path is not None:
                data = path.read_bytes()
                name = f"activities/{row['id']}{path.suffix.lower()}"
                if spec.get("gzip"):
                    data, name = gzip.compress(data, mtime=0), name + ".gz"
                row["filename"] = spec.get("member", name)
                if not spec.get("omit"):
                    zf.writestr(folder + row["filename"], data)
            rows.append(row)
        zf.writestr(folder + "activities.csv", strava_csv_text(rows))
        for name, data in (extra_members or {}).items():
            zf.writestr(folder + name, data)
    return dest


def build_garmin_export(
    dest: Path,
    files: list[tuple[Path | None, dict]],
    *,
    user: str = "runner@example.com",
    upload_folder: str = "DI-Connect-Uploaded-Files",
    files_per_part: int = 1000,
) -> Path:
    """Write a Garmin Connect data-export zip at `dest` and return it.

    Layout (account "Export Your Data" archive):
        DI_CONNECT/DI-Connect-Fitness/<user>_0_summarizedActivities.json
            [{"summarizedActivitiesExport": [summary, ...]}]
        DI_CONNECT/<upload_folder>/UploadedFiles_0-_Part<N>.zip   nested zips, files_per_part each
            <member name>                                         the uploaded FIT
        DI_CONNECT/DI-Connect-User/user_profile.json              ignored noise
    `upload_folder` is `DI-Connect-Uploaded-Files` in current exports; older
    ones used `DI-Connect-Fitness-Uploaded-Files` or `DI-Connect-Fitness`.

    `files`: (real FIT, summary) pairs; file None = a summary without a file.
    The summary is written as Garmin writes it: activityId, name,
    activityType, sportType, startTimeGmt (epoch ms), duration (ms),
    distance (CENTIMETRES). Builder-only keys, removed before writing:
    file_name (member name; default "<user>_<activityId>.fit") and
    summary (False = put the file in but leave the summary out).
    """
    summaries, uploads = [], []
    for number, (path, spec) in enumerate(files, start=1):
        summary = {"activityId": 9_000_000_000 + number, **spec}
        file_name = summary.pop("file_name", f"{user}_{summary['activityId']}.fit")
        if summary.pop("summary", True):
            summaries.append(summary)
        if path is not None:
            uploads.append((file_name, path.read_bytes()))
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            f"DI_CONNECT/DI-Connect-Fitness/{user}_0_summarizedActivities.json",
            json.dumps([{"summarizedActivitiesExport": summaries}]),
        )
        for part, start in enumerate(range(0, len(uploads), files_per_part), start=1):
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as inner:
                for name, data in uploads[start:start + files_per_part]:
                    inner.writestr(name, data)
            zf.writestr(f"DI_CONNECT/{upload_folder}/UploadedFiles_0-_Part{part}.zip", buffer.getvalue())
        zf.writestr("DI_CONNECT/DI-Connect-User/user_profile.json", json.dumps({"userName": user}))
    return dest
