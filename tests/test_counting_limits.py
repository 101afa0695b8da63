"""Counting where the Markdown parser stops: containers nested past its limit, and
hostile documents (100,000 levels deep) that must finish, with every word counted.

markdown-it-py skips the content of block quotes and list items opened at its nesting
limit (20 levels: 10 nested lists or 20 quotes); draftforge counts those lines again
without their markers (see `count_markdown`).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from draftforge_stats.counting import TextCounts, count_markdown


def nested_list(levels: int) -> str:
    """`- w0` with each next item one level deeper: `levels` nested lists, one word each."""
    return "".join("  " * level + f"- w{level}\n" for level in range(levels))


@pytest.mark.parametrize("levels", [9, 10, 11, 12, 30])
def test_every_item_of_a_deep_list_is_counted(levels: int) -> None:
    counts = count_markdown(nested_list(levels))

    no_spaces = sum(len(f"w{level}") for level in range(levels))
    assert counts == TextCounts(levels, no_spaces + levels - 1, no_spaces, None)


@pytest.mark.parametrize("levels", [19, 20, 21, 25, 100])
def test_a_deep_quote_is_counted(levels: int) -> None:
    text = "Before it.\n\n" + "> " * levels + "Deep *quoted* words.\n\nAfter it.\n"
    # "Before it." 10, "Deep quoted words." 18, "After it." 9, two block breaks.
    assert count_markdown(text) == TextCounts(7, 39, 33, None)


def test_a_deep_list_item_keeps_its_paragraphs_and_markup() -> None:
    text = nested_list(11) + "  " * 11 + "- A [link](https://example.com) and `x = 1`\n"
    counts = count_markdown(text)
    # 11 words w0..w10, then "A link and" 3 + code 3 pieces.
    assert counts.words == 11 + 6
    assert count_markdown("  " * 11 + "---\n").words == 0  # not taken as front matter


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("quotes", "> " * 100_000 + "two words\n", 2),
        ("quotes without spaces", ">" * 100_000 + " two words\n", 2),
        ("bullets", "- " * 100_000 + "two words\n", 2),
        ("numbers", "1. " * 100_000 + "two words\n", 2),
        ("mixed", "> - 1) " * 33_334 + "two words\n", 2),
        ("in a footnote", "Text.[^1]\n\n[^1]: " + "> " * 100_000 + "two words\n", 3),
        ("brackets", "[" * 100_000 + "word", 1),
        ("emphasis", "*" * 100_000 + "word", 1),
    ],
)
def test_a_hundred_thousand_levels_finish_and_count(name: str, text: str, words: int) -> None:
    # Bounded: one parse of the document plus one of the lines past the limit (the
    # README gives the measured times); a quadratic walk would not finish here.
    assert count_markdown(text).words == words


_BOUNDED = """
import resource, sys
limit = 1024 * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from draftforge_stats.counting import count_markdown
print(count_markdown(sys.stdin.read()).words)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS as Linux has it")
@pytest.mark.parametrize(
    "text",
    ["*" * 100_000 + "word", "_" * 100_000 + "word", "*_" * 50_000 + "word"],
    ids=["stars", "underscores", "both"],
)
def test_a_long_run_of_emphasis_markers_counts_in_bounded_memory(text: str) -> None:
    """markdown-it-py before 4.1 needed 4.8 GB for 100,000 `*` (its delimiter pairing was
    quadratic): the package requires 4.1, and this counts such a line in a process that
    may not use more than 1 GiB of address space."""
    done = subprocess.run(
        [sys.executable, "-c", _BOUNDED], input=text, capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout) == (0, "1\n"), done.stderr[-2000:]
