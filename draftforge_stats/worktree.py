"""The working tree's manuscript files, read and counted: in one process, or on every core.

:func:`count_worktree` reads each file (a file it cannot read is a problem, not counted),
looks for `target_words` in its front matter, and takes its counts from the count cache when
this content was counted before. The files left (each distinct content once) are counted
in one process, or, when there are many (:class:`Processes`), in forked processes
(:mod:`.pool`) whose results are taken in the files' order: the counts, the cache and the
stats file are byte for byte those of one process. Files wait for counting in rounds of at
most :data:`ROUND_BYTES`, so memory stays bounded however large the manuscript.

When the count cache is empty (a first run, a fresh clone), every file has to be counted:
the forked processes then read and hash their own files too, so reading overlaps counting
and nothing waits in this process; each process holds one file's text at a time. A content
found in several files is then counted once per file, but learnt once, in the files' order,
so the results are still those of one process.

Library code: it reads the files it is given; it never prints, reads the environment or exits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from .counting import Block, TextCounts, count_markdown, count_with_blocks, decode_source
from .errors import UnreadableFileError, UsageError
from .history import Counter
from .reading import read_manuscript_file
from .records import dataclass
from .targets import FRONT_MATTER_LIMIT, FrontTarget, front_target

T = TypeVar("T")

AUTO_MIN_FILES = 200
"""With the default (`auto`) number of processes, fewer files to count than this are counted
in this process: starting processes would cost more than it saves."""
AUTO_MIN_VERSIONS = 500
"""With `auto`, a history with fewer versions to count than this is counted in this
process alone: measured (`benchmarks/bench_processes.py`), a second process saved nothing
at 371 versions and 7 % at 725."""
AUTO_MAX_PROCESSES = 8
"""The most processes `auto` starts, whatever the machine's number of cores."""
ROUND_BYTES = 64 * 1024 * 1024
"""The most text (bytes) read ahead of counting at once."""


# The processes (:mod:`.pool`, with multiprocessing: several milliseconds to import) are
# loaded only when two files or more wait for counting: a push update counts one.


def fork_available() -> bool:
    """:func:`.pool.fork_available`."""
    from .pool import fork_available as available

    return available()


def usable_cores() -> int:
    """:func:`.pool.usable_cores`."""
    from .pool import usable_cores as cores

    return cores()


def map_forked(
    work: Callable[[int], T], count: int, *, processes: int, describe: Callable[[int], str]
) -> list[T]:
    """:func:`.pool.map_forked`."""
    from .pool import map_forked as forked

    return forked(work, count, processes=processes, describe=describe)


@dataclass(frozen=True)
class Processes:
    """How many processes count: the working tree's files not in the count cache, and the
    versions of the history (:mod:`.history.remote`).

    `count` None (`auto`): for the working tree one per core this process may use, at most
    :data:`AUTO_MAX_PROCESSES`, once at least `min_files` files need counting; for the
    history two (this one and one more) on a machine with two cores or more, once at least
    `min_versions` versions need counting. A number is that many processes (1: never more
    than this one; the history uses at most 2) whenever at least two items need counting.
    Only where processes can be forked (Linux); elsewhere always one.
    """

    count: int | None = None
    min_files: int = AUTO_MIN_FILES
    min_versions: int = AUTO_MIN_VERSIONS

    def __post_init__(self) -> None:
        if self.count is not None and self.count < 1:
            raise UsageError(f"the number of processes must be 1 or more, not {self.count}")

    @classmethod
    def parse(cls, value: str) -> Processes:
        """`auto` or a number of processes, as an option gives it."""
        if value.strip().lower() == "auto":
            return cls()
        try:
            count = int(value)
        except ValueError:
            raise UsageError(
                f"processes must be `auto` or a whole number of processes (1 or more), "
                f"not {value!r}"
            ) from None
        return cls(count)

    def for_files(self, files: int) -> int:
        """The processes to count `files` files with."""
        if files < 2 or not fork_available():
            return 1
        if self.count is None:
            wanted = min(usable_cores(), AUTO_MAX_PROCESSES) if files >= self.min_files else 1
        else:
            wanted = self.count
        return max(1, min(wanted, files))

    def for_versions(self, versions: int) -> int:
        """The processes (1 or 2) to count `versions` versions of the history with (the
        processes' modules are loaded only when it may be 2)."""
        if versions < 2 or self.count == 1:
            return 1
        if self.count is None and versions < self.min_versions:
            return 1
        if not fork_available():
            return 1
        return 2 if self.count is not None or usable_cores() >= 2 else 1


@dataclass(frozen=True)
class FileCount:
    """One working-tree file: its counts (None when it could not be read: see `problem`),
    where its bytes are not UTF-8, and the `target_words` of its front matter (None when it
    has none and nothing is wrong with it)."""

    rel: str
    counts: TextCounts | None
    bad_offset: int | None = None
    front: FrontTarget | None = None
    problem: str | None = None


@dataclass
class _Waiting:
    """A file whose content is not in the cache yet."""

    index: int
    blob: str | None
    text: str


