"""Count a new version of a chapter from its previous version, parsing only what changed.

markdown-it-py's block parser works at the top level of a document in *steps*: at line L
(after blank lines) it tries each block rule in turn, and the first that matches consumes
lines [L, E) and appends its tokens (a link reference definition appends none; it only
records the definition). What a step produces depends only on the lines from L on (and,
for front matter, on L being line 0); its inline content depends on its own tokens and on
the document's reference definitions. So a version that differs from the previous one in
a few lines is parsed here from a step a safe margin (:data:`MARGIN` whole steps) before
the first changed line; a step of the previous version whose lines read (see
:class:`_Reuse`) are unchanged is taken as it is; and from the first step that starts on a
line of the unchanged end of the document where the previous version also had a step
start, the steps are the previous version's, shifted. Each step keeps what counting needs (its
blocks of words, characters without whitespace and whitespace-separated runs, its
titles), made by the same functions :mod:`.counting` uses on a whole document, so the
sums are exactly :func:`.counting.count_with_blocks`'s.

A version of paragraphs and headings only (:func:`.counting.simple_blocks`) that cannot be
counted from a previous version needs no block parse: each paragraph or heading is one
step, and only those with inline markup go to the parser.
Where exactness is not certain the version is parsed whole: footnotes (``[^``, ``^[``:
the footnote plugin moves and drops blocks), content nested past the parser's limit
(:mod:`.counting` parses those lines again), reference definitions that differ from the
previous version's, no previous version. :attr:`Counted.how` says which path was taken.

Pure: text and the previous version's :class:`Parsed` in, counts out; no I/O.
"""

from __future__ import annotations

import bisect
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from .counting import (
    Block,
    Inline,
    SimpleBlock,
    Stream,
    TextCounts,
    block_texts,
    core_rules_after_block,
    count_with_blocks,
    dropped_regions,
    inline_text,
    markdown_parser,
    parser_debug_skipped,
    prepared_text,
    simple_blocks,
    simple_stream,
    spread,
    stream_blocks,
    text_spread,
    token_stream,
)
from .records import dataclass

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = ["MARGIN", "Counted", "InlineCache", "Parsed", "Step", "count_version"]

MARGIN = 2
"""Whole steps parsed again before the first changed line (a rule may look a line or two
past what it consumes: a paragraph at the line that ends it, a list over blank lines)."""

STEPS = "steps"
""":attr:`Counted.how`: counted from the previous version's steps."""
FIRST = "first"
"""Parsed whole by steps: no usable previous version."""
REFERENCES = "references"
"""Parsed whole by steps: the reference definitions differ from the previous version's."""
FOOTNOTES = "footnotes"
"""Counted by :func:`.counting.count_with_blocks`: the text may hold footnotes."""
NESTING = "nesting"
"""Counted by :func:`.counting.count_with_blocks`: content nested past the parser's limit."""
ALONE = "alone"
"""Counted by :func:`.counting.count_with_blocks` (which needs no block parse for a document
of paragraphs and headings only): no previous version, and no next one to be counted from
this one's steps."""
SIMPLE = "simple"
"""Paragraphs and headings only, read without the block parse (:func:`.counting.simple_blocks`)."""

References = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Step:
    """What one top-level step of the block parser gives counting."""

    start: int
    """The line the step starts on."""
    blocks: tuple[Block, ...]
    no_spaces: int
    runs: int
    front_title: str | None
    heading_title: str | None
    references: tuple[tuple[str, Any], ...]
    """The link reference definitions the step made (label, entry), in order."""

    def shifted(self, delta: int) -> Step:
        return Step(
            self.start + delta,
            self.blocks,
            self.no_spaces,
            self.runs,
            self.front_title,
            self.heading_title,
            self.references,
        )


@dataclass(frozen=True, slots=True)
class Parsed:
    """A version's lines and steps: what the next version is counted from."""

    lines: list[str]
    steps: list[Step]
    references: References
    count_code_blocks: bool


