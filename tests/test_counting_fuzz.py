"""Counting, fuzzed with hypothesis: whatever the Markdown, counting returns, the counts are
consistent, and they behave as the rules say when a word is added.

Bounded: each property runs a fixed number of examples with a per-example deadline, a few
seconds in all; nothing is stored between runs (`database=None`), so the suite stays
self-contained.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from draftforge_stats.counting import count_markdown

FUZZ = settings(
    max_examples=150,
    deadline=2000,  # ms per example: generous for a slow CI machine, still bounded
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# The characters Markdown gives meaning to, with letters, digits, CJK and odd code points.
MARKUP = list("#>-*_+=`~[]()!<>/\\&;:'\".,|^$%{}0123456789 \t\n\n\n")
LETTERS = [*"abcXYZéß日本語テキ한글", "\u0301", "\u00a0", "\ufeff", "\x00", "\x01", "\r"]
markdown_text = st.text(alphabet=st.sampled_from(MARKUP + LETTERS), max_size=400)

# A word of the counting rules that stays one word whatever surrounds it with spaces.
plain_word = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,7}", fullmatch=True)
wrapped_word = st.one_of(
    plain_word,
    plain_word.map(lambda w: f"*{w}*"),
    plain_word.map(lambda w: f"**{w}**"),
    plain_word.map(lambda w: f"[{w}](https://example.com/{w})"),
)


@FUZZ
@given(markdown_text, st.booleans())
def test_counting_never_raises_and_is_consistent(text: str, code_blocks: bool) -> None:
    counts = count_markdown(text, count_code_blocks=code_blocks)

    assert 0 <= counts.words <= counts.characters_no_spaces <= counts.characters
    # Each whitespace run counts one: at most one space between two counted characters.
    assert counts.characters <= 2 * counts.characters_no_spaces
    assert count_markdown(text, count_code_blocks=code_blocks) == counts  # deterministic


@FUZZ
@given(st.lists(wrapped_word, min_size=1, max_size=30), plain_word)
def test_appending_a_word_to_a_paragraph_adds_exactly_one(words: list[str], extra: str) -> None:
    paragraph = " ".join(words)
    before = count_markdown(paragraph)
    after = count_markdown(f"{paragraph} {extra}")

    assert after.words == before.words + 1
    assert after.characters_no_spaces == before.characters_no_spaces + len(extra)
    assert after.characters == before.characters + 1 + len(extra)


@FUZZ
@given(markdown_text, st.lists(plain_word, min_size=1, max_size=10))
def test_a_paragraph_after_any_document_counts_at_most_its_words(
    prefix: str, words: list[str]
) -> None:
    # An open construct (an HTML comment, a fence) may hide what follows; nothing adds more.
    text = prefix + "\n\n" + " ".join(words) + "\n"
    gained = count_markdown(text).words - count_markdown(prefix).words

    assert gained <= len(words)
