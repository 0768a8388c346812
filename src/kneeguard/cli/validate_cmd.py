"""`kneeguard validate`: check the gait analysis against motion capture and force plates."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kneeguard.cli.common import JsonOption, UserError, console, print_json, user_errors

app = typer.Typer(
    help="Check the video gait analysis against motion-capture markers and force-plate events.",
    no_args_is_help=True,
)


@app.command("mocap")
def mocap(
    c3d: Annotated[Path | None, typer.Option("--c3d", dir_okay=False, help="Running trial as .c3d (markers, and forces if it has them).")] = None,
    markers: Annotated[Path | None, typer.Option("--markers", dir_okay=False, help="Marker export (.txt, tab-separated, mm).")] = None,
    forces: Annotated[Path | None, typer.Option("--forces", dir_okay=False, help="Treadmill force export (.txt, Fy vertical, 300 Hz).")] = None,
    static: Annotated[Path | None, typer.Option("--static", dir_okay=False, help="Static calibration trial (.txt or .c3d) for joint centres.")] = None,
    processed: Annotated[Path | None, typer.Option("--processed", dir_okay=False, help="The data set's processed curves (knee angle truth).")] = None,
    speed: Annotated[str | None, typer.Option("--speed", help="Speed of the processed curves: 25, 35 or 45 (tenths of m/s); default from the trial's name, else 25.")] = None,
    noise_px: Annotated[float, typer.Option("--noise-px", min=0.0, help="Pose-like noise for the '+noise' rows, pixels.")] = 8.0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the noise.")] = 0,
    height_cm: Annotated[float, typer.Option("--height-cm", min=50.0, max=250.0, help="Runner's height.")] = 181.0,
    json_out: JsonOption = False,
) -> None:
    """Project markers onto a virtual side camera, run the analysis at several frame rates, report errors."""
    with user_errors():
        from kneeguard.gait.io.processed import SPEEDS

        if c3d is None and (markers is None or forces is None):
            raise UserError("give --c3d FILE, or both --markers FILE and --forces FILE")
        if c3d is not None and markers is not None:
            raise UserError("give either --c3d or --markers, not both")
        if speed is not None and speed not in SPEEDS:
            raise UserError(f"--speed must be one of {', '.join(SPEEDS)} (tenths of m/s)")
        for path in (c3d, markers, forces, static, processed):
            if path is not None and not path.is_file():
                raise UserError(f"file not found: {path}")
        from kneeguard.gait.keypoints import GaitError
        from kneeguard.gait.validation.validate import load_reference, reference_facts, validate_mocap

        try:
            reference = load_reference(markers, forces, static, processed, c3d, speed)
            results = validate_mocap(noise_px=noise_px, seed=seed, height_cm=height_cm, reference=reference)
        except KeyError as exc:  # a marker the joint centres need is absent
            raise UserError(f"the marker data lack what the validation needs: {exc.args[0] if exc.args else exc}") from exc
        except (RuntimeError, GaitError) as exc:
            raise UserError(str(exc)) from exc
        facts = reference_facts(reference)
    warning = facts["knee_truth"]["warning"]
    if json_out:
        if warning:
            typer.echo(f"warning: {warning}", err=True)
        print_json({"reference": facts, "results": results})
        return
    if warning:
        console.print(f"[yellow]Warning:[/] {warning}.", soft_wrap=True)
    _print_table(results, facts)


def _print_table(results: dict[str, dict], facts: dict) -> None:
    console.print(
        f"Reference: {facts['n_contacts']} force-plate contacts, contact {facts['contact_time_ms']:.0f} ms, "
        f"cadence {facts['cadence_spm']:.1f} steps/min; knee reference: {facts['knee_source']}"
        + (f" at {int(facts['knee_truth']['speed']) / 10:.1f} m/s." if facts["knee_truth"]["speed"] else " (not a truth).")
    )
    table = Table(title="Gait analysis vs motion capture (absolute errors, medians)")
    columns = [("ic_error_ms_median", "IC ms"), ("to_error_ms_median", "TO ms"), ("frame_ms", "1 frame ms"),
               ("contact_time_error_ms", "contact ms"), ("cadence_error_pct", "cadence %"),
               ("knee_ic_error_deg", "knee IC °"), ("knee_peak_error_deg", "knee peak °"), ("n_matched_ic", "matched")]
    table.add_column("rate")
    for _, title in columns:
        table.add_column(title, justify="right")
    for key, row in results.items():
        if "error" in row:
            table.add_row(key, f"[red]{row['error']}[/]", *[""] * (len(columns) - 1))
            continue
        table.add_row(key, *[_cell(row.get(c)) for c, _ in columns])
    console.print(table)


def _cell(value) -> str:
    if isinstance(value, int):
        return str(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    return "–" if number != number else f"{number:.1f}"
