"""The count cache of the history: each distinct file content is counted once, ever.

:class:`CountCache` keys counts by blob id, counting-rules version and `count_code_blocks`
(plus a fingerprint of the package, the Markdown parser and the Unicode database) and lives
in the git folder between runs; :class:`Counter` counts working-tree files and git blobs
through it, reading blobs in batches from one `git cat-file --batch` process.

Library code: it reads and writes only the cache file it is given; it never prints.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import os
import unicodedata
from collections import Counter as Tally
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from .. import __version__
from ..counting import (
    RULES_VERSION,
    Block,
    TextCounts,
    count_markdown,
    decode_source,
)
from ..gitrepo import BLOB_BATCH, BlobReader, Repository
from ..reading import MAX_FILE_BYTES
from ..statsfile import atomic_write
from ..steps import InlineCache, Parsed, count_version
from ..wording import plural

Progress = Callable[[int, int], None]
"""Called as `progress(done, total)` while blobs are being counted."""

CACHE_FILE = Path("draftforge-stats") / "counts.json"
"""Where :class:`CountCache` keeps counts between runs, inside the git folder."""
CACHE_FORMAT = 1
#: The counts of a version too large to count (see :data:`..reading.MAX_FILE_BYTES`).
_NOTHING = TextCounts(0, 0, 0, None)
CACHE_LIMIT = 200_000
"""Past this many entries the cache keeps only what the last run used."""


@functools.cache
def _fingerprint() -> str:
    """What besides the rules version can change a count: this package, the Markdown parser
    and the Unicode database (a forgotten RULES_VERSION bump never serves stale counts)."""
    parts = [f"draftforge-stats={__version__}", f"unicode={unicodedata.unidata_version}"]
    for name, module in (("markdown-it-py", "markdown_it"), ("mdit-py-plugins", "mdit_py_plugins")):
        parts.append(f"{name}={_installed_version(name, module)}")
    return " ".join(parts)


def _installed_version(name: str, module: str) -> str:
    """The installed version of distribution `name` (which provides `module`), as
    `importlib.metadata` gives it: read from the `.dist-info` folder beside the module
    when there is one (loading `importlib.metadata` cost more than the rest of a push
    update's cache work), else through `importlib.metadata`."""
    spec = importlib.util.find_spec(module)
    folder = Path(spec.origin).parent.parent if spec is not None and spec.origin else None
    prefix = name.replace("-", "_").lower() + "-"
    if folder is not None:
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.lower().startswith(prefix) and entry.name.endswith(".dist-info"):
                    version = _metadata_version(Path(entry.path) / "METADATA")
                    if version is not None:
                        return version
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def _metadata_version(path: Path) -> str | None:
    """The `Version:` of a distribution's METADATA file (in its header), or None."""
    with contextlib.suppress(OSError, UnicodeDecodeError), path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                break  # the end of the header
            if line.startswith("Version:"):
                return line.removeprefix("Version:").strip()
    return None


def _valid(row: Any) -> bool:
    return _as_written(row) or _counts_of(row) is not None


def _as_written(row: Any) -> bool:
    """A stored row exactly as :meth:`CountCache.save` writes it: three whole numbers and
    a title (a string or None)."""
    return (
        type(row) is list
        and len(row) == 4
        and type(row[0]) is int
        and type(row[1]) is int
        and type(row[2]) is int
        and (row[3] is None or type(row[3]) is str)
    )


def _counts_of(row: Any) -> TextCounts | None:
    """The counts of a stored row, or None for a damaged one."""
    try:
        words, chars, no_spaces, title = row
        return TextCounts(int(words), int(chars), int(no_spaces), title)
    except (TypeError, ValueError):
        return None


class CountCache:
    """Counts by blob id, for one counting-rules version and `count_code_blocks` setting.

    With a `path` (in the git folder) the counts outlive the run; without one they last
    as long as the object. A damaged cache file is ignored (and replaced on save).
    """

    def __init__(self, *, count_code_blocks: bool, path: Path | None = None) -> None:
        self.path = path
        self.key = f"{RULES_VERSION}:{int(count_code_blocks)}"
        self._entries: dict[str, TextCounts] = {}
        #: Rows of the file not asked for yet (blob -> row as stored): a push update asks
        #: for a few of thousands, so only those are read into counts.
        self._rows: dict[str, Any] = {}
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
                self._rows = section
            elif str(key).startswith(f"{RULES_VERSION}:"):
                self._others[key] = section  # the other code-block setting: keep it

    def get(self, blob: str) -> TextCounts | None:
        counts = self._entries.get(blob)
        if counts is None and blob in self._rows:
            counts = _counts_of(self._rows.pop(blob))
            if counts is not None:
                self._entries[blob] = counts
        if counts is not None:
            self._used.add(blob)
        return counts

    def put(self, blob: str, counts: TextCounts) -> None:
        self._rows.pop(blob, None)
        self._entries[blob] = counts
        self._used.add(blob)
        self._dirty = True

    def __len__(self) -> int:
        return len(self._entries) + sum(1 for row in self._rows.values() if _valid(row))

    def __bool__(self) -> bool:
        """Whether the cache holds any counts (without checking every stored row, as
        ``len`` does: a run asks this once, and the first row nearly always answers)."""
        return bool(self._entries) or any(map(_valid, self._rows.values()))

    def save(self) -> None:
        """Write the cache if it learned something (errors are ignored: it is only a cache)."""
        if self.path is None or not self._dirty:
            return
        rows = {
            blob: [c.words, c.characters, c.characters_no_spaces, c.title]
            for blob, c in self._entries.items()
        }
        if len(rows) + len(self._rows) > CACHE_LIMIT:  # keep only what this run used
            rows = {blob: row for blob, row in rows.items() if blob in self._used}
        else:  # the rows not asked for, as they were read when they are as written here
            for blob, row in self._rows.items():
                if _as_written(row):
                    rows[blob] = row
                elif (counts := _counts_of(row)) is not None:
                    rows[blob] = [
                        counts.words,
                        counts.characters,
                        counts.characters_no_spaces,
                        counts.title,
                    ]
        section = dict(sorted(rows.items()))
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
        self.oversized: dict[str, int] = {}
        """Versions in git larger than :data:`..reading.MAX_FILE_BYTES` (blob -> size):
        counted as empty, never read into memory."""
        self.elsewhere = 0
        """Versions of the history counted in another process (:mod:`.remote`)."""
        self.file_blocks: dict[str, list[Block]] = {}
        """Blocks of counted words of the working tree's files counted here (blob -> blocks),
        so the history walk, which compares them with their earlier versions, does not
        parse them again."""

    def _count(self, data: bytes) -> tuple[TextCounts, int | None]:
        text, bad_offset = decode_source(data)
        self.counted += 1
        return count_markdown(text, count_code_blocks=self.count_code_blocks), bad_offset

    def known(self, data: bytes) -> tuple[str | None, TextCounts | None]:
        """A file's blob id (None outside git) and its counts when the cache has them."""
        if self.repo is None:
            return None, None
        blob = self.repo.hash_blob(data)
        return blob, self.cache.get(blob)

    def learn(self, blob: str | None, counts: TextCounts, blocks: list[Block]) -> None:
        """Take the counts and blocks of a working-tree file counted (here or elsewhere)."""
        self.counted += 1
        if blob is not None:
            self.cache.put(blob, counts)
            self.file_blocks[blob] = blocks

    def skipped_warnings(self) -> list[str]:
        """A warning for the versions in git too large to count, if there were any."""
        if not self.oversized:
            return []
        count = len(self.oversized)
        return [
            f"{plural(count, 'version')} of manuscript files in the git history "
            f"{'is' if count == 1 else 'are'} larger than {MAX_FILE_BYTES:,} bytes (the largest "
            f"{max(self.oversized.values()):,}) and counted as 0 words: split such files."
        ]

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
        self.repo.fetch_missing(missing)  # a partial clone: at once, not one by one
        with self.repo.blobs() as reader:
            for done, (blob, data) in enumerate(
                reader.read_bounded(missing, max_size=MAX_FILE_BYTES), start=1
            ):
                if isinstance(data, int):  # too large: its size
                    self.oversized[blob] = data
                    found[blob] = _NOTHING
                else:
                    counts, _ = self._count(data)
                    self.cache.put(blob, counts)
                    found[blob] = counts
                if progress is not None:
                    progress(done, total)
        return found


Version = tuple[TextCounts, list[Block], str]
"""A version's counts, blocks of counted words and how it was counted
(:attr:`..steps.Counted.how`)."""


class Remote(Protocol):
    """Versions counted elsewhere (see :mod:`.remote`)."""

    def take(self, blob: str) -> Version | int | None:
        """`blob`'s version (its size when too large to count), or None when it is not
        given (then it is counted here)."""


class Lines:
    """The line of versions of a blob: the first version found by following `previous`
    (new blob -> the chapter's blob before it) back; a version that comes back after a
    revert ends the search where it loops. Memoised."""

    def __init__(self, previous: Mapping[str, str]) -> None:
        self._previous = previous
        self._lines: dict[str, str] = {}

    def __call__(self, blob: str) -> str:
        seen: dict[str, None] = {}
        current = blob
        while (found := self._lines.get(current)) is None:
            before = self._previous.get(current)
            seen[current] = None
            if before is None or before in seen:
                found = current
                break
            current = before
        for version in seen:
            self._lines[version] = found
        return found


def to_count(plan: Sequence[str], counter: Counter) -> list[str]:
    """The distinct blobs of `plan` that will be parsed, in plan order: every one but those
    whose blocks the working tree's count already gave."""
    known = counter.file_blocks
    return [blob for blob in dict.fromkeys(plan) if blob not in known]


class BlobSource(Mapping[str, TextCounts]):
    """Counts (a mapping) and blocks of counted words (:meth:`blocks`) by blob id.

    A blob is read and parsed once for both, when first asked for (in walk order), and its
    counts go to the cache. Blocks, and the steps the next version is counted from
    (:mod:`..steps`), are kept for the last :data:`BLOCKS_KEPT` blobs, with at most
    :data:`BLOCK_WORDS_KEPT` words in all: a commit's old version of a chapter is nearly
    always a recent commit's new one. A blob named in `previous` (new blob -> the chapter's
    blob before it) is counted from that blob's steps when they are kept: only the steps
    around its changed lines are parsed. Blobs are
    read in batches of :data:`~.gitrepo.BLOB_BATCH`: with the one asked for, the next ones of
    `plan` (the walk's blobs in the order it will want them) not read yet.

    A blob that `remote` (versions counted in another process, :mod:`.remote`) gives is
    taken from it instead of being read and counted here.
    """

    def __init__(
        self,
        reader: BlobReader,
        counter: Counter,
        progress: Progress | None,
        total: int,
        plan: Sequence[str] = (),
        previous: Mapping[str, str] | None = None,
        remote: Remote | None = None,
    ) -> None:
        self.total = total
        self.reader = reader
        self.counter = counter
        self.progress = progress
        self.parsed = 0
        self._blocks: OrderedDict[str, list[Block]] = OrderedDict()
        self._steps: dict[str, Parsed] = {}  # for the blobs in _blocks that have steps
        # The steps of the latest version parsed of each chapter's line of versions (by the
        # first version of the line: see Lines), for a version whose own previous one is no
        # longer kept (read long before, on another branch).
        self._latest: OrderedDict[str, Parsed] = OrderedDict()
        self._previous = previous if previous is not None else {}
        self._followed = frozenset(self._previous.values())  # blobs a next version follows
        self._line = Lines(self._previous)
        self._remote = remote
        self._inline = InlineCache()
        self.ways: Tally[str] = Tally()
        """How many versions were counted each way (:attr:`..steps.Counted.how`)."""
        self._kept_words = 0  # words in the blocks kept
        self._plan = list(dict.fromkeys(plan))
        self._next = 0  # the first blob of the plan not read yet
        self._read: dict[str, bytes | int] = {}  # read ahead, not parsed yet (int: too large)

    def _data(self, blob: str) -> bytes | int:
        """The blob's bytes, or its size when it is larger than MAX_FILE_BYTES (not read)."""
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
        found = dict(self.reader.read_bounded(batch, max_size=MAX_FILE_BYTES))
        self._read.update((ahead, found[ahead]) for ahead in batch[1:])
        while len(self._read) > 4 * BLOB_BATCH:  # read ahead but never asked for (merges)
            del self._read[next(iter(self._read))]
        return found[blob]

    def _parse(self, blob: str) -> tuple[TextCounts, list[Block]]:
        found = self.counted(blob)
        if isinstance(found, int):
            return _NOTHING, []
        return found[0], found[1]

    def counted(self, blob: str) -> Version | int:
        """Count `blob` (here, or take it from `remote`) and keep what the next versions
        need; its size when it is too large to count."""
        found = self._remote.take(blob) if self._remote is not None else None
        if found is None:
            found = self.version(blob)
        else:
            self.counter.elsewhere += 1
        if isinstance(found, int):  # too large: counted as empty, like Counter.blobs does
            self.counter.oversized[blob] = found
            return found
        counts, blocks, how = found
        self.ways[how] += 1
        self._blocks[blob] = blocks
        self._kept_words += sum(map(len, blocks))
        while len(self._blocks) > 1 and (
            len(self._blocks) > BLOCKS_KEPT or self._kept_words > BLOCK_WORDS_KEPT
        ):
            dropped_blob, dropped = self._blocks.popitem(last=False)
            self._steps.pop(dropped_blob, None)
            self._kept_words -= sum(map(len, dropped))
        if self.counter.cache.get(blob) is None:  # a new content (else only its blocks)
            self.counter.cache.put(blob, counts)
            self.counter.counted += 1
            self.parsed += 1
            if self.progress is not None:
                self.progress(self.parsed, max(self.parsed, self.total))
        return found

    def version(self, blob: str) -> Version | int:
        """Read and count `blob` here (its size when it is too large to count), keeping
        its steps for the next version of its line (see :meth:`_parse` for the rest)."""
        data = self._data(blob)
        if isinstance(data, int):
            return data
        text, _ = decode_source(data)
        counted = count_version(
            text,
            self._base(blob),
            count_code_blocks=self.counter.count_code_blocks,
            inline=self._inline,
            followed=blob in self._followed,
        )
        if counted.parsed is not None:
            self._steps[blob] = counted.parsed
            line = self._line(blob)
            self._latest[line] = counted.parsed
            self._latest.move_to_end(line)
            while len(self._latest) > LINES_KEPT:
                self._latest.popitem(last=False)
        return counted.counts, counted.blocks, counted.how

    def _base(self, blob: str) -> Parsed | None:
        """The steps `blob` is counted from: its previous version's when kept, else those of
        the latest version parsed of its line (any earlier version gives the same counts,
        :mod:`..steps`; a similar one saves parsing), else none (parsed whole)."""
        before = self._previous.get(blob)
        if before is None:
            return None
        kept = self._steps.get(before)
        return kept if kept is not None else self._latest.get(self._line(before))

    def __getitem__(self, blob: str) -> TextCounts:
        counts = self.counter.cache.get(blob)
        if counts is not None:
            return counts
        return _NOTHING if blob in self.counter.oversized else self._parse(blob)[0]

    def __contains__(self, blob: object) -> bool:
        return isinstance(blob, str) and self.counter.cache.get(blob) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def blocks(self, blob: str) -> list[Block]:
        if blob in self.counter.oversized:
            return []
        found = self._blocks.get(blob)
        if found is not None:
            self._blocks.move_to_end(blob)
            return found
        from_file = self.counter.file_blocks.get(blob)
        if from_file is not None:
            return from_file
        return self._parse(blob)[1]


BLOCKS_KEPT = 256
LINES_KEPT = 128
"""Lines of versions (chapters, across renames) whose latest steps are kept."""
BLOCK_WORDS_KEPT = 2_000_000
"""And at most this many words in them (huge chapters keep fewer), so memory stays bounded."""
"""Blobs whose blocks of counted words are kept in memory during a walk."""
