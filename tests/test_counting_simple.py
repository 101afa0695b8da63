"""A document of paragraphs and headings only is counted without the block parse, and its
blocks without inline markup without the parser at all, with exactly the parser's counts,
blocks and steps: by hand, on the counting vectors, and on seeded random documents built to
sit on both sides of the line; anything else goes to the parser.
"""

from __future__ import annotations

import random

import pytest

from draftforge_stats import counting, steps
from draftforge_stats.counting import (
    TextCounts,
    count_with_blocks,
    prepared_text,
    simple_blocks,
)
from draftforge_stats.steps import SIMPLE, InlineCache, count_version
from tests.test_counting import VECTORS


def _by_parser(text: str, code_blocks: bool = False) -> tuple[TextCounts, list[counting.Block]]:
    """What the parser makes of `text`, whether or not it is simple."""
    return count_with_blocks(text, count_code_blocks=code_blocks, simple_read=False)


def _parser_steps(text: str, code_blocks: bool) -> list[tuple[object, ...]]:
    found = steps._parse(prepared_text(text), 0, None, None, code_blocks, None)
    assert isinstance(found, tuple)
    return [_step(step) for step in found[0]]


def _step(step: steps.Step) -> tuple[object, ...]:
    return (step.start, step.blocks, step.no_spaces, step.runs, step.heading_title)


def _check(text: str, code_blocks: bool = False) -> None:
    """`text` is simple; its reading and the parser's agree, whole and by steps."""
    assert simple_blocks(prepared_text(text)) is not None, text
    expected = _by_parser(text, code_blocks)
    assert count_with_blocks(text, count_code_blocks=code_blocks) == expected, text
    for cache in (None, InlineCache()):
        counted = count_version(text, count_code_blocks=code_blocks, inline=cache)
        assert counted.how == SIMPLE
        assert (counted.counts, counted.blocks) == expected, text
        assert counted.parsed is not None
        assert [_step(step) for step in counted.parsed.steps] == _parser_steps(text, code_blocks)


BOOK = "# The  River\n\nShe walked  to the river.  \nIt was cold, wasn't it?\n   \n## Part 2\nCafé au lait.\n"


def test_a_plain_chapter_by_hand() -> None:
    assert simple_blocks(BOOK) == [
        (0, " The  River", True, False),  # as written, after the marker
        (2, "She walked  to the river.  \nIt was cold, wasn't it?", False, False),
        (5, " Part 2", True, False),  # a heading ends the paragraph before it, blank line or not
        (6, "Café au lait.", False, False),
    ]
    counts, blocks = count_with_blocks(BOOK)
    # Runs without whitespace: 3+5, 3+6+2+3+6+2+3+5+6+3, 4+1, 4+2+5 = 63 characters in 17
    # runs; with one space between runs, 63 + 16.
    assert counts == TextCounts(words=17, characters=79, characters_no_spaces=63, title="The River")
    assert [len(block) for block in blocks] == [2, 10, 2, 3]
    _check(BOOK)


MARKED = (
    "# The *River*\n\n“She said *hello* to [Tom](https://t.example) and `x y`.”\n#5 is _odd_.\n"
)


def test_a_chapter_with_inline_markup_by_hand() -> None:
    assert simple_blocks(MARKED) == [
        (0, " The *River*", True, True),
        (2, "“She said *hello* to [Tom](https://t.example) and `x y`.”\n#5 is _odd_.", False, True),
    ]
    counts, blocks = count_with_blocks(MARKED)
    # Words: The River | She said hello to Tom and, the code span's 2 pieces, 5 is odd.
    # Runs: 3+5 | “She(4) said(4) hello(5) to(2) Tom(3) and(3) x(1) y.”(3) #5(2) is(2)
    # odd.(4): 8 + 33 characters in 2 + 11 runs.
    assert counts == TextCounts(
        words=2 + 8 + 3, characters=41 + 12, characters_no_spaces=41, title="The River"
    )
    assert [len(block) for block in blocks] == [2, 11]
    _check(MARKED)


