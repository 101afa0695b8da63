"""The history's versions counted on a second core, while this process replays the walk.

Before the replay starts, the walk knows every blob it will ask for, in order (the plan),
and each new version's previous one. :func:`split` cuts the versions to count into lines
(a chapter's versions, following `previous`: each is counted from the steps of the one
before, the cheap path of :mod:`..steps`) and gives whole lines to one forked process,
about :data:`WORKER_SHARE` of the versions (this process also replays the walk and finds
the words added and deleted). A version the walk asks for again long after (a branch's
version, at its merge) is kept here (:data:`GAP`, :data:`KEPT_WORDS`): this process does
not hold its line's steps and would count it whole. :func:`counted_elsewhere` starts that process
(:func:`..pool.stream_forked`): with its own `git cat-file --batch` reader and its own
:class:`.cache.BlobSource`, it counts its versions in plan order and sends back each one's
counts, blocks of counted words and how it was counted, a few chunks ahead of this
process at most. :class:`Helper` hands them to this process's
:class:`.cache.BlobSource` when it reaches them; the words of the blocks are shared again
here (:func:`..counting.share_words`), so memory stays bounded; a block sent before goes
as a number (:class:`_Namer`, :class:`_Names`).

The counts are exact whatever version a version is counted from, and the blocks are the
same, so the stats file is byte for byte the same with one process or two. Errors follow
:mod:`..pool`: the worker's exception is raised here, a killed worker is a
:class:`..errors.WorkerError` (exit 1) and nothing is written, Ctrl-C stops it.

Library code: it starts and stops its process (and that process's git reader) and nothing
else; it never prints, reads the environment or exits.
"""

from __future__ import annotations

import collections
import contextlib
from collections.abc import Iterator, Mapping, Sequence

from ..counting import Block, TextCounts, share_words
from ..gitrepo import BlobReader, Repository
from ..pool import stream_forked
from .cache import BlobSource, Counter, Lines, Version

WORKER_SHARE = 0.55
"""The part of the versions to count (by lines, weighted by count) given to the worker."""
CHUNK = 8
"""Versions the worker is given (and answers) at a time."""
AHEAD = 8
"""Chunks the worker may be ahead of what this process has taken."""
BLOCKS_NAMED = 50_000
"""Blocks sent before that the worker names by number instead of sending them again (a new
version of a chapter mostly holds its previous version's blocks, the same objects)."""
ARRIVED_KEPT = 4 * CHUNK * AHEAD
"""Versions taken from the worker before they are asked for that are kept at most (a version
dropped is counted here if it is asked for after all)."""
GAP = 512
"""A version the plan names again this many blobs or more after it named it before (a
branch's version asked for again at its merge) is kept here after it was taken ..."""
KEPT_WORDS = 1_000_000
"""... while the versions kept so hold at most this many words: this process would have
to count it whole (its line's steps are in the worker)."""


def split(versions: Sequence[str], previous: Mapping[str, str]) -> list[str]:
    """The worker's share of `versions` (in their order): whole lines of versions, about
    :data:`WORKER_SHARE` of them, the largest lines placed first (each on the side further
    below its share)."""
    line = Lines(previous)
    sizes: collections.Counter[str] = collections.Counter(line(blob) for blob in versions)
    mine = 0
    theirs = 0
    remote: set[str] = set()
    for first, size in sorted(sizes.items(), key=lambda item: (-item[1], item[0])):
        if theirs * (1 - WORKER_SHARE) <= mine * WORKER_SHARE:
            remote.add(first)
            theirs += size
        else:
            mine += size
    return [blob for blob in versions if line(blob) in remote]


Sent = tuple[TextCounts, list[Block | int], str]
"""A version as the worker sends it: blocks sent before are their numbers (see
:class:`_Namer`)."""


class _Namer:
    """The worker's side of the blocks sent: each new block gets the next number; a block
    equal to one sent among the last :data:`BLOCKS_NAMED` is sent as that one's number
    (equal, not only the same object: a version parsed whole holds new tuples of the same
    words)."""

    def __init__(self) -> None:
        self._numbers: dict[Block, int] = {}
        self._next = 0

    def __call__(self, blocks: list[Block]) -> list[Block | int]:
        named: list[Block | int] = []
        numbers = self._numbers
        oldest = self._next - BLOCKS_NAMED
        for block in blocks:
            found = numbers.get(block)
            if found is not None and found >= oldest:
                named.append(found)
            else:
                numbers[block] = self._next
                self._next += 1
                named.append(block)
        if len(numbers) > 2 * BLOCKS_NAMED:  # forget those too old to be named
            oldest = self._next - BLOCKS_NAMED
            self._numbers = {block: found for block, found in numbers.items() if found >= oldest}
        return named


