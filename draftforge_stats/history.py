"""Step 4 of the pipeline: a per-day record of the writing, from the repository's git history.

The history is made from the first-parent commits of HEAD, oldest first: each commit that
changes a chapter or manuscript file (as :class:`~.discover.FileSelector` decides, the same
rule as for the working tree) counts on the writing day of its author date, and the day's
entry holds the chapters' totals after its last commit.

Fast on long histories:

* old commits are never checked out: one `git log --raw` lists what every commit changed
  (paths and new blob ids), and the per-file counts are kept running while walking forward,
  so only the files a commit changed are looked at;
* a blob is counted the first time its id is seen and never again: :class:`CountCache`
  keys counts by blob id, counting-rules version and `count_code_blocks`, and lives in the
  git folder between runs. A rename is a deletion plus an addition of the same blob, so it
  costs nothing and writes no words. Files in the working tree share the cache (their blob
  id is computed from their bytes);
* blobs are read in batches through one `git cat-file --batch` process;
* incremental: when the stored stats file was made at a commit on HEAD's first-parent
  line, only the newer commits are walked and merged into the stored days, giving exactly
  what a full walk gives.

Library code: it returns warnings and notes, it never prints.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import itertools
import json
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from enum import Enum
from pathlib import Path
from typing import Any

from . import __version__
from .counting import (
    RULES_VERSION,
    Block,
    TextCounts,
    count_markdown,
    count_with_blocks,
    decode_source,
)
from .dates import utc_iso
from .discover import FileSelector, Kind
from .gitrepo import BLOB_BATCH, FILE_MODES, BlobReader, CommitInfo, RawCommit, Repository
from .models import FORMAT_VERSION, HistoryBasis, HistoryEntry
from .output import atomic_write
from .replay import (
    Day,
    Replay,
    Totals,
    chapter_blobs,
    commit_key,
    diffs_words,
    generations,
    replay,
    word_changes,
)
from .streaks import DayRule

Progress = Callable[[int, int], None]
"""Called as `progress(done, total)` while blobs are being counted."""

CACHE_FILE = Path("draftforge-stats") / "counts.json"
"""Where :class:`CountCache` keeps counts between runs, inside the git folder."""
CACHE_FORMAT = 1
CACHE_LIMIT = 200_000
"""Past this many entries the cache keeps only what the last run used."""


# ---------------------------------------------------------------------------- counting


@functools.cache
def _fingerprint() -> str:
    """What besides the rules version can change a count: this package, the Markdown parser
    and the Unicode database (a forgotten RULES_VERSION bump never serves stale counts)."""
    parts = [f"draftforge-stats={__version__}", f"unicode={unicodedata.unidata_version}"]
    for name in ("markdown-it-py", "mdit-py-plugins"):
        try:
            parts.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name}=unknown")
    return " ".join(parts)


class CountCache:
    """Counts by blob id, for one counting-rules version and `count_code_blocks` setting.

    With a `path` (in the git folder) the counts outlive the run; without one they last
    as long as the object. A damaged cache file is ignored (and replaced on save).
    """

    def __init__(self, *, count_code_blocks: bool, path: Path | None = None) -> None:
        self.path = path
        self.key = f"{RULES_VERSION}:{int(count_code_blocks)}"
        self._entries: dict[str, TextCounts] = {}
        self._others: dict[str, Any] = {}
        self._used: set[str] = set()
        self._dirty = False
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            return
        sections = data.get("sections")
        if not isinstance(sections, dict):
            return
        if data.get("fingerprint") != _fingerprint():
            return  # another version of the package or its parser: start afresh
        for key, section in sections.items():
            if key == self.key and isinstance(section, dict):
                for blob, row in section.items():
                    with contextlib.suppress(TypeError, ValueError):
                        words, chars, no_spaces, title = row
                        self._entries[blob] = TextCounts(
                            int(words), int(chars), int(no_spaces), title
                        )
            elif str(key).startswith(f"{RULES_VERSION}:"):
                self._others[key] = section  # the other code-block setting: keep it

    def get(self, blob: str) -> TextCounts | None:
        counts = self._entries.get(blob)
        if counts is not None:
            self._used.add(blob)
        return counts

    def put(self, blob: str, counts: TextCounts) -> None:
        self._entries[blob] = counts
        self._used.add(blob)
        self._dirty = True

    def __len__(self) -> int:
        return len(self._entries)

    def save(self) -> None:
        """Write the cache if it learned something (errors are ignored: it is only a cache)."""
        if self.path is None or not self._dirty:
            return
        entries = self._entries
        if len(entries) > CACHE_LIMIT:
            entries = {blob: c for blob, c in entries.items() if blob in self._used}
        section = {
            blob: [c.words, c.characters, c.characters_no_spaces, c.title]
            for blob, c in sorted(entries.items())
        }
        data = {
            "format": CACHE_FORMAT,
            "fingerprint": _fingerprint(),
            "sections": {**self._others, self.key: section},
        }
        with contextlib.suppress(OSError):
            atomic_write(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        self._dirty = False


class Counter:
    """Counts files and blobs by the counting rules, each distinct content once."""

    def __init__(
        self, repo: Repository | None, cache: CountCache, *, count_code_blocks: bool
    ) -> None:
        self.repo = repo
        self.cache = cache
        self.count_code_blocks = count_code_blocks
        self.counted = 0
        """Blobs and files actually counted (not found in the cache) by this object."""

    def _count(self, data: bytes) -> tuple[TextCounts, int | None]:
        text, bad_offset = decode_source(data)
        self.counted += 1
        return count_markdown(text, count_code_blocks=self.count_code_blocks), bad_offset

    def file(self, data: bytes) -> tuple[TextCounts, int | None]:
        """The counts of a file's bytes, and the offset of its first byte that is not UTF-8."""
        if self.repo is None:
            return self._count(data)
        blob = self.repo.hash_blob(data)
        cached = self.cache.get(blob)
        if cached is not None:
            return cached, decode_source(data)[1]
        counts, bad_offset = self._count(data)
        self.cache.put(blob, counts)
        return counts, bad_offset

    def blobs(self, ids: Iterable[str], progress: Progress | None = None) -> dict[str, TextCounts]:
        """The counts of every blob in `ids`; blobs not in the cache are read and counted."""
        found: dict[str, TextCounts] = {}
        missing: list[str] = []
        for blob in dict.fromkeys(ids):
            cached = self.cache.get(blob)
            if cached is None:
                missing.append(blob)
            else:
                found[blob] = cached
        if not missing:
            return found
        if self.repo is None:
            raise ValueError("blobs can only be counted in a git repository")
        total = len(missing)
        if progress is not None:
            progress(0, total)
        with self.repo.blobs() as reader:
            for done, (blob, data) in enumerate(reader.read(missing), start=1):
                counts, _ = self._count(data)
                self.cache.put(blob, counts)
                found[blob] = counts
                if progress is not None:
                    progress(done, total)
        return found


