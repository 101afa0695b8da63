"""Everything the package asks of git. The only module that imports GitPython.

The rest of the package sees plain data: commit ids, dates, paths and blob ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import git

from .errors import GitError


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    authored_at: datetime  # aware, in the author's own offset


class Repository:
    """A git repository, opened from any folder inside its working tree."""

    def __init__(self, repo: git.Repo) -> None:
        self._repo = repo
        if repo.working_tree_dir is None:
            raise GitError(f"{repo.git_dir} is a bare repository; run inside a clone.")
        self.root = Path(repo.working_tree_dir).resolve()
        git_dir = Path(repo.git_dir).resolve()
        # Pin where git looks, so variables inherited from a hook or a CI step
        # (GIT_DIR, GIT_INDEX_FILE, GIT_WORK_TREE) cannot point it elsewhere.
        repo.git.update_environment(
            GIT_DIR=str(git_dir),
            GIT_WORK_TREE=str(self.root),
            GIT_INDEX_FILE=str(git_dir / "index"),
            GIT_OPTIONAL_LOCKS="0",
        )

    @classmethod
    def find(cls, path: Path) -> Repository | None:
        """The repository containing `path`, or None when it is not inside one."""
        try:
            repo = git.Repo(path, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            return None
        except git.GitCommandError as exc:  # e.g. "dubious ownership"
            raise GitError(f"git cannot open {path}: {exc.stderr.strip()}") from None
        return cls(repo)

    def git(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Run a git command in this repository and return its output.

        `env` adds variables for this one command (never put secrets in `args`).
        """
        try:
            out: str = self._repo.git.execute(
                ["git", *args], strip_newline_in_stdout=False, env=dict(env) if env else None
            )
        except git.GitCommandError as exc:
            raise GitError(f"`git {args[0]}` failed: {_stderr(exc)}") from None
        return out

    def head(self) -> CommitInfo | None:
        """HEAD's commit, or None in a repository with no commits yet."""
        try:
            commit = self._repo.head.commit
        except ValueError:
            return None
        return CommitInfo(commit.hexsha, commit.authored_datetime)

    def last_modified(self, paths: list[str]) -> dict[str, datetime]:
        """For each repository-relative path, the author date of the last commit touching it."""
        wanted = set(paths)
        found: dict[str, datetime] = {}
        if not wanted or self.head() is None:
            return found
        output = self.git(
            "log",
            "--no-renames",
            "-z",
            "--format=%x1e%aI",
            "--name-only",
            "HEAD",
            "--",
            *sorted({p.rsplit("/", 1)[0] if "/" in p else p for p in wanted}),
        )
        for record in output.split("\x1e"):
            if not record:
                continue
            date_text, _, names = record.partition("\n")
            when = datetime.fromisoformat(date_text.strip())
            for name in names.strip("\n").split("\0"):
                name = name.strip("\n")
                if name in wanted and name not in found:
                    found[name] = when
            if len(found) == len(wanted):
                break
        return found


def _stderr(exc: git.GitCommandError) -> str:
    text = str(exc.stderr or "").strip()
    text = text.removeprefix("stderr:").strip().strip("'").strip()
    return text or f"exit code {exc.status}"


def run_git(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> str:
    """Run git outside any opened repository (`git config --global ...`, `git clone ...`)."""
    try:
        out: str = git.Git(str(cwd)).execute(
            ["git", *args], strip_newline_in_stdout=False, env=dict(env) if env else None
        )
    except git.GitCommandError as exc:
        raise GitError(f"`git {args[0]}` failed: {_stderr(exc)}") from None
    return out
