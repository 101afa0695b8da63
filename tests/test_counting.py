"""Tests for the counting engine: the data-driven vectors, decoding, titles, properties."""

from __future__ import annotations

import dataclasses
import random
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from draftforge_stats import counting
from draftforge_stats.counting import (
    RULES_VERSION,
    TextCounts,
    count_markdown,
    count_words,
    decode_source,
)

VECTORS_FILE = Path(__file__).parent / "data" / "counting_vectors.yml"
_VECTOR_KEYS = {
    "name",
    "markdown",
    "words",
    "characters",
    "characters_no_spaces",
    "title",
    "count_code_blocks",
}


def _load_vectors() -> list[dict[str, Any]]:
    with VECTORS_FILE.open(encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    assert isinstance(data, list)
    return data


VECTORS = _load_vectors()


def test_vectors_are_well_formed() -> None:
    names = [case["name"] for case in VECTORS]
    assert len(names) == len(set(names)), "vector names must be unique"
    assert len(VECTORS) >= 60
    for case in VECTORS:
        assert set(case) <= _VECTOR_KEYS, case["name"]
        assert isinstance(case["markdown"], str), case["name"]
        assert case["characters_no_spaces"] <= case["characters"], case["name"]


@pytest.mark.parametrize("case", VECTORS, ids=[case["name"] for case in VECTORS])
def test_vector(case: dict[str, Any]) -> None:
    result = count_markdown(
        case["markdown"], count_code_blocks=bool(case.get("count_code_blocks", False))
    )
    expected = TextCounts(
        words=case["words"],
        characters=case["characters"],
        characters_no_spaces=case["characters_no_spaces"],
        title=case.get("title"),
    )
    assert result == expected


def test_rules_version() -> None:
    assert RULES_VERSION == 2


def test_text_counts_is_frozen() -> None:
    counts = count_markdown("Hello")
    with pytest.raises(dataclasses.FrozenInstanceError):
        counts.words = 2  # type: ignore[misc]


# ------------------------------------------------------------------------- count_words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("don't state-of-the-art Sarah's", 3),
        ("3.14 1,000", 2),
        ("said\u2014quietly", 2),
        ("\u2014 \u2026 \u201c", 0),
        ("\u65e5\u672c\u8a9eabc", 4),
        # Plain text: Markdown syntax is not interpreted, `*` is a symbol.
        ("**bold**ly [link](http://example.com)", 6),  # bold ly link http example com
        ("`x = 1`", 2),  # the inline-code rule is Markdown-only: x, 1 (`=` is a symbol)
    ],
)
def test_count_words_plain_text(text: str, expected: int) -> None:
    assert count_words(text) == expected


def test_count_words_astral_and_bmp_patterns_agree() -> None:
    """The fast BMP-only pattern must give the same words as the full one."""
    sample = (
        "don't 3.14 caf\u00e9 cafe\u0301 \u65e5\u672c\u8a9eabc \ud55c\uad6d\uc5b4 "
        "\u30b3\u30fc\u30d2\u30fc\u30fb\u30d6 x\u2010y \u0661\u0662\u0663 \u2764\ufe0f "
        "\uff76\uff80 \u304b\u3099 e.g. 1,000,000 wait\u2026what"
    )
    full = counting._word_pattern(True).findall(sample)
    bmp = counting._word_pattern(False).findall(sample)
    assert full == bmp
    assert count_words(sample + " \U0001f600") == len(full)


@pytest.fixture
def no_western_plus() -> Iterator[None]:
    """No western-plus pattern compiled yet in this process (the cap counts them)."""
    saved = dict(counting._extended)
    counting._extended.clear()
    yield
    counting._extended.clear()
    counting._extended.update(saved)


def _finder_kind(text: str) -> str:
    finder = counting._words_finder(text)
    if finder == counting._word_pattern(False, western=True).findall:
        return "western"
    if getattr(finder, "__self__", None) in counting._extended.values():
        return "western plus"
    assert finder is counting._find_everywhere
    return "whole rule"