class _Names:
    """This process's side: the blocks by number, as :class:`_Namer` numbered them (the
    same order, so the same numbers), their words shared here."""

    def __init__(self) -> None:
        self._blocks: dict[int, Block] = {}
        self._next = 0

    def __call__(self, named: list[Block | int]) -> list[Block]:
        blocks: list[Block] = []
        table = self._blocks
        for item in named:
            if isinstance(item, int):
                blocks.append(table[item])
                continue
            block = share_words([item])[0]
            table[self._next] = block
            table.pop(self._next - BLOCKS_NAMED, None)
            self._next += 1
            blocks.append(block)
        return blocks


class Helper:
    """The versions a worker counts, taken in its order as this process asks for them."""

    def __init__(
        self, blobs: Sequence[str], results: Iterator[Sent | int], again: set[str]
    ) -> None:
        self._order = iter(blobs)
        self._waiting = set(blobs)
        self._results = results
        self._names = _Names()
        self._arrived: collections.OrderedDict[str, Version | int] = collections.OrderedDict()
        self._again = again
        self._kept: collections.OrderedDict[str, Version] = collections.OrderedDict()
        self._kept_words = 0

    def take(self, blob: str) -> Version | int | None:
        """`blob`'s version from the worker (waiting for it), or None when the worker does
        not count it or it was taken and dropped already."""
        found = self._take(blob)
        if found is None:
            kept = self._kept.get(blob)
            if kept is not None:
                self._kept.move_to_end(blob)
            return kept
        if blob in self._again and not isinstance(found, int) and blob not in self._kept:
            self._kept[blob] = found
            self._kept_words += sum(map(len, found[1]))
            while self._kept_words > KEPT_WORDS and len(self._kept) > 1:
                self._kept_words -= sum(map(len, self._kept.popitem(last=False)[1][1]))
        return found

    def _take(self, blob: str) -> Version | int | None:
        if blob not in self._waiting:
            return self._arrived.pop(blob, None)
        for name in self._order:
            self._waiting.discard(name)
            sent = next(self._results)
            found: Version | int = (
                sent if isinstance(sent, int) else (sent[0], self._names(sent[1]), sent[2])
            )
            if name == blob:
                return found
            self._arrived[name] = found
            if len(self._arrived) > ARRIVED_KEPT:
                self._arrived.popitem(last=False)
        return None  # unreachable: `blob` was waiting


class _Work:
    """The worker's side: its own reader and blob source, made in the worker itself."""

    def __init__(
        self, repo: Repository, counter: Counter, blobs: Sequence[str], previous: Mapping[str, str]
    ) -> None:
        self.repo = repo
        self.counter = counter
        self.blobs = blobs
        self.previous = previous
        self.reader: BlobReader | None = None
        self.source: BlobSource | None = None
        self.namer = _Namer()

    def __call__(self, index: int) -> Sent | int:
        if self.source is None:
            self.reader = self.repo.blobs()
            self.source = BlobSource(self.reader, self.counter, None, 0, self.blobs, self.previous)
        found = self.source.counted(self.blobs[index])
        if isinstance(found, int):
            return found
        counts, blocks, how = found
        return counts, self.namer(blocks), how

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()


@contextlib.contextmanager
def counted_elsewhere(
    repo: Repository,
    counter: Counter,
    plan: Sequence[str],
    previous: Mapping[str, str],
    versions: Sequence[str],
) -> Iterator[tuple[Helper, Sequence[str]]]:
    """A :class:`Helper` counting part of `versions` (the versions of `plan` to count, see
    :func:`.cache.to_count`) in a second process, and the plan of what is left to read
    here."""
    blobs = split(versions, previous)
    work = _Work(repo, counter, blobs, previous)

    def describe(index: int) -> str:
        return f"version {blobs[index]} of a chapter"

    with stream_forked(
        work, len(blobs), chunk=CHUNK, ahead=AHEAD, describe=describe, finish=work.close
    ) as results:
        theirs = set(blobs)
        yield Helper(blobs, results, _again(plan, theirs)), [b for b in plan if b not in theirs]


def _again(plan: Sequence[str], blobs: set[str]) -> set[str]:
    """The `blobs` that `plan` names again :data:`GAP` places or more after it named them."""
    last: dict[str, int] = {}
    again: set[str] = set()
    for place, blob in enumerate(plan):
        if blob in blobs:
            if place - last.get(blob, place) >= GAP:
                again.add(blob)
            last[blob] = place
    return again


__all__ = ["Helper", "counted_elsewhere", "split"]
