"""`.draftforge/stats.json`, its one owner: the model, reading, checking, rendering, writing.

`schemas/stats.schema.json` is the public contract; the records of :mod:`.model` are
how the code builds the data, and a test proves that what they produce validates against
the schema.

* :func:`read_stats_file` reads the file with the rules for a missing, an unreadable, a
  broken, an invalid or a newer file: the result says why it cannot be used, never raises;
* :func:`stats_errors` / :func:`check_stats` check data with the very checks `draftforge
  validate` runs on the file (the schema with the same format checks, then the rules of
  :func:`draftforge_stats.validation.rules.stats_problems`);
* :func:`render` gives the exact, deterministic text, :func:`atomic_write` replaces the
  file atomically and :func:`write_if_changed` writes only changed bytes (:mod:`.write`), the
  one no-needless-write rule for the stats file and the images beside it; the next write
  removes the temporary files of interrupted runs (:func:`remove_stale_temporaries`);
* what can still be kept from a file that is not valid is :mod:`.salvage`, and
  :func:`keep_backup` keeps the exact bytes of a file before it is replaced (:mod:`.backup`).

This package's top level is what the rest of the package uses: everything goes through it.

Library code: it reads and writes only the paths it is given; it never prints.
"""

from __future__ import annotations

import json
import os
from dataclasses import field
from pathlib import Path
from typing import Any

from ..errors import StatsFileError, UnreadableFileError
from ..names import STATS_FILE
from ..reading import NOT_OURS, read_regular_file
from ..records import dataclass
from .backup import keep_backup
from .checked import CHECKED_FILE, CheckedFiles, schema_part
from .model import (
    FORMAT_VERSION,
    GENERATED_BY,
    Breakdown,
    ChapterEntry,
    Current,
    GoalInfo,
    HistoryBasis,
    HistoryEntry,
    ManuscriptEntry,
    ProjectInfo,
    Stats,
    Streaks,
    TargetInfo,
    Totals,
    chapter_totals,
    words_added,
)
from .salvage import Salvage, dates_in_text, describe_problems, salvage_history, unknown_keys
from .write import (
    TIMESTAMP_FIELDS,
    atomic_write,
    check_own_folder,
    remove_stale_temporaries,
    render,
    render_data,
    without_timestamps,
    write_if_changed,
)

__all__ = [
    "CHECKED_FILE",
    "FORMAT_VERSION",
    "GENERATED_BY",
    "TIMESTAMP_FIELDS",
    "Breakdown",
    "ChapterEntry",
    "CheckedFiles",
    "Current",
    "GoalInfo",
    "HistoryBasis",
    "HistoryEntry",
    "ManuscriptEntry",
    "ProjectInfo",
    "Salvage",
    "Stats",
    "StoredFile",
    "Streaks",
    "TargetInfo",
    "Totals",
    "atomic_write",
    "chapter_totals",
    "check_own_folder",
    "check_stats",
    "dates_in_text",
    "describe_problems",
    "keep_backup",
    "load_stats",
    "parse_stats_bytes",
    "read_stats_file",
    "remove_stale_temporaries",
    "render",
    "render_data",
    "salvage_history",
    "stats_errors",
    "unknown_keys",
    "without_timestamps",
    "words_added",
    "write_if_changed",
]

# ---------------------------------------------------------------------------- checking


def stats_errors(data: Any, valid: Any = None) -> list[str]:
    """Every way `data` breaks the stats file's contract, as `$.path: message` lines (empty:
    valid): the schema (with the format checks of `draftforge validate`), then the rules
    for a stats file (totals, history order, streaks); a value the schema refused is not
    checked again.

    `valid` is stats data already found valid (the stored file): the schema does not check
    again the history and breakdown entries `data` shares with it (see
    :func:`.checked.schema_part`); the rules always see the whole of `data`."""
    # late: validation imports the config, which is heavier
    from ..validation import rules, schemas
    from ..validation.documents import Document
    from ..validation.fastcheck import surely_valid
    from ..validation.rules import errors_of

    def schema_errors(checked: Any) -> list[Any]:
        if surely_valid(checked, schemas.load_schema("stats.schema.json")):
            return []  # jsonschema would find nothing: it is not loaded (see .fastcheck)
        return sorted(
            schemas.validator_for("stats.schema.json").iter_errors(checked),
            key=lambda e: list(map(str, e.path)),
        )

    part = schema_part(data, valid)
    errors = schema_errors(part)
    if errors and part is not data:
        errors = schema_errors(data)  # the paths as they are in the whole file
    lines = [f"{e.json_path}: {e.message}" for e in errors]
    if errors or not isinstance(data, dict):
        return lines
    # Only the paths and messages are wanted: a document without positions (reading
    # positions from the whole text took longer than everything else here).
    doc = Document(file=STATS_FILE.as_posix(), data=data, syntax="json")
    problems = rules.stats_problems(doc)
    return [f"{p.path}: {p.message}" for p in errors_of(problems)]


