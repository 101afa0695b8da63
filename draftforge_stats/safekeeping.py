"""What a run may not lose: the history and the bytes of the stats file it found.

:func:`read_existing` reads the stored file through its owner (:mod:`.statsfile`) and the
history it holds: all of it when the file is valid, else every valid entry and the days
it names (:mod:`.statsfile.salvage`). The messages say what a run refused to do (overwrite
a newer file, drop stored days) or what it did with a broken file (where its bytes are).
:func:`committed_days` reads the file as HEAD's commit holds it (through :mod:`.gitrepo`),
so that the days of the committed version are protected too. The pipeline decides; this
module only reads and words. I/O: reads the one path it is given and that path in HEAD;
never writes or prints.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .gitrepo import Repository
from .history import Stored, stored_days
from .reading import MAX_FILE_BYTES
from .records import dataclass
from .statsfile import (
    CheckedFiles,
    StoredFile,
    describe_problems,
    parse_stats_bytes,
    read_stats_file,
)
from .wording import plural as _plural


@dataclass(frozen=True)
class Existing:
    """The stats file found on disk (see :func:`.statsfile.read_stats_file`) and the history
    it holds, or why it cannot be used and what of its history can still be kept."""

    raw: bytes | None = None
    data: Any = None
    problem: str | None = None
    newer: str | None = None  # why it was written by a newer version (never overwritten)
    stored: Stored | None = None
    left_out: tuple[str, ...] = ()  # its history entries that could not be kept, and why
    days: frozenset[date] = frozenset()  # every day its history names: none may be dropped


def read_existing(
    path: Path, checked: CheckedFiles | None = None, *, within: Path | None = None
) -> Existing:
    """Read the stats file through its owner, then the history it holds: all of it when the
    file is valid, else every valid entry (see :mod:`.statsfile.salvage`). A file whose exact
    bytes `checked` knows was found valid before and is not checked again."""
    return _existing(read_stats_file(path, checked, within=within))


def committed_days(
    repo: Repository, path: str, checked: CheckedFiles | None = None, *, unless: bytes | None
) -> frozenset[date]:
    """The days of the stats file (`path`, relative to the top of the work tree) as HEAD
    holds it, read as far as it can be, as the working copy is (:func:`read_existing`): a
    working copy emptied, cut short or replaced must not take the committed days with it.
    None when HEAD has no such file, or holds exactly the bytes `unless` (the working
    copy's, whose days are protected already)."""
    raw = repo.committed_file(path, MAX_FILE_BYTES, unless=unless)
    if raw is None:
        return frozenset()
    return _existing(parse_stats_bytes(raw, checked)).days


def _existing(found: StoredFile) -> Existing:
    salvage = found.salvage
    problem = found.problem
    if found.usable:
        try:
            stored = Stored.from_data(found.data)
        except ValueError as exc:
            problem = str(exc)
        else:
            return Existing(found.raw, found.data, stored=stored, days=salvage.dates)
    return Existing(
        found.raw,
        found.data,
        problem=problem,
        newer=found.newer,
        stored=stored_days(salvage.entries) if salvage.entries else None,
        left_out=salvage.problems,
        days=salvage.dates,
    )


def newer_file_message(display: str, why: str) -> str:
    return (
        f"{display} was written by a newer version of DraftForge Stats ({why}). This version "
        "would lose what it does not understand, so nothing was written. Upgrade DraftForge "
        "Stats (`pip install --upgrade draftforge-stats`; in a workflow, use the newest "
        "release of the action), or remove the keys if you added them by hand."
    )


def dropped_days_message(
    display: str, dropped: list[date], stored_count: int, in_git: bool, commit: str | None = None
) -> str:
    """Why a run refused to drop stored days; with `commit`, the days are those of the file as
    that commit holds it (the working copy was emptied, cut short or replaced)."""
    named = ", ".join(day.isoformat() for day in dropped[:5])
    if len(dropped) > 5:
        named += f" and {len(dropped) - 5} more"
    why = (
        "this folder is not in a git repository"
        if not in_git
        else "git cannot make them again: a shallow clone (fetch the whole history with "
        "`git fetch --unshallow`; in GitHub Actions, actions/checkout with `fetch-depth: 0`), "
        "a rewritten history, or changed settings"
    )
    where = (
        f"{display} as commit {commit[:12]} holds it (`git show {commit[:12]}:{display}`; the "
        "file on disk was emptied, cut short or replaced)"
        if commit
        else display
    )
    return (
        f"The new stats would drop {_plural(len(dropped), 'day')} of the "
        f"{_plural(stored_count, 'day')} of history stored in {where} ({named}): {why}. "
        "Nothing was written. To replace the stored history with the shorter one anyway, run "
        "`draftforge stats --allow-shorter-history` (in the GitHub Action: "
        "`allow-shorter-history: true`)."
    )


def invalid_file_warning(
    display: str,
    existing: Existing,
    *,
    backup: str | None,
    committed: str | None,
    write: bool,
) -> str:
    kept = len(existing.stored.days) if existing.stored is not None else 0
    parts = [f"{display} is not a valid stats file ({existing.problem})"]
    if existing.left_out:
        parts.append(
            f"its history was read entry by entry: {_plural(kept, 'day')} kept, "
            f"{len(existing.left_out)} left out ({describe_problems(existing.left_out)})"
        )
    elif existing.data is not None:
        verb = "was" if kept == 1 else "were"
        parts.append(f"the {_plural(kept, 'day')} of its history {verb} kept")
    if not write:
        parts.append("it would be made again (nothing written now)")
        return "; ".join(parts) + "."
    where = f"its exact bytes are kept in {backup}" if backup else "it was made again"
    if committed:
        where += (
            f", and its last committed version is in commit {committed[:12]} "
            f"(`git show {committed[:12]}:{display}`)"
        )
    parts.append(f"it was made again; {where}" if backup else where)
    return "; ".join(parts) + "."


def shortened_warning(display: str, dropped: list[date]) -> str:
    """The warning of a run that dropped stored days because the author asked it to."""
    named = ", ".join(day.isoformat() for day in dropped[:5])
    return (
        f"The stored history of {display} was replaced by a shorter one, as asked "
        f"(--allow-shorter-history): {_plural(len(dropped), 'day')} dropped "
        f"({named}{' and more' if len(dropped) > 5 else ''})."
    )


__all__ = [
    "Existing",
    "committed_days",
    "dropped_days_message",
    "invalid_file_warning",
    "newer_file_message",
    "read_existing",
    "shortened_warning",
]
