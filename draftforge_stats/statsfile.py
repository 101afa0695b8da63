"""The shape of `.draftforge/stats.json`, as pydantic models.

`schemas/stats.schema.json` is the public contract; these models are how the code builds
the data, and a test proves that what they produce validates against the schema. Field
order here is the key order in the file.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

import jsonschema
from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from .counting import RULES_VERSION
from .errors import StatsFileError
from .validation.schemas import load_schema

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


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = load_schema("stats.schema.json")
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def stats_errors(data: Any) -> list[str]:
    """Every way `data` breaks the stats schema, as `$.path: message` lines (empty: valid)."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.path)))
    return [f"{e.json_path}: {e.message}" for e in errors]


def check_stats(data: Any) -> None:
    """Raise :class:`StatsFileError` when `data` is not a valid stats file."""
    errors = stats_errors(data)
    if errors:
        raise StatsFileError(
            "The computed stats do not match schemas/stats.schema.json; nothing was written:\n  "
            + "\n  ".join(errors)
        )