def test_the_parser_trims_a_block_with_markup_as_it_does() -> None:
    # NEL (U+0085) is whitespace to Python, not to CommonMark: markdown-it-py 4.3 keeps it
    # where 4.1 strips it, and its own rules make the block, so the backslash before the
    # line end is a hard break (not counted) here and `_` is no emphasis (counted) there.
    text = "A line;\\\n\x85 \n\n\x85_a_ b\n"
    assert simple_blocks(text) == [
        (0, "A line;\\\n\x85 ", False, True),
        (3, "\x85_a_ b", False, True),
    ]
    _check(text)


def test_an_empty_heading_is_an_empty_block_and_no_title() -> None:
    text = "#   \nWords here.\n\n## Title\n"
    assert simple_blocks(text) == [
        (0, "   ", True, False),
        (1, "Words here.", False, False),
        (3, " Title", True, False),
    ]
    assert count_with_blocks(text)[0].title == "Title"
    _check(text)


def test_line_ends_and_nul_are_read_as_the_parser_reads_them() -> None:
    text = "# Old\r\nMac\rand Windows\r\n\r\nNUL\x00here.\r"
    assert prepared_text(text) == "# Old\nMac\nand Windows\n\nNUL\ufffdhere.\n"
    assert simple_blocks(prepared_text(text)) == [
        (0, " Old", True, False),
        (1, "Mac\nand Windows", False, False),
        (4, "NUL\ufffdhere.", False, False),  # U+FFFD is no letter: two words
    ]
    assert count_with_blocks(text)[0].words == 1 + 3 + 2
    _check(text)


@pytest.mark.parametrize(
    "text",
    [
        "Some *emphasis*, **strong**, _under_ and a \\*escape.",
        "Some `code`, fish &amp; chips, an <b>tag</b>, an <https://example.com> autolink.",
        "A [link](https://example.com), an ![image](a.png), a [dangling][ref].",
        "*Italic first* and _so_ on.\n_Under_ first.",
        "#Hashtag first.\n#5 too.",
        "1984 was a year.\n2025 too",
        "3.14 is not a list.\n2)x neither.\n1.\u00a0Nor with a no-break space.",
        "\u00a0No-break space first.\n\u3000Ideographic space first.",
        "'Quoted' first.\n\"Double\" first.\n“Curly” first.\n(Bracket) first.",
        "*An emphasis\nover two lines* ends.",
        "**Bold** first.\n__Strong__ first.\n_ x _ first.\n*_* first.",
        "`Code` first.\n``More code`` first.\n~Tilde~ first.",
        "[A link](https://example.com) first.\n[Another] too, and no label ends with a colon.",
        "<span>A tag</span> first.\n<em>Another</em> too.\n<3 is no tag.",
        "# A *marked* heading\nand a paragraph right under it",
    ],
)
def test_paragraphs_and_headings_with_inline_markup_are_simple(text: str) -> None:
    _check(text)


@pytest.mark.parametrize(
    "text",
    [
        "A note^[inline].",
        "A note[^1].\n\n[^1]: The note.",
        "A [link][ref].\n\n[ref]: https://example.com",
        "[A link] first, and [a label]: elsewhere.",
        "<div>A block tag first.</div>",
        "<!-- A comment first. -->",
        "<span>",
        "<script>x</script> first",
        "1. An item",
        "2) An item",
        "- An item",
        "* An item",
        "+ An item",
        "***",
        "* * *",
        "___",
        "_ _ _",
        "**",
        "> A quote",
        "A heading\n===",
        "A heading\n---",
        "---\ntitle: Front\n---\nText.",
        "    Indented code.",
        " One space first.",
        "Tab\tinside.",
        "```\ncode\n```",
        "~~~\ncode\n~~~",
        "####### Seven marks",
        "# Closing #",
        "#",
        "| a | b |\n| - | - |",
        "a | b\n-: | :-",
        "A\n\n<div>\nblock\n</div>",
        "Fine.\n3. starts a list.",
        "Fine.\n\n12.",
        "=Equals first.",
        ":Colon first.",
    ],
)
def test_any_other_block_goes_to_the_parser(text: str) -> None:
    assert simple_blocks(prepared_text(text)) is None
    counted = count_version(text)
    assert counted.how != SIMPLE
    assert count_with_blocks(text) == _by_parser(text)


