"""The word rule's fast path: the astral pattern only on the runs of text that need it.

A property test compares the words found (the fast BMP pattern between the runs that hold
a character beyond U+FFFF, the astral pattern on those runs) with the astral pattern
applied to the whole text, on random text built from the characters that matter to the
rule: letters and digits of both planes, combining marks of both planes, CJK, joiners,
whitespace of several kinds, emoji and punctuation.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from draftforge_stats import counting
from draftforge_stats.counting import count_words

# Characters the word rule treats differently, BMP and astral alike.
_PIECES = (
    *"aZé9",  # Latin letters and a digit
    "\u0301",  # combining acute (BMP mark)
    "\u0661",  # Arabic-Indic digit one
    *"日本か\u3099ｶ",  # CJK ideographs, kana, combining voiced mark, halfwidth katakana
    *"'\u2019-\u2010\u2011.,",  # joiners and the digit separators
    *" \n\t\u00a0\u3000\u2029",  # whitespace: space, newline, tab, no-break, ideographic
    *"!?\u2014\u30fb\x00\x01",  # punctuation and the counting markers
    "\U0001d400",  # MATHEMATICAL BOLD CAPITAL A (astral letter)
    "\U0001d7cf",  # MATHEMATICAL BOLD DIGIT ONE (astral digit)
    "\U0001d165",  # MUSICAL SYMBOL COMBINING STEM (astral mark)
    "\U000e0100",  # VARIATION SELECTOR-17 (astral mark)
    "\U00020bb7",  # a CJK Extension B ideograph (astral, one word each)
    "\U0001f600",  # an emoji (astral symbol)
    "\U0010fffd",  # a private-use character (astral, not a word)
)

_TEXT = st.lists(st.sampled_from(_PIECES), max_size=80).map("".join)


def _astral_words(text: str) -> list[str]:
    return counting._word_pattern(True).findall(text)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
@example("\U0001f600 x")
@example("1.\U0001d7cf")
@example("ab\U0001d165cd ef")
@example("x \U0001f600\U0001f600 y\u3000z\U00020bb7")
def test_fast_path_finds_the_words_of_the_astral_pattern(text: str) -> None:
    assert counting._find_words(text) == _astral_words(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_fast_path_on_any_text(text: str) -> None:
    assert counting._find_words(text) == _astral_words(text)


def test_one_emoji_leaves_the_rest_to_the_fast_pattern() -> None:
    """Words before, inside and after the astral run are all found, in order."""
    text = "don't stop 3.14 \U0001f600x\U0001d400y, then state-of-the-art"
    assert counting._find_words(text) == [
        "don't",
        "stop",
        "3.14",
        "x\U0001d400y",
        "then",
        "state-of-the-art",
    ]
    assert count_words(text) == 6


def test_a_long_run_without_spaces_is_scanned_in_bounded_time() -> None:
    """Hostile input: one astral character in a huge run with no whitespace."""
    text = "a" * 200_000 + "\U0001f600" + "b" * 200_000 + " c\U0001f600 " * 1000
    assert count_words(text) == 2 + 1000


# Every character of the western ranges, and the joiners and spaces between them.
_WESTERN = [chr(cp) for part in counting._WESTERN_RANGES for cp in part]
_WESTERN_TEXT = st.lists(
    st.sampled_from(_WESTERN) | st.sampled_from(list(" -'\u2019.,1a\u0301")), max_size=120
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_WESTERN_TEXT)
@example("café-au-lait 1,5 don\u2019t \u0394\u03b5\u03bb\u03c4\u03b1 \u0416\u0443\u043a")
def test_text_of_western_characters_only_gets_the_small_pattern_s_words(text: str) -> None:
    assert counting._NOT_WESTERN.search(text) is None
    assert counting._find_words(text) == _astral_words(text)
    assert counting._word_pattern(False, western=True).findall(text) == _astral_words(text)


def test_every_western_character_is_a_word_or_not_as_the_whole_rule_says() -> None:
    small = counting._word_pattern(False, western=True)
    whole = counting._word_pattern(True)
    # Each character alone, after a letter (a mark continues a word), and between digits.
    for char in _WESTERN:
        for text in (char, f"a{char}", f"1{char}2"):
            assert small.findall(text) == whole.findall(text), hex(ord(char))


def test_one_character_outside_the_western_ranges_takes_the_whole_pattern() -> None:
    assert counting._NOT_WESTERN.search("Chapter one \u65e5") is not None
    assert counting._find_words("Chapter one \u65e5\u672c") == [
        "Chapter",
        "one",
        "\u65e5",
        "\u672c",
    ]
