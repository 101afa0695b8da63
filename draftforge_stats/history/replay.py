"""Replay commits into writing days: totals, words added and deleted, commits per day.

Pure: commits (as :mod:`..gitrepo` lists them), counts and blocks of counted words by blob id,
and the day rule in; day records out. No git process is started here: the blobs' counts and
blocks, and the totals of commits outside the walk, come through the functions passed in.

Which commits count (the README's "Which commits"):

* every commit reachable from HEAD, not only the first-parent line, so a merge of `main`
  into a branch that then becomes `main` (a "foxtrot" merge) hides nothing;
* each commit counts on the writing day of its own author date, when it changed a chapter
  or manuscript file against its first parent;
* each commit's totals are its first parent's totals plus what it changed against that
  parent (a root commit, and a shallow boundary, start from nothing);
* a day's totals (`word_count`, `chapter_count`, `commit_sha`) are those of its latest
  commit by :func:`commit_key`: a commit always comes after its ancestors (so a rebased
  commit with an old author date still comes after its parent); between commits of
  parallel lines, the one further from the root, then the later committer date;
* a commit whose date git cannot use counts (its commit, its words) on the day of the next
  dated commit of the walk;
* words added and deleted are each commit's own, by :mod:`.wordchanges`, with moves
  between the commits of one day set aside: a commit's against its parent; a merge's, what
  it wrote itself (`sides`: its changes against its other parents), words no parent had
  and words every parent had that it dropped, so a clean merge counts 0 (its branches'
  commits count on their own days); a commit whose message has the trailer
  `DraftForge: import` adds and deletes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import field
from datetime import date, datetime

from ..counting import Block, TextCounts
from ..discover import Kind
from ..gitrepo import GraphCommit, RawChange, RawCommit
from ..records import dataclass
from .days import DayRule
from .wordchanges import (
    ChapterChange,
    DayChanges,
    WordChanges,
    diff_change,
    merge_change,
)

__all__ = [
    "Day",
    "Replay",
    "Sides",
    "Totals",
    "commit_key",
    "generations",
    "last_changed",
    "replay",
]

PathKind = Callable[[str], "tuple[str, Kind] | None"]
"""Repository path -> (project path, kind), or None for a file that does not count."""


@dataclass(frozen=True)
class Totals:
    """The chapters' totals after a commit."""

    words: int
    chapters: int


Key = tuple[int, float, float, str]
"""How the commits of a day are ordered: generation, committer time, author time, id."""


def commit_key(commit: RawCommit | GraphCommit, generation: int) -> Key:
    """The order of `commit` among the day's commits: its generation first (the longest
    path from a root: a commit always comes after its ancestors), then its committer date,
    its author date and its id. Nothing here depends on where HEAD is, so a day's latest
    commit is the same whichever run sees it."""
    authored = commit.authored_at.timestamp() if commit.authored_at is not None else 0.0
    committed = commit.committed_at.timestamp() if commit.committed_at is not None else authored
    return (generation, committed, authored, commit.sha)


def generations(
    commits: Iterable[RawCommit | GraphCommit], known: Mapping[str, int] | None = None
) -> dict[str, int]:
    """The generation of each commit (parents before children): 1 for a root, else one more
    than its parents' highest; `known` gives those of parents outside `commits`."""
    result: dict[str, int] = dict(known or {})
    for commit in commits:
        result[commit.sha] = 1 + max((result.get(p, 0) for p in commit.parents), default=0)
    return result


@dataclass
class Day:
    """One writing day being made."""

    day: date
    commits: int = 0
    key: Key | None = None
    sha: str = ""
    totals: Totals = field(default_factory=lambda: Totals(0, 0))
    authored_at: datetime | None = None
    changes: DayChanges = field(default_factory=DayChanges)

    def take(self, key: Key, sha: str, totals: Totals, authored_at: datetime) -> None:
        """Make this commit the day's latest when it is later than the one so far."""
        if self.key is None or key > self.key:
            self.key, self.sha, self.totals, self.authored_at = key, sha, totals, authored_at


@dataclass
class Replay:
    """What a replay made."""

    days: dict[date, Day] = field(default_factory=dict)
    totals: dict[str, Totals] = field(default_factory=dict)  # commit -> totals after it
    last: RawCommit | None = None  # the latest commit that changed the manuscript
    last_key: Key | None = None
    touched: dict[str, datetime] = field(default_factory=dict)  # chapter -> last change
    touched_key: dict[str, Key] = field(default_factory=dict)
    odd_dates: list[tuple[str, str]] = field(default_factory=list)
    """(commit, problem) for each manuscript commit whose date was odd (see ..gitdates)."""


@dataclass(frozen=True)
class _ChapterEdit:
    """What a commit did to one chapter: its blob before and after."""

    rel: str
    old: str | None  # blob before, None when the chapter was not there
    new: str | None  # blob after, None when it is gone


