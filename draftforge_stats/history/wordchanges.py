"""Words added and deleted: a word-level difference of the chapters' counted text.

Pure: blocks of counted words in (from :func:`~..counting.counted_blocks`), numbers out.
No git, no files, no printing.

A change is measured the way a careful editor would read it:

1. **Blocks first.** Each chapter is a sequence of blocks (paragraphs, headings, list
   items...), each the tuple of its counted words. Blocks found unchanged in the old and
   the new version are set aside whatever their place, so a paragraph moved within a
   chapter costs nothing, and so does anything that leaves the counted words as they were
   (re-wrapped lines, emphasis, a link added around words).
2. **Across chapters.** Blocks that left one chapter and arrived in another in the same
   change (cut and paste, a renamed chapter) are set aside too. What is left of chapters
   that are gone (deleted or emptied) is compared with what is left of chapters that are
   new, as one text: a renamed chapter that was also edited counts only its edits.
3. **Words in what is left.** The remaining old and new blocks of each chapter are compared
   word by word (:class:`difflib.SequenceMatcher`, no junk heuristic, after the common
   first and last words are taken off): words only in the new text are added, words only
   in the old text are deleted. A one-word change in a 200-word paragraph is 1 and 1.
4. **Across a day** (:class:`DayChanges`): a block one commit removed whole and another
   commit of the same day added whole, in any chapter, is moved text and counts on neither
   side; so is a block written and removed again the same day.

Bounded work: when the words left to compare after step 3's trimming are more than
:data:`MAX_PAIRS` pairs (old words times new words), the comparison falls back to
counting words without their order (the multiset difference), linear in the text; it can
only count fewer changes than the ordered comparison, never more.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field
from difflib import SequenceMatcher

from ..counting import Block
from ..records import dataclass

__all__ = [
    "MAX_PAIRS",
    "ChapterChange",
    "DayChanges",
    "MergeSide",
    "WordChanges",
    "diff_change",
    "merge_change",
]

MAX_PAIRS = 1_000_000
"""Above this many (old word, new word) pairs, the unordered fallback is used."""


@dataclass(frozen=True)
class ChapterChange:
    """One chapter's counted text before and after a change (empty for no file)."""

    old: Sequence[Block]
    new: Sequence[Block]


@dataclass
class WordChanges:
    """Words added and deleted by one change (a commit), with the whole blocks it added
    and removed (for moves between the commits of a day)."""

    added: int = 0
    deleted: int = 0
    added_blocks: Counter[Block] = field(default_factory=Counter)
    deleted_blocks: Counter[Block] = field(default_factory=Counter)


def _without(blocks: Sequence[Block], drop: Counter[Block]) -> list[Block]:
    """`blocks` in order, less the first occurrences counted in `drop` (consumed)."""
    kept: list[Block] = []
    for block in blocks:
        if drop[block] > 0:
            drop[block] -= 1
        else:
            kept.append(block)
    return kept


def _common_ends(a: Sequence[object], b: Sequence[object]) -> tuple[int, int, int]:
    """`(start, end_a, end_b)`: `a[:start]` equals `b[:start]`, and `a[end_a:]` equals
    `b[end_b:]` (the longest such ends, not overlapping)."""
    start, limit = 0, min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a -= 1
        end_b -= 1
    return start, end_a, end_b


def _set_aside(old: Sequence[Block], new: Sequence[Block]) -> tuple[list[Block], list[Block]]:
    """Old and new blocks less the blocks they have in common (unchanged or moved)."""
    old = [block for block in old if block]
    new = [block for block in new if block]
    if not old or not new:  # a chapter added or deleted: nothing in common
        return old, new
    # Most changes touch a few blocks: take off the blocks the two share at both ends first.
    start, end_old, end_new = _common_ends(old, new)
    old, new = old[start:end_old], new[start:end_new]
    common = Counter(old) & Counter(new)
    if not common:
        return old, new
    return _without(old, Counter(common)), _without(new, common)


