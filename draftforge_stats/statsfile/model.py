"""The shape of `.draftforge/stats.json`, as pydantic models.

`schemas/stats.schema.json` is the public contract; these models are how the code builds
the data, and a test proves that what they produce validates against the schema. Field
order here is the key order in the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from ..counting import RULES_VERSION

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