@dataclass(frozen=True, slots=True)
class Counted:
    """The counts and blocks of one version, and how they were found."""

    counts: TextCounts
    blocks: list[Block]
    parsed: Parsed | None
    """None when the version cannot be counted by steps (footnotes, deep nesting)."""
    how: str


@dataclass(slots=True)
class _Raw:
    """A step as the block parser left it, before the inline parse."""

    start: int
    first_token: int
    references: tuple[tuple[str, Any], ...]


@cache
def _rules() -> tuple[Any, ...]:
    """The parser's block rules, its core rules after the block parse, and their names."""
    after = core_rules_after_block()
    block_rules = tuple(markdown_parser().block.ruler.getRules(""))
    return block_rules, tuple(rule for _, rule in after), [name for name, _ in after]


# The core rules after the block parse that :class:`InlineCache` stands in for: the inline
# parse of each inline token, then text_join on its children; the footnote rule does nothing
# without footnotes. With any other core rule the cache is not used.
_INLINE_RULES = {"inline", "text_join", "footnote_tail"}


INLINE_KEPT = 20_000
"""Inline contents whose counted text :class:`InlineCache` keeps."""


class InlineCache:
    """The counted text (:data:`.counting.Inline`) of inline contents already parsed, by
    content (and, for a content that holds ``[``, the reference definitions it was parsed
    with): a re-parsed step's paragraphs are nearly always ones parsed before. Bounded:
    the last :data:`INLINE_KEPT` contents."""

    def __init__(self, limit: int = INLINE_KEPT) -> None:
        self.limit = limit
        self._entries: OrderedDict[tuple[str, bool, str], Inline] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, content: str, plain: bool, digest: Callable[[], str]) -> Inline | None:
        key = (content, plain, digest() if "[" in content else "")
        found = self._entries.get(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self._entries.move_to_end(key)
        return found

    def store(self, content: str, plain: bool, digest: Callable[[], str], found: Inline) -> None:
        self._entries[(content, plain, digest() if "[" in content else "")] = found
        if len(self._entries) > self.limit:
            self._entries.popitem(last=False)


def count_version(
    text: str,
    previous: Parsed | None = None,
    *,
    count_code_blocks: bool = False,
    inline: InlineCache | None = None,
    followed: bool = True,
) -> Counted:
    """The counts and blocks of `text` (as :func:`.counting.count_with_blocks` gives them),
    from `previous`'s steps where they hold (`inline`: counted inline contents to reuse;
    `followed`: whether a next version may be counted from this one's steps: when not,
    a version without `previous` is counted whole, which is quicker than by steps)."""
    src = prepared_text(text)
    if "[^" in src or "^[" in src:
        return _whole(text, count_code_blocks, FOOTNOTES)
    lines = src.split("\n")
    how = FIRST
    if previous is not None and previous.count_code_blocks == count_code_blocks:
        with parser_debug_skipped():
            found = _from_previous(src, lines, previous, inline)
        if isinstance(found, Parsed):
            return _counted(found, STEPS)
        how = found
    if previous is None and not followed:
        return _whole(text, count_code_blocks, ALONE)
    simple = simple_blocks(src)
    found_steps = _simple_steps(simple, inline) if simple is not None else None
    if found_steps is not None:
        return _counted(Parsed(lines, found_steps, {}, count_code_blocks), SIMPLE)
    with parser_debug_skipped():
        steps = _parse(src, 0, None, None, count_code_blocks, inline)
    if steps is None or isinstance(steps, str):  # (no previous: its references never differ)
        return _whole(text, count_code_blocks, NESTING)
    parsed = Parsed(lines, steps[0], steps[1], count_code_blocks)
    return _counted(parsed, how)


def _simple_steps(simple: Sequence[SimpleBlock], inline: InlineCache | None) -> list[Step] | None:
    """The steps of a simple document: each paragraph or heading is one step of the block
    parser, with one block (`inline`: counted inline contents to reuse); None where
    :func:`.counting.block_texts` gives none."""
    texts = _simple_texts(simple, inline)
    if texts is None:
        return None
    blocks = stream_blocks(simple_stream(texts))
    steps = []
    for (start, content, _, markup), (pieces, codes, title), block in zip(
        simple, texts, blocks, strict=True
    ):
        if markup:
            no_spaces, runs = spread(Stream([*pieces, "\n"], codes, [], None, None))
        else:
            no_spaces, runs = text_spread(content)
        steps.append(Step(start, (block,), no_spaces, runs, None, title, ()))
    return steps


def _simple_texts(simple: Sequence[SimpleBlock], inline: InlineCache | None) -> list[Inline] | None:
    """:func:`.counting.block_texts`, with the blocks with inline markup taken from `inline`
    where they are in it (a new version of a chapter holds its previous one's paragraphs;
    a block is known by its text as written)."""
    if inline is None:
        return block_texts(simple)
    digest = _digest_of({})  # a simple document makes no reference definition
    cached: dict[int, Inline] = {}
    rest: list[SimpleBlock] = []  # the blocks to read: without markup, or not in `inline`
    for index, (start, content, heading, markup) in enumerate(simple):
        found = inline.lookup(content, heading, digest) if markup else None
        if found is None:
            rest.append((start, content, heading, markup))
        else:
            cached[index] = found
    made_texts = block_texts(rest)
    if made_texts is None:
        return None
    made = iter(made_texts)
    texts: list[Inline] = []
    for index, (_, content, heading, markup) in enumerate(simple):
        text = cached.get(index)
        if text is None:
            text = next(made)
            if markup:
                inline.store(content, heading, digest, text)
        texts.append(text)
    return texts


def _digest_of(references: References) -> Callable[[], str]:
    """A function giving (once computed) a digest of what inline parsing reads of the
    reference definitions `references`: a key of :class:`InlineCache`."""
    digests: list[str] = []

    def digest() -> str:
        if not digests:
            data = repr(sorted(_meaning(references).items())).encode()
            digests.append(hashlib.blake2b(data, digest_size=16).hexdigest())
        return digests[0]

    return digest


def _whole(text: str, count_code_blocks: bool, how: str) -> Counted:
    counts, blocks = count_with_blocks(text, count_code_blocks=count_code_blocks)
    return Counted(counts, blocks, None, how)


def _counted(parsed: Parsed, how: str) -> Counted:
    """The totals of a document's steps (see :func:`.counting.spread`)."""
    blocks = [block for step in parsed.steps for block in step.blocks]
    no_spaces = runs = 0
    front: str | None = None
    heading: str | None = None
    for step in parsed.steps:
        no_spaces += step.no_spaces
        runs += step.runs
        if front is None:
            front = step.front_title
        if heading is None:
            heading = step.heading_title
    counts = TextCounts(
        words=sum(map(len, blocks)),
        characters=no_spaces + runs - 1 if runs else 0,
        characters_no_spaces=no_spaces,
        title=front if front is not None else heading,
    )
    return Counted(counts, blocks, parsed, how)


def _from_previous(
    src: str, lines: list[str], previous: Parsed, inline: InlineCache | None
) -> Parsed | str:
    """`src` counted from `previous`'s steps, or why it cannot be."""
    old = previous.lines
    old_steps = previous.steps
    if lines == old:
        return Parsed(lines, old_steps, previous.references, previous.count_code_blocks)
    n_old, n_new = len(old), len(lines)
    limit = min(n_old, n_new)
    prefix = 0
    while prefix < limit and old[prefix] == lines[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[n_old - 1 - suffix] == lines[n_new - 1 - suffix]:
        suffix += 1
    starts = [step.start for step in old_steps]
    changed = bisect.bisect_right(starts, prefix) - 1  # the last step starting at or before it
    kept = changed - MARGIN
    if kept <= 0 or _front_matter_tried(old):
        kept, resume = 0, 0
    else:
        resume = starts[kept]
    delta = n_new - n_old
    first_same = n_old - suffix
    sync = {
        start + delta: index
        for index, start in enumerate(starts)
        if start >= first_same
        and start + delta >= resume
        # front matter is only taken at line 0: a step there is like no step elsewhere
        and (start == 0) == (start + delta == 0)
    }
    reuse = _Reuse(old, starts, lines)
    parsed = _parse(
        src, resume, sync, previous, previous.count_code_blocks, inline, old_steps[:kept], reuse
    )
    if parsed is None:
        return NESTING
    if isinstance(parsed, str):
        return parsed
    return Parsed(lines, parsed[0], parsed[1], previous.count_code_blocks)


def _front_matter_tried(lines: list[str]) -> bool:
    """Whether the front matter rule looked at the document: it reads on to the end when
    there is no closing line, and gives way to another rule, so the first step may depend
    on any line."""
    return bool(lines) and lines[0].startswith("-")


class _Reuse:
    """Which step of the previous version a step of the new one is, between two changes.

    A step depends on the lines from its start to the line after the next step's start
    (a paragraph looks at the line that ends it, a list at the first line after blank
    lines, a table's silent check at one line more), and, for a link reference definition
    (or one in a list item), on the lines up to the first blank line (where it looks for
    a title). A step of the previous version whose lines up to there, and the end of the
    document if they reach it, are the new version's lines from `line` on is what a parse
    from `line` would give: it is taken as it is, shifted.
    """

    def __init__(self, old: list[str], starts: list[int], lines: list[str]) -> None:
        self.old = old
        self.starts = starts
        self.lines = lines
        self.by_text: dict[str, list[int]] = {}
        for index, start in enumerate(starts):
            self.by_text.setdefault(old[start], []).append(index)

    def _reach(self, index: int) -> int:
        """The end (exclusive) of the lines the previous version's step `index` read."""
        old = self.old
        n_old = len(old)
        if index == 0 and _front_matter_tried(old):
            return n_old
        after = self.starts[index + 1] if index + 1 < len(self.starts) else n_old
        blank = after
        while blank < n_old and old[blank].strip(" \t"):
            blank += 1
        return min(n_old, max(after + 2, blank + 1))

    def find(self, line: int) -> tuple[int, int] | None:
        """(index of the previous version's step, the line after it in the new version) of
        a step that can be taken at `line`, or None."""
        lines = self.lines
        if line >= len(lines):
            return None
        for index in self.by_text.get(lines[line], ()):
            start = self.starts[index]
            if (start == 0) != (line == 0):
                continue  # front matter is only taken at line 0
            reach = self._reach(index)
            stop = line + reach - start
            if reach == len(self.old) and stop != len(lines):
                continue  # it read to the end of the document: so must this one
            if self.old[start:reach] != lines[line:stop]:
                continue
            after = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.old)
            return index, line + after - start
        return None


def _parse(
    src: str,
    first_line: int,
    sync: dict[int, int] | None,
    previous: Parsed | None,
    count_code_blocks: bool,
    inline: InlineCache | None,
    before: Sequence[Step] = (),
    reuse: _Reuse | None = None,
) -> tuple[list[Step], References] | str | None:
    """The steps of `src` from `first_line` on (the top-level loop of markdown-it-py's
    ``ParserBlock.tokenize``), then `previous`'s from the first step that starts on a line
    of `sync` (line -> index of the previous version's step). None when content is nested
    past the parser's limit; :data:`REFERENCES` when the reference definitions differ
    from `previous`'s."""
    from markdown_it.rules_block.state_block import StateBlock
    from markdown_it.rules_core.state_core import StateCore

    md: MarkdownIt = markdown_parser()
    block_rules, core_rules, core_names = _rules()
    tokens: list[Token] = []
    raw: list[_Raw | Step] = []
    synced: int | None = None
    max_nesting: int = md.options["maxNesting"]
    if src:
        state = StateBlock(src, md, {}, tokens)
        end_line = state.lineMax
        line = first_line
        has_empty_lines = False
        while line < end_line:
            state.line = line = state.skipEmptyLines(line)
            if line >= end_line:
                break
            if sync is not None and line in sync:
                synced = line
                break
            if reuse is not None and previous is not None:
                found = reuse.find(line)
                if found is not None:  # (only state.tight, unused at the top level, differs)
                    index, next_line = found
                    raw.append(previous.steps[index].shifted(line - reuse.starts[index]))
                    state.line = line = next_line
                    continue
            if state.sCount[line] < state.blkIndent or state.level >= max_nesting:
                return None  # never at the top level; parse whole to be sure
            step_env: dict[str, Any] = {}
            state.env = step_env
            start_token = len(tokens)
            for rule in block_rules:
                if rule(state, line, end_line, False):
                    if state.line <= line:
                        raise RuntimeError("block rule didn't increment state.line")
                    break
            else:
                raise RuntimeError("none of the block rules matched")
            state.tight = not has_empty_lines
            refs = step_env.get("references")
            raw.append(_Raw(line, start_token, tuple(refs.items()) if refs else ()))
            line = state.line
            if (line - 1) < end_line and state.isEmpty(line - 1):
                has_empty_lines = True
            if line < end_line and state.isEmpty(line):
                has_empty_lines = True
                line += 1
                state.line = line

    after: list[Step] = []
    if synced is not None and previous is not None and sync is not None:
        index = sync[synced]
        delta = synced - previous.steps[index].start
        after = [step.shifted(delta) for step in previous.steps[index:]]
    references = _references(before, raw, after, previous)
    if references is None:
        return REFERENCES
    env = {"references": references}
    text_of: Callable[[Token, bool], Inline] = inline_text
    if inline is not None and set(core_names) == _INLINE_RULES:
        text_join = core_rules[core_names.index("text_join")]
        text_of = _cached_inline(md, src, env, inline, text_join)
    else:
        core = StateCore(src, md, env, tokens)
        for rule in core_rules:
            rule(core)
    steps = list(before)
    stop = len(tokens)
    stops: list[int] = []  # where each parsed step's tokens end
    for item in reversed(raw):
        stops.append(stop)
        if isinstance(item, _Raw):
            stop = item.first_token
    for item, stop in zip(raw, reversed(stops), strict=True):
        if isinstance(item, Step):
            steps.append(item)  # taken from the previous version
            continue
        piece = tokens[item.first_token : stop]
        if dropped_regions(piece, max_nesting):
            return None
        gathered = token_stream(piece, count_code_blocks, text_of)
        no_spaces, runs = spread(gathered)
        steps.append(
            Step(
                item.start,
                tuple(stream_blocks(gathered)),
                no_spaces,
                runs,
                gathered.front_title,
                gathered.heading_title,
                item.references,
            )
        )
    steps.extend(after)
    return steps, references


def _cached_inline(
    md: MarkdownIt, src: str, env: References, cache: InlineCache, text_join: Any
) -> Callable[[Token, bool], Inline]:
    """The counted text of an inline token, from `cache` or parsed as the core rules would
    (the inline parse, then text_join on its children)."""
    from markdown_it.rules_core.state_core import StateCore

    digest = _digest_of(env["references"])

    def text_of(token: Token, plain: bool) -> Inline:
        found = cache.lookup(token.content, plain, digest)
        if found is None:
            children: list[Token] = []
            md.inline.parse(token.content, md, env, children)
            token.children = children
            text_join(StateCore(src, md, env, [token]))
            found = inline_text(token, plain)
            cache.store(token.content, plain, digest, found)
        return found

    return text_of


def _references(
    before: Sequence[Step],
    raw: Sequence[_Raw | Step],
    after: Sequence[Step],
    previous: Parsed | None,
) -> References | None:
    """The document's link reference definitions (the first of a label wins), or None when
    they differ from `previous`'s (whose steps' inline content depends on them)."""
    found: References = {}
    for group in (before, raw, after):
        for item in group:
            for label, entry in item.references:
                if label not in found:
                    found[label] = entry
    if previous is None:
        return found
    if _meaning(found) != _meaning(previous.references):
        return None
    return previous.references


def _meaning(references: References) -> dict[str, Any]:
    """What inline parsing reads of reference definitions: not where they are ("map")."""
    return {
        label: {key: value for key, value in entry.items() if key != "map"}
        if isinstance(entry, dict)
        else entry
        for label, entry in references.items()
    }