def _word_diff(old: Sequence[Block], new: Sequence[Block], result: WordChanges) -> None:
    """Add the word-level difference of two block sequences to `result`."""
    if not any(old) or not any(new):  # a side without words: no word matches, blocks are whole
        result.deleted += sum(map(len, old))
        result.added += sum(map(len, new))
        result.deleted_blocks.update(old)
        result.added_blocks.update(new)
        return
    a = [word for block in old for word in block]
    b = [word for block in new for word in block]
    start, end_a, end_b = _common_ends(a, b)
    middle_a, middle_b = a[start:end_a], b[start:end_b]
    if len(middle_a) * len(middle_b) > MAX_PAIRS:
        # Bounded fallback: the multiset difference, no whole blocks.
        old_words, new_words = Counter(middle_a), Counter(middle_b)
        result.added += sum((new_words - old_words).values())
        result.deleted += sum((old_words - new_words).values())
        return
    matched_a = [True] * start + [False] * (end_a - start) + [True] * (len(a) - end_a)
    matched_b = [True] * start + [False] * (end_b - start) + [True] * (len(b) - end_b)
    if middle_a and middle_b:
        matcher = SequenceMatcher(None, middle_a, middle_b, autojunk=False)
        for i, j, size in matcher.get_matching_blocks():
            for k in range(size):
                matched_a[start + i + k] = True
                matched_b[start + j + k] = True
    result.deleted += matched_a.count(False)
    result.added += matched_b.count(False)
    _whole(old, matched_a, result.deleted_blocks)
    _whole(new, matched_b, result.added_blocks)


def _whole(blocks: Sequence[Block], matched: Sequence[bool], into: Counter[Block]) -> None:
    """Count into `into` the blocks none of whose words were matched."""
    position = 0
    for block in blocks:
        if not any(matched[position : position + len(block)]):
            into[block] += 1
        position += len(block)


def diff_change(chapters: Iterable[ChapterChange]) -> WordChanges:
    """Words added and deleted by one change to any number of chapters."""
    rests = [_set_aside(change.old, change.new) for change in chapters]
    gone: Counter[Block] = Counter()
    came: Counter[Block] = Counter()
    for old, new in rests:
        gone.update(old)
        came.update(new)
    moved = gone & came
    drop_old, drop_new = Counter(moved), Counter(moved)
    result = WordChanges()
    gone_files: list[Block] = []  # what is left of chapters deleted or emptied
    new_files: list[Block] = []  # what is left of chapters added or empty before
    for old, new in rests:
        if moved:
            old, new = _without(old, drop_old), _without(new, drop_new)
        if not new:
            gone_files.extend(old)
        elif not old:
            new_files.extend(new)
        else:
            _word_diff(old, new, result)
    # Whole files gone and whole files new are compared together: a renamed chapter that
    # was also edited counts its edits only.
    _word_diff(gone_files, new_files, result)
    return result


def _align(
    old: Sequence[Block], new: Sequence[Block], old_pool: Counter[Block], new_pool: Counter[Block]
) -> tuple[list[bool], list[bool]]:
    """Which words of `old` are in `new` and which of `new` are in `old`, one flag per
    word, by the rules of :func:`diff_change`: a block found whole on the other side (in
    the same chapter, else anywhere in `new_pool` / `old_pool`, the other side's blocks of
    every chapter the change touched; both consumed) is matched whole, then what is left
    is compared word by word."""
    old_flags = [[False] * len(block) for block in old]
    new_flags = [[False] * len(block) for block in new]
    here_old, here_new = Counter(old), Counter(new)
    for blocks, flags, here, pool in (
        (new, new_flags, here_old, old_pool),
        (old, old_flags, here_new, new_pool),
    ):
        for block, block_flags in zip(blocks, flags, strict=True):
            for source in (here, pool):
                if source[block] > 0:
                    source[block] -= 1
                    block_flags[:] = [True] * len(block)
                    break
    left_a = [(b, i) for b, f in enumerate(old_flags) for i in range(len(f)) if not f[i]]
    left_b = [(b, i) for b, f in enumerate(new_flags) for i in range(len(f)) if not f[i]]
    a = [old[b][i] for b, i in left_a]
    b_words = [new[b][i] for b, i in left_b]
    start, end_a, end_b = _common_ends(a, b_words)
    pairs = [(k, k) for k in range(start)]
    pairs += [(end_a + k, end_b + k) for k in range(len(a) - end_a)]
    middle_a, middle_b = a[start:end_a], b_words[start:end_b]
    if len(middle_a) * len(middle_b) > MAX_PAIRS:
        # Bounded fallback: words matched without their order.
        waiting: dict[str, list[int]] = {}
        for k in range(len(middle_a) - 1, -1, -1):
            waiting.setdefault(middle_a[k], []).append(start + k)
        for k, word in enumerate(middle_b):
            if waiting.get(word):
                pairs.append((waiting[word].pop(), start + k))
    elif middle_a and middle_b:
        matcher = SequenceMatcher(None, middle_a, middle_b, autojunk=False)
        for i, j, size in matcher.get_matching_blocks():
            pairs += [(start + i + k, start + j + k) for k in range(size)]
    for i, j in pairs:
        old_flags[left_a[i][0]][left_a[i][1]] = True
        new_flags[left_b[j][0]][left_b[j][1]] = True
    return [f for flags in old_flags for f in flags], [f for flags in new_flags for f in flags]


