"""A small manuscript repository, the same bytes every time, for the golden stats file test.

Commits at chosen dates and offsets, a rename, a deletion, a manuscript file, a commit of the
tool's own files and a sub-folder project: what the history and the streaks must handle.
"""

from __future__ import annotations

from pathlib import Path

from tests.gitutil import GitRepo

CONFIG = (
    'version: "1.0"\n'
    "project:\n  name: Golden\n  target_word_count: 1000\n"
    "stats:\n  day_starts_at: 4\n  daily_goal: 5\n"
)


def words(n: int, word: str = "word") -> str:
    return " ".join([word] * n) + ".\n"


def build(path: Path) -> Path:
    """Make the repository at `path`; returns the project folder (a sub-folder of it)."""
    path.mkdir(parents=True)
    repo = GitRepo(path)
    repo.git("init", "-q", "-b", "main")
    identity = {
        "GIT_COMMITTER_NAME": "Test Author",
        "GIT_COMMITTER_EMAIL": "author@example.com",
    }
    repo.git("config", "user.name", identity["GIT_COMMITTER_NAME"])
    repo.git("config", "user.email", identity["GIT_COMMITTER_EMAIL"])
    book = "book/"
    repo.commit("start", "2025-03-01T09:00:00+01:00", files={
        book + ".draftforge/config.yml": CONFIG,
        book + "chapters/01-dawn.md": "# Dawn\n\n" + words(40),
        "README.md": "Not counted.\n",
    })  # fmt: skip
    repo.commit("more", "2025-03-02T02:30:00+01:00", files={
        book + "chapters/01-dawn.md": "# Dawn\n\n" + words(55),
    })  # 02:30 with day_starts_at 4: still 1 March  # fmt: skip
    repo.commit("two", "2025-03-02T21:00:00-05:00", files={
        book + "chapters/02-noon.md": "# Noon\n\n" + words(30, "sun"),
        book + "manuscript/outline.md": words(12, "plan"),
    })  # fmt: skip
    repo.commit("rename", "2025-03-04T10:00:00+00:00", files={
        book + "chapters/02-noon.md": None,
        book + "chapters/02-midday.md": "# Noon\n\n" + words(30, "sun"),
    })  # fmt: skip
    repo.commit("stats", "2025-03-04T11:00:00+00:00", files={
        book + ".draftforge/notes.txt": "the tool's own folder\n",
    })  # fmt: skip
    repo.commit("cut", "2025-03-06T23:59:00+09:00", files={
        book + "chapters/01-dawn.md": "# Dawn\n\n" + words(20),
        book + "chapters/03-dusk.md": "# Dusk\n\nÉté, naïve café; 1,000 well-known days.\n",
    })  # fmt: skip
    return path / "book"
