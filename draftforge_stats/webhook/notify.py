"""`draftforge notify`, the library side: what a local clone says about itself, and the payload.

On a runner the Action learns the repository, the ref and the default branch from the
runner; by hand, ``draftforge notify`` asks the clone: the ``origin`` remote's URL and its
``HEAD`` (which ``git clone`` sets to the default branch), and the current branch. When HEAD
is a stats commit the committed stats are sent (the very stats the Action sent); otherwise
the stats are computed now (nothing is written). The payload is built by
:func:`.payload.payload_for`, as in the Action, so both send the same bytes for the same data.

Library code: it reads git through :class:`Repository`, the project through the pipeline and
the event payload file it is given; it never prints. A value it cannot find out is a
:class:`~draftforge_stats.errors.UsageError`; a branch that is not one to notify a
:class:`~draftforge_stats.errors.NotifyError`.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from ..action.push import head_changes
from ..action.runner import read_event
from ..discover import project_prefix
from ..errors import GitError, NotifyError, UsageError
from ..gitrepo import Repository
from ..names import STATS_FILE, is_own_path
from ..pipeline import find_project_root, run_stats
from ..statsfile import Stats, load_stats
from .payload import make_identity, payload_for

__all__ = [
    "current_ref",
    "origin_default_branch",
    "origin_repository",
    "prepare_payload",
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
    prefix = project_prefix(root, repo.root)
    relative = prefix + STATS_FILE.as_posix()
    changes = head_changes(repo)
    if not changes or not all(is_own_path(p, prefix) for p in changes):
        return None
    if relative not in changes or _git(repo, "status", "--porcelain", "--", relative):
        return None
    return load_stats(root / STATS_FILE, within=root)


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


def prepare_payload(
    path: Path,
    *,
    repository: str | None,
    repository_id: str | None,
    ref: str | None,
    now: datetime,
    default_branch: str | None = None,
    branches: str = "default",
    event_path: Path | None = None,
    event_name: str = "",
) -> tuple[dict[str, Any], list[str]]:
    """The webhook payload for the project at `path`, and notes for the user.

    `repository` (``owner/name``) and `ref` default to the `origin` remote's and HEAD's;
    `repository_id` and `default_branch` to the event payload's at `event_path` (a GitHub
    runner's ``GITHUB_EVENT_PATH``), the default branch then to ``origin/HEAD``. With
    `branches` ``"default"`` only the default branch may be sent. Raises :class:`UsageError`
    when the repository, its id or the ref cannot be found out, and :class:`NotifyError`
    when the branch is not one to notify or the stats describe no commit.
    """
    root, repo = find_project_root(path)
    if repo is None:
        raise UsageError(f"{path} is not in a git repository: the webhook describes a commit")
    ref = ref or current_ref(repo)
    if not ref:
        raise UsageError("HEAD is not on a branch: pass --ref (for example refs/heads/main)")
    repository = repository or origin_repository(repo)
    if not repository:
        raise UsageError(
            "cannot tell the repository's name from an `origin` remote: pass "
            "--repository OWNER/NAME"
        )
    try:
        identity = make_identity(
            repository=repository,
            repository_id=repository_id,
            ref=ref,
            event=read_event(event_path),
            event_name=event_name,
            default_branch=default_branch,
        )
    except NotifyError as exc:
        raise UsageError(str(exc)) from None
    if identity.default_branch is None:
        identity = dataclasses.replace(identity, default_branch=origin_default_branch(repo))
    if branches == "default" and not identity.is_default_branch:
        default = identity.default_branch
        raise NotifyError(
            f"{ref} is not the default branch ({default}): the API keeps the default branch's "
            "stats only. Pass --branches all to send anyway (the API ignores them)"
            if default
            else f"cannot tell the repository's default branch, so {ref} may not be it: pass "
            "--default-branch NAME (or --branches all)"
        )
    stats, notes = stats_to_send(root, repo, now)
    return payload_for(repo, stats, identity), notes
