"""Where the GitHub Action may work: the runner's workspace, and the project folder inside it.

Checked before the job changes anything (before even the global git config is touched):
the workspace must be a folder; the `path` input must resolve, symbolic links included, to a
folder inside the workspace; the git repository the project belongs to must be the
workspace's own checkout, not a repository around it or beside it. Each check fails with a
message that names what is wrong and what to give instead.

Library code: it looks at the paths it is given and raises; it never prints or writes.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ActionError, InputError
from ..gitrepo import Repository


def checked_workspace(workspace: Path) -> Path:
    """The workspace, resolved; :class:`ActionError` when it is not a folder."""
    if not workspace.is_dir():
        what = "is a file" if workspace.exists() else "does not exist"
        raise ActionError(
            f"The workspace {workspace} (GITHUB_WORKSPACE) {what}: this action runs as a step "
            "of a GitHub Actions job, after actions/checkout has filled the workspace."
        )
    return workspace.resolve()


def project_path(workspace: Path, given: str) -> Path:
    """The folder the `path` input names, resolved (`workspace` is already resolved).

    :class:`InputError` when it leads outside the workspace (`../other`, an absolute path,
    a symbolic link that points out), does not exist, or is not a folder."""
    text = given.strip() or "."
    candidate = (workspace / text).resolve()
    if not candidate.is_relative_to(workspace):
        plain = Path(os.path.normpath(workspace / text))
        through = "" if plain == candidate else " (through a symbolic link)"
        raise InputError(
            f"input `path`: {text} leads outside the workspace{through}, to {candidate}: give "
            "the project's folder inside the repository, such as `.` or `book`."
        )
    if not candidate.exists():
        raise InputError(f"input `path`: {text} is not a folder of the workspace")
    if not candidate.is_dir():
        raise InputError(
            f"input `path`: {text} is a file, not a folder: give the project's folder (the "
            "one with `.draftforge/`), such as `.` or `book`."
        )
    return candidate


def own_repository(workspace: Path, repo: Repository | None) -> Repository:
    """The workspace's own git checkout; :class:`ActionError` when the project is in none,
    or in a repository that is not inside the workspace (one around it)."""
    if repo is None or not repo.root.resolve().is_relative_to(workspace):
        around = "" if repo is None else f" (the repository around it is {repo.root})"
        raise ActionError(
            f"{workspace} is not a git checkout{around}: run actions/checkout (with "
            "fetch-depth: 0) before this action."
        )
    return repo


__all__ = ["checked_workspace", "own_repository", "project_path"]
