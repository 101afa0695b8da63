"""`draftforge stats`: count the manuscript and update `.draftforge/stats.json`."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import click

from ..pipeline import run_stats
from ..report import build_report
from .console import error_console, output_console


def run_time() -> datetime:
    """The time of this run: `SOURCE_DATE_EPOCH` when set (reproducible builds), else now."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        try:
            return datetime.fromtimestamp(int(value), UTC)
        except ValueError:
            raise click.BadParameter(
                f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {value!r}"
            ) from None
    return datetime.now(UTC)


@click.command()
@click.argument(
    "path",
    required=False,
    default=".",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option("--json", "as_json", is_flag=True, help="Print the stats JSON instead of the report.")
@click.option("--no-write", is_flag=True, help="Compute and show; write nothing.")
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if .draftforge/stats.json is missing or out of date.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors and warnings.")
def stats(path: Path, as_json: bool, no_write: bool, check: bool, quiet: bool) -> None:
    """Count the manuscript at PATH (default: here) and write .draftforge/stats.json."""
    result = run_stats(path, now=run_time(), write=not (no_write or check))
    errors = error_console()
    for warning in result.warnings:
        errors.print(f"[yellow]warning:[/] {warning}", markup=True, highlight=False)
    if not quiet:
        for note in result.notes:
            errors.print(f"note: {note}", highlight=False)

    if check:
        on_disk = result.path.read_text(encoding="utf-8") if result.path.is_file() else None
        if on_disk is None or on_disk != result.text:
            reason = "is missing" if on_disk is None else "is out of date"
            errors.print(
                f"{result.path.relative_to(result.root)} {reason}: run `draftforge stats` "
                "and commit the file.",
                highlight=False,
            )
            raise click.exceptions.Exit(1)
        if not quiet:
            errors.print(f"{result.path.relative_to(result.root)} is up to date.")
        return

    if as_json:
        click.echo(result.text, nl=False)
        return
    if quiet:
        return
    console = output_console()
    console.print(build_report(result.stats))
    where = result.path.relative_to(result.root)
    if result.written:
        console.print(f"Wrote {where}.", highlight=False)
    elif no_write:
        console.print("Nothing written (--no-write).", highlight=False)
    else:
        console.print(f"{where} is up to date; nothing written.", highlight=False)
