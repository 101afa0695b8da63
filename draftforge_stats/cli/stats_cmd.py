"""`draftforge stats`: count the manuscript and update `.draftforge/stats.json`."""

from __future__ import annotations

import contextlib
import time
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import click

from ..pipeline import run_stats
from ..worktree import Processes
from .arguments import project_path, run_time

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

# rich (the consoles, the progress bar, the report) is imported only when something is
# shown: a quiet run with nothing to say (the Action's push update) never loads it.

#: The progress bar appears only when counting the history takes longer than this (seconds).
PROGRESS_DELAY = 0.5


def _error_console() -> Console:
    from .console import error_console

    return error_console()


def _escape(text: str) -> str:
    """`text` shown as it is in a rich message."""
    from rich.markup import escape

    return escape(text)


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
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

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
@click.option(
    "--processes",
    default="auto",
    metavar="N|auto",
    show_default=True,
    help="Count the files not counted before in N processes, and the history's versions in "
    "two (auto: one per core once 200 files need counting, two once 500 versions do; "
    "1: this process only).",
)
def stats(
    path: Path,
    as_json: bool,
    no_write: bool,
    check: bool,
    quiet: bool,
    today: datetime | None,
    allow_shorter_history: bool,
    processes: str,
) -> None:
    """Count the manuscript at PATH (default: here) and write .draftforge/stats.json."""
    errors = None if quiet else _error_console()
    pinned: date | None = today.date() if today is not None else None
    progress = HistoryProgress(errors) if errors is not None and errors.is_terminal else None
    with progress or contextlib.nullcontext():
        result = run_stats(
            path,
            now=run_time(),
            write=not (no_write or check),
            today=pinned,
            progress=progress,
            allow_shorter_history=allow_shorter_history,
            processes=Processes.parse(processes),
        )
    if errors is None and (result.warnings or check):
        errors = _error_console()
    for warning in result.warnings:
        assert errors is not None
        errors.print(f"[yellow]warning:[/] {_escape(warning)}", highlight=False)
    if not quiet:
        for note in result.notes:
            assert errors is not None
            errors.print(f"note: {note}", markup=False, highlight=False)

    if check:
        assert errors is not None
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
            errors.print(f"{result.path.relative_to(result.root)} is up to date.", markup=False)
        return

    if as_json:
        click.echo(result.text, nl=False)
        return
    if quiet:
        return
    from ..report import build_report
    from .console import output_console, print_line, print_report

    console = output_console()
    print_report(console, build_report(result.stats, today=result.today))
    where = result.path.relative_to(result.root)
    if result.written_files:
        print_line(console, f"Wrote {', '.join(result.written_files)}.")
    elif no_write:
        print_line(console, "Nothing written (--no-write).")
    else:
        print_line(console, f"{where} is up to date; nothing written.")
