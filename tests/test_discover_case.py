"""`include` and `exclude` ignore case by default (`stats.case_sensitive_globs: true` to
match case), so a chapter renamed only in case keeps its early days."""

from __future__ import annotations

import pytest

from draftforge_stats.discover import FileSelector, Kind
from draftforge_stats.errors import HistoryLossError
from tests.gitutil import GitRepo
from tests.test_history import config, run, words


@pytest.mark.parametrize(
    ("path", "sensitive", "expected"),
    [
        ("chapters/chapter1.md", False, Kind.CHAPTER),
        ("chapters/CHAPTER1.MD", False, Kind.CHAPTER),
        ("chapters/Chapter1.md", True, Kind.CHAPTER),
        ("chapters/chapter1.md", True, None),
        ("chapters/ärger.md", False, Kind.CHAPTER),  # `Ä*` folds to `ä*`
        ("chapters/drafts/a.md", False, None),  # excluded by `chapters/DRAFTS/**`
        ("chapters/drafts/a.md", True, Kind.CHAPTER),  # with case, `DRAFTS` excludes nothing
        ("chapters/notes.md", False, None),
    ],
)
def test_globs_ignore_case_unless_asked(path: str, sensitive: bool, expected: Kind | None) -> None:
    selector = FileSelector(
        "chapters",
        "manuscript",
        include=("chapters/Chapter*.md", "chapters/Ä*", "chapters/drafts/**"),
        exclude=("chapters/DRAFTS/**",),
        case_sensitive=sensitive,
    )
    assert selector.classify(path) is expected


def test_a_chapter_renamed_in_case_keeps_its_early_days(git_repo: GitRepo) -> None:
    config(git_repo, "stats:\n  include: ['chapters/Chapter*.md']\n")
    git_repo.commit("a", "2025-06-01T09:00:00+00:00", files={"chapters/chapter1.md": words(5)})
    git_repo.commit(
        "rename",
        "2025-06-02T09:00:00+00:00",
        files={"chapters/chapter1.md": None, "chapters/Chapter1.md": words(6)},
    )
    result = run(git_repo.path)
    assert [
        (e.date, e.word_count, e.words_written, e.words_added, e.words_deleted)
        for e in result.stats.history
    ] == [("2025-06-02", 6, 1, 1, 0), ("2025-06-01", 5, 5, 5, 0)]
    assert result.stats.history_basis is not None
    assert result.stats.history_basis.case_sensitive_globs is False

    config(git_repo, "stats:\n  include: ['chapters/Chapter*.md']\n  case_sensitive_globs: true\n")
    # the old name no longer counts, so 1 June would be dropped: the author's word is needed
    with pytest.raises(HistoryLossError, match=r"\(2025-06-01\)"):
        run(git_repo.path)
    sensitive = run(git_repo.path, allow_shorter_history=True)
    assert any("settings that decide the history changed" in note for note in sensitive.notes)
    # With case, the old name never matched: the history starts with the renamed file.
    assert [
        (e.date, e.word_count, e.words_written, e.words_added) for e in sensitive.stats.history
    ] == [("2025-06-02", 6, 6, 6)]
