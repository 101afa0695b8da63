"""Tests for words added and deleted: the data-driven vectors, the bound, the block walk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from draftforge_stats.counting import Block, count_markdown, count_with_blocks, counted_blocks
from draftforge_stats.history import wordchanges
from draftforge_stats.history.wordchanges import (
    ChapterChange,
    DayChanges,
    WordChanges,
    diff_change,
    merge_change,
)

VECTORS_FILE = Path(__file__).parent / "data" / "word_changes.yml"
COUNTING_VECTORS = Path(__file__).parent / "data" / "counting_vectors.yml"


def _load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    assert isinstance(data, list)
    return data


VECTORS = _load(VECTORS_FILE)


def _day(case: dict[str, Any]) -> DayChanges:
    code = bool(case.get("count_code_blocks", False))
    day = DayChanges()
    if "merge" in case:
        day.add(_merge(case["merge"], code))
        return day
    for commit in case["commits"]:
        changes = [
            ChapterChange(
                counted_blocks(sides["old"], count_code_blocks=code) if sides["old"] else (),
                counted_blocks(sides["new"], count_code_blocks=code) if sides["new"] else (),
            )
            for sides in commit.values()
        ]
        day.add(diff_change(changes))
    return day


def _merge(chapters: dict[str, dict[str, Any]], code: bool) -> WordChanges:
    """A merge vector: what the merge changed against each parent, then its own words."""

    def blocks(text: str | None) -> list[Block]:
        return counted_blocks(text, count_code_blocks=code) if text else []

    count = {len(sides["parents"]) for sides in chapters.values()}
    assert len(count) == 1
    return merge_change(
        [
            {
                rel: (blocks(sides["parents"][i]), blocks(sides["merged"]))
                for rel, sides in chapters.items()
                if sides["parents"][i] != sides["merged"]
            }
            for i in range(count.pop())
        ]
    )


def test_vectors_are_well_formed() -> None:
    names = [case["name"] for case in VECTORS]
    assert len(names) == len(set(names))
    assert len(VECTORS) >= 25
    for case in VECTORS:
        assert set(case) <= {
            "name", "rule", "commits", "merge", "added", "deleted", "count_code_blocks"
        }  # fmt: skip
        assert ("commits" in case) != ("merge" in case), case["name"]
        assert case["rule"], case["name"]


@pytest.mark.parametrize("case", VECTORS, ids=[case["name"] for case in VECTORS])
def test_vector(case: dict[str, Any]) -> None:
    day = _day(case)
    assert (day.added, day.deleted) == (case["added"], case["deleted"])


@pytest.mark.parametrize("case", _load(COUNTING_VECTORS), ids=lambda case: case["name"])
def test_blocks_hold_exactly_the_counted_words(case: dict[str, Any]) -> None:
    """Every counting vector: the words of the blocks are the words count_markdown counts."""
    code = bool(case.get("count_code_blocks", False))
    counts, blocks = count_with_blocks(case["markdown"], count_code_blocks=code)
    assert counts == count_markdown(case["markdown"], count_code_blocks=code)
    assert sum(len(block) for block in blocks) == case["words"]
    assert counted_blocks(case["markdown"], count_code_blocks=code) == blocks


def test_blocks_are_in_document_order() -> None:
    text = "# Head one\n\nPara `x y` two.\n\n- item *three*\n\n| a | b |\n|---|---|\n| c | d |\n"
    assert counted_blocks(text) == [
        ("Head", "one"),
        ("Para", "x", "y", "two"),
        ("item", "three"),
        ("a",),
        ("b",),
        ("c",),
        ("d",),
    ]


def test_one_commit_alone_counts_the_cut() -> None:
    """Without the day, a cut is a deletion: the day is what makes it a move."""
    cut = diff_change(
        [ChapterChange(counted_blocks("Stays.\n\nMoved text here."), counted_blocks("Stays."))]
    )
    assert (cut.added, cut.deleted) == (0, 3)
    assert cut.deleted_blocks == {("Moved", "text", "here"): 1}


def test_past_the_bound_the_unordered_difference_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hostile input: past MAX_PAIRS the words are compared without their order (linear)."""
    monkeypatch.setattr(wordchanges, "MAX_PAIRS", 10)
    old = [("a", "b", "a", "b", "c", "x")]  # after the common "a": b a b c x
    new = [("a", "x", "b", "b", "a", "a", "d")]  # x b b a a d
    result = WordChanges()
    wordchanges._word_diff(old, new, result)
    # Multisets: old {b2, a1, c1, x1}, new {x1, b2, a2, d1}: added a, d; deleted c.
    assert (result.added, result.deleted) == (2, 1)
    assert not result.added_blocks and not result.deleted_blocks
    monkeypatch.setattr(wordchanges, "MAX_PAIRS", 1_000_000)
    ordered = WordChanges()
    wordchanges._word_diff(old, new, ordered)
    assert ordered.added >= result.added and ordered.deleted >= result.deleted


def test_a_large_hostile_change_stays_within_the_bound() -> None:
    """20,000 alternating words against 20,000 others: the fallback, not a quadratic diff."""
    old = [tuple(["a", "b"] * 10_000)]
    new = [tuple(["b", "a", "a"] * 6_000 + ["c"] * 2_000)]
    result = diff_change([ChapterChange(old, new)])
    # old {a 10000, b 10000}; new {b 6000, a 12000, c 2000}: prefix/suffix share nothing.
    assert (result.added, result.deleted) == (2_000 + 2_000, 4_000)


def test_a_large_hostile_merge_stays_within_the_bound() -> None:
    """A merge of two 20,000-word versions into a third: every comparison is past the bound,
    so each uses the unordered fallback (linear), and the numbers follow from the multisets.

    First parent {a 10000, b 10000}, second {b 6000, a 12000, c 2000}, the merge
    {a 10000, c 10000}: every "a" is in a parent, 2,000 of the c's are in the second, so
    8,000 are added; the merge dropped the first parent's 10,000 b's, of which the second
    has 6,000: 6,000 deleted."""
    first = [tuple(["a", "b"] * 10_000)]
    second = [tuple(["b", "a", "a"] * 6_000 + ["c"] * 2_000)]
    merged = [tuple(["a", "c"] * 10_000)]
    result = merge_change([{"ch1.md": (first, merged)}, {"ch1.md": (second, merged)}])
    assert (result.added, result.deleted) == (8_000, 6_000)
