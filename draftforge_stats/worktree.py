"""The working tree's manuscript files, read and counted: in one process, or on every core.

:func:`count_worktree` reads each file (a file it cannot read is a problem, not counted),
looks for `target_words` in its front matter, and takes its counts from the count cache when
this content was counted before. The files left (each distinct content once) are counted
in one process, or, when there are many (:class:`Processes`), in forked processes
(:mod:`.pool`) whose results are taken in the files' order: the counts, the cache and the
stats file are byte for byte those of one process. Files wait for counting in rounds of at
most :data:`ROUND_BYTES`, so memory stays bounded however large the manuscript.

Library code: it reads the files it is given; it never prints, reads the environment or exits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .counting import Block, TextCounts, count_markdown, count_with_blocks, decode_source
from .errors import UnreadableFileError
from .history import Counter
from .pool import AUTO_MAX_PROCESSES, AUTO_MIN_FILES, Processes, map_forked
from .reading import read_manuscript_file
from .targets import FRONT_MATTER_LIMIT, FrontTarget, front_target

ROUND_BYTES = 64 * 1024 * 1024
"""The most text (bytes) read ahead of counting at once."""


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
    found: list[FileCount] = []
    waiting: list[_Waiting] = []
    waiting_bytes = 0
    for rel in files:
        try:
            data = read_manuscript_file(root / rel)
        except UnreadableFileError as exc:  # a pipe, a device, too large, not readable
            found.append(FileCount(rel, None, problem=str(exc)))
            continue
        front: FrontTarget | None = front_target(decode_source(data[:FRONT_MATTER_LIMIT])[0])
        if front is not None and front.value is None and front.issue is None:
            front = None  # no target, nothing wrong: nothing to say
        text, bad_offset = decode_source(data)
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


def _with_counts(file: FileCount, counts: TextCounts) -> FileCount:
    return FileCount(file.rel, counts, file.bad_offset, file.front, file.problem)


__all__ = ["AUTO_MAX_PROCESSES", "AUTO_MIN_FILES", "FileCount", "Processes", "count_worktree"]