@pytest.mark.parametrize(
    ("text", "kind", "words"),
    [
        (
            "Caf\u00e9 na\u00efve \u201cquoted\u201d don\u2019t \u2014 e\u0301t\u00e9",
            "western",
            ["Caf\u00e9", "na\u00efve", "quoted", "don\u2019t", "e\u0301t\u00e9"],
        ),
        # Symbols outside the western ranges only separate words: still the western rule.
        ("a \u2192 b \u251c\u2500\u2500 c\U0001f44dd \u2212", "western", ["a", "b", "c", "d"]),
        # A variation selector is a mark; after a symbol it starts no word, after a letter
        # it belongs to the word.
        ("love \u2764\ufe0f it x\ufe0f", "western plus", ["love", "it", "x\ufe0f"]),
        # A word of another script, an astral letter joined by a hyphen, two ideographs.
        (
            "na\u00efve \U0001d465-axis \u0928\u092e\u0938\u094d\u0924\u0947 \u65e5\u672c",
            "western plus",
            [
                "na\u00efve",
                "\U0001d465-axis",
                "\u0928\u092e\u0938\u094d\u0924\u0947",
                "\u65e5",
                "\u672c",
            ],
        ),
        # More than 64 letters of other scripts: the whole rule, built once.
        (
            "".join(chr(0x4E00 + i) for i in range(65)) + " abc",
            "whole rule",
            [chr(0x4E00 + i) for i in range(65)] + ["abc"],
        ),
    ],
)
@pytest.mark.usefixtures("no_western_plus")
def test_a_text_is_searched_with_the_smallest_pattern_that_finds_its_words(
    text: str, kind: str, words: list[str]
) -> None:
    """Building the whole word rule takes some 150 ms (a push update's time): a text is
    searched with the western rule plus only the letters, digits and marks of other
    scripts it holds, which finds exactly the words the whole rule finds in it."""
    assert _finder_kind(text) == kind
    assert counting._find_words(text) == words
    assert counting._word_pattern(True).findall(text) == words


@pytest.mark.usefixtures("no_western_plus")
def test_the_smaller_patterns_find_what_the_whole_rule_finds_on_random_texts() -> None:
    """Seeded random texts of western letters, marks, joiners, symbols, emoji, CJK, kana,
    Devanagari, Arabic, Thai, astral letters and plane-14 selectors."""
    points = [
        *range(0x20, 0x250), *range(0x300, 0x370), 0x2019, 0x2010, 0x2011, 0x0A, 0x3000,
        0x2192, 0x2500, 0xFE0F, 0x200D, 0x1F44D, 0x1D465, 0x0902, 0x093F, 0x0938, 0x0915,
        0x4E2D, 0x3042, 0x3099, 0x30A2, 0x30FB, 0xFF71, 0x20000, 0xE0100, 0x05D0, 0x0627,
        0x064B, 0x0E17, 0x0E31, 0x0661,
    ]  # fmt: skip
    rng = random.Random(14)
    whole = counting._word_pattern(True).findall
    kinds: set[str] = set()
    for _ in range(300):
        counting._extended.clear()  # each text compiles its own western-plus pattern
        text = "".join(chr(rng.choice(points)) for _ in range(rng.randint(1, 40)))
        kinds.add(_finder_kind(text))
        assert counting._find_words(text) == whole(text), repr(text)
    assert kinds == {"western", "western plus"}


@pytest.mark.usefixtures("no_western_plus")
def test_past_sixteen_western_plus_patterns_the_whole_rule_serves() -> None:
    texts = [f"word {chr(0x0905 + i)} end" for i in range(20)]  # 20 Devanagari letters
    kinds = [_finder_kind(text) for text in texts]
    assert kinds == ["western plus"] * 16 + ["whole rule"] * 4
    assert len(counting._extended) == 16
    assert [counting._find_words(text) for text in texts] == [
        ["word", chr(0x0905 + i), "end"] for i in range(20)
    ]


# ----------------------------------------------------------------------- decode_source


def test_decode_plain_utf8() -> None:
    assert decode_source("caf\u00e9\n".encode()) == ("caf\u00e9\n", None)


def test_decode_empty() -> None:
    assert decode_source(b"") == ("", None)


def test_decode_strips_bom() -> None:
    assert decode_source(b"\xef\xbb\xbfHello") == ("Hello", None)
    assert decode_source(b"\xef\xbb\xbf") == ("", None)


def test_decode_keeps_a_bom_that_is_not_leading() -> None:
    assert decode_source(b"a\xef\xbb\xbfb") == ("a\ufeffb", None)


def test_decode_normalises_line_endings() -> None:
    assert decode_source(b"a\r\nb\rc\nd\r\n\r\n") == ("a\nb\nc\nd\n\n", None)


def test_decode_invalid_byte_offset() -> None:
    text, offset = decode_source(b"ab\xffcd")
    assert text == "ab\ufffdcd"
    assert offset == 2


def test_decode_invalid_offset_counts_multibyte_characters_as_bytes() -> None:
    data = "\u00e9\u00e9".encode() + b"\x80x"  # two 2-byte characters, then a stray byte
    assert decode_source(data) == ("\u00e9\u00e9\ufffdx", 4)


def test_decode_invalid_offset_is_in_the_original_data_with_bom() -> None:
    assert decode_source(b"\xef\xbb\xbfab\xfe") == ("ab\ufffd", 5)


