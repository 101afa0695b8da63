"""What a local clone says about itself, for ``draftforge notify``.

On a runner the Action learns the repository, the ref and the default branch from the
runner; by hand, ``draftforge notify`` asks the clone: the ``origin`` remote's URL and its
``HEAD`` (which ``git clone`` sets to the default branch), the current branch, and which
stats to send (:func:`stats_to_send`). Library code: it reads git through
:class:`Repository` and the project's files through the pipeline, and returns plain data.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from ..errors import GitError
from ..gitrepo import Repository
from ..gitsync import head_changes, is_own_path
from ..models import Stats
from ..output import STATS_FILE
from ..pipeline import run_stats

__all__ = [
    "current_ref",
    "origin_default_branch",
    "origin_repository",
    "repository_from_url",
    "stats_to_send",
]

_REMOTE = re.compile(r"[:/](?P<owner>[^/:]+)/(?P<name>[^/]+?)(?:\.git)?/?$")


def repository_from_url(url: str) -> str | None:
    """`owner/name` from a remote URL (https, ssh or scp-like), or None."""
    match = _REMOTE.search(url.strip())
    return f"{match['owner']}/{match['name']}" if match else None


def _git(repo: Repository, *args: str) -> str | None:
    try:
        return repo.git(*args).strip() or None
    except GitError:
        return None


def origin_repository(repo: Repository) -> str | None:
    """`owner/name` from the `origin` remote's URL, or None."""
    url = _git(repo, "remote", "get-url", "origin")
    return repository_from_url(url) if url else None


def origin_default_branch(repo: Repository) -> str | None:
    """The branch `origin/HEAD` points to (the default branch when the clone was made)."""
    name = _git(repo, "symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD")
    return name.removeprefix("origin/") if name and name.startswith("origin/") else None


def current_ref(repo: Repository) -> str | None:
    """`refs/heads/<branch>` of the checked-out branch; None on a detached HEAD."""
    return _git(repo, "symbolic-ref", "-q", "HEAD")


def _committed_stats(root: Path, repo: Repository) -> Stats | None:
    """The stored stats when HEAD is a stats commit with a clean stats file, else None.

    Such stats describe the manuscript as it is (HEAD changed nothing else) and are the very
    stats the Action committed, so sending them sends what the Action sent.
    """
    if repo.head() is None:
        return None
    prefix = "" if root == repo.root else root.relative_to(repo.root).as_posix() + "/"
    relative = prefix + STATS_FILE.as_posix()
    changes = head_changes(repo)
    if not changes or not all(is_own_path(p, prefix) for p in changes):
        return None
    if relative not in changes or _git(repo, "status", "--porcelain", "--", relative):
        return None
    try:
        return Stats.model_validate_json((root / STATS_FILE).read_bytes())
    except (OSError, ValidationError, ValueError):
        return None


def stats_to_send(root: Path, repo: Repository | None, now: datetime) -> tuple[Stats, list[str]]:
    """The stats to send for the project at `root`, and notes for the user.

    When HEAD is a stats commit (one that changed only `.draftforge/` files), the committed
    stats; otherwise the stats computed now (nothing is written). Computed stats keep the
    stored file's ``generated_at`` when nothing in them changed, so they are the same data.
    """
    committed = _committed_stats(root, repo) if repo is not None else None
    if committed is not None:
        head = repo.head() if repo is not None else None
        shown = head.sha[:7] if head is not None else "HEAD"
        return committed, [f"sending the stats committed in {shown}"]
    result = run_stats(root, now=now, write=False)
    notes = [*result.warnings, "sending the stats computed now; they are not committed"]
    return result.stats, notes