def check_stats(data: Any, valid: Any = None) -> None:
    """Raise :class:`StatsFileError` when `data` is not a valid stats file (`valid`: as for
    :func:`stats_errors`)."""
    errors = stats_errors(data, valid)
    if errors:
        raise StatsFileError(
            "The computed stats do not match schemas/stats.schema.json; nothing was written:\n  "
            + "\n  ".join(errors)
        )


# ---------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class StoredFile:
    """The stats file found on disk: its bytes, its data, and why it cannot be used (if so).

    `raw` is None when there is no file (or it cannot be read); `problem` is None when the
    data is a valid stats file this version understands. `newer` says why the file was
    written by a newer version (a higher `version`, keys this version does not know): such
    a file must not be overwritten. `salvage` is what can be kept of its history, valid or
    not (:func:`.salvage.salvage_history`), and the days it names."""

    raw: bytes | None = None
    data: Any = None
    problem: str | None = None
    newer: str | None = None
    salvage: Salvage = field(default_factory=Salvage)

    @property
    def usable(self) -> bool:
        return self.raw is not None and self.problem is None

    def stats(self) -> Stats | None:
        """The file as a :class:`Stats`, or None when it cannot be used."""
        return Stats.model_validate(self.data) if self.usable else None


def _newer_version(data: Any) -> str | None:
    """The `version` of a stats file written by a newer format than this one, else None."""
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, str):
        return None
    try:
        theirs = tuple(int(part) for part in version.split("."))
    except ValueError:
        return None
    ours = tuple(int(part) for part in FORMAT_VERSION.split("."))
    return version if theirs > ours else None


def _why_newer(data: Any) -> str | None:
    """Why `data` looks written by a newer version of the format, or None."""
    version = _newer_version(data)
    if version is not None:
        return f"it was written in a newer format, version {version}"
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        return None  # not a stats file of any version: only broken
    unknown = unknown_keys(data)
    if unknown:
        keys = ", ".join(unknown[:5]) + (
            f" (and {len(unknown) - 5} more)" if len(unknown) > 5 else ""
        )
        return f"it has keys this version does not know: {keys}"
    return None


def read_stats_file(
    path: Path, checked: CheckedFiles | None = None, *, within: Path | None = None
) -> StoredFile:
    """Read and check the stats file at `path`; a file that cannot be used says why.

    No file: an empty result. Not readable, not UTF-8, not JSON, not valid by
    :func:`stats_errors` or written in a newer format (`version` above
    :data:`FORMAT_VERSION`, or keys this version does not know): `problem` says which, in
    words fit for a warning. Whatever can be kept of the history is in `salvage`. A file
    whose exact bytes `checked` knows was found valid before and is not checked again. With
    `within` (the project folder), a file that is a link out of it is not read."""
    if not os.path.lexists(path):
        return StoredFile()
    try:
        # a pipe, a link loop or out of the project, a huge file: said, never read
        raw = read_regular_file(path, within=within, too_large_fix=NOT_OURS)
    except UnreadableFileError as exc:
        return StoredFile(problem=f"it cannot be used: {exc}")
    return parse_stats_bytes(raw, checked)


def parse_stats_bytes(raw: bytes, checked: CheckedFiles | None = None) -> StoredFile:
    """Check the bytes of a stats file (from disk or from a commit) with the rules of
    :func:`read_stats_file`: why they cannot be used, and what of their history can be kept."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        named = Salvage(dates=dates_in_text(raw.decode("utf-8", errors="replace")))
        return StoredFile(raw, problem=f"byte {exc.start} is not UTF-8", salvage=named)
    except (ValueError, RecursionError) as exc:
        named = Salvage(dates=dates_in_text(raw.decode("utf-8")))
        return StoredFile(raw, problem=f"it is not valid JSON: {exc}", salvage=named)
    known = checked is not None and raw in checked
    salvage = salvage_history(data, valid=known)
    if known:
        # These exact bytes passed the check before: a valid file of this format, so no
        # newer version and no unknown keys (the schema allows none).
        return StoredFile(raw, data, salvage=salvage)
    newer = _why_newer(data)
    if newer is not None:
        return StoredFile(raw, data, problem=newer, newer=newer, salvage=salvage)
    errors = stats_errors(data)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return StoredFile(
            raw,
            data,
            problem=f"it does not match the schema: {errors[0]}{more}",
            salvage=salvage,
        )
    return StoredFile(raw, data, salvage=salvage)


def load_stats(path: Path, *, within: Path | None = None) -> Stats | None:
    """The stats in the file at `path`, or None when there is none that can be used (with
    `within`, the project folder: a link out of it is not read)."""
    return read_stats_file(path, within=within).stats()