def test_decode_reports_the_first_of_several_invalid_bytes() -> None:
    text, offset = decode_source(b"ok\xc3(\xff\xfe")
    assert offset == 2
    assert text.startswith("ok\ufffd(")


def test_decode_truncated_sequence_at_end() -> None:
    assert decode_source(b"abc\xe2\x82") == ("abc\ufffd", 3)


def test_decode_encoded_surrogate_is_invalid() -> None:
    text, offset = decode_source(b"a\xed\xa0\x80b")
    assert offset == 1
    assert text.startswith("a\ufffd")
    assert text.endswith("b")


def test_decode_invalid_bytes_with_crlf() -> None:
    assert decode_source(b"a\r\n\xff\r\n") == ("a\n\ufffd\n", 3)


def test_decoded_replacement_character_is_counted_not_a_word() -> None:
    text, _ = decode_source(b"one \xff two")
    assert count_markdown(text) == TextCounts(2, 9, 7, None)


# ------------------------------------------------------------------------------ titles


def test_title_from_front_matter() -> None:
    doc = "---\ntitle: The Long Night\nauthor: Me\n---\n\n# Chapter 1\n\nText.\n"
    assert count_markdown(doc).title == "The Long Night"


def test_title_from_first_heading_when_no_front_matter() -> None:
    doc = "Intro paragraph.\n\n## First *real* heading\n\n# Second\n"
    assert count_markdown(doc).title == "First real heading"


def test_title_from_heading_when_front_matter_has_no_title() -> None:
    doc = "---\nstatus: draft\n---\n# Heading Title\n"
    assert count_markdown(doc).title == "Heading Title"


@pytest.mark.parametrize(
    "front_matter",
    [
        "title: [unclosed",
        "title: {a: b",
        ": : :\n\t- bad indent",
        "title: *undefined_alias",
        "date: 2024-02-30\ntitle: X",
        "title: !!python/object:os.system x",
        "? [a, b]\n: c\ntitle: X",
    ],
)
def test_invalid_front_matter_has_no_title(front_matter: str) -> None:
    doc = f"---\n{front_matter}\n---\nBody text.\n"
    counts = count_markdown(doc)
    assert counts.title is None
    assert counts.words == 2


def test_invalid_front_matter_falls_back_to_heading() -> None:
    doc = "---\ntitle: [unclosed\n---\n# Fallback\n"
    assert count_markdown(doc).title == "Fallback"


@pytest.mark.parametrize("value", ["42", "[a, b]", "{x: 1}", "null", "''", "'   '", "true"])
def test_front_matter_title_must_be_a_non_blank_string(value: str) -> None:
    doc = f"---\ntitle: {value}\n---\n# From Heading\n"
    assert count_markdown(doc).title == "From Heading"


def test_no_title() -> None:
    assert count_markdown("Just a paragraph.\n").title is None


def test_title_is_whitespace_collapsed() -> None:
    assert count_markdown("#   Spaced    out   title  \n").title == "Spaced out title"


def test_heading_in_code_block_is_not_a_title() -> None:
    assert count_markdown("```\n# not a heading\n```\n\n# Real\n").title == "Real"


# -------------------------------------------------------------------------- properties