class _BlobSource(Mapping[str, TextCounts]):
    """Counts (a mapping) and blocks of counted words (:meth:`blocks`) by blob id.

    A blob is read and parsed once for both, when first asked for (in walk order), and its
    counts go to the cache. Blocks are kept for the last :data:`BLOCKS_KEPT` blobs: a
    commit's old version of a chapter is nearly always a recent commit's new one. Blobs are
    read in batches of :data:`~.gitrepo.BLOB_BATCH`: with the one asked for, the next ones of
    `plan` (the walk's blobs in the order it will want them) not read yet.
    """

    def __init__(
        self,
        reader: BlobReader,
        counter: Counter,
        progress: Progress | None,
        total: int,
        plan: Sequence[str] = (),
    ) -> None:
        self.total = total
        self.reader = reader
        self.counter = counter
        self.progress = progress
        self.parsed = 0
        self._blocks: OrderedDict[str, list[Block]] = OrderedDict()
        self._plan = list(dict.fromkeys(plan))
        self._next = 0  # the first blob of the plan not read yet
        self._read: dict[str, bytes] = {}  # read ahead, not parsed yet

    def _data(self, blob: str) -> bytes:
        data = self._read.pop(blob, None)
        if data is not None:
            return data
        batch = [blob]
        plan = self._plan
        while self._next < len(plan) and len(batch) < BLOB_BATCH:
            ahead = plan[self._next]
            self._next += 1
            if ahead != blob and ahead not in self._read and ahead not in self._blocks:
                batch.append(ahead)
        found = dict(self.reader.read(batch))
        self._read.update((ahead, found[ahead]) for ahead in batch[1:])
        while len(self._read) > 4 * BLOB_BATCH:  # read ahead but never asked for (merges)
            del self._read[next(iter(self._read))]
        return found[blob]

    def _parse(self, blob: str) -> tuple[TextCounts, list[Block]]:
        data = self._data(blob)
        text, _ = decode_source(data)
        counts, blocks = count_with_blocks(text, count_code_blocks=self.counter.count_code_blocks)
        self._blocks[blob] = blocks
        if len(self._blocks) > BLOCKS_KEPT:
            self._blocks.popitem(last=False)
        if self.counter.cache.get(blob) is None:  # a new content (else only its blocks)
            self.counter.cache.put(blob, counts)
            self.counter.counted += 1
            self.parsed += 1
            if self.progress is not None:
                self.progress(self.parsed, max(self.parsed, self.total))
        return counts, blocks

    def __getitem__(self, blob: str) -> TextCounts:
        counts = self.counter.cache.get(blob)
        return counts if counts is not None else self._parse(blob)[0]

    def __contains__(self, blob: object) -> bool:
        return isinstance(blob, str) and self.counter.cache.get(blob) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def blocks(self, blob: str) -> list[Block]:
        found = self._blocks.get(blob)
        if found is not None:
            self._blocks.move_to_end(blob)
            return found
        return self._parse(blob)[1]