def _edits(commit: RawCommit, paths: PathKind) -> tuple[bool, list[_ChapterEdit]]:
    """Whether `commit` changed the manuscript, and the chapters it changed."""
    return _chapter_edits(commit.changes, paths)


def _chapter_edits(
    changes: Iterable[RawChange], paths: PathKind
) -> tuple[bool, list[_ChapterEdit]]:
    """Whether `changes` change the manuscript, and the chapters they change."""
    changed = False
    edits: list[_ChapterEdit] = []
    for change in changes:
        hit = paths(change.path)
        if hit is None:
            continue
        rel, kind = hit
        if kind is not Kind.CHAPTER:
            # A symbolic link or submodule added or changed changes no text; a deletion
            # still counts.
            if change.is_file or change.status == "D":
                changed = True
            continue
        old = change.old_blob if change.was_file else None
        new = change.blob if change.is_file else None
        if old is not None or new is not None:  # else a link or submodule: no text
            changed = True
            edits.append(_ChapterEdit(rel, old, new))
    return changed, edits


Sides = Mapping[str, Sequence[Sequence[RawChange]]]
"""Merge commit -> what it changed against each of its other parents, in parent order."""


def chapter_blobs(
    commits: Iterable[RawCommit], paths: PathKind, sides: Sides | None = None
) -> list[str]:
    """Every chapter blob the commits' changes name (before and after), in walk order,
    with those of the merges' changes against their other parents."""
    sides = sides or {}
    blobs: list[str] = []
    for commit in commits:
        edits = _edits(commit, paths)[1]
        if len(commit.parents) > 1 and edits and not commit.is_import:
            parents = _merge_sides(commit, edits, paths, sides)
            edits = [e for side in parents or [edits] for e in side]
        for edit in edits:
            if edit.old is not None:
                blobs.append(edit.old)
            if edit.new is not None:
                blobs.append(edit.new)
    return blobs


def chapter_predecessors(commits: Iterable[RawCommit], paths: PathKind) -> dict[str, str]:
    """For each chapter blob a commit made, the version it is counted from (see
    :mod:`...steps`; the first such commit in walk order): the chapter's version before it,
    or for an added chapter one the same commit removed (a rename). Any earlier version
    gives the same counts; a similar one saves parsing."""
    previous: dict[str, str] = {}
    for commit in commits:
        edits = _edits(commit, paths)[1]
        removed = [edit.old for edit in edits if edit.new is None and edit.old is not None]
        for edit in edits:
            old = edit.old
            if old is None and removed:
                old = removed.pop(0)
            if old is not None and edit.new is not None and old != edit.new:
                previous.setdefault(edit.new, old)
    return previous


def diffs_words(commit: RawCommit, *, boundaries: frozenset[str]) -> bool:
    """Whether `commit`'s own words are counted as added and deleted."""
    if commit.is_import:
        return False
    return not (not commit.parents and commit.sha in boundaries)


def _own_words(
    commit: RawCommit,
    edits: Sequence[_ChapterEdit],
    paths: PathKind,
    blocks: Callable[[str], Sequence[Block]],
    sides: Sides,
) -> WordChanges | None:
    """The words `commit` (whose chapter changes against its first parent are `edits`)
    wrote itself: against its parent, or for a merge what no parent had (see
    :func:`.wordchanges.merge_change`); None when it changed no chapter."""
    if not edits:
        return None

    def text(blob: str | None) -> Sequence[Block]:
        return blocks(blob) if blob is not None else ()

    if len(commit.parents) < 2:
        return diff_change(ChapterChange(text(e.old), text(e.new)) for e in edits)
    parents = _merge_sides(commit, edits, paths, sides)
    if parents is None:
        return None
    # Only the chapters the merge changed against every parent are read: the others are
    # what one parent already had, and reading them (on a book with long-lived branches,
    # every chapter either side touched) would cost more than the rest of the walk.
    shared = set.intersection(*({e.rel for e in side} for side in parents))
    return merge_change(
        [{e.rel: (text(e.old), text(e.new)) for e in side if e.rel in shared} for side in parents]
    )


def _merge_sides(
    commit: RawCommit, edits: Sequence[_ChapterEdit], paths: PathKind, sides: Sides
) -> list[Sequence[_ChapterEdit]] | None:
    """The chapter changes of merge `commit` against each parent (`edits` against the
    first), when one chapter differs from its version in every parent (else None: the
    merge wrote no words itself, and nothing need be read)."""
    others = [_chapter_edits(changes, paths)[1] for changes in sides.get(commit.sha, ())]
    if len(others) != len(commit.parents) - 1:
        return None  # the other parents are not known (not read): nothing counted
    if not {e.rel for e in edits}.intersection(*({e.rel for e in side} for side in others)):
        return None
    return [edits, *others]


