"""`draftforge notify`, the library side: which stats to send by hand, for which repository.

When HEAD is a stats commit the committed stats are sent, naming that commit; otherwise the
stats are computed now (nothing is written). The repository and ref come from the `origin`
remote and HEAD unless given. Library code: it reads git and the project, never prints;
a value it cannot find out is a :class:`~draftforge_stats.errors.UsageError`.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from ..action.push import head_changes
from ..discover import project_prefix
from ..errors import GitError, NotifyError, UsageError
from ..gitrepo import Repository
from ..names import STATS_FILE, is_own_path
from ..pipeline import find_project_root, run_stats
from ..statsfile import Stats, load_stats
from .payload import build_payload

_REMOTE = re.compile(r"[:/](?P<owner>[^/:]+)/(?P<name>[^/]+?)(?:\.git)?/?$")


def repository_from_url(url: str) -> str | None:
    """`owner/name` from a remote URL (https, ssh or scp-like), or None."""
    match = _REMOTE.search(url.strip())
    return f"{match['owner']}/{match['name']}" if match else None


def _git(repo: Repository, *args: str) -> str | None:
    try:
        return repo.git(*args).strip()
    except GitError:
        return None


def _committed_stats(root: Path, repo: Repository) -> tuple[Stats, str] | None:
    """The stored stats and HEAD's id when HEAD is a stats commit with a clean stats file.

    Such stats describe the manuscript as it is (HEAD changed nothing else), while stats
    computed now would describe the stats commit itself.
    """
    if repo.head() is None:
        return None
    prefix = project_prefix(root, repo.root)
    relative = prefix + STATS_FILE.as_posix()
    changes = head_changes(repo)
    if not changes or not all(is_own_path(p, prefix) for p in changes):
        return None
    if relative not in changes or _git(repo, "status", "--porcelain", "--", relative):
        return None
    stats = load_stats(root / STATS_FILE)
    head = repo.head()
    return (stats, head.sha) if stats is not None and head is not None else None


def prepare_payload(
    path: Path, *, repository: str | None, ref: str | None, now: datetime
) -> tuple[dict[str, Any], list[str]]:
    """The webhook payload for the project at `path`, and notes for the user.

    When HEAD is a stats commit (one that changed only `.draftforge/` files), the committed
    stats are sent, naming that commit; otherwise the stats are computed now (nothing is
    written) and name no stats commit. `repository` (``owner/name``) and `ref` default to
    the `origin` remote's and HEAD's. Raises :class:`UsageError` when the repository or ref
    cannot be found out or the stats cannot make a payload.
    """
    root, repo = find_project_root(path)
    notes: list[str] = []
    if not repository and repo is not None:
        url = _git(repo, "remote", "get-url", "origin")
        repository = repository_from_url(url) if url else None
    if not repository:
        raise UsageError(
            "cannot tell the repository's name from an `origin` remote: pass "
            "--repository OWNER/NAME"
        )
    if not ref and repo is not None:
        ref = _git(repo, "symbolic-ref", "-q", "HEAD")
    if not ref:
        raise UsageError("HEAD is not on a branch: pass --ref (for example refs/heads/main)")

    committed = _committed_stats(root, repo) if repo is not None else None
    if committed is not None:
        stats, stats_commit = committed
        notes.append(f"sending the stats committed in {stats_commit[:7]}")
    else:
        result = run_stats(root, now=now, write=False)
        notes.extend(result.warnings)
        stats, stats_commit = result.stats, None
        notes.append("sending the stats computed now; they are not committed")
    try:
        payload = build_payload(
            stats.model_dump(mode="json"),
            repository=repository,
            ref=ref,
            stats_commit_sha=stats_commit,
        )
    except NotifyError as exc:
        raise UsageError(str(exc)) from None
    return payload, notes


__all__ = ["prepare_payload", "repository_from_url"]
