"""The blob source of a walk: each blob parsed once for counts and blocks, memory bounded."""

from __future__ import annotations

import pytest

from draftforge_stats.history import cache
from tests.gitutil import GitRepo
from tests.test_history import full_run_text, run, words


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
