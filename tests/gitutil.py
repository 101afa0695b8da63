"""Build real git repositories with commits at chosen dates, for the tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class GitRepo:
    """A working tree driven with the real `git` command."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            ["git", *args],
            cwd=self.path,
            env={**os.environ, **(env or {})},
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()

    def write(self, relpath: str, text: str) -> Path:
        target = self.path / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def commit(
        self,
        message: str,
        date: str = "2025-01-01T12:00:00+00:00",
        *,
        files: dict[str, str | None] | None = None,
        author: str = "Test Author <author@example.com>",
        allow_empty: bool = False,
    ) -> str:
        """Write `files` (None deletes), stage everything and commit at `date` (ISO 8601).

        Returns the new commit's full id.
        """
        for relpath, text in (files or {}).items():
            if text is None:
                (self.path / relpath).unlink()
            else:
                self.write(relpath, text)
        self.git("add", "-A")
        env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        args = ["commit", "-q", "-m", message, f"--author={author}"]
        if allow_empty:
            args.append("--allow-empty")
        self.git(*args, env=env)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")