BLOCKS_KEPT = 256
"""Blobs whose blocks of counted words are kept in memory during a walk."""


# ----------------------------------------------------------------------------- stored


@dataclass(frozen=True)
class DayRecord:
    """One day of the history, without `words_written` (made from the order of the days)."""

    day: date
    word_count: int
    chapter_count: int
    commits: int
    commit_sha: str
    added: int | None = None
    deleted: int | None = None
    """Words added and deleted (None on a day kept from a 1.0.0 file)."""


@dataclass(frozen=True)
class Stored:
    """What an existing (schema-valid) stats file says about the history."""

    days: tuple[DayRecord, ...]  # oldest first
    last_commit_sha: str | None
    last_commit_at: str | None
    basis: HistoryBasis | None
    rules_version: int | None
    last_modified: Mapping[str, str | None]
    version: str = FORMAT_VERSION
    """The file's format version: a 1.0.0 file has no words added and deleted."""

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Stored:
        """Read a stats file's data (valid by the schema); ValueError when the history is
        not one entry per day, newest first."""
        days = tuple(
            DayRecord(
                date.fromisoformat(e["date"]),
                e["word_count"],
                e["chapter_count"],
                e["commits"],
                e["commit_sha"],
                e.get("words_added"),
                e.get("words_deleted"),
            )
            for e in reversed(data["history"])
        )
        for older, newer in itertools.pairwise(days):
            if newer.day <= older.day:
                raise ValueError(
                    f"the history is not one entry per day, newest first ({newer.day} "
                    f"comes before {older.day})"
                )
        current = data["current"]
        basis = data.get("history_basis")
        return cls(
            days=days,
            last_commit_sha=current.get("last_commit_sha"),
            last_commit_at=current.get("last_commit_at"),
            basis=HistoryBasis.model_validate(basis) if basis is not None else None,
            rules_version=data.get("counting_rules_version"),
            last_modified={
                c["file"]: c.get("last_modified") for c in data["breakdown"]["chapters"]
            },
            version=data.get("version", FORMAT_VERSION),
        )


# ---------------------------------------------------------------------------- walking


class Mode(Enum):
    """How a run made the history."""

    EMPTY = "empty"  # no commits yet
    UNCHANGED = "unchanged"  # the stored file was made at HEAD
    INCREMENTAL = "incremental"  # stored days + the commits after the stored commit
    FULL = "full"  # walked the whole first-parent history
    REBUILT = "rebuilt"  # full walk; stored days older than git's first commit kept
    SHALLOW = "shallow"  # stored days + the commits a shallow clone has (approximate)


@dataclass
class _Replay:
    days: dict[date, DayRecord] = field(default_factory=dict)
    last: RawCommit | None = None  # the latest commit that changed the manuscript
    touched: dict[str, datetime] = field(default_factory=dict)  # chapter -> last change
    authored: dict[str, datetime] = field(default_factory=dict)  # recorded sha -> date


