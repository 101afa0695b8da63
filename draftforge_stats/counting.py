"""Count the words and characters of one Markdown chapter (counting rules, version 2).

Counting works on markdown-it-py's token stream (CommonMark, tables, front matter,
footnotes), never on raw text and never on rendered HTML. The counted text of a
document is gathered into one string, block by block, and the word rule is then applied
to it with one compiled regular expression:

* a word is a run of letters, digits and combining marks (Unicode categories L*, N*,
  M*) that starts with a letter or digit (a mark belongs to the character before it,
  so the variation selector of an emoji makes no word); an apostrophe (U+0027 or
  U+2019) or a hyphen (U+002D, U+2010, U+2011) between two such characters joins
  them, and so does a period or comma between two digits;
* each CJK ideograph, hiragana or katakana character (with any combining marks that
  follow it) is one word on its own; Latin letters touching CJK text are a separate
  word (``日本語abc`` is 3 + 1);
* inline code, and code blocks when they are counted, are one word per
  whitespace-separated piece;
* raw HTML: tags and comments are not text. Inline tags (``<span>``, ``<em>``) are
  transparent like Markdown emphasis, block-level tags and ``<br>`` break like
  whitespace, ``<img>`` and other replaced elements separate words like a Markdown
  image; the content of ``<script>`` and ``<style>`` is not counted.

Characters are Unicode code points (``cafe\u0301`` is 5); whitespace is what
``str.split()`` splits on, so a no-break space is whitespace.

Inside that string two private markers stand for things that have no text of their
own: ``_SEP`` (an image, a footnote reference, an autolink) separates words and is
zero characters wide, ``_CODE`` holds the place of a code span or code block, whose
content is counted apart. Neither can come from the document: markdown-it turns NUL
into U+FFFD, and :func:`count_markdown` does the same with the other marker.

The rules are versioned: change :data:`RULES_VERSION` whenever a change here can change
a count, so that cached counts are thrown away.

Besides the counting functions, the steps of counting are public for :mod:`.steps`, which
counts a new version of a chapter from the previous one's parse with the same steps:
:func:`markdown_parser` (the one configured parser), :func:`parser_debug_skipped`,
:func:`prepared_text` (the text as the parser is given it), :func:`token_stream` (tokens to
the counted text, a :class:`Stream`), :func:`spread` and :func:`stream_blocks` (its figures
and blocks) and :func:`dropped_regions` (what the parser skipped past its nesting limit).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any

from draftforge_stats.errors import SourceError
from draftforge_stats.records import dataclass

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = [
    "RULES_VERSION",
    "Block",
    "Inline",
    "SimpleBlock",
    "Stream",
    "TextCounts",
    "block_texts",
    "core_rules_after_block",
    "count_markdown",
    "count_with_blocks",
    "count_words",
    "counted_blocks",
    "decode_source",
    "dropped_regions",
    "inline_text",
    "markdown_parser",
    "parser_debug_skipped",
    "prepared_text",
    "share_words",
    "simple_blocks",
    "simple_stream",
    "spread",
    "stream_blocks",
    "text_spread",
    "token_stream",
]

RULES_VERSION: int = 2
"""Bump whenever a change to this module can change a count."""


_SEP = "\x00"  # zero-width word separator (image, footnote reference, autolink)
_CODE = "\x01"  # placeholder for one code span / code block, counted apart
_BOM = "\ufeff"
_UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class TextCounts:
    """The counts of one document."""

    words: int
    characters: int
    """Counted text, each whitespace run (incl. the break between blocks) = 1 space,
    stripped at both ends."""
    characters_no_spaces: int
    """Counted text without any whitespace."""
    title: str | None
    """Front matter ``title`` (a string) if present, else the plain text of the first
    heading, else None."""


def decode_source(data: bytes) -> tuple[str, int | None]:
    """UTF-8 decode (BOM stripped, CRLF/CR -> LF); invalid bytes replaced with U+FFFD.

    Returns ``(text, offset)``: ``offset`` is the position in ``data`` (counting a
    leading BOM, as a hex editor would show it) of the first byte that is not valid
    UTF-8, or None when every byte is valid.
    """
    start = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    body = data[start:] if start else data
    bad_offset: int | None = None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        bad_offset = start + error.start
        text = body.decode("utf-8", errors="replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, bad_offset


# --------------------------------------------------------------------------- word rule

# Blocks (and planes) whose letters count one word per character. Only the letters and
# numbers among them are used (punctuation such as U+30FB KATAKANA MIDDLE DOT is not a
# word, and the combining voiced sound marks attach to the kana before them).
_CJK_BLOCKS: tuple[tuple[int, int], ...] = (
    (0x3005, 0x3007),  # iteration mark, closing mark, number zero (script Han)
    (0x3021, 0x3029),  # Hangzhou numerals (script Han)
    (0x3038, 0x303B),  # more Han-script numerals and marks
    (0x3040, 0x309F),  # Hiragana
    (0x30A0, 0x30FF),  # Katakana
    (0x31F0, 0x31FF),  # Katakana Phonetic Extensions
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFF66, 0xFF9F),  # Halfwidth Katakana
    (0x1AFF0, 0x1B16F),  # Kana Extended-B, Kana Supplement, Extended-A, Small Kana Ext.
    (0x20000, 0x3FFFF),  # Planes 2 and 3: CJK extensions B-J and compatibility supplement
)

# Letters, numbers and marks only exist in planes 0-3 and (marks: variation selectors)
# plane 14; planes 4-13 are unassigned and 15-16 are private use (category Co).
_SCAN_RANGES: tuple[range, ...] = (range(0x40000), range(0xE0000, 0xE1000))

# Hyphen-minus, hyphen, non-breaking hyphen, apostrophe, right single quotation mark.
_HYPHENS_APOSTROPHES = "\\-\u2010\u2011'\u2019"


def _char_class(codepoints: Iterable[int]) -> str:
    """A regex character class body (no brackets) for sorted code points."""
    out: list[str] = []
    first = last = -2
    for cp in codepoints:
        if cp == last + 1:
            last = cp
            continue
        if first >= 0:
            out.append(_class_range(first, last))
        first = last = cp
    if first >= 0:
        out.append(_class_range(first, last))
    return "".join(out)


def _class_range(first: int, last: int) -> str:
    if first == last:
        return f"\\U{first:08x}"
    return f"\\U{first:08x}-\\U{last:08x}"


def _segments() -> list[tuple[range, bool]]:
    """The scanned code points cut into ranges wholly CJK or not, and BMP or not."""
    cuts = {0x10000, *(a for a, _ in _CJK_BLOCKS), *(b + 1 for _, b in _CJK_BLOCKS)}
    segments: list[tuple[range, bool]] = []
    for scan in _SCAN_RANGES:
        bounds = sorted({scan.start, scan.stop, *(c for c in cuts if scan.start < c < scan.stop)})
        for start, stop in itertools.pairwise(bounds):
            is_cjk = any(a <= start <= b for a, b in _CJK_BLOCKS)
            segments.append((range(start, stop), is_cjk))
    return segments


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
#: Latin (all its blocks), the combining marks, Greek, Cyrillic and the general
#: punctuation (curly quotes, dashes): most manuscripts hold no other character, and the
#: word rule for these alone is built and compiled in a small part of the time.
_WESTERN_RANGES = (range(0x530), range(0x1E00, 0x2070))
_NOT_WESTERN = re.compile("[^\u0000-\u052f\u1e00-\u206f]")
_SPACE = re.compile(r"\s")
_UP_TO_LAST_SPACE = re.compile(r".*\s", re.DOTALL)


@cache
def _word_pattern(astral: bool = True, western: bool = False) -> re.Pattern[str]:
    """The compiled word rule, built from this Python's Unicode database on first use.

    The scan covers ~270k code points and runs once per process, on the first count
    that needs it, so importing this module stays cheap. ``astral=False`` gives the same
    rule for text without characters beyond U+FFFF, several times faster: ``re`` tests BMP
    characters against a bitmap, but astral ones against a list of ranges that every
    failed match (a space, a comma) has to go through. ``western=True`` gives the rule for
    text of the characters of :data:`_WESTERN_RANGES` alone (the same words on such text),
    built from about 2,000 code points instead of 65,000 in a few milliseconds; with the
    few other characters a document uses (:func:`_words_finder`), most documents never
    need the whole rule, which takes some 150 ms to build.
    """
    if western:
        return _composed(*_western_classes())
    category = unicodedata.category
    limit = sys.maxunicode if astral else 0xFFFF
    cjk_letters: list[int] = []
    other: list[int] = []
    marks: list[int] = []
    for segment, is_cjk in _segments():
        if segment.start > limit:
            break
        (cjk_letters if is_cjk else other).extend(cp for cp in segment if chr(cp).isalnum())
        marks.extend(cp for cp in segment if category(chr(cp))[0] == "M")
    return _composed(cjk_letters, other, marks)


def _composed(cjk_letters: list[int], other: list[int], marks: list[int]) -> re.Pattern[str]:
    """The word rule's pattern for these letters and digits (CJK and other) and combining
    marks, each list sorted."""
    mark = f"[{_char_class(marks)}]"
    base = f"[{_char_class(other)}]"  # a word starts with a letter or digit...
    rest = f"[{_char_class(sorted(other + marks))}]"  # ...then combining marks may follow
    joiner = f"(?:[{_HYPHENS_APOSTROPHES}]|(?<=\\d)[.,](?=\\d))"
    word = f"{base}{rest}*(?:{joiner}{base}{rest}*)*"
    if not cjk_letters:  # no character of a CJK block to match
        return re.compile(word)
    cjk = f"[{_char_class(cjk_letters)}]"
    return re.compile(f"{cjk}{mark}*|{word}")


#: At most this many characters outside :data:`_WESTERN_RANGES` that the word rule uses
#: (letters, digits, marks) are added to the western rule for a document
#: (:func:`_words_finder`); a document with more (a CJK or Devanagari text) takes the
#: whole rule.
_FEW_OTHERS = 64
#: At most this many such western-plus patterns are compiled in a process (a few
#: milliseconds each); past that, the whole rule (built once) serves the rest.
_MOST_EXTENDED = 16
_extended: dict[frozenset[str], re.Pattern[str]] = {}


def _western_plus(others: frozenset[str]) -> re.Pattern[str] | None:
    """The western rule with the characters `others` added to its classes (a CJK letter
    to the CJK letters, another letter or digit to the others, a mark to the marks), or
    None when too many such patterns were compiled already."""
    pattern = _extended.get(others)
    if pattern is None:
        if len(_extended) >= _MOST_EXTENDED:
            return None
        _, other, marks = _western_classes()
        cjk_extra: list[int] = []
        other_extra: list[int] = []
        mark_extra: list[int] = []
        for char in others:
            cp = ord(char)
            if not char.isalnum():
                mark_extra.append(cp)
            elif any(a <= cp <= b for a, b in _CJK_BLOCKS):
                cjk_extra.append(cp)
            else:
                other_extra.append(cp)
        pattern = _extended[others] = _composed(
            sorted(cjk_extra), sorted(other + other_extra), sorted(marks + mark_extra)
        )
    return pattern


@cache
def _western_classes() -> tuple[list[int], list[int], list[int]]:
    """The CJK letters (none), other letters and digits, and marks among the characters
    of :data:`_WESTERN_RANGES` (none of which is in a CJK block)."""
    category = unicodedata.category
    points = [cp for part in _WESTERN_RANGES for cp in part]
    other = [cp for cp in points if chr(cp).isalnum()]
    marks = [cp for cp in points if category(chr(cp))[0] == "M"]
    return [], other, marks


def _words_finder(text: str) -> Callable[[str], list[str]]:
    """What finds the words of any part of ``text``, exactly as the whole word rule does.

    A pattern that leaves out characters ``text`` does not hold finds the same words in
    it. So, by the characters outside :data:`_WESTERN_RANGES` that ``text`` holds:

    * none (most manuscripts): the western pattern's ``findall``;
    * none that the word rule uses (arrows, box drawing, emoji: symbols, which only
      separate words): the same;
    * up to :data:`_FEW_OTHERS` letters, digits or marks (a quoted word of another
      script, a variation selector after an emoji): the western pattern with those added
      (:func:`_western_plus`);
    * more: :func:`_find_everywhere`, with the whole rule.

    Only the characters outside the western ranges are looked at, and only when there
    are any: one search otherwise (see :func:`_other_word_characters`).
    """
    first = _NOT_WESTERN.search(text)  # astral characters are not western either
    if first is None:
        return _word_pattern(False, western=True).findall
    others = _other_word_characters(text, first.start())
    if others is not None and not others:
        return _word_pattern(False, western=True).findall
    if others is not None:
        pattern = _western_plus(others)
        if pattern is not None:
            return pattern.findall
    return _find_everywhere


#: :func:`_other_word_characters` reads a text this many characters at a time...
_OTHERS_CHUNK = 65_536
#: ...and gives up past this many distinct characters outside the western ranges.
_MOST_SEEN = 4_096


def _other_word_characters(text: str, start: int = 0) -> frozenset[str] | None:
    """The letters, digits and marks outside :data:`_WESTERN_RANGES` that `text` holds
    (from `start`, where the first such character is: what comes before is not read
    again), or None when there are more than :data:`_FEW_OTHERS` (or more than
    :data:`_MOST_SEEN` distinct characters outside those ranges at all).

    Read a chunk at a time, so that memory stays bounded whatever the text (a long CJK
    text stops within its first chunk); each distinct character is classified once."""
    category = unicodedata.category
    seen: set[str] = set()
    others: set[str] = set()
    for chunk in range(start, len(text), _OTHERS_CHUNK):
        found = set(_NOT_WESTERN.findall(text, chunk, chunk + _OTHERS_CHUNK)) - seen
        seen |= found
        others.update(c for c in found if c.isalnum() or category(c)[0] == "M")
        if len(others) > _FEW_OTHERS or len(seen) > _MOST_SEEN:
            return None
    return frozenset(others)


def _find_words(text: str) -> list[str]:
    """The words of ``text`` by the word rule."""
    return _words_finder(text)(text)


def _find_everywhere(text: str) -> list[str]:
    """The words of ``text`` by the whole word rule.

    The pattern for astral text is several times slower on every character, so it is
    used only on the whitespace-delimited runs that hold a character beyond U+FFFF, and
    the fast pattern on the text between them. A word never holds whitespace and the
    rule looks at nothing outside the word, so the words are the same as the astral
    pattern finds in the whole text. Each character is scanned a bounded number of times.
    """
    astral = _ASTRAL.search(text)
    fast = _word_pattern(False).findall
    if astral is None:
        return fast(text)
    slow = _word_pattern(True).findall
    words: list[str] = []
    pos = 0
    while astral is not None:
        found = astral.start()
        before = _UP_TO_LAST_SPACE.match(text, pos, found)
        start = before.end() if before else pos
        after = _SPACE.search(text, found)
        end = after.start() if after else len(text)
        if start > pos:
            words += fast(text, pos, start)
        words += slow(text, start, end)
        pos = end
        astral = _ASTRAL.search(text, pos)
    words += fast(text, pos)
    return words


def count_words(plain_text: str) -> int:
    """The word rule alone, applied to plain text (no Markdown)."""
    return len(_find_words(plain_text))


# ------------------------------------------------------------------------------ HTML

# Tags that start a new line when rendered: they separate words like whitespace does.
# The CommonMark type-6 block names, plus br, pre and the type-1 names.
_BREAK_TAGS = frozenset(
    (
        *("address", "article", "aside", "base", "basefont", "blockquote", "body", "br"),
        *("caption", "center", "col", "colgroup", "dd", "details", "dialog", "dir", "div"),
        *("dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "frame"),
        *("frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html"),
        *("iframe", "legend", "li", "link", "main", "menu", "menuitem", "nav", "noframes"),
        *("ol", "optgroup", "option", "p", "param", "pre", "search", "section", "summary"),
        *("table", "tbody", "td", "textarea", "tfoot", "th", "thead", "title", "tr"),
        *("track", "ul"),
    )
)
# Replaced content (an image, a video...) separates words but has no text of its own.
_REPLACED_TAGS = frozenset(
    ("img", "picture", "video", "audio", "canvas", "svg", "object", "embed", "input")
)

_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")

# The pieces of raw HTML that are not text: comments, script/style elements with their
# content, processing instructions, CDATA, declarations and tags. An unterminated
# construct runs to the end of the block (as CommonMark's HTML block rules do).
_HTML_NOT_TEXT = re.compile(
    r"<!--(?:-?>|.*?(?:-->|\Z))"
    r"|<(script|style)(?=[\s/>]|\Z).*?(?:</(?:script|style)\s*>|\Z)"
    r"|<\?.*?(?:\?>|\Z)"
    r"|<!\[CDATA\[.*?(?:\]\]>|\Z)"
    r"|<![A-Za-z][^>]*>?"
    r"|</?([A-Za-z][A-Za-z0-9-]*)(?:[^<>\"']|\"[^\"]*\"|'[^']*')*>",
    re.DOTALL | re.IGNORECASE,
)


def _tag_replacement(name: str) -> str:
    """What an HTML tag named ``name`` stands for in the counted text."""
    lowered = name.lower()
    if lowered in _BREAK_TAGS:
        return "\n"
    if lowered in _REPLACED_TAGS:
        return _SEP
    return ""  # inline formatting (span, em, a...): transparent, like Markdown emphasis


def _html_inline(raw: str) -> str:
    """One ``html_inline`` token: a single tag, comment, declaration... never text."""
    match = _TAG_NAME.match(raw)
    return _tag_replacement(match.group(1)) if match else ""


def _html_block_match(match: re.Match[str]) -> str:
    name = match.group(2)
    return _tag_replacement(name) if name else ""


def _html_block_text(raw: str) -> str:
    """The text between the tags of an ``html_block`` token, entities decoded."""
    text = _HTML_NOT_TEXT.sub(_html_block_match, raw)
    if "&" not in text:
        return text
    import html  # only for text with entities: the run that counts nothing never loads it

    return html.unescape(text)


# -------------------------------------------------------------------------- Markdown


@cache
def markdown_parser() -> MarkdownIt:
    """The one configured parser (markdown-it-py instances are reusable).

    markdown-it-py is imported here, on the first count: a run that finds every count in
    the cache (nothing changed) never loads it.
    """
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    return MarkdownIt("commonmark").enable("table").use(front_matter_plugin).use(footnote_plugin)


@cache
def _parser_loggers() -> tuple[logging.Logger, ...]:
    """The loggers of markdown-it-py's modules (they exist once the parser is made)."""
    markdown_parser()
    return tuple(
        logger
        for name, logger in list(logging.Logger.manager.loggerDict.items())
        if name.split(".", 1)[0] == "markdown_it" and isinstance(logger, logging.Logger)
    )


