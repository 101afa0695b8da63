"""The stats webhook's JSON: what the DraftForge API is told about a repository's stats.

:func:`build_payload` turns the content of ``stats.json`` into the webhook's JSON and
:func:`serialize_payload` into the exact request body. Pure functions: no I/O.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from draftforge_stats.errors import NotifyError

EVENT = "stats.updated"


def _lookup(stats: Mapping[str, Any], path: str, missing: list[str]) -> Any:
    node: Any = stats
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            missing.append(f"$.{path}")
            return None
        node = node[key]
    return node


def build_payload(
    stats: Mapping[str, Any], *, repository: str, ref: str, stats_commit_sha: str | None
) -> dict[str, Any]:
    """The webhook's JSON for the content of a ``stats.json`` file.

    `repository` is ``owner/name``, `ref` the ref the stats were made on (``refs/heads/main``),
    `stats_commit_sha` the commit that wrote ``stats.json`` (None when nothing was committed).
    ``commit_sha`` in the payload is the commit the stats describe, ``current.last_commit_sha``.
    ``project_stats`` has exactly the API's ``project_stats`` columns. Raises
    :class:`NotifyError` naming every missing field at once.
    """
    missing: list[str] = []
    word_count = _lookup(stats, "current.word_count", missing)
    chapter_count = _lookup(stats, "current.chapter_count", missing)
    character_count = _lookup(stats, "current.character_count", missing)
    commit_sha = _lookup(stats, "current.last_commit_sha", missing)
    current_days = _lookup(stats, "streaks.current_days", missing)
    longest_days = _lookup(stats, "streaks.longest_days", missing)
    last_write_date = _lookup(stats, "streaks.last_write_date", missing)
    history = _lookup(stats, "history", missing)
    if missing:
        raise NotifyError(
            f"stats.json lacks {', '.join(missing)}: the webhook needs them "
            "(is the file valid against stats.schema.json?)"
        )
    if not isinstance(history, list):
        raise NotifyError("stats.json: $.history is not a list")
    if not isinstance(commit_sha, str) or not commit_sha:
        raise NotifyError(
            "stats.json: $.current.last_commit_sha is null, so the stats describe no commit and "
            "there is nothing to notify about: run on a git repository with at least one commit"
        )
    if not repository.strip():
        raise NotifyError("the repository (owner/name) for the webhook is empty")
    current = stats["current"]
    return {
        "event": EVENT,
        "repository": repository,
        "ref": ref,
        "commit_sha": commit_sha,
        "stats_commit_sha": stats_commit_sha,
        "project_stats": {
            "word_count": word_count,
            "chapter_count": chapter_count,
            "character_count": character_count,
            "last_commit_sha": commit_sha,
            "last_commit_at": current.get("last_commit_at"),
            "total_commits": current.get("total_commits"),
            "current_streak_days": current_days,
            "longest_streak_days": longest_days,
            "last_write_date": last_write_date,
            "stats_history": copy.deepcopy(history),
        },
    }


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