def _records(days: Mapping[date, Day]) -> dict[date, DayRecord]:
    return {
        day: DayRecord(
            day,
            record.totals.words,
            record.totals.chapters,
            record.commits,
            record.sha,
            record.changes.added,
            record.changes.deleted,
        )
        for day, record in days.items()
    }


class _Paths:
    """Repository paths -> project paths and their kind (memoised: paths repeat a lot)."""

    def __init__(self, selector: FileSelector, prefix: str) -> None:
        self.selector = selector
        self.prefix = prefix
        self._memo: dict[str, tuple[str, Kind] | None] = {}

    def __call__(self, repo_path: str) -> tuple[str, Kind] | None:
        try:
            return self._memo[repo_path]
        except KeyError:
            pass
        hit: tuple[str, Kind] | None = None
        if repo_path.startswith(self.prefix):
            rel = repo_path[len(self.prefix) :]
            kind = self.selector.classify(rel)
            if kind is not None:
                hit = (rel, kind)
        self._memo[repo_path] = hit
        return hit


def merge_days(
    base: Iterable[DayRecord], new: Mapping[date, DayRecord], *, add: bool = True
) -> list[DayRecord]:
    """Days of `base` with the `new` days (from later commits) on top, oldest first.

    With `add`, a day in both keeps the new totals (its later commits) and adds up the
    commits and the words added and deleted; without it, the new day replaces the old one
    (it was made again whole).
    """
    by_day = {record.day: record for record in base}
    for day, record in new.items():
        old = by_day.get(day)
        if old is not None and add:
            record = replace(
                record,
                commits=old.commits + record.commits,
                added=_sum(old.added, record.added),
                deleted=_sum(old.deleted, record.deleted),
            )
        by_day[day] = record
    return [by_day[day] for day in sorted(by_day)]


