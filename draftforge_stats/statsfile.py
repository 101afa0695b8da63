"""`.draftforge/stats.json`, its one owner: the model, reading, checking, rendering, writing.

`schemas/stats.schema.json` is the public contract; the pydantic models here are how the
code builds the data, and a test proves that what they produce validates against the
schema. Field order here is the key order in the file.

* :func:`read_stats_file` reads the file with the rules for a missing, an unreadable, a
  broken, an invalid or a newer file: the result says why it cannot be used, never raises;
* :func:`stats_errors` / :func:`check_stats` check data with the very checks `draftforge
  validate` runs on the file (the schema with the same format checks, then the rules of
  :func:`draftforge_stats.validation.rules.stats_problems`);
* :func:`render` gives the exact, deterministic text and :func:`atomic_write` replaces the
  file atomically.

Library code: it reads and writes only the paths it is given; it never prints.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from .counting import RULES_VERSION
from .errors import StatsFileError
from .names import STATS_FILE

FORMAT_VERSION = "1.0.0"
GENERATED_BY = "draftforge-stats-action"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProjectInfo(_Model):
    name: str
    type: str
    target_word_count: int | None = None


class Current(_Model):
    word_count: int
    chapter_count: int
    character_count: int
    character_count_no_spaces: int
    last_updated: str
    last_commit_sha: str | None = None
    last_commit_at: str | None = None
    total_commits: int = 0


class ChapterEntry(_Model):
    file: str
    title: str
    word_count: int
    character_count: int
    character_count_no_spaces: int
    last_modified: str | None = None


class ManuscriptEntry(_Model):
    file: str
    word_count: int
    character_count: int
    character_count_no_spaces: int


class Breakdown(_Model):
    chapters: list[ChapterEntry] = Field(default_factory=list)
    manuscript: list[ManuscriptEntry] = Field(default_factory=list)


class HistoryEntry(_Model):
    date: str
    word_count: int
    chapter_count: int
    commits: int
    words_written: int
    commit_sha: str


class Streaks(_Model):
    current_days: int = 0
    longest_days: int = 0
    last_write_date: str | None = None
    total_writing_days: int = 0


class HistoryBasis(_Model):
    """How `history` was made. When a setting here differs from the config, or the rules
    version changed, the next run rebuilds the history from git instead of adding to it."""

    chapters_directory: str
    manuscript_directory: str
    include: list[str]
    exclude: list[str]
    count_code_blocks: bool
    timezone: str | None
    day_starts_at: int
    complete: bool
    """False when git did not have the whole history (a shallow clone): the first days
    after the shallow boundary are approximate, and a run in a full clone redoes them."""


class Stats(_Model):
    version: Literal["1.0.0"] = "1.0.0"
    counting_rules_version: int = RULES_VERSION
    project: ProjectInfo
    current: Current
    breakdown: Breakdown
    history: list[HistoryEntry] = Field(default_factory=list)
    streaks: Streaks = Field(default_factory=Streaks)
    history_basis: HistoryBasis | None = None
    """Left out of the file when there is no git history (outside git)."""
    generated_by: str = GENERATED_BY
    generated_at: str

    @model_serializer(mode="wrap")
    def _leave_out_missing_basis(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict) and data.get("history_basis", False) is None:
            del data["history_basis"]
        return data


class Totals(TypedDict):
    word_count: int
    chapter_count: int
    character_count: int
    character_count_no_spaces: int


def chapter_totals(chapters: Sequence[ChapterEntry]) -> Totals:
    """The `current` totals that follow from the chapter breakdown (one rule: they add up)."""
    return {
        "word_count": sum(c.word_count for c in chapters),
        "chapter_count": len(chapters),
        "character_count": sum(c.character_count for c in chapters),
        "character_count_no_spaces": sum(c.character_count_no_spaces for c in chapters),
    }


# ---------------------------------------------------------------------------- checking


def stats_errors(data: Any) -> list[str]:
    """Every way `data` breaks the stats file's contract, as `$.path: message` lines (empty:
    valid): the schema (with the format checks of `draftforge validate`), then the rules
    for a stats file (totals, history order, streaks); a value the schema refused is not
    checked again."""
    # late: validation imports the config, which is heavier
    from .validation import errors_of, rules, schemas
    from .validation.documents import load_json

    errors = sorted(
        schemas.validator_for("stats.schema.json").iter_errors(data),
        key=lambda e: list(map(str, e.path)),
    )
    lines = [f"{e.json_path}: {e.message}" for e in errors]
    if errors or not isinstance(data, dict):
        return lines
    doc = load_json(json.dumps(data), STATS_FILE.as_posix())
    problems = rules.stats_problems(doc)
    return [f"{p.path}: {p.message}" for p in errors_of(problems)]


def check_stats(data: Any) -> None:
    """Raise :class:`StatsFileError` when `data` is not a valid stats file."""
    errors = stats_errors(data)
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
    data is a valid stats file this version understands."""

    raw: bytes | None = None
    data: Any = None
    problem: str | None = None

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


def read_stats_file(path: Path) -> StoredFile:
    """Read and check the stats file at `path`; a file that cannot be used says why.

    No file: an empty result. Not readable, not UTF-8, not JSON, not valid by
    :func:`stats_errors` or written in a newer format (`version` above
    :data:`FORMAT_VERSION`): `problem` says which, in words fit for a warning."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return StoredFile()
    except OSError as exc:
        return StoredFile(problem=f"it cannot be read ({exc.strerror})")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return StoredFile(raw, problem=f"byte {exc.start} is not UTF-8")
    except ValueError as exc:
        return StoredFile(raw, problem=f"it is not valid JSON: {exc}")
    newer = _newer_version(data)
    if newer is not None:
        return StoredFile(raw, data, problem=f"it was written in a newer format, version {newer}")
    errors = stats_errors(data)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return StoredFile(raw, data, problem=f"it does not match the schema: {errors[0]}{more}")
    return StoredFile(raw, data)


def load_stats(path: Path) -> Stats | None:
    """The stats in the file at `path`, or None when there is none that can be used."""
    return read_stats_file(path).stats()


# ---------------------------------------------------------------------------- writing


# Fields that record *when* the content changed; they alone never make a file "changed".
TIMESTAMP_FIELDS = (("generated_at",), ("current", "last_updated"))


def render(stats: Stats) -> str:
    """The file's exact text: keys in model order, two-space indent, final newline."""
    return json.dumps(stats.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def without_timestamps(data: Any) -> Any:
    """A copy of stats data with the timestamp fields removed, for comparing content."""
    if not isinstance(data, dict):
        return data
    copy = json.loads(json.dumps(data))
    for path in TIMESTAMP_FIELDS:
        node = copy
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(path[-1], None)
    return copy


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename.

    Readers see the old file or the new one, never half of one; on any failure the
    temporary file is removed and the old file is untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
