"""A document of plain paragraphs and headings is counted without the parser, with exactly
the parser's counts, blocks and steps: by hand, on the counting vectors, and on seeded
random documents built to sit on both sides of the line; anything else goes to the parser.
"""

from __future__ import annotations

import random

import pytest

from draftforge_stats import counting, steps
from draftforge_stats.counting import (
    TextCounts,
    count_with_blocks,
    plain_blocks,
    prepared_text,
    stream_blocks,
)
from draftforge_stats.steps import PLAIN, count_version
from tests.test_counting import VECTORS


def _by_parser(text: str, code_blocks: bool = False) -> tuple[TextCounts, list[counting.Block]]:
    """What the parser makes of `text`, whether or not it is plain."""
    streams = counting._parsed(text, prepared_text(text), code_blocks)
    blocks = [block for stream in streams for block in stream_blocks(stream)]
    return counting._total(streams, words=sum(map(len, blocks))), blocks


def _parser_steps(text: str, code_blocks: bool) -> list[tuple[object, ...]]:
    found = steps._parse(prepared_text(text), 0, None, None, code_blocks, None)
    assert isinstance(found, tuple)
    return [_step(step) for step in found[0]]


def _step(step: steps.Step) -> tuple[object, ...]:
    return (step.start, step.blocks, step.no_spaces, step.runs, step.heading_title)


def _check(text: str, code_blocks: bool = False) -> None:
    """`text` is plain; the plain reading and the parser agree, whole and by steps."""
    assert plain_blocks(prepared_text(text)) is not None, text
    expected = _by_parser(text, code_blocks)
    assert count_with_blocks(text, count_code_blocks=code_blocks) == expected, text
    counted = count_version(text, count_code_blocks=code_blocks)
    assert counted.how == PLAIN
    assert (counted.counts, counted.blocks) == expected, text
    assert counted.parsed is not None
    assert [_step(step) for step in counted.parsed.steps] == _parser_steps(text, code_blocks)


BOOK = "# The  River\n\nShe walked  to the river.  \nIt was cold, wasn't it?\n   \n## Part 2\nCafé au lait.\n"


def test_a_plain_chapter_by_hand() -> None:
    assert plain_blocks(BOOK) == [
        (0, "The  River", "The River"),
        (2, "She walked  to the river.  \nIt was cold, wasn't it?", None),
        (5, "Part 2", "Part 2"),  # a heading ends the paragraph before it, blank line or not
        (6, "Café au lait.", None),
    ]
    counts, blocks = count_with_blocks(BOOK)
    # Runs without whitespace: 3+5, 3+6+2+3+6+2+3+5+6+3, 4+1, 4+2+5 = 63 characters in 17
    # runs; with one space between runs, 63 + 16.
    assert counts == TextCounts(words=17, characters=79, characters_no_spaces=63, title="The River")
    assert [len(block) for block in blocks] == [2, 10, 2, 3]
    _check(BOOK)


def test_an_empty_heading_is_an_empty_block_and_no_title() -> None:
    text = "#   \nWords here.\n\n## Title\n"
    assert plain_blocks(text) == [(0, "", None), (1, "Words here.", None), (3, "Title", "Title")]
    assert count_with_blocks(text)[0].title == "Title"
    _check(text)


def test_line_ends_and_nul_are_read_as_the_parser_reads_them() -> None:
    text = "# Old\r\nMac\rand Windows\r\n\r\nNUL\x00here.\r"
    assert prepared_text(text) == "# Old\nMac\nand Windows\n\nNUL\ufffdhere.\n"
    assert plain_blocks(prepared_text(text)) == [
        (0, "Old", "Old"),
        (1, "Mac\nand Windows", None),
        (4, "NUL\ufffdhere.", None),  # U+FFFD is no letter: two words
    ]
    assert count_with_blocks(text)[0].words == 1 + 3 + 2
    _check(text)