def _sum(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def to_entries(days: Sequence[DayRecord]) -> list[HistoryEntry]:
    """The file's history (newest first); `words_written` is the change from the day before
    (for the first day, its whole word count)."""
    entries: list[HistoryEntry] = []
    previous = 0
    for record in days:
        entries.append(
            HistoryEntry(
                date=record.day.isoformat(),
                word_count=record.word_count,
                chapter_count=record.chapter_count,
                commits=record.commits,
                words_written=record.word_count - previous,
                words_added=record.added,
                words_deleted=record.deleted if record.added is not None else None,
                commit_sha=record.commit_sha,
            )
        )
        previous = record.word_count
    entries.reverse()
    return entries


@dataclass
class History:
    """The history of a project as one run made it."""

    entries: list[HistoryEntry]  # newest first
    basis: HistoryBasis
    total_commits: int
    last_commit_at: str | None  # UTC ISO 8601
    author_offset: tzinfo | None  # UTC offset of the newest entry's commit, when known
    last_modified: dict[str, str | None]  # chapter (project path) -> UTC ISO 8601
    mode: Mode
    described_sha: str | None = None  # the commit the numbers describe: `last_commit_sha`
    commits_walked: int = 0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def basis_for(
    selector: FileSelector,
    *,
    count_code_blocks: bool,
    timezone: str | None,
    day_starts_at: int,
    complete: bool = True,
) -> HistoryBasis:
    """The history settings in force (`complete` is decided by the walk)."""
    return HistoryBasis(
        chapters_directory=selector.chapters_directory,
        manuscript_directory=selector.manuscript_directory,
        include=list(selector.include),
        exclude=list(selector.exclude),
        case_sensitive_globs=selector.case_sensitive,
        count_code_blocks=count_code_blocks,
        timezone=timezone,
        day_starts_at=day_starts_at,
        complete=complete,
    )


def _same_settings(a: HistoryBasis, b: HistoryBasis) -> bool:
    return a.model_dump(exclude={"complete"}) == b.model_dump(exclude={"complete"})


def _folders(basis: HistoryBasis) -> tuple[str, str]:
    return basis.chapters_directory, basis.manuscript_directory


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def build_history(
    repo: Repository,
    *,
    head: CommitInfo | None,
    prefix: str,
    selector: FileSelector,
    basis: HistoryBasis,
    rule: DayRule,
    counter: Counter,
    stored: Stored | None,
    chapters: Sequence[str],
    progress: Progress | None = None,
) -> History:
    """Make the history of the project at `prefix` (its folder in the repository, "" or
    ending in "/") from git, adding to the `stored` history when it can.

    `basis` holds the settings in force (its `complete` is ignored); `chapters` are the
    chapter files of the working tree, whose `last_modified` dates are returned.
    """
    builder = _Builder(repo, _Paths(selector, prefix), basis, rule, counter, stored, progress)
    return builder.build(head, chapters)


@dataclass
class _Outcome:
    """What one way of making the history produced, before it is finished."""

    days: list[DayRecord]  # oldest first
    replay: _Replay
    mode: Mode
    complete: bool
    all_walked: bool = False
    """Every commit of HEAD was walked: a chapter the walk never touched was never committed."""
    commits_walked: int = 0
    described: str | None = None
    """The commit the numbers describe (see :meth:`_Builder._described`)."""


class _Builder:
    def __init__(
        self,
        repo: Repository,
        paths: _Paths,
        basis: HistoryBasis,
        rule: DayRule,
        counter: Counter,
        stored: Stored | None,
        progress: Progress | None,
    ) -> None:
        self.repo = repo
        self.paths = paths
        self.basis = basis
        self.rule = rule
        self.counter = counter
        self.stored = stored
        self.progress = progress
        self.boundaries = repo.shallow_boundaries()
        self.warnings: list[str] = []
        self.notes: list[str] = []

    def build(self, head: CommitInfo | None, chapters: Sequence[str]) -> History:
        outcome = self._outcome(head)
        return self._finish(outcome, chapters)

    def _outcome(self, head: CommitInfo | None) -> _Outcome:
        stored = self.stored
        if head is None:  # no commits yet: the stored days are all there is
            days = list(stored.days) if stored else []
            complete = stored.basis.complete if stored and stored.basis else True
            return _Outcome(days, _Replay(), Mode.EMPTY, complete, all_walked=True)

        trusted = (
            stored is not None
            and stored.basis is not None
            and stored.rules_version == RULES_VERSION
            and stored.version == FORMAT_VERSION
            and _same_settings(stored.basis, self.basis)
            and stored.last_commit_sha is not None
        )
        moved = (
            stored is not None
            and stored.basis is not None
            and _folders(stored.basis) != _folders(self.basis)
        )
        if stored is not None and stored.basis is not None and not trusted:
            if stored.rules_version != RULES_VERSION:
                self.notes.append(
                    "The counting rules changed: the history was counted again from git."
                )
            elif stored.version != FORMAT_VERSION:
                self.notes.append(
                    f"The stats file was made in format {stored.version}: the history was made "
                    "again from git, to add the words added and deleted each day (days older "
                    "than git's first commit are kept as they were)."
                )
            elif moved:
                self.notes.append(
                    "The chapters or manuscript folder changed: the history was made again "
                    "from git, keeping the stored days before the first day it has."
                )
            elif not _same_settings(stored.basis, self.basis):
                self.notes.append(
                    "The settings that decide the history changed (chapters, include/exclude, "
                    "code blocks, time zone or day start): the history was made again from git."
                )
        rewritten = False
        if trusted:
            assert stored is not None and stored.basis is not None
            if stored.basis.complete or self.boundaries:
                extended = self._extend(stored, head)
                if extended is not None:
                    return extended
                rewritten = True
            else:
                self.notes.append(
                    "The clone now has the whole history: the days made in a shallow clone "
                    "were made again."
                )
        return self._rebuild(head, rewritten=rewritten, moved=moved)

    def _described(self, log: Sequence[RawCommit], head: str, fallback: str) -> str:
        """The commit the numbers describe: from `head` back along first parents, the first
        commit of `log` that changed something besides this tool's own output (the
        project's `.draftforge/` files other than `config.yml`), else `fallback`.

        So committing the stats file (or an empty commit) does not make the stats out of
        date: `draftforge stats --check` passes right after `git commit` of the file, and a
        run after that commit changes nothing.
        """
        own = self.paths.prefix + ".draftforge/"
        config = own + "config.yml"
        by_sha = {commit.sha: commit for commit in log}
        commit = by_sha.get(head)
        while commit is not None:
            if any(not c.path.startswith(own) or c.path == config for c in commit.changes):
                return commit.sha
            commit = by_sha.get(commit.parents[0]) if commit.parents else None
        return fallback

    def _extend(self, stored: Stored, head: CommitInfo) -> _Outcome | None:
        """Add to the stored days, or None when the stored commit is not an ancestor of HEAD
        (history rewritten) and this is not a shallow clone without it."""
        since = stored.last_commit_sha
        assert since is not None and stored.basis is not None
        complete = stored.basis.complete
        if since == head.sha:
            return _Outcome(list(stored.days), _Replay(), Mode.UNCHANGED, complete, described=since)
        if self.repo.has_commit(since):
            if not self.repo.is_ancestor(since, head.sha):
                return None
            log = self.repo.log(since=since)
            if not log:
                return None
            replay = self._incremental(stored, log)
            days = merge_days(stored.days, replay.days, add=False)
            described = self._described(log, head.sha, since)
            return _Outcome(
                days,
                replay,
                Mode.INCREMENTAL,
                complete,
                commits_walked=len(log),
                described=described,
            )
        if not self.boundaries:
            return None
        # A shallow clone without the stored commit: keep the stored days as they are and
        # add what the clone has, its boundary commits as the starting point.
        log = self.repo.log()
        first = self._first_boundary(log)
        if first is None:
            return None
        reference = stored.days[-1] if stored.days else None
        replay = self._walk(log, reference=reference)
        self.warnings.append(self._shallow_warning(first, kept=len(stored.days)))
        days = merge_days(stored.days, replay.days)
        described = self._described(log, head.sha, head.sha)
        return _Outcome(
            days, replay, Mode.SHALLOW, complete=False, commits_walked=len(log), described=described
        )

    def _incremental(self, stored: Stored, log: Sequence[RawCommit]) -> _Replay:
        """Replay the commits after the stored commit, exactly as a full walk would.

        A day that already has stored commits is made again whole: its earlier commits are
        found in the full log (one more `git log`, only then) and their words compared again,
        so moves between its commits are seen whichever run they fell in; its totals are
        those of its latest commit among old and new.
        """
        new_days = {self.rule.day(commit.authored_at) for commit in log}
        stored_by_day = {record.day: record for record in stored.days}
        overlap = new_days & set(stored_by_day)
        generation = generations(log, self.repo.generations())
        seeds: dict[date, Day] = {}
        with self._sources(plan=chapter_blobs(log, self.paths)) as (counts, blocks):
            if overlap:
                full = self.repo.log()
                new = {commit.sha for commit in log}
                by_sha = {commit.sha: commit for commit in full}
                for day in sorted(overlap):
                    record = stored_by_day[day]
                    seed = seeds[day] = Day(day, commits=record.commits)
                    latest = by_sha.get(record.commit_sha)
                    if latest is not None:
                        seed.take(
                            commit_key(latest, generation[latest.sha]),
                            record.commit_sha,
                            Totals(record.word_count, record.chapter_count),
                            latest.authored_at,
                        )
                for commit in full:
                    if commit.sha in new:
                        continue
                    day = self.rule.day(commit.authored_at)
                    if day in seeds and diffs_words(commit, boundaries=self.boundaries):
                        seeds[day].changes.add_all(word_changes(commit, self.paths, blocks))
            walked = self._replay(log, counts, blocks, generation, days=seeds)
        result = self._result(walked)
        for day, record in stored_by_day.items():
            if day in result.days and record.added is None:
                result.days[day] = replace(result.days[day], added=None, deleted=None)
        return result

    def _rebuild(self, head: CommitInfo, *, rewritten: bool, moved: bool) -> _Outcome:
        """Walk the whole first-parent history; keep the stored days older than the oldest
        commit git has (nothing is lost when history was rewritten or cut short).

        A rewritten history never replaces a stored one with more days (everything squashed
        into one commit, which keeps the first commit's author date): every stored day is
        kept, and git's days from the newest stored day on are taken. Not when HEAD only
        moved back to an ancestor of the stored commit: then the history is HEAD's.

        When the chapters or manuscript folder changed (`moved`: a renamed folder), the
        commits before the move have no files under the new folders: the stored days before
        the first day git's history has are kept, so the move keeps its past and writes no
        words.
        """
        stored = self.stored
        stored_days = list(stored.days) if stored else []
        log = self.repo.log()
        first_boundary = self._first_boundary(log)
        boundary = first_boundary is not None
        oldest = min(self.rule.day(commit.authored_at) for commit in log)
        kept = [record for record in stored_days if record.day < oldest]
        replay = self._walk(log, reference=kept[-1] if kept else None)
        if moved:
            first = min(replay.days, default=None)
            kept = [record for record in stored_days if first is None or record.day < first]
            if kept and first is not None:
                # The move brings the chapters under the new folder: it writes no words.
                replay.days[first] = replace(replay.days[first], added=0, deleted=0)
        days = merge_days(kept, replay.days)
        if rewritten:
            assert stored is not None and stored.last_commit_sha is not None
            outcome = "the history was made again from git"
            if len(days) < len(stored_days) and not self.repo.is_ancestor(
                head.sha, stored.last_commit_sha
            ):
                newest = stored_days[-1].day
                outcome = (
                    f"made again from git, the history would have fewer days ({len(days)}) "
                    f"than the stored history ({len(stored_days)}), so every stored day was "
                    f"kept and git's days from {newest.isoformat()} on were added"
                )
                by_day = {record.day: record for record in stored_days}
                by_day.update((record.day, record) for record in days if record.day >= newest)
                days = [by_day[day] for day in sorted(by_day)]
            elif kept:
                outcome += (
                    f", keeping {_plural(len(kept), 'stored day')} older than its first commit"
                )
            if not boundary:
                made_at = f"The stored stats were made at commit {stored.last_commit_sha[:12]}"
                if self.repo.is_ancestor(stored.last_commit_sha, head.sha):
                    # Made on a branch that was merged since: nothing is wrong.
                    self.notes.append(f"{made_at}, on a branch merged since: {outcome}.")
                else:
                    self.warnings.append(
                        f"{made_at}, which is not in the history of HEAD (was the history "
                        f"rewritten?): {outcome}."
                    )
        if first_boundary is not None:
            self.warnings.append(self._shallow_warning(first_boundary, kept=len(kept)))
        mode = Mode.REBUILT if stored_days and (rewritten or kept) else Mode.FULL
        return _Outcome(
            days,
            replay,
            mode,
            complete=not boundary,
            all_walked=not boundary,
            commits_walked=len(log),
            described=self._described(log, head.sha, head.sha),
        )

    def _first_boundary(self, log: Sequence[RawCommit]) -> RawCommit | None:
        """The first commit of `log` at a shallow clone's boundary (shown without parents)."""
        for commit in log:
            if not commit.parents and commit.sha in self.boundaries:
                return commit
        return None

    def _totals(self, commit: str, counts: Mapping[str, TextCounts]) -> Totals:
        """The chapters' totals of a commit outside the walk, from its tree."""
        blobs = [
            entry.blob
            for entry in self.repo.tree(commit)
            if entry.mode in FILE_MODES
            and (hit := self.paths(entry.path)) is not None
            and hit[1] is Kind.CHAPTER
        ]
        found = self.counter.blobs([blob for blob in blobs if blob not in counts])
        return Totals(
            sum((counts[blob] if blob in counts else found[blob]).words for blob in blobs),
            len(blobs),
        )

    @contextlib.contextmanager
    def _sources(
        self, total: int = 0, plan: Sequence[str] = ()
    ) -> Iterator[tuple[Mapping[str, TextCounts], Callable[[str], list[Block]]]]:
        """Counts and blocks of counted words by blob id, each blob read and parsed once
        (`total`: how many are expected to be parsed, for the progress bar; `plan`: the
        blobs in the order they will be asked for, to read them in batches)."""
        with self.repo.blobs() as reader:
            source = _BlobSource(reader, self.counter, self.progress, total, plan)
            yield source, source.blocks

    def _walk(self, log: Sequence[RawCommit], *, reference: DayRecord | None) -> _Replay:
        """Replay the whole `log`, reading and parsing each blob it needs once."""
        plan = chapter_blobs(log, self.paths)
        total = 0
        if self.progress is not None:
            cache = self.counter.cache
            total = len({b for b in plan if cache.get(b) is None})
            self.progress(0, total)
        with self._sources(total, plan) as (counts, blocks):
            walked = self._replay(
                log,
                counts,
                blocks,
                generations(log),
                reference=(
                    Totals(reference.word_count, reference.chapter_count) if reference else None
                ),
            )
        return self._result(walked)

    def _replay(
        self,
        log: Sequence[RawCommit],
        counts: Mapping[str, TextCounts],
        blocks: Callable[[str], list[Block]],
        generation: Mapping[str, int],
        *,
        reference: Totals | None = None,
        days: dict[date, Day] | None = None,
    ) -> Replay:
        return replay(
            log,
            paths=self.paths,
            counts=counts,
            blocks=blocks,
            parent_totals=lambda sha: self._totals(sha, counts),
            rule=self.rule,
            generation=generation,
            boundaries=self.boundaries,
            reference=reference,
            days=days,
        )

    @staticmethod
    def _result(walked: Replay) -> _Replay:
        return _Replay(
            days=_records(walked.days),
            last=walked.last,
            touched=walked.touched,
            authored={
                day.sha: day.authored_at
                for day in walked.days.values()
                if day.authored_at is not None
            },
        )

    def _shallow_warning(self, first: RawCommit, *, kept: int) -> str:
        start = self.rule.day(first.authored_at).isoformat()
        before = (
            f"the {_plural(kept, 'day')} before it come{'s' if kept == 1 else ''} from the "
            "stored stats file"
            if kept
            else "earlier days are missing"
        )
        return (
            f"This is a shallow clone: git's history starts at {start} (commit "
            f"{first.sha[:12]}), so {before} and the first days after it are approximate. "
            "Fetch the full history with `git fetch --unshallow` (in GitHub Actions: "
            "actions/checkout with `fetch-depth: 0`) and run again."
        )

    def _finish(self, outcome: _Outcome, chapters: Sequence[str]) -> History:
        """Turn the days into the file's history, with the facts around it."""
        days, replay, mode, stored = outcome.days, outcome.replay, outcome.mode, self.stored
        last_commit_at: str | None = None
        if replay.last is not None:
            last_commit_at = utc_iso(replay.last.authored_at)
        elif stored is not None and stored.days and set(stored.days) <= set(days):
            last_commit_at = stored.last_commit_at  # every stored day is still there

        author_offset: tzinfo | None = None
        if days and self.rule.zone is None:
            newest = days[-1].commit_sha
            when = replay.authored.get(newest) or self.repo.author_date(newest)
            author_offset = when.tzinfo if when is not None else None

        from_stored = mode in (Mode.UNCHANGED, Mode.INCREMENTAL, Mode.SHALLOW)
        stored_dates = stored.last_modified if (from_stored and stored is not None) else {}
        last_modified: dict[str, str | None] = {}
        unknown: list[str] = []
        for rel in chapters:
            touched = replay.touched.get(rel)
            if touched is not None:
                last_modified[rel] = utc_iso(touched)
            elif stored_dates.get(rel) is not None:
                last_modified[rel] = stored_dates[rel]
            elif outcome.all_walked:
                last_modified[rel] = None  # never committed
            else:
                unknown.append(rel)
        if unknown:
            prefix = self.paths.prefix
            found = self.repo.last_modified([prefix + rel for rel in unknown])
            for rel in unknown:
                when = found.get(prefix + rel)
                last_modified[rel] = utc_iso(when) if when is not None else None

        if not outcome.complete and mode is not Mode.SHALLOW and not self.warnings:
            self.notes.append(
                "Some days of the history were made in a shallow clone and are approximate; "
                "a run in a clone with the full history makes them again."
            )
        return History(
            entries=to_entries(days),
            basis=self.basis.model_copy(update={"complete": outcome.complete}),
            total_commits=sum(record.commits for record in days),
            last_commit_at=last_commit_at,
            author_offset=author_offset,
            last_modified=last_modified,
            mode=mode,
            described_sha=outcome.described,
            commits_walked=outcome.commits_walked,
            warnings=self.warnings,
            notes=self.notes,
        )


__all__ = [
    "CountCache",
    "Counter",
    "DayRecord",
    "History",
    "Mode",
    "Stored",
    "basis_for",
    "build_history",
    "merge_days",
    "to_entries",
]