MergeSide = Mapping[str, tuple[Sequence[Block], Sequence[Block]]]
"""What a merge changed against one parent: chapter -> (the parent's text, the merge's),
for each chapter whose text differs between them (empty where a side has no file)."""


def merge_change(sides: Sequence[MergeSide]) -> WordChanges:
    """The words a merge wrote itself, from what it changed against each of its parents
    (`sides`, in parent order; the first parent first).

    Only a chapter that differs from its text in every parent counts. A word of the merge's
    text of it is added when no parent's text has it (matched by :func:`_align` against each
    parent's text of the chapter, a block found whole in any such chapter of that side
    being moved text); a word of the first parent's text is deleted when the merge dropped it
    and every other parent's text has it."""
    result = WordChanges()
    shared = set(sides[0]).intersection(*sides[1:])
    if not shared:
        return result
    pools: list[Counter[Block]] = []
    for side in sides:
        pool: Counter[Block] = Counter()
        for parent_text, _ in side.values():
            pool.update(parent_text)
        pools.append(pool)
    merged_pool: Counter[Block] = Counter()
    for _, merged_text in sides[0].values():
        merged_pool.update(merged_text)
    # Each comparison's pools are copied once and consumed over the chapters (a moved block
    # is matched once), so the work stays linear in the text the merge touched.
    kept_pools = [(Counter(pool), Counter(merged_pool)) for pool in pools]
    dropped_pools = (Counter(pools[0]), Counter(merged_pool))
    there_pools = [(Counter(pools[0]), Counter(pool)) for pool in pools[1:]]
    for rel in sorted(shared):
        merged = sides[0][rel][1]
        texts = [side[rel][0] for side in sides]
        kept = [False] * sum(len(block) for block in merged)
        for parent_text, (old_pool, new_pool) in zip(texts, kept_pools, strict=True):
            _, from_parent = _align(parent_text, merged, old_pool, new_pool)
            kept = [k or f for k, f in zip(kept, from_parent, strict=True)]
        result.added += kept.count(False)
        first = texts[0]
        dropped, _ = _align(first, merged, *dropped_pools)
        everywhere = [True] * len(dropped)
        for parent_text, (old_pool, new_pool) in zip(texts[1:], there_pools, strict=True):
            there, _ = _align(first, parent_text, old_pool, new_pool)
            everywhere = [e and t for e, t in zip(everywhere, there, strict=True)]
        result.deleted += sum(1 for d, e in zip(dropped, everywhere, strict=True) if e and not d)
    return result


class DayChanges:
    """The words added and deleted over the commits of one writing day."""

    def __init__(self) -> None:
        self._added = 0
        self._deleted = 0
        self._added_blocks: Counter[Block] = Counter()
        self._deleted_blocks: Counter[Block] = Counter()

    def add(self, change: WordChanges) -> None:
        self._added += change.added
        self._deleted += change.deleted
        self._added_blocks.update(change.added_blocks)
        self._deleted_blocks.update(change.deleted_blocks)

    def add_all(self, other: DayChanges) -> None:
        """Add every change of `other` (another part of the same day)."""
        self._added += other._added
        self._deleted += other._deleted
        self._added_blocks.update(other._added_blocks)
        self._deleted_blocks.update(other._deleted_blocks)

    @property
    def added(self) -> int:
        return self._added - self._moved()

    @property
    def deleted(self) -> int:
        return self._deleted - self._moved()

    def _moved(self) -> int:
        if not self._added_blocks or not self._deleted_blocks:
            return 0  # a day that only added (or only deleted) moved nothing
        both = self._added_blocks & self._deleted_blocks
        return sum(len(block) * n for block, n in both.items())
