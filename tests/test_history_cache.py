"""The blob source of a walk: each blob parsed once for counts and blocks, memory bounded."""

from __future__ import annotations

from typing import Any

import pytest

from draftforge_stats import steps
from draftforge_stats.history import cache
from draftforge_stats.steps import ALONE, FIRST, SIMPLE, STEPS
from tests.gitutil import GitRepo
from tests.test_history import full_run_text, run, words


def _record_ways(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, how each version is counted (:attr:`steps.Counted.how`), in order."""
    ways: list[str] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        found = steps.count_version(*args, **kwargs)
        ways.append(found.how)
        return found

    monkeypatch.setattr(cache, "count_version", spy)
    return ways


def _count_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, every version is parsed whole (no previous version's steps)."""

    def whole(text: str, previous: Any = None, **kwargs: Any) -> Any:
        return steps.count_version(text, None, **kwargs)

    monkeypatch.setattr(cache, "count_version", whole)


def test_blocks_dropped_past_the_bound_are_read_again(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With room for the blocks of one blob only, every diff reads the old version again:
    the numbers are the same as with the default room."""
    git_repo.commit("a", "2025-06-01T09:00:00+00:00", files={"chapters/01.md": words(10)})
    git_repo.commit("b", "2025-06-01T10:00:00+00:00", files={"chapters/02.md": words(4, "b")})
    git_repo.commit("c", "2025-06-02T09:00:00+00:00", files={"chapters/01.md": words(12)})
    expected = full_run_text(git_repo.path)
    monkeypatch.setattr(cache, "BLOCK_WORDS_KEPT", 1)
    bounded = run(git_repo.path, write=False)
    assert bounded.text == expected
    assert [(e.date, e.words_added, e.words_deleted) for e in bounded.stats.history] == [
        ("2025-06-02", 2, 0),
        ("2025-06-01", 14, 0),
    ]


def test_the_walk_counts_each_new_version_from_the_one_before(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Edited and renamed chapters are counted from their previous version's steps, and
    the history is byte for byte the one whole parses make."""
    # (quotes: a document of paragraphs only would need no block parse, steps or not)
    paragraphs = [f"> Paragraph {n} of the chapter, seven words." for n in range(30)]

    def chapter(changed: dict[int, str]) -> str:
        return "\n\n".join(changed.get(n, text) for n, text in enumerate(paragraphs)) + "\n"

    git_repo.commit("a", "2025-06-01T09:00:00+00:00", files={"chapters/01.md": chapter({})})
    git_repo.commit(
        "b", "2025-06-02T09:00:00+00:00", files={"chapters/01.md": chapter({10: "Two words."})}
    )
    git_repo.commit(
        "c",
        "2025-06-03T09:00:00+00:00",
        files={"chapters/01.md": None, "chapters/02.md": chapter({10: "Three more words."})},
    )
    git_repo.commit(
        "d", "2025-06-04T09:00:00+00:00", files={"chapters/02.md": chapter({10: "Four."})}
    )
    ways = _record_ways(monkeypatch)
    by_steps = full_run_text(git_repo.path)
    # (the working tree's version is counted before the walk, whole)
    assert ways == [FIRST, STEPS, STEPS]

    _count_whole(monkeypatch)
    assert full_run_text(git_repo.path) == by_steps
    history = run(git_repo.path, write=False).stats.history
    assert [(e.date, e.word_count) for e in history] == [
        ("2025-06-04", 29 * 7 + 1),
        ("2025-06-03", 29 * 7 + 3),
        ("2025-06-02", 29 * 7 + 2),
        ("2025-06-01", 30 * 7),
    ]


def test_a_version_whose_previous_one_was_dropped_is_counted_from_its_line_s_latest(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With room for the blocks of one blob only, 01.md's previous version is always
    dropped by the time its next one is read (02.md's versions come in between); it is
    still counted from steps (the latest parsed version of 01.md's line), not whole, and the
    history is byte for byte what whole parses give."""
    paragraphs = [f"> Paragraph {n} of the chapter, seven words." for n in range(20)]

    def chapter(changed: dict[int, str]) -> str:
        return "\n\n".join(changed.get(n, text) for n, text in enumerate(paragraphs)) + "\n"

    git_repo.commit("a", "2025-06-01T09:00:00+00:00", files={"chapters/01.md": chapter({})})
    git_repo.commit("b", "2025-06-01T10:00:00+00:00", files={"chapters/02.md": words(5, "b")})
    git_repo.commit(
        "c", "2025-06-02T09:00:00+00:00", files={"chapters/01.md": chapter({3: "Two words."})}
    )
    git_repo.commit("d", "2025-06-02T10:00:00+00:00", files={"chapters/02.md": words(6, "b")})
    git_repo.commit(
        "e", "2025-06-03T09:00:00+00:00", files={"chapters/01.md": chapter({3: "Three words now."})}
    )
    monkeypatch.setattr(cache, "BLOCKS_KEPT", 1)
    ways = _record_ways(monkeypatch)
    by_steps = full_run_text(git_repo.path)
    # Seven parses in walk order (with room for one blob, an old version whose blocks a
    # diff needs is read again); each one that has a previous version of its chapter is
    # counted from steps. Without the line's latest only one is (the rest are FIRST).
    # 02.md's versions (the second and the sixth) are paragraphs only, read without the
    # block parse; the fourth is 01.md's first version read again.
    assert ways == [FIRST, SIMPLE, STEPS, FIRST, STEPS, SIMPLE, STEPS]

    _count_whole(monkeypatch)
    assert full_run_text(git_repo.path) == by_steps


def test_a_version_no_other_is_counted_from_is_counted_whole(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A version with no previous version and no next one (a chapter written once, then
    deleted) is counted whole: its steps would serve nothing. The history is the same."""
    chapter = "> A first chapter of six words.\n"
    git_repo.commit(
        "a",
        "2025-06-01T09:00:00+00:00",
        files={"chapters/01.md": chapter, "chapters/02.md": "> Gone soon, three.\n"},
    )
    git_repo.commit(
        "b",
        "2025-06-02T09:00:00+00:00",
        files={"chapters/01.md": chapter + "\nTwo *more*.\n", "chapters/02.md": None},
    )
    ways = _record_ways(monkeypatch)
    counted = full_run_text(git_repo.path)
    # 01.md's first version (its second is the working tree's, counted before the walk)
    # has a next version; 02.md's only one has none.
    assert ways == [FIRST, ALONE]

    _count_whole(monkeypatch)
    assert full_run_text(git_repo.path) == counted
    history = run(git_repo.path, write=False).stats.history
    assert [(e.date, e.word_count, e.words_added, e.words_deleted) for e in history] == [
        ("2025-06-02", 6 + 2, 2, 3),
        ("2025-06-01", 6 + 3, 9, 0),
    ]