def _skip_debug(*args: object, **kwargs: object) -> None:
    """Stands in for ``Logger.debug`` on markdown-it-py's loggers during our parse."""


@contextlib.contextmanager
def parser_debug_skipped() -> Iterator[None]:
    """Skip markdown-it-py's debug calls while we parse, where they would log nothing.

    Its block rules call ``LOGGER.debug`` each time they are tried (about 150,000 calls for
    a 1 MB book), and each call costs the logging module's level check even when nothing
    is logged. For the duration of the parse, each of its loggers that would not log at
    DEBUG gets a do-nothing ``debug`` of its own; it is removed afterwards. Nothing
    changes for an application that turned markdown-it's debug logging on (those loggers
    are left alone), and nothing is changed outside our parse.
    """
    skipped = [
        logger
        for logger in _parser_loggers()
        if "debug" not in vars(logger) and not logger.isEnabledFor(logging.DEBUG)
    ]
    for logger in skipped:
        vars(logger)["debug"] = _skip_debug
    try:
        yield
    finally:
        for logger in skipped:
            vars(logger).pop("debug", None)


# Inline tokens with a fixed meaning: text they stand for ("" = transparent).
_INLINE_FIXED: dict[str, str] = {
    "softbreak": "\n",
    "hardbreak": "\n",
    "em_open": "",
    "em_close": "",
    "strong_open": "",
    "strong_close": "",
    "link_close": "",
    "s_open": "",
    "s_close": "",
    "image": _SEP,  # alt text and URL are not counted
    "footnote_ref": _SEP,
    "footnote_anchor": "",
}


