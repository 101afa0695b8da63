"""The shape of `.draftforge/stats.json`, as records (:mod:`..records`: data classes with
the methods of pydantic's models the package uses).

`schemas/stats.schema.json` is the public contract; these models are how the code builds
the data, and a test proves that what they produce validates against the schema. Field
order here is the key order in the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, TypedDict

from ..counting import RULES_VERSION
from ..records import Record, field

FORMAT_VERSION = "1.1.0"
"""1.1.0 added `words_added`/`words_deleted` to history days, `goal` and chapter targets;
a 1.0.0 file is still read (and upgraded on the next write)."""
READ_VERSIONS = ("1.0.0", FORMAT_VERSION)
GENERATED_BY = "draftforge-stats-action"


class _Model(Record):
    """A part of the stats file (a mutable record)."""


class ProjectInfo(_Model):
    """`project`: the name, kind and target the stats were made for."""

    name: str
    type: str
    target_word_count: int | None = None


class Current(_Model):
    """`current`: today's totals."""

    word_count: int
    chapter_count: int
    character_count: int
    character_count_no_spaces: int
    last_updated: str
    last_commit_sha: str | None = None
    last_commit_at: str | None = None
    total_commits: int = 0


class TargetInfo(_Model):
    """A chapter's target (`stats.chapter_targets` or `target_words` in its front matter)."""

    words: int
    percent: float
    overrun: bool


class ChapterEntry(_Model):
    """One chapter in `breakdown.chapters`."""

    file: str
    title: str
    word_count: int
    character_count: int
    character_count_no_spaces: int
    last_modified: str | None = None
    target: TargetInfo | None = None
    """Left out of the file when the chapter has no target."""

    def _dumped(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("target", False) is None:
            del data["target"]
        return data


class ManuscriptEntry(_Model):
    """One file in `breakdown.manuscript`."""

    file: str
    word_count: int
    character_count: int
    character_count_no_spaces: int


class Breakdown(_Model):
    """`breakdown`: the counts of every chapter and manuscript file."""

    chapters: list[ChapterEntry] = field(default_factory=list)
    manuscript: list[ManuscriptEntry] = field(default_factory=list)


class HistoryEntry(_Model):
    """One day of `history`."""

    date: str
    word_count: int
    chapter_count: int
    commits: int
    words_written: int
    words_added: int | None = None
    words_deleted: int | None = None
    """Left out (both) for a day kept from a 1.0.0 file that git can no longer make again."""
    commit_sha: str

    def _dumped(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("words_added", False) is None:
            data.pop("words_added")
            data.pop("words_deleted", None)
        return data


def words_added(entry: HistoryEntry) -> int:
    """The words a history day added: its `words_added` when the entry has one, else the
    positive part of `words_written` (a day that cut more than it wrote added none that shows)."""
    added = getattr(entry, "words_added", None)
    if isinstance(added, int):
        return max(added, 0)
    return max(entry.words_written, 0)


class Streaks(_Model):
    """`streaks`: the current and longest runs of writing days."""

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
    case_sensitive_globs: bool = False
    count_code_blocks: bool
    timezone: str | None
    day_starts_at: int
    complete: bool
    """False when git did not have the whole history (a shallow clone): the first days
    after the shallow boundary are approximate, and a run in a full clone redoes them."""


class GoalInfo(_Model):
    """Progress toward `project.target_word_count` by `stats.deadline` (see goals.py)."""

    target_word_count: int
    deadline: str | None
    words_remaining: int
    days_remaining: int | None
    words_per_day_needed: int | None
    par: int | None
    ahead_by: int | None
    recent_pace: int
    projected_finish: str | None


class Stats(_Model):
    """The whole stats file, `.draftforge/stats.json`."""

    version: Literal["1.0.0", "1.1.0"] = "1.1.0"
    """A 1.0.0 file read back keeps its version; every file written is 1.1.0."""
    counting_rules_version: int = RULES_VERSION
    project: ProjectInfo
    current: Current
    breakdown: Breakdown
    history: list[HistoryEntry] = field(default_factory=list)
    streaks: Streaks = field(default_factory=Streaks)
    goal: GoalInfo | None = None
    """Null when the project has no target word count."""
    history_basis: HistoryBasis | None = None
    """Left out of the file when there is no git history (outside git)."""
    generated_by: str = GENERATED_BY
    generated_at: str

    def _dumped(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("history_basis", False) is None:
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