@pytest.mark.parametrize(
    "text",
    [
        "Some *emphasis*.",
        "Some _emphasis_.",
        "A \\*escape.",
        "Some `code`.",
        "Fish &amp; chips.",
        "An <b>tag</b>.",
        "An <https://example.com> autolink.",
        "A [link](https://example.com).",
        "A note^[inline].",
        "1. An item",
        "- An item",
        "> A quote",
        "A heading\n===",
        "A heading\n---",
        "---\ntitle: Front\n---\nText.",
        "    Indented code.",
        " One space first.",
        "Tab\tinside.",
        "####### Seven marks",
        "#Not a heading",
        "# Closing #",
        "| a | b |\n| - | - |",
        "A\n\n<div>\nblock\n</div>",
        "Fine.\n2nd line starts with a digit.",
        "Fine.\n\u00a0No-break space first.",
        "Fine.\n'Quoted' first.",
    ],
)
def test_anything_the_parser_might_read_otherwise_goes_to_the_parser(text: str) -> None:
    assert plain_blocks(prepared_text(text)) is None
    counted = count_version(text)
    assert counted.how != PLAIN
    assert count_with_blocks(text) == _by_parser(text)


def test_every_plain_counting_vector_agrees_with_the_parser() -> None:
    plain = [case for case in VECTORS if plain_blocks(prepared_text(case["markdown"])) is not None]
    assert len(plain) >= 10  # the vectors do exercise this path
    for case in plain:
        _check(case["markdown"], bool(case.get("count_code_blocks", False)))


# Lines built from pieces that keep a line plain and pieces that do not, so that random
# documents fall on both sides of the line, often by one character.
_WORDS = [
    *("the", "Sarah's", "don't", "state-of-the-art", "café", "naïve", "日本語", "テキスト"),
    *("한글", "слово", "x²", "Ⅻ", "3.14", "1,000", "42", "a|b", "http://x.y/z", "(c)", "--"),
    *("...", "!", "?", "#5", "a#", "~x~", "$x$", "^y", "{z}", "@me", "=", ">", "+", "-", ":"),
    *(";", "%", "e\u0301", "😀", "\U0001d518nicode", "हिन्दी", '"q"', "\u2019"),
    "\u00a0",
    "\u2028",
    "\x0b",
    "\x0c",
    "\u0085",
    "\u200b",
    "\ufffd",
    "]",
]
_STARTS = ["# ", "## ", "###### ", "####### ", "#", " ", "    ", "1. ", "- ", "> ", "=", "---"]
_STARTS += ["\t", "[", "<", "`", "_", "|", "a", "Z", "é", "日", "2"]
_ODD = ["*", "_", "&amp;", "<b>", "[x]", "`c`", "\\", "\r", "\x00", "\x01", "\t", " #"]


def _document(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(0, 12)):
        if rng.random() < 0.25:
            lines.append(rng.choice(["", "", " ", "  "]))
            continue
        start = rng.choice(_STARTS) if rng.random() < 0.3 else ""
        body = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 8)))
        if rng.random() < 0.05:
            body += rng.choice(_ODD)
        lines.append(start + body + rng.choice(["", "", "  ", " "]))
    text = "\n".join(lines)
    if rng.random() < 0.1:
        text = "\ufeff" + text
    return text + "\n" if rng.random() < 0.3 else text


def test_random_documents_plain_or_not() -> None:
    rng = random.Random(20261130)
    plain = 0
    for _ in range(3_000):
        text = _document(rng)
        code_blocks = rng.random() < 0.5
        if plain_blocks(prepared_text(text)) is None:
            continue
        plain += 1
        _check(text, code_blocks)
        # The next version, whatever it is, counted from the plain version's steps.
        after = text + rng.choice(
            ["\n\n*Emphasis* now.\n", "\nMore *x*", "\n\n1. Item\n", "\n---\n"]
        )
        counted = count_version(after, count_version(text).parsed, count_code_blocks=code_blocks)
        assert (counted.counts, counted.blocks) == _by_parser(after, code_blocks), after
    assert plain >= 400  # about one in six is plain