PARAGRAPHS = [
    "Hello world.",
    "It was a **dark** and stormy night; the rain fell in torrents\u2014except at "
    "occasional intervals.",
    "She said \u201cdon't\u201d and left. 3.14 is not 1,000.",
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8 and [a link](http://x.example).",
    "Code `a b c` inline, *emphasis*, and <span>html</span>.",
    "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8 cafe\u0301 r\u00e9sum\u00e9",
    "\u2014 \u2026",
]


@pytest.mark.parametrize("size", [1, 2, 3, len(PARAGRAPHS)])
def test_counting_is_additive_over_paragraphs(size: int) -> None:
    for start in range(len(PARAGRAPHS) - size + 1):
        chosen = PARAGRAPHS[start : start + size]
        parts = [count_markdown(p) for p in chosen]
        whole = count_markdown("\n\n".join(chosen))
        non_empty = [p for p in parts if p.characters]
        assert whole.words == sum(p.words for p in parts)
        assert whole.characters_no_spaces == sum(p.characters_no_spaces for p in parts)
        assert whole.characters == sum(p.characters for p in parts) + len(non_empty) - 1


def test_counting_code_blocks_only_adds() -> None:
    doc = "Intro.\n\n```\nsome code here\n```\n\n    more code\n\nOutro.\n"
    without = count_markdown(doc)
    with_code = count_markdown(doc, count_code_blocks=True)
    assert without == TextCounts(2, 13, 12, None)
    assert with_code.words == without.words + 5
    assert with_code.characters_no_spaces == without.characters_no_spaces + 12 + 8
    assert with_code.characters == without.characters + 14 + 1 + 9 + 1


def test_characters_relation_holds() -> None:
    for paragraph in PARAGRAPHS:
        counts = count_markdown(paragraph)
        assert counts.characters_no_spaces <= counts.characters


def test_counting_is_deterministic_and_reuses_the_parser() -> None:
    text = "\n\n".join(PARAGRAPHS)
    first = count_markdown(text)
    assert counting.markdown_parser() is counting.markdown_parser()
    assert count_markdown(text) == first


def test_private_markers_in_input_are_just_characters() -> None:
    # U+0000 and U+0001 are the engine's private markers; in a document they are
    # ordinary (non-word) characters.
    assert count_markdown("a\x00b \x01 c") == TextCounts(3, 7, 5, None)


def test_large_document_counts_like_its_parts() -> None:
    chapter = "# Title\n\nOne two three.\n\n> Four *five*.\n"
    counts = count_markdown(chapter * 200)
    assert counts.words == 200 * 6
    assert counts.title == "Title"


def test_blocks_share_one_string_per_word_and_the_table_stays_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Blocks of different documents (two versions of a chapter) hold the same string for
    the same word, so a walk that keeps many versions' blocks keeps each word once; the
    table of shared words starts afresh once it holds more than SHARED_WORDS."""
    _, first = counting.count_with_blocks("# Old night\n\nThe river ran north.\n")
    _, second = counting.count_with_blocks("# New night\n\nThe river ran south.\n")
    assert first == [("Old", "night"), ("The", "river", "ran", "north")]
    assert second == [("New", "night"), ("The", "river", "ran", "south")]
    assert second[1][1] is first[1][1]  # "river": one string for both versions
    assert second[0][1] is first[0][1]

    monkeypatch.setattr(counting, "SHARED_WORDS", 3)
    counting.counted_blocks("one two three four five six")  # may start afresh first
    assert len(counting._shared) <= 3 + 6
    counting.counted_blocks("seven")  # more than 3 words: the table starts afresh
    assert set(counting._shared) == {"seven"}
    assert counting.counted_blocks("one two") == [("one", "two")]


@pytest.mark.usefixtures("no_western_plus")
def test_blocks_use_the_document_s_pattern_and_the_whole_rule_only_when_it_needs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pattern is chosen once for the document: western characters only, or a few
    letters of other scripts, and each block's words come from one pattern at once; a
    document with more than 64 such letters takes the whole rule's search on every block.
    The words are the whole rule's either way."""
    calls: list[str] = []
    finding = counting._find_everywhere

    def recorded(text: str) -> list[str]:
        calls.append(text)
        return finding(text)

    monkeypatch.setattr(counting, "_find_everywhere", recorded)
    western = "# Café naïve\n\nDon't stop, 3.5 km `x y` on.\n\n- Well-known *road*\n"
    assert counting.counted_blocks(western) == [
        ("Café", "naïve"),
        ("Don't", "stop", "3.5", "km", "x", "y", "on"),
        ("Well-known", "road"),
    ]
    astral = "# Café \U0001d518x\n\nDon't stop.\n\n日本語 here\n"
    assert counting.counted_blocks(astral) == [
        ("Café", "\U0001d518x"),
        ("Don't", "stop"),
        ("日", "本", "語", "here"),
    ]
    assert calls == []
    ideographs = "".join(chr(0x4E00 + i) for i in range(65))
    many = f"# Café \U0001d518x\n\nDon't stop.\n\n{ideographs} here\n"
    assert counting.counted_blocks(many) == [
        ("Café", "\U0001d518x"),
        ("Don't", "stop"),
        (*ideographs, "here"),
    ]
    assert len(calls) == 3  # one a block


@pytest.mark.usefixtures("no_western_plus")
def test_choosing_a_text_s_pattern_takes_bounded_memory() -> None:
    """The characters outside the western ranges are read a chunk at a time: a long text
    of other scripts (2,000,000 ideographs here) costs a chunk's worth of memory, not one
    string for each of its characters (some 160 MB), and a text of thousands of distinct
    symbols stops at 4,096 of them and takes the whole rule."""
    ideographs = "".join(chr(0x4E00 + i % 20_000) for i in range(2_000_000))
    tracemalloc.start()
    try:
        finder = counting._words_finder(ideographs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert finder is counting._find_everywhere
    assert peak < 16 * 1024 * 1024

    symbols = "".join(chr(cp) for cp in range(0xE000, 0xF900)) + " word"  # private use
    assert counting._other_word_characters(symbols) is None
    assert _finder_kind(symbols) == "whole rule"
    assert counting._find_words(symbols) == ["word"]
