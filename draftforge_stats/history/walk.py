"""The walk strategy of the history: which commits to read, and replaying them into days.

The history is made from every commit reachable from HEAD (not only its first-parent line,
so no merge hides a line of writing), parents before children: each commit that changes a
chapter or manuscript file (as :class:`~.discover.FileSelector` decides, the same rule as
for the working tree) counts on the writing day of its author date; :mod:`.replay` gives
each commit its totals and words added and deleted, and each day its latest commit.

Fast on long histories:

* old commits are never checked out: one `git log --raw` lists what every commit changed
  (paths, old and new blob ids), and a commit's totals are its parent's plus what it
  changed, so only the files a commit changed are looked at;
* a blob is read and parsed once, for its counts and its blocks of counted words together
  (:class:`~.cache.BlobSource`); counts are cached by blob id in the git folder between runs
  (:class:`~.cache.CountCache`). A rename is a deletion plus an addition of the same blob,
  so it costs nothing and writes no words;
* blobs are read in batches through one `git cat-file --batch` process;
* incremental: when the stored stats file was made at an ancestor of HEAD, only the newer
  commits are walked and added to the stored days (a day they share with the stored ones is
  made again whole, its stored commits read by the same `git log --raw` as the new ones),
  giving exactly what a full walk gives, `last_modified` included.

The count cache is :mod:`.cache`, the day arithmetic :mod:`.days`. Library code: it
returns warnings and notes, it never prints.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import field, replace
from datetime import date, datetime, timedelta, tzinfo
from enum import Enum
from typing import TYPE_CHECKING

from ..counting import RULES_VERSION, Block, TextCounts
from ..dates import utc_iso
from ..discover import FileSelector, Kind
from ..gitrepo import FILE_MODES, CommitInfo, GraphCommit, RawCommit, Repository
from ..names import STATS_FILE, is_own_path
from ..records import dataclass
from ..statsfile import FORMAT_VERSION, HistoryBasis, HistoryEntry
from ..wording import plural as _plural
from .cache import BlobSource, Counter, Progress, to_count
from .days import DayRecord, DayRule, Stored, merge_days, to_entries
from .replay import (
    Day,
    Key,
    Replay,
    Sides,
    Totals,
    chapter_blobs,
    chapter_predecessors,
    commit_key,
    diffs_words,
    generations,
    last_changed,
    replay,
    word_changes,
)

if TYPE_CHECKING:
    from ..worktree import Processes
    from .remote import Helper

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
    """What a replay of commits leaves: the days, and where each chapter stands."""

    days: dict[date, DayRecord] = field(default_factory=dict)
    last: RawCommit | None = None  # the latest commit that changed the manuscript
    touched: dict[str, datetime] = field(default_factory=dict)  # chapter -> last change
    touched_key: dict[str, Key] = field(default_factory=dict)  # ... and its commit's order
    unsure: set[str] = field(default_factory=set)
    """Chapters whose latest change may be a stored commit's (see :meth:`_Builder._extend`)."""
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
        folder = selector.chapters_directory
        self.chapters_folder = (prefix + folder if folder else prefix).rstrip("/")
        """The repository's folder every chapter is in ("": the top)."""

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


#: At most this many commits with odd dates are named one by one in the warnings.
ODD_DATES_NAMED = 5


def date_warnings(odd: Sequence[tuple[str, str]]) -> list[str]:
    """One warning per commit with an odd date (the first few), then how many more."""
    warnings = [
        f"commit {sha[:12]}: {problem}. git accepted the commit as it is; to give it a "
        "proper date, rewrite it (`git rebase` or `git commit --amend --date=...`)."
        for sha, problem in odd[:ODD_DATES_NAMED]
    ]
    if len(odd) > ODD_DATES_NAMED:
        more = len(odd) - ODD_DATES_NAMED
        verb = "has" if more == 1 else "have"
        warnings.append(f"{_plural(more, 'more commit')} of the manuscript {verb} odd dates too.")
    return warnings