class _TextCounter:
    """Counts one text, with its blocks of counted words when the history needs them (in
    git). The blocks share one string per distinct word (see :data:`..counting.SHARED_WORDS`),
    so they travel between processes in a fraction of the bytes."""

    def __init__(self, count_code_blocks: bool, *, blocks: bool) -> None:
        self.count_code_blocks = count_code_blocks
        self.blocks = blocks

    def __call__(self, text: str) -> tuple[TextCounts, list[Block]]:
        if not self.blocks:
            return count_markdown(text, count_code_blocks=self.count_code_blocks), []
        return count_with_blocks(text, count_code_blocks=self.count_code_blocks)


def count_worktree(
    root: Path,
    files: Sequence[str],
    counter: Counter,
    processes: Processes | None = None,
) -> list[FileCount]:
    """Read and count `files` (relative to `root`) through `counter`, in their order."""
    processes = processes or Processes()
    count_text = _TextCounter(counter.count_code_blocks, blocks=counter.repo is not None)
    if not counter.cache:
        workers = processes.for_files(len(files))
        if workers > 1:
            return _read_and_count_forked(root, files, counter, count_text, workers)
    found: list[FileCount] = []
    waiting: list[_Waiting] = []
    waiting_bytes = 0
    for rel in files:
        read = _read(root, rel)
        if isinstance(read, FileCount):  # a pipe, a device, too large, not readable
            found.append(read)
            continue
        data, text, bad_offset, front = read
        blob, cached = counter.known(data)
        found.append(FileCount(rel, cached, bad_offset, front))
        if cached is None:
            waiting.append(_Waiting(len(found) - 1, blob, text))
            waiting_bytes += len(data)
            if waiting_bytes >= ROUND_BYTES:
                _count_waiting(waiting, found, counter, count_text, processes)
                waiting, waiting_bytes = [], 0
    _count_waiting(waiting, found, counter, count_text, processes)
    return found


def _count_waiting(
    waiting: list[_Waiting],
    found: list[FileCount],
    counter: Counter,
    count_text: _TextCounter,
    processes: Processes,
) -> None:
    """Count the waiting files (each distinct content once) and fill in their counts."""
    distinct: dict[str | None, _Waiting] = {}
    alone: list[_Waiting] = []  # outside git: no blob id, every file is its own
    for item in waiting:
        if item.blob is None:
            alone.append(item)
        else:
            distinct.setdefault(item.blob, item)
    todo = [*distinct.values(), *alone]
    if not todo:
        return
    workers = processes.for_files(len(todo))
    if workers > 1:

        def work(index: int) -> tuple[TextCounts, list[Block]]:
            return count_text(todo[index].text)

        results = map_forked(
            work, len(todo), processes=workers, describe=lambda i: found[todo[i].index].rel
        )
    else:
        results = [count_text(item.text) for item in todo]
    counts_of: dict[str, TextCounts] = {}
    for item, (counts, blocks) in zip(todo, results, strict=True):
        counter.learn(item.blob, counts, blocks)
        if item.blob is not None:
            counts_of[item.blob] = counts
        found[item.index] = _with_counts(found[item.index], counts)
    for item in waiting:
        if item.blob is not None:
            found[item.index] = _with_counts(found[item.index], counts_of[item.blob])


def _read(root: Path, rel: str) -> tuple[bytes, str, int | None, FrontTarget | None] | FileCount:
    """A file's bytes, text, first bad byte and front matter target; or, when it cannot be
    read (a pipe, a device, too large, not readable), its :class:`FileCount` naming why."""
    try:
        data = read_manuscript_file(root / rel)
    except UnreadableFileError as exc:
        return FileCount(rel, None, problem=str(exc))
    front: FrontTarget | None = front_target(decode_source(data[:FRONT_MATTER_LIMIT])[0])
    if front is not None and front.value is None and front.issue is None:
        front = None  # no target, nothing wrong: nothing to say
    text, bad_offset = decode_source(data)
    return data, text, bad_offset, front


_Counted = tuple[FileCount, str | None, list[Block]]
"""A file read and counted by a forked process: its counts, its blob id, its blocks."""


def _read_and_count_forked(
    root: Path,
    files: Sequence[str],
    counter: Counter,
    count_text: _TextCounter,
    workers: int,
) -> list[FileCount]:
    """Read, hash and count every file in `workers` forked processes (the count cache is
    empty: every file needs counting); learn each distinct content once, in the files'
    order, as one process does."""
    repo = counter.repo

    def work(index: int) -> _Counted:
        rel = files[index]
        read = _read(root, rel)
        if isinstance(read, FileCount):
            return read, None, []
        data, text, bad_offset, front = read
        counts, blocks = count_text(text)
        blob = repo.hash_blob(data) if repo is not None else None
        return FileCount(rel, counts, bad_offset, front), blob, blocks

    results = map_forked(work, len(files), processes=workers, describe=files.__getitem__)
    learnt: set[str] = set()
    found: list[FileCount] = []
    for file, blob, blocks in results:
        found.append(file)
        if file.counts is None or blob in learnt:
            continue
        counter.learn(blob, file.counts, blocks)
        if blob is not None:
            learnt.add(blob)
    return found


def _with_counts(file: FileCount, counts: TextCounts) -> FileCount:
    return FileCount(file.rel, counts, file.bad_offset, file.front, file.problem)


__all__ = ["AUTO_MIN_FILES", "AUTO_MIN_VERSIONS", "FileCount", "Processes", "count_worktree"]