def test_a_new_version_parses_only_its_new_marked_paragraphs() -> None:
    paragraphs = [f"Paragraph {n} has *five* words." for n in range(10)]
    cache = InlineCache()
    count_version("\n\n".join(paragraphs), inline=cache)
    assert (cache.misses, cache.hits) == (10, 0)
    paragraphs[4] = "Now *three* words."
    counted = count_version("\n\n".join(paragraphs), inline=cache)
    assert (cache.misses, cache.hits) == (11, 9)
    assert counted.counts.words == 9 * 5 + 3


def test_every_simple_counting_vector_agrees_with_the_parser() -> None:
    simple = [
        case for case in VECTORS if simple_blocks(prepared_text(case["markdown"])) is not None
    ]
    assert len(simple) >= 10  # the vectors do exercise this path
    for case in simple:
        _check(case["markdown"], bool(case.get("count_code_blocks", False)))


# Lines built from pieces that keep a document simple and pieces that do not, so that random
# documents fall on both sides of the line, often by one character, with inline markup.
_WORDS = [
    *("the", "Sarah's", "don't", "state-of-the-art", "café", "naïve", "日本語", "テキスト"),
    *("한글", "слово", "x²", "Ⅻ", "3.14", "1,000", "42", "a|b", "http://x.y/z", "(c)", "--"),
    *("...", "!", "?", "#5", "a#", "~x~", "$x$", "^y", "{z}", "@me", "=", ">", "+", "-", ":"),
    *(";", "%", "e\u0301", "😀", "\U0001d518nicode", "हिन्दी", '"q"', "\u2019", "]"),
    *("\u00a0", "\u2028", "\x0b", "\x0c", "\u0085", "\u200b", "\ufffd"),
    *("*em*", "**strong**", "[link](http://x)", "![img](y)", "<span>", "`code span`", "\\*"),
    *("&copy;", "<http://auto>", "[ref][x]", "*unclosed", "_a_b_", "`` ` ``", "*multi", "line*"),
    *("<!-- c -->", "<br>", "<img src=x>", "<script>", "&#35;", "\\", "[x]:", "[^n]", "^[n]"),
]
_STARTS = ["# ", "## ", "###### ", "####### ", "#", " ", "    ", "1. ", "- ", "> ", "=", "---"]
_STARTS += ["\t", "[", "<", "`", "_", "|", "a", "Z", "é", "日", "2", "*a", "_a", "*", "#a"]
_STARTS += ["3.14 ", "3)x", "1)", "1.\u00a0", "1234567890. ", "\x85", "\u2028", "\x85_a_ "]
_STARTS += ["[a](b) ", "[x]: ", "<span>", "<div>", "<!-- ", "<span> ", "<?x ", "<![CDATA[", "<3 "]
_STARTS += ["**Bold** ", "***", "* * *", "__a__ ", "___", "_ _ _", "`x` ", "```", "~x ", "~~~"]
_STARTS += ["#\u00a0", "1984 ", "3.", "2)", "\u00a0", "\u3000", "\x0c", "!", "&", "\\", "(", "'"]
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


def test_random_documents_simple_or_not() -> None:
    rng = random.Random(20261130)
    simple = 0
    for _ in range(3_000):
        text = _document(rng)
        code_blocks = rng.random() < 0.5
        if simple_blocks(prepared_text(text)) is None:
            continue
        simple += 1
        _check(text, code_blocks)
        # The next version, whatever it is, counted from the simple version's steps.
        after = text + rng.choice(
            ["\n\n*Emphasis* now.\n", "\nMore *x*", "\n\n1. Item\n", "\n---\n"]
        )
        counted = count_version(after, count_version(text).parsed, count_code_blocks=code_blocks)
        assert (counted.counts, counted.blocks) == _by_parser(after, code_blocks), after
    assert simple >= 600  # about one in four is simple


def test_many_marked_blocks_are_parsed_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """The blocks with markup are parsed a batch at a time: the boundaries change nothing."""
    text = "".join(
        f"# Part *{n}*\n\nPlain words here.\n\nSome _marked_ words {n}.\n\n" for n in range(40)
    )
    expected = _by_parser(text)
    assert expected[0].words == 40 * (2 + 3 + 4)
    for batch in (1, 3, 79, 80, 81, counting.MARKED_BATCH):
        monkeypatch.setattr(counting, "MARKED_BATCH", batch)
        assert count_with_blocks(text) == expected
        _check(text)