def future_warnings(
    entries: Sequence[HistoryEntry],
    now: datetime,
    stored: Stored | None = None,
    has_commit: Callable[[str], bool] | None = None,
) -> list[str]:
    """A warning for each history day after the day of `now` anywhere on Earth (UTC+14):
    a commit dated ahead of every clock, which counts on that day as dated.

    A day kept from the `stored` stats file whose commit git does not have (`has_commit`;
    outside git, none) is no commit's date: it is worded as a stored day of the file."""
    try:
        latest = (now + timedelta(days=1)).date()
    except OverflowError:  # `now` is on 9999-12-31: no day can be after it
        return []
    ahead = [entry for entry in entries if date.fromisoformat(entry.date) > latest]
    ahead.sort(key=lambda entry: entry.date)
    kept = {(day.day.isoformat(), day.commit_sha) for day in stored.days} if stored else set()
    run_day = now.date().isoformat()
    commits: list[tuple[str, str]] = []
    stored_only: list[HistoryEntry] = []
    asked = 0  # git is asked about the first few only: a file may store any number of days
    for entry in ahead:
        if (entry.date, entry.commit_sha) in kept:
            asked += 1
            if asked > ODD_DATES_NAMED or not (has_commit and has_commit(entry.commit_sha)):
                stored_only.append(entry)
                continue
        message = f"it is dated {entry.date}, after the time of this run ({run_day})"
        commits.append((entry.commit_sha, message + "; it counts on that day"))
    return date_warnings(commits) + _stored_future_warnings(stored_only, run_day)


def _stored_future_warnings(entries: Sequence[HistoryEntry], run_day: str) -> list[str]:
    """The warnings of stored days after the time of the run that no commit of git makes."""
    warnings = [
        f"{STATS_FILE.as_posix()} stores a day dated {entry.date}, after the time of this run "
        f"({run_day}); git has no commit that makes it (the entry names commit "
        f"{entry.commit_sha[:12]}), so it is kept as the file stores it. If the date is "
        "wrong, check the computer's clock, or remove that entry from the file's history and "
        "run `draftforge stats --allow-shorter-history`."
        for entry in entries[:ODD_DATES_NAMED]
    ]
    if len(entries) > ODD_DATES_NAMED:
        more = len(entries) - ODD_DATES_NAMED
        verb = "is" if more == 1 else "are"
        warnings.append(
            f"{_plural(more, 'more stored day')} of {STATS_FILE.as_posix()} {verb} after the "
            "time of this run too."
        )
    return warnings


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
    covers_stored: bool = False
    """Every commit the stored history was made from was walked again, with the same settings
    (the stored stats were made on a branch merged since): a stored day missing from this
    history moved to another day (a merged branch's commits arrive on the day of the merge);
    nothing was lost."""
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
    processes: Processes | None = None,
) -> History:
    """Make the history of the project at `prefix` (its folder in the repository, "" or
    ending in "/") from git, adding to the `stored` history when it can.

    `basis` holds the settings in force (its `complete` is ignored); `chapters` are the
    chapter files of the working tree, whose `last_modified` dates are returned;
    `processes` says whether the versions are counted on a second core (:mod:`.remote`).
    """
    builder = _Builder(
        repo, _Paths(selector, prefix), basis, rule, counter, stored, progress, processes
    )
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
    covers_stored: bool = False
    """See :attr:`History.covers_stored`."""


MAX_EXCLUDED = 1000
"""An incremental run's `git log` names at most this many commits to leave out (each a
command-line argument); a history that needs more is walked whole, with the same result."""


#: How far (seconds) a commit's writing day can be from the day of its author date in
#: UTC, and more: a time-zone offset (under a day), then `day_starts_at` (under a day).
_DAY_REACH = 3 * 86_400