def _front_matter_title(source: str) -> str | None:
    """The ``title`` of a YAML front matter block, if it is a non-blank string."""
    import yaml  # late: loaded only when YAML is read

    from draftforge_stats.validation.documents import check_expansion, check_nesting

    try:
        check_nesting(source, "front matter")  # libyaml would crash on extreme nesting
        loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(source)  # the C one if built
        try:
            node = loader.get_single_node()
            if node is not None:
                check_expansion(node, "front matter")  # no alias bombs, no recursive values
            data: Any = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except (SourceError, yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
        # Not valid YAML (or a value the safe loader cannot build, such as the
        # date 2024-13-45): the block simply has no title.
        return None
    if isinstance(data, dict):
        title = data.get("title")
        if isinstance(title, str) and title.strip():
            return title.strip()
    return None


def _plain_text(children: Sequence[Token]) -> str:
    """The plain text of a heading's inline content, whitespace collapsed."""
    pieces: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            pieces.append(child.content)
        elif kind in ("softbreak", "hardbreak") or (
            kind == "html_inline" and _html_inline(child.content) == "\n"
        ):
            pieces.append(" ")
    return " ".join("".join(pieces).split())


# Container markers at the start of a line: block quote `>`, bullets `-` `+` `*`, ordered
# markers `1.` `1)` (a bullet or number needs a space or the end after it) and footnote
# labels `[^note]:`, with the indentation around them. Each marker starts with a character
# no other one and no blank starts with, so matching is linear.
_CONTAINER_PREFIX = re.compile(
    r"(?:[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)|\[\^[^\]\s]{1,999}\]:))*[ \t]*"
)
_LINES = re.compile(r"\r\n|\r|\n")


def dropped_regions(tokens: Sequence[Token], max_nesting: int) -> list[tuple[int, int]]:
    """The source lines the parser skipped: the content of block quotes, list items and
    footnotes opened at its nesting limit (markdown-it drops it, it does not fail)."""
    regions: list[tuple[int, int]] = []
    for token, after in itertools.pairwise(tokens):
        if (
            token.nesting == 1
            and after.nesting == -1
            and token.level + 1 >= max_nesting
            and token.map is not None
        ):
            regions.append((token.map[0], token.map[1]))
    return regions


def _flattened(text: str, regions: Sequence[tuple[int, int]]) -> str:
    """The lines of `regions` with their container markers removed: Markdown that nests no
    more (a blank line first, so a leading `---` is not front matter)."""
    lines = _LINES.split(text)
    kept = ["", ""]
    for start, end in regions:
        kept.extend(_CONTAINER_PREFIX.sub("", line, count=1) for line in lines[start:end])
        kept.append("")
    return "\n".join(kept)


def _combined(outer: TextCounts, inner: TextCounts) -> TextCounts:
    """The counts of two parts of one document, as blocks one after the other."""
    gap = 1 if outer.characters and inner.characters else 0
    return TextCounts(
        words=outer.words + inner.words,
        characters=outer.characters + inner.characters + gap,
        characters_no_spaces=outer.characters_no_spaces + inner.characters_no_spaces,
        title=outer.title if outer.title is not None else inner.title,
    )


def count_markdown(text: str, *, count_code_blocks: bool = False) -> TextCounts:
    """Count one Markdown document by the counting rules of :data:`RULES_VERSION`.

    Block quotes and lists nested deeper than the parser's limit (`maxNesting`, 20 levels:
    10 nested lists, or 20 quotes) are not lost: the parser skips their content, so those
    lines are taken again without their container markers and counted as flat Markdown
    (their paragraphs, emphasis, links... counted as anywhere else). This costs one more
    parse of those lines, so the work stays linear in the size of the document.
    """
    return _total(_gather(text, count_code_blocks))


def _gather(text: str, count_code_blocks: bool, simple_read: bool = True) -> list[Stream]:
    """The counted text of a document: the parse, then (when the parser dropped content
    nested past its limit) the parse of those lines flattened. A document of paragraphs
    and headings only (:func:`simple_blocks`) needs no block parse, and its blocks without
    inline markup no parse at all (unless not `simple_read`)."""
    src = prepared_text(text)
    simple = simple_blocks(src) if simple_read else None
    texts = block_texts(simple) if simple is not None else None
    if texts is not None:
        return [simple_stream(texts)]
    return _parsed(text, src, count_code_blocks)


def _parsed(text: str, src: str, count_code_blocks: bool) -> list[Stream]:
    """:func:`_gather` by the parser (`src`: the text as :func:`prepared_text` gives it)."""
    parser = markdown_parser()
    with parser_debug_skipped():
        tokens = parser.parse(src)
    streams = [token_stream(tokens, count_code_blocks)]
    regions = dropped_regions(tokens, parser.options["maxNesting"])
    if regions:
        flat = prepared_text(_flattened(text, regions))
        with parser_debug_skipped():
            flat_tokens = parser.parse(flat)
        streams.append(token_stream(flat_tokens, count_code_blocks))
    return streams


def _total(streams: Sequence[Stream], *, words: int | None = None) -> TextCounts:
    """The counts of a document's streams; `words`, when given, is their number of words
    (already found in their blocks), so the text is not searched for words again."""
    found = words is not None
    counts = _counts(streams[0], find_words=not found)
    for more in streams[1:]:
        counts = _combined(counts, _counts(more, find_words=not found))
    if words is not None:
        counts = replace(counts, words=words)
    return counts


Block = tuple[str, ...]
"""The counted words of one block (a paragraph, a heading, a list item's paragraph, a table
cell, a code block when counted...), in order."""


def counted_blocks(text: str, *, count_code_blocks: bool = False) -> list[Block]:
    """The counted words of each block of one Markdown document, in document order (content
    nested past the parser's limit last).

    Made by the same walk as :func:`count_markdown`: the words of all blocks together are
    exactly the words it counts (a block without counted words gives an empty tuple).
    """
    return [block for stream in _gather(text, count_code_blocks) for block in stream_blocks(stream)]


def count_with_blocks(
    text: str, *, count_code_blocks: bool = False, simple_read: bool = True
) -> tuple[TextCounts, list[Block]]:
    """:func:`count_markdown` and :func:`counted_blocks` from one parse (`simple_read`:
    False to parse a document of paragraphs and headings only all the same, as a reference
    for what :func:`simple_blocks` saves: the counts are the same)."""
    streams = _gather(text, count_code_blocks, simple_read)
    blocks = [block for stream in streams for block in stream_blocks(stream)]
    # The blocks hold exactly the words _counts finds: count them, not the text again.
    counts = _total(streams, words=sum(map(len, blocks)))
    return counts, blocks


def prepared_text(text: str) -> str:
    """The text as the parser is given it: no BOM, no private marker, and normalized as the
    parser's first rule does (CR LF and CR are LF, NUL is U+FFFD), so that its lines are
    the parser's lines."""
    if text.startswith(_BOM):
        text = text[1:]
    if _CODE in text:
        # Keep the private marker private; U+FFFD counts exactly as U+0001 would
        # (one character that is not a word character).
        text = text.replace(_CODE, "\ufffd")
    if "\r" in text:
        text = _CARRIAGE_RETURNS.sub("\n", text)
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    return text


_CARRIAGE_RETURNS = re.compile(r"\r\n?")


# What makes a document not simple (see simple_blocks): a tab, a footnote (`[^`, `^[`: the
# footnote plugin moves and drops blocks), or a line that is not blank (spaces only), not an
# ATX heading (`#`..`######`, a space, then text without `#`) and not certain to be a
# paragraph's. A paragraph's line is certain when it starts with a character no block
# rule starts at (not a space, `> - + = | :`), or with `#` and no heading, a number not
# followed by `.` or `)` and a space or the end (an ordered list), one or two backticks or
# tildes (a fence takes three), `*` with no space after it (a list item) or `*` or `_` on a
# line with some other character than it and spaces (a thematic break). A line that starts
# with `[` or `<` is looked at again (_BRACKET_LINE, _TAG_LINE).
_NOT_SIMPLE = re.compile(
    r"\t|\[\^|\^\[|^(?!#{1,6} [^#\n]*$| *$|#[^ #\n]|[0-9]+(?![0-9]|[.)](?: |$))"
    r"|`{1,2}(?!`)|~{1,2}(?!~)|\*(?! |$)(?=[^\n]*[^*\n ])|_(?=[^\n]*[^_\n ])"
    r"|[^ #>\-+*_=0-9`~|:\n])",
    re.MULTILINE,
)
# A line that starts with `[` is a paragraph's unless it starts a link reference definition,
# which needs a `]:` (the end of its label) somewhere.
_BRACKET_LINE = re.compile(r"^\[", re.MULTILINE)
# A line that starts with `<` is a paragraph's unless it starts an HTML block: the parser's
# own patterns tell (see _starts_html_block).
_TAG_LINE = re.compile(r"^<[^\n]*", re.MULTILINE)
# A character an inline rule reads: escape, code span, emphasis, entity, raw HTML and
# autolink, link and image (footnotes are not simple).
_INLINE_MARKUP = re.compile(r"[\\`*_&<\[]")

SimpleBlock = tuple[int, str, bool, bool]
"""One block of a simple document: the line it starts on, its text as written (a paragraph's
lines, a heading's line after its marker), whether it is a heading, and whether that text
holds inline markup (else it is its own counted text)."""


def simple_blocks(src: str) -> list[SimpleBlock] | None:
    """The paragraphs and headings of `src` (as :func:`prepared_text` gives it) when the
    parser can read no other block in it, else None.

    In such a document no block rule but the heading and the paragraph rules can match,
    and no reference definition or footnote is made: the parser's tokens would be, for
    each heading, its text, and for each run of other lines between blank lines and
    headings, a paragraph of those lines. So the block parse is not needed, and a block
    without inline markup is its own counted text (whitespace aside: the parser trims it,
    and counting reads whitespace only as a separator). Linear in the size of the text.
    """
    if _NOT_SIMPLE.search(src):
        return None
    if "]:" in src and _BRACKET_LINE.search(src):
        return None
    if any(_starts_html_block(match[0]) for match in _TAG_LINE.finditer(src)):
        return None
    blocks: list[SimpleBlock] = []
    paragraph: list[str] = []
    start = 0
    markup: Callable[[str], re.Match[str] | None] = _no_markup
    if _INLINE_MARKUP.search(src):
        markup = _INLINE_MARKUP.search
    lines = src.split("\n")
    lines.append("")  # a blank line after the last ends the last paragraph
    for number, line in enumerate(lines):
        space = line.find(" ") if line.startswith("#") else -1
        heading = space > 0 and not line[:space].strip("#")  # (see _NOT_SIMPLE)
        if line.strip(" ") and not heading:
            if not paragraph:
                start = number
            paragraph.append(line)
            continue
        if paragraph:  # a blank line or a heading ends it
            text = "\n".join(paragraph)
            blocks.append((start, text, False, markup(text) is not None))
            paragraph = []
        if heading:
            text = line[space:]
            blocks.append((number, text, True, markup(text) is not None))
    return blocks


def _no_markup(text: str) -> re.Match[str] | None:
    """No block holds inline markup: the document holds none (see :data:`_INLINE_MARKUP`)."""
    return None


def _starts_html_block(line: str) -> bool:
    """Whether the parser's HTML block rule may start a block at `line` (any of its opening
    patterns matches, even one that cannot interrupt a paragraph)."""
    from markdown_it.rules_block.html_block import HTML_SEQUENCES

    return any(opening.search(line) for opening, _, _ in HTML_SEQUENCES)


def block_texts(blocks: Sequence[SimpleBlock]) -> list[Inline] | None:
    """The counted text of each block of a simple document (:func:`simple_blocks`), as
    :func:`inline_text` gives it for the parser's inline tokens (a heading's plain text
    too), or None if the parser reads the blocks otherwise (never seen: the caller then
    parses the document). The blocks with inline markup go to the parser (see
    :func:`_marked_tokens`); the others are their own text, and need no parser."""
    marked = [(text, heading) for _, text, heading, markup in blocks if markup]
    made: list[Inline] = []
    for first in range(0, len(marked), MARKED_BATCH):  # (the tokens of one batch at a time)
        batch = marked[first : first + MARKED_BATCH]
        tokens = _marked_tokens(batch)
        if tokens is None:
            return None
        made.extend(
            inline_text(token, heading) for token, (_, heading) in zip(tokens, batch, strict=True)
        )
    parsed = iter(made)
    texts: list[Inline] = []
    for _, text, heading, markup in blocks:
        if markup:
            texts.append(next(parsed))
        else:
            texts.append(([text], [], (" ".join(text.split()) or None) if heading else None))
    return texts


MARKED_BATCH = 256
"""Blocks with inline markup parsed together by :func:`block_texts`: their tokens are turned
into counted text before the next batch is parsed, so a document of many such blocks never
holds all its tokens at once."""


def _marked_tokens(blocks: Sequence[tuple[str, bool]]) -> list[Token] | None:
    """The ``inline`` tokens of paragraphs and headings (text as written, heading or not),
    made by the parser's own paragraph and heading rules (what they trim, they trim) on
    the blocks alone, one after the other with blank lines between, then through the core
    rules that follow the block parse (the inline parse, the text join...), as in a
    document with no reference definition and no footnote. None if a rule does not take
    its block exactly."""
    from markdown_it.rules_block.state_block import StateBlock
    from markdown_it.rules_core.state_core import StateCore

    md = markdown_parser()
    rules = {rule.name: rule.fn for rule in md.block.ruler.__rules__}
    lines: list[str] = []
    spans: list[tuple[int, int, bool]] = []
    for text, heading in blocks:
        first = len(lines)
        lines.extend(("#" + text,) if heading else text.split("\n"))
        spans.append((first, len(lines), heading))
        lines.append("")
    src = "\n".join(lines)
    env: dict[str, Any] = {}
    tokens: list[Token] = []
    state = StateBlock(src, md, env, tokens)
    with parser_debug_skipped():
        for first, end, heading in spans:
            block_rule = rules["heading" if heading else "paragraph"]
            if not block_rule(state, first, state.lineMax, False) or state.line != end:
                return None
        core = StateCore(src, md, env, tokens)
        for _, core_rule in core_rules_after_block():
            core_rule(core)
    return [token for token in tokens if token.type == "inline"]


@cache
def core_rules_after_block() -> tuple[tuple[str, Callable[[Any], None]], ...]:
    """The parser's enabled core rules that run after the block parse, with their names."""
    core = markdown_parser().core.ruler
    names = [rule.name for rule in core.__rules__ if rule.enabled]
    after = names.index("block") + 1
    return tuple(zip(names[after:], core.getRules("")[after:], strict=True))


def simple_stream(texts: Sequence[Inline]) -> Stream:
    """The counted text of a simple document from its blocks' (:func:`block_texts`), as
    :func:`token_stream` gathers it from the parser's tokens."""
    parts: list[str] = []
    codes: list[str] = []
    ends: list[int] = []
    title: str | None = None
    for pieces, block_codes, heading_title in texts:
        parts.extend(pieces)
        parts.append("\n")
        ends.append(len(parts))
        codes.extend(block_codes)
        if title is None:
            title = heading_title
    return Stream(parts, codes, ends, None, title)


@dataclass(frozen=True)
class Stream:
    """The counted text of a parsed document, as :func:`token_stream` gathers it."""

    parts: list[str]
    """Pieces of counted text; every block ends with a newline piece."""
    codes: list[str]
    """The content of each ``_CODE`` marker, in order."""
    block_ends: list[int]
    """Index in ``parts`` just after each block's closing newline."""
    front_title: str | None
    """The title of the front matter, if any."""
    heading_title: str | None
    """The plain text of the first heading that has some."""

    @property
    def title(self) -> str | None:
        return self.front_title if self.front_title is not None else self.heading_title


Inline = tuple[list[str], list[str], str | None]
"""What an ``inline`` token gives the counted text: its pieces, the content of its code
spans (one ``_CODE`` piece each) and, when asked for, its plain text (a heading's title)."""


def inline_text(token: Token, plain: bool) -> Inline:
    """The counted text of one ``inline`` token (see :data:`Inline`)."""
    children = token.children or ()
    parts: list[str] = []
    append = parts.append
    codes: list[str] = []
    fixed = _INLINE_FIXED
    children_iter = iter(children)
    for child in children_iter:
        ckind = child.type
        if ckind == "text":
            append(child.content)
            continue
        replacement = fixed.get(ckind)
        if replacement is not None:
            if replacement:
                append(replacement)
        elif ckind == "code_inline":
            append(_CODE)
            codes.append(child.content)
        elif ckind == "html_inline":
            append(_html_inline(child.content))
        elif ckind == "link_open":
            if child.markup == "autolink":
                # The text of an autolink is its URL: not counted.
                for inner in children_iter:
                    if inner.type == "link_close":
                        break
                append(_SEP)
        elif child.children:
            # A token type from a future plugin that nests text: count its text.
            append(_plain_text(child.children))
        else:
            append(child.content)
    return parts, codes, (_plain_text(children) or None) if plain else None


def token_stream(
    tokens: Sequence[Token],
    count_code_blocks: bool,
    inline: Callable[[Token, bool], Inline] = inline_text,
) -> Stream:
    """Walk a parsed document's tokens once: the counted text, block by block (`inline`
    gives the counted text of each ``inline`` token)."""
    parts: list[str] = []
    append = parts.append
    codes: list[str] = []
    ends: list[int] = []
    end = ends.append
    front_title: str | None = None
    heading_title: str | None = None
    in_heading = False

    for token in tokens:
        kind = token.type
        if kind == "inline":
            want_title = in_heading and heading_title is None
            pieces, inline_codes, plain = inline(token, want_title)
            if want_title:
                heading_title = plain
            parts.extend(pieces)
            if inline_codes:
                codes.extend(inline_codes)
            append("\n")
            end(len(parts))
        elif kind == "heading_open":
            in_heading = True
        elif kind == "heading_close":
            in_heading = False
        elif kind == "html_block":
            append(_html_block_text(token.content))
            append("\n")
            end(len(parts))
        elif kind in ("fence", "code_block"):
            if count_code_blocks:
                append(_CODE)
                codes.append(token.content)
                append("\n")
                end(len(parts))
        elif kind == "front_matter":
            front_title = _front_matter_title(token.content)

    return Stream(parts, codes, ends, front_title, heading_title)


def _counts(gathered: Stream, *, find_words: bool = True) -> TextCounts:
    """The counts of a gathered document (its words 0 unless `find_words`)."""
    stream = "".join(gathered.parts)
    words = 0
    if find_words:
        words = len(_find_words(stream))
        if gathered.codes:
            words += sum(len(code.split()) for code in gathered.codes)
    no_spaces, runs = spread(gathered, stream)
    return TextCounts(
        words=words,
        characters=no_spaces + runs - 1 if runs else 0,
        characters_no_spaces=no_spaces,
        title=gathered.title,
    )


def spread(gathered: Stream, stream: str | None = None) -> tuple[int, int]:
    """The characters of a gathered text without whitespace, and its whitespace-separated
    runs. Every block ends with a newline, so no run spans two blocks: the figures of a
    document are the sums of its parts', and its characters are ``no_spaces + runs - 1``."""
    codes = gathered.codes
    if stream is None:
        stream = "".join(gathered.parts)
    if codes:
        pieces = stream.split(_CODE)
        merged = [pieces[0]]
        for code, piece in zip(codes, pieces[1:], strict=True):
            merged.append(code)
            merged.append(piece)
        stream = "".join(merged)
    if _SEP in stream:
        stream = stream.replace(_SEP, "")
    return text_spread(stream)


def text_spread(text: str) -> tuple[int, int]:
    """The characters of a counted text without whitespace, and its whitespace-separated
    runs (:func:`spread`, for a text without markers)."""
    runs = text.split()  # str.split(): any run of Unicode whitespace
    return sum(map(len, runs)), len(runs)


SHARED_WORDS = 300_000
"""Blocks share one string per distinct word (a chapter's versions hold the same words, so
the blocks a history walk keeps take a fraction of the memory): the table of shared words
starts afresh past this many entries, so it stays bounded whatever the input."""
_shared: dict[str, str] = {}


def share_words(blocks: Iterable[Block]) -> list[Block]:
    """`blocks` with each word the string the table of shared words holds for it (blocks
    made in another process and sent here hold strings of their own)."""
    if len(_shared) > SHARED_WORDS:
        _shared.clear()
    same = _shared.setdefault
    return [tuple(map(same, block, block)) for block in blocks]


def stream_blocks(gathered: Stream) -> list[Block]:
    """The counted words of each block, exactly the words :func:`_counts` counts."""
    parts, codes = gathered.parts, gathered.codes
    blocks: list[Block] = []
    start = 0
    code_index = 0
    if len(_shared) > SHARED_WORDS:
        _shared.clear()
    same = _shared.setdefault
    find = _words_finder("".join(parts))
    for stop in gathered.block_ends:
        text = "".join(parts[start:stop])
        start = stop
        if _CODE not in text:
            found = find(text)
            blocks.append(tuple(map(same, found, found)))
            continue
        words: list[str] = []
        pieces = text.split(_CODE)
        words.extend(find(pieces[0]))
        for piece in pieces[1:]:
            words.extend(codes[code_index].split())
            code_index += 1
            words.extend(find(piece))
        blocks.append(tuple(map(same, words, words)))
    return blocks
