"""`draftforge stats`: count the manuscript and update `.draftforge/stats.json`."""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path
from types import TracebackType

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from ..pipeline import run_stats
from ..report import build_report
from .arguments import project_path, run_time
from .console import error_console, output_console, print_report

#: The progress bar appears only when counting the history takes longer than this (seconds).
PROGRESS_DELAY = 0.5


class HistoryProgress:
    """A progress bar on stderr for the history walk: only on a terminal, and only once the
    walk has taken more than a moment (:data:`PROGRESS_DELAY`)."""

    def __init__(self, console: Console, *, delay: float = PROGRESS_DELAY) -> None:
        self.console = console
        self.delay = delay
        self._started: float | None = None
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> HistoryProgress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self._started is None:
            self._started = now
        if self._bar is None:
            if done >= total or now - self._started < self.delay:
                return
            self._bar = Progress(
                TextColumn("Reading the history"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("versions counted"),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("history", total=total)
        assert self._task is not None
        self._bar.update(self._task, completed=done, total=total)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        self._started = None


@click.command()
@project_path
@click.option("--json", "as_json", is_flag=True, help="Print the stats JSON instead of the report.")
@click.option("--no-write", is_flag=True, help="Compute and show; write nothing.")
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if .draftforge/stats.json is missing or out of date.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors and warnings.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Count the streaks as of this day (default: today; SOURCE_DATE_EPOCH sets the time).",
)
@click.option(
    "--allow-shorter-history",
    is_flag=True,
    help="Write the stats even when they drop days of the stored history (git cannot make "
    "them again: a shallow clone, rewritten history, changed settings).",
)
def stats(
    path: Path,
    as_json: bool,
    no_write: bool,
    check: bool,
    quiet: bool,
    today: datetime | None,
    allow_shorter_history: bool,
) -> None:
    """Count the manuscript at PATH (default: here) and write .draftforge/stats.json."""
    errors = error_console()
    pinned: date | None = today.date() if today is not None else None
    with HistoryProgress(errors) as progress:
        result = run_stats(
            path,
            now=run_time(),
            write=not (no_write or check),
            today=pinned,
            progress=progress if errors.is_terminal and not quiet else None,
            allow_shorter_history=allow_shorter_history,
        )
    for warning in result.warnings:
        errors.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    if not quiet:
        for note in result.notes:
            errors.print(f"note: {note}", markup=False, highlight=False)

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
    print_report(console, build_report(result.stats, today=result.today))
    where = result.path.relative_to(result.root)
    if result.written_files:
        console.print(f"Wrote {', '.join(result.written_files)}.", highlight=False)
    elif no_write:
        console.print("Nothing written (--no-write).", highlight=False)
    else:
        console.print(f"{where} is up to date; nothing written.", highlight=False)