def _near_days(days: set[date]) -> Callable[[GraphCommit], bool]:
    """A test that is False only for a commit whose writing day cannot be one of `days`
    (whatever the time zone and day start): its plain author date (seconds) is more than
    :data:`_DAY_REACH` from all of them. Reads no datetime, so the dates of a long history
    are read only near the days a push update makes again."""
    if not days:
        return lambda commit: False
    first = (min(days) - date(1970, 1, 1)).days * 86_400 - _DAY_REACH
    last = (max(days) - date(1970, 1, 1)).days * 86_400 + 86_400 + _DAY_REACH

    def near(commit: GraphCommit) -> bool:
        seconds = commit.author_seconds
        return seconds is None or first <= seconds < last

    return near


@dataclass(frozen=True)
class _Plan:
    """What an incremental run reads (see :meth:`_Builder._plan`)."""

    new: set[str]  # the commits after the stored commit
    remade: set[str]  # stored commits of the days the new ones write on
    excluding: list[str] | None  # what the one `git log` leaves out; None: nothing


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
        processes: Processes | None,
    ) -> None:
        self.repo = repo
        self.paths = paths
        self.basis = basis
        self.rule = rule
        self.counter = counter
        self.stored = stored
        self.progress = progress
        self.boundaries = repo.shallow_boundaries()
        self.processes = processes  # None: one process
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
        prefix = self.paths.prefix
        by_sha = {commit.sha: commit for commit in log}
        commit = by_sha.get(head)
        while commit is not None:
            if any(not is_own_path(c.path, prefix) for c in commit.changes):
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
        # HEAD's graph holds the stored commit exactly when it is an ancestor of HEAD: one
        # `git log` answers that, and what the plan needs, where two more processes asked.
        graph = self.repo.graph()
        if any(commit.sha == since for commit in graph):
            plan = self._plan(graph, since, stored)
            if not plan.new:
                return None
            walked = (
                self.repo.log(excluding=plan.excluding)
                if plan.excluding is not None
                else self.repo.log()
            )
            log = [commit for commit in walked if commit.sha in plan.new]
            remade = [commit for commit in walked if commit.sha in plan.remade]
            generation = generations(graph)
            replay = self._incremental(stored, log, remade, generation)
            # A new commit that comes before the stored commit in the history's order (from
            # a branch merged since) may not be a chapter's latest change: a stored commit
            # may have changed it later. Those chapters are dated over the whole history.
            since_key = next(
                commit_key(commit, generation[since]) for commit in graph if commit.sha == since
            )
            replay.unsure = {rel for rel, key in replay.touched_key.items() if key < since_key}
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
        if self.repo.has_commit(since):  # history rewritten: the stored commit is elsewhere
            return None
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

    def _plan(self, graph: Sequence[GraphCommit], since: str, stored: Stored) -> _Plan:
        """Which commits an incremental run reads, from the `graph` of HEAD (parents first):
        the new ones (not reachable from `since`), and the stored commits of the days the
        new ones write on (those days are made again whole).

        One `git log` lists both: it leaves out what is reachable from the commits just
        before the first remade commits (the parents, outside them, of the stored commits
        that are remade or come after one), so it walks the new commits and the stored ones
        from the earliest remade day's commits on: after a second commit on the stored
        newest day, only that day's commits and the new ones.
        """
        old = {since}
        for commit in reversed(graph):  # children first: one pass finds every ancestor
            if commit.sha in old:
                old.update(commit.parents)
        new = {commit.sha for commit in graph if commit.sha not in old}
        new_days = {
            self.rule.day(c.authored_at)
            for c in graph
            if c.sha in new and c.authored_at is not None
        }
        stored_by_day = {record.day: record for record in stored.days}
        overlap = new_days & set(stored_by_day)
        near = _near_days(overlap)
        remade = {
            c.sha
            for c in graph
            if c.sha in old
            and near(c)
            and c.authored_at is not None
            and self.rule.day(c.authored_at) in overlap
        }
        remade.update(stored_by_day[day].commit_sha for day in overlap)
        if not remade:
            return _Plan(new, remade, [since])
        after: set[str] = set()  # the stored commits remade or after a remade one
        for commit in graph:
            if commit.sha in old and (
                commit.sha in remade or any(parent in after for parent in commit.parents)
            ):
                after.add(commit.sha)
        excluding = sorted(
            {p for c in graph if c.sha in after for p in c.parents if p not in after}
        )
        return _Plan(new, remade, excluding if len(excluding) <= MAX_EXCLUDED else None)

    def _incremental(
        self,
        stored: Stored,
        log: Sequence[RawCommit],
        remade: Sequence[RawCommit],
        generation: Mapping[str, int],
    ) -> _Replay:
        """Replay the commits after the stored commit (`log`), exactly as a full walk would.

        A day that already has stored commits is made again whole: its earlier commits
        (`remade`, read by the same `git log` as the new ones) have their words compared
        again, so moves between its commits are seen whichever run they fell in; its totals
        are those of its latest commit among old and new.
        """
        new_days = {self.rule.day(c.authored_at) for c in log if c.authored_at is not None}
        stored_by_day = {record.day: record for record in stored.days}
        overlap = new_days & set(stored_by_day)
        seeds: dict[date, Day] = {}
        walked_commits = [*remade, *log]
        sides = self._sides(walked_commits)
        plan = chapter_blobs(walked_commits, self.paths, sides)
        previous = chapter_predecessors(walked_commits, self.paths)
        with self._sources(plan=plan, previous=previous) as (counts, blocks):
            if overlap:
                by_sha = {commit.sha: commit for commit in remade}
                for day in sorted(overlap):
                    record = stored_by_day[day]
                    seed = seeds[day] = Day(day, commits=record.commits)
                    latest = by_sha.get(record.commit_sha)
                    if latest is not None and latest.authored_at is not None:
                        seed.take(
                            commit_key(latest, generation[latest.sha]),
                            record.commit_sha,
                            Totals(record.word_count, record.chapter_count),
                            latest.authored_at,
                        )
                for commit in remade:
                    if commit.authored_at is None:
                        continue  # counted with a dated commit, whose day is remade if new
                    day = self.rule.day(commit.authored_at)
                    if day in seeds and diffs_words(commit, boundaries=self.boundaries):
                        seeds[day].changes.add_all(word_changes(commit, self.paths, blocks, sides))
            walked = self._replay(log, counts, blocks, generation, days=seeds, sides=sides)
        self.warnings.extend(date_warnings(walked.odd_dates))
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
        oldest = min(
            (self.rule.day(commit.authored_at) for commit in log if commit.authored_at),
            default=date.max,
        )
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
        covers = (
            rewritten
            and not boundary
            and stored is not None
            and stored.last_commit_sha is not None
            and self.repo.is_ancestor(stored.last_commit_sha, head.sha)
        )
        return _Outcome(
            days,
            replay,
            mode,
            complete=not boundary,
            all_walked=not boundary,
            commits_walked=len(log),
            described=self._described(log, head.sha, head.sha),
            covers_stored=covers,
        )

    def _last_changed(self, chapters: Sequence[str]) -> dict[str, datetime]:
        """The date each of `chapters` was last changed, by the walk's own rule, for the
        chapters the walk did not date: from the commits that changed them (one `git log`
        limited to them), placed in the history's order by the commit graph. A change by a
        commit without a usable date counts on the next dated manuscript commit, which that
        log may not hold: then the whole log is read."""
        prefix = self.paths.prefix
        generation = generations(self.repo.graph())
        log = self.repo.log(paths=[prefix + rel for rel in chapters])
        if any(commit.authored_at is None for commit in log):
            log = self.repo.log()
        return last_changed(log, paths=self.paths, generation=generation)

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
            for entry in self.repo.tree(commit, under=self.paths.chapters_folder)
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
        self,
        total: int = 0,
        plan: Sequence[str] = (),
        previous: Mapping[str, str] | None = None,
    ) -> Iterator[tuple[Mapping[str, TextCounts], Callable[[str], list[Block]]]]:
        """Counts and blocks of counted words by blob id, each blob read and parsed once
        (`total`: how many are expected to be parsed, for the progress bar; `plan`: the
        blobs in the order they will be asked for, to read them in batches; `previous`:
        each new blob's earlier version, to count it from). Part of the versions may be
        counted in a second process (:mod:`.remote`)."""
        # A partial clone gets the versions it lacks in one fetch, not one fetch a version.
        self.repo.fetch_missing([*plan, *(previous or {}).values()])
        versions = to_count(plan, self.counter) if self.processes is not None else []
        with contextlib.ExitStack() as stack:
            reader = stack.enter_context(self.repo.blobs())
            helper: Helper | None = None
            left = plan
            if self.processes is not None and self.processes.for_versions(len(versions)) > 1:
                from .remote import counted_elsewhere  # the processes' modules, only now

                helper, left = stack.enter_context(
                    counted_elsewhere(self.repo, self.counter, plan, previous or {}, versions)
                )
            source = BlobSource(
                reader, self.counter, self.progress, total, left, previous, remote=helper
            )
            yield source, source.blocks

    def _walk(self, log: Sequence[RawCommit], *, reference: DayRecord | None) -> _Replay:
        """Replay the whole `log`, reading and parsing each blob it needs once."""
        sides = self._sides(log)
        plan = chapter_blobs(log, self.paths, sides)
        total = 0
        if self.progress is not None:
            cache = self.counter.cache
            total = len({b for b in plan if cache.get(b) is None})
            self.progress(0, total)
        previous = chapter_predecessors(log, self.paths)
        with self._sources(total, plan, previous) as (counts, blocks):
            walked = self._replay(
                log,
                counts,
                blocks,
                generations(log),
                reference=(
                    Totals(reference.word_count, reference.chapter_count) if reference else None
                ),
                sides=sides,
            )
        self.warnings.extend(date_warnings(walked.odd_dates))
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
        sides: Sides | None = None,
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
            sides=sides,
        )

    def _sides(self, commits: Sequence[RawCommit]) -> Sides:
        """What the merges among `commits` that may have written words changed against
        their other parents (see :func:`.replay.replay`)."""

        def chapter(path: str) -> bool:
            hit = self.paths(path)
            return hit is not None and hit[1] is Kind.CHAPTER

        return self.repo.merge_sides(
            [
                c
                for c in commits
                if len(c.parents) > 1
                and not c.is_import
                and any(chapter(change.path) for change in c.changes)
            ],
            keep=chapter,
        )

    @staticmethod
    def _result(walked: Replay) -> _Replay:
        return _Replay(
            days=_records(walked.days),
            last=walked.last,
            touched=walked.touched,
            touched_key=walked.touched_key,
            authored={
                day.sha: day.authored_at
                for day in walked.days.values()
                if day.authored_at is not None
            },
        )

    def _shallow_warning(self, first: RawCommit, *, kept: int) -> str:
        when = first.authored_at
        start = self.rule.day(when).isoformat() if when is not None else "a commit without a date"
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
        if replay.last is not None and replay.last.authored_at is not None:
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
            if rel in replay.unsure:
                unknown.append(rel)
            elif touched is not None:
                last_modified[rel] = utc_iso(touched)
            elif stored_dates.get(rel) is not None:
                last_modified[rel] = stored_dates[rel]
            elif outcome.all_walked:
                last_modified[rel] = None  # never committed
            else:
                unknown.append(rel)
        if unknown:
            found = self._last_changed(unknown)
            for rel in unknown:
                when = found.get(rel)
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
            covers_stored=outcome.covers_stored,
            commits_walked=outcome.commits_walked,
            warnings=self.warnings,
            notes=self.notes,
        )


__all__ = [
    "History",
    "Mode",
    "basis_for",
    "build_history",
    "date_warnings",
    "future_warnings",
]