def word_changes(
    commit: RawCommit,
    paths: PathKind,
    blocks: Callable[[str], Sequence[Block]],
    sides: Sides | None = None,
) -> DayChanges:
    """The words `commit` added and deleted, on their own (for a day being remade)."""
    result = DayChanges()
    own = _own_words(commit, _edits(commit, paths)[1], paths, blocks, sides or {})
    if own is not None:
        result.add(own)
    return result


def replay(
    commits: Sequence[RawCommit],
    *,
    paths: PathKind,
    counts: Mapping[str, TextCounts],
    blocks: Callable[[str], Sequence[Block]],
    parent_totals: Callable[[str], Totals],
    rule: DayRule,
    generation: Mapping[str, int],
    boundaries: frozenset[str] = frozenset(),
    reference: Totals | None = None,
    days: dict[date, Day] | None = None,
    sides: Sides | None = None,
) -> Replay:
    """Replay `commits` (parents before children) into days.

    `parent_totals(sha)` gives the totals of a parent that is not among `commits` (the
    stored commit of an incremental run, a branch point). `generation` gives each commit's
    generation (:func:`generations`). A shallow boundary (in `boundaries`, shown without
    parents) counts as a commit only when its totals differ from `reference` (the stored
    history's last day), or when there is none. `days` seeds days already begun.
    """
    result = Replay(days=days if days is not None else {})
    totals_of = result.totals
    # Manuscript commits without a usable date count on the day of the next dated one.
    undated = 0
    undated_changes = DayChanges()
    undated_edits: list[_ChapterEdit] = []
    for commit in commits:
        first = commit.parents[0] if commit.parents else None
        if first is None:
            base = Totals(0, 0)
        else:
            known = totals_of.get(first)
            base = known if known is not None else parent_totals(first)
        words, chapters = base.words, base.chapters
        changed, edits = _edits(commit, paths)
        for edit in edits:
            if edit.old is not None:
                words -= counts[edit.old].words
                chapters -= 1
            if edit.new is not None:
                words += counts[edit.new].words
                chapters += 1
        totals = Totals(words, chapters)
        totals_of[commit.sha] = totals
        boundary = not commit.parents and commit.sha in boundaries
        if boundary and reference is not None:
            changed = totals != reference
            edits = []  # what the boundary changed is unknown
        if not changed:
            continue
        if commit.date_problem is not None:
            result.odd_dates.append((commit.sha, commit.date_problem))
        own = DayChanges()
        if diffs_words(commit, boundaries=boundaries):
            words_of = _own_words(commit, edits, paths, blocks, sides or {})
            if words_of is not None:
                own.add(words_of)
        if commit.authored_at is None:
            undated += 1
            undated_changes.add_all(own)
            undated_edits.extend(edits)
            continue
        key = commit_key(commit, generation[commit.sha])
        day_of = rule.day(commit.authored_at)
        day = result.days.get(day_of)
        if day is None:
            day = result.days[day_of] = Day(day_of)
        day.commits += 1 + undated
        day.take(key, commit.sha, totals, commit.authored_at)
        day.changes.add_all(undated_changes)
        day.changes.add_all(own)
        _touch(result, [*undated_edits, *edits], key, commit.authored_at)
        undated, undated_changes, undated_edits = 0, DayChanges(), []
        if result.last_key is None or key > result.last_key:
            result.last, result.last_key = commit, key
    return result


def _touch(result: Replay, edits: Iterable[_ChapterEdit], key: Key, when: datetime) -> None:
    """The chapters of `edits` were last changed by the commit of `key` (dated `when`),
    unless a later one (by :func:`commit_key`) changed them."""
    for edit in edits:
        if edit.rel not in result.touched_key or key > result.touched_key[edit.rel]:
            result.touched_key[edit.rel] = key
            result.touched[edit.rel] = when


def last_changed(
    commits: Sequence[RawCommit],
    *,
    paths: PathKind,
    generation: Mapping[str, int],
) -> dict[str, datetime]:
    """Each chapter's `last_modified` by the rule of :func:`replay` (without reading a
    blob): the author date of the latest commit, by :func:`commit_key`, that changed it
    against its first parent; a change by a commit without a usable date counts as the
    next dated manuscript commit's of the walk. For the chapters a walk did not reach."""
    result = Replay()
    undated: list[_ChapterEdit] = []
    for commit in commits:
        changed, edits = _edits(commit, paths)
        if not changed:
            continue
        if commit.authored_at is None:
            undated.extend(edits)
            continue
        _touch(
            result,
            [*undated, *edits],
            commit_key(commit, generation[commit.sha]),
            commit.authored_at,
        )
        undated = []
    return result.touched
