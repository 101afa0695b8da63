"""The ``stats.updated`` payload: one object per delivery that maps one to one onto the API's
``project_stats`` row.

The envelope is the one Standard Webhooks 1.0 recommends (``type``, ``timestamp``, ``data``).
``data`` says which repository and branch the stats belong to (by the repository's numeric
id, which survives renames and transfers), carries the ordering key, and holds
``project_stats``, whose keys are exactly the table's writable columns, with no null where the
column has a default. :func:`payload_for` is the one function that builds it, for the Action
and for ``draftforge notify`` alike, and :func:`serialize_payload` the one that turns it into
the exact request body, so both send the same bytes for the same data.

Library code: plain data in, plain data out; the only outside read is the committer date of
the commit the stats describe (:func:`payload_for`, through :class:`Repository`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..dates import utc_iso
from ..errors import NotifyError
from ..gitrepo import Repository
from ..records import dataclass
from ..statsfile import Stats

__all__ = [
    "EVENT_TYPE",
    "Identity",
    "build_payload",
    "history_row",
    "make_identity",
    "payload_for",
    "serialize_payload",
    "user_agent",
]

EVENT_TYPE = "stats.updated"
_HEADS = "refs/heads/"


@dataclass(frozen=True)
class Identity:
    """Which repository and branch a delivery is about."""

    repository_id: int
    """GitHub's numeric id of the repository (``GITHUB_REPOSITORY_ID``): stable across renames
    and transfers, so the API keys the project by it."""
    repository: str
    """``owner/name``, as it is now."""
    ref: str
    """The ref the stats were made on, ``refs/heads/<branch>``."""
    default_branch: str | None
    """The repository's default branch (``main``), None when it cannot be told."""

    @property
    def is_default_branch(self) -> bool:
        return self.default_branch is not None and self.ref == _HEADS + self.default_branch


def _event_repository(event: Mapping[str, Any]) -> Mapping[str, Any]:
    repository = event.get("repository")
    return repository if isinstance(repository, Mapping) else {}


def make_identity(
    *,
    repository: str | None,
    repository_id: str | int | None,
    ref: str,
    event: Mapping[str, Any] | None = None,
    event_name: str = "",
    default_branch: str | None = None,
) -> Identity:
    """The identity of a delivery, from what the runner (or the user) says.

    `repository_id` and `repository` fall back to the event payload's ``repository.id`` and
    ``repository.full_name``. The default branch is `default_branch` when given, else the event
    payload's ``repository.default_branch``; a ``schedule`` event, whose payload has no
    repository, always runs on the default branch, so its ref's branch is the default one.
    Raises :class:`NotifyError` when the repository's id or name is unknown.
    """
    from_event = _event_repository(event or {})
    raw_id = repository_id if repository_id not in (None, "") else from_event.get("id")
    text_id = str(raw_id).strip() if raw_id is not None and not isinstance(raw_id, bool) else ""
    if not (text_id.isascii() and text_id.isdigit() and int(text_id) > 0):
        shown = f" ({text_id[:30]!r} is not a positive whole number)" if text_id else ""
        raise NotifyError(
            f"the repository's numeric id is unknown{shown}: the API finds the project by it. "
            "On GitHub Actions it is GITHUB_REPOSITORY_ID; with `draftforge notify` set "
            "GITHUB_REPOSITORY_ID or pass --repository-id (the `id` of "
            "https://api.github.com/repos/OWNER/NAME)"
        )
    name = (repository or "").strip() or str(from_event.get("full_name") or "").strip()
    if not name:
        raise NotifyError(
            "the repository's name (owner/name) is unknown: set GITHUB_REPOSITORY or pass "
            "--repository OWNER/NAME"
        )
    default = (default_branch or "").strip() or None
    if default is None:
        value = from_event.get("default_branch")
        default = value.strip() if isinstance(value, str) and value.strip() else None
    if default is None and event_name == "schedule" and ref.startswith(_HEADS):
        default = ref.removeprefix(_HEADS)
    return Identity(int(text_id), name, ref, default)


def history_row(entry: Mapping[str, Any]) -> dict[str, Any]:
    """One day of ``stats_history`` in the API's shape (the stats file keeps its own)."""
    return {
        "date": entry["date"],
        "word_count": entry["word_count"],
        "chapter_count": entry["chapter_count"],
        "words_written_today": entry["words_written"],
        "commits": entry["commits"],
    }


def _described_commit(stats: Stats) -> str:
    sha = stats.current.last_commit_sha
    if not sha:
        raise NotifyError(
            "the stats describe no commit ($.current.last_commit_sha is null), so there is "
            "nothing to notify about: run on a git repository with at least one commit"
        )
    return sha


def build_payload(stats: Stats, identity: Identity, *, commit_at: datetime) -> dict[str, Any]:
    """The payload for `stats`, as `identity`'s branch has them.

    `commit_at` is the committer date of ``stats.current.last_commit_sha``, the commit the
    numbers describe. The envelope's ``timestamp`` is ``stats.generated_at`` (when the data
    last changed), so the payload is made only from the data: the same data gives the same
    bytes, whoever sends it and whenever. Raises :class:`NotifyError` when the stats describe
    no commit.
    """
    sha = _described_commit(stats)
    current = stats.current
    last_commit_at = utc_iso(commit_at)
    return {
        "type": EVENT_TYPE,
        "timestamp": stats.generated_at,
        "data": {
            "repository": {"id": identity.repository_id, "full_name": identity.repository},
            "ref": identity.ref,
            "default_branch": identity.default_branch,
            "is_default_branch": identity.is_default_branch,
            "order": {"last_commit_at": last_commit_at, "generated_at": stats.generated_at},
            "project_stats": {
                "word_count": current.word_count,
                "chapter_count": current.chapter_count,
                "character_count": current.character_count,
                "last_commit_sha": sha,
                "last_commit_at": last_commit_at,
                "total_commits": current.total_commits,
                "current_streak_days": stats.streaks.current_days,
                "longest_streak_days": stats.streaks.longest_days,
                "last_write_date": stats.streaks.last_write_date,
                "stats_history": [history_row(e.model_dump()) for e in stats.history],
            },
        },
    }


def payload_for(repo: Repository, stats: Stats, identity: Identity) -> dict[str, Any]:
    """:func:`build_payload` with the committer date read from `repo`: what the Action and
    ``draftforge notify`` both send."""
    sha = _described_commit(stats)
    commit_at = repo.committer_date(sha)
    if commit_at is None:
        raise NotifyError(
            f"the stats describe commit {sha[:12]}, which this clone does not have: fetch it "
            "(actions/checkout with fetch-depth: 0), or run `draftforge stats` again"
        )
    return build_payload(stats, identity, commit_at=commit_at)


def serialize_payload(payload: Mapping[str, Any]) -> bytes:
    """The request body: compact JSON in the payload's own key order, UTF-8, no ASCII escapes."""
    try:
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise NotifyError(f"the webhook payload cannot be written as JSON: {exc}") from None
    return text.encode("utf-8")


def user_agent() -> str:
    """``draftforge-stats/<version>``."""
    import draftforge_stats  # late: this module may be imported while the package initialises

    return f"draftforge-stats/{draftforge_stats.__version__}"
