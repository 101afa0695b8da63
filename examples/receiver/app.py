"""A reference receiver for the ``stats.updated`` webhook: verify, then one upsert.

Standard library ``http.server`` and psycopg 3, nothing else. Each POST is verified with
:func:`draftforge_stats.verify_webhook` (signature and timestamp on the raw body), then written
with :data:`UPSERT`, one ``INSERT ... ON CONFLICT (project_id) DO UPDATE`` that

- finds the project by the repository's numeric id (``projects.github_repo_id``), which
  survives renames and transfers;
- stores only deliveries for the default branch (``WHERE %(is_default_branch)s``);
- replaces the row only with a newer delivery: the ordering key is the pair
  (``last_commit_at``, ``updated_at``), and ``updated_at`` is set from the delivery's
  ``generated_at``, so a late or repeated delivery leaves the row as it is.

Run it: ``DATABASE_URL=postgresql://... DRAFTFORGE_WEBHOOK_SECRET=whsec_... python app.py``
(``PORT``, default 8000). Answers: 200 stored or older than the row, 202 not the default
branch, 400 not a ``stats.updated`` payload, 401 a bad signature, 404 no project for the
repository, 411 no valid ``Content-Length``, 413 a body over 1 MiB.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from draftforge_stats import verify_webhook
from draftforge_stats.errors import WebhookVerificationError

MAX_BODY_BYTES = 1024 * 1024

UPSERT = """\
INSERT INTO project_stats (
    project_id, word_count, chapter_count, character_count, last_commit_sha, last_commit_at,
    total_commits, current_streak_days, longest_streak_days, last_write_date, stats_history,
    updated_at
)
SELECT
    projects.id, %(word_count)s, %(chapter_count)s, %(character_count)s, %(last_commit_sha)s,
    %(last_commit_at)s, %(total_commits)s, %(current_streak_days)s, %(longest_streak_days)s,
    %(last_write_date)s, %(stats_history)s, %(generated_at)s
FROM projects
WHERE projects.github_repo_id = %(repository_id)s AND %(is_default_branch)s
ON CONFLICT (project_id) DO UPDATE SET
    word_count = EXCLUDED.word_count,
    chapter_count = EXCLUDED.chapter_count,
    character_count = EXCLUDED.character_count,
    last_commit_sha = EXCLUDED.last_commit_sha,
    last_commit_at = EXCLUDED.last_commit_at,
    total_commits = EXCLUDED.total_commits,
    current_streak_days = EXCLUDED.current_streak_days,
    longest_streak_days = EXCLUDED.longest_streak_days,
    last_write_date = EXCLUDED.last_write_date,
    stats_history = EXCLUDED.stats_history,
    updated_at = EXCLUDED.updated_at
WHERE project_stats.last_commit_at IS NULL
    OR (project_stats.last_commit_at, project_stats.updated_at)
        < (EXCLUDED.last_commit_at, EXCLUDED.updated_at)
RETURNING project_id
"""


class BadPayload(ValueError):
    """The body is signed but is not a ``stats.updated`` payload this receiver understands."""


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)  # "2025-10-29T14:12:09Z": aware, UTC


def upsert_parameters(event: Any) -> dict[str, Any]:
    """The parameters of :data:`UPSERT` for a verified payload: typed Python values that
    psycopg adapts to the columns' types (``stats_history`` as ``Jsonb``)."""
    try:
        if event["type"] != "stats.updated":
            raise BadPayload(f"unknown type {event['type']!r}")
        data = event["data"]
        row = data["project_stats"]
        last_write = row["last_write_date"]
        return {
            "repository_id": int(data["repository"]["id"]),
            "is_default_branch": data["is_default_branch"] is True,
            "generated_at": _time(data["order"]["generated_at"]),
            "word_count": int(row["word_count"]),
            "chapter_count": int(row["chapter_count"]),
            "character_count": int(row["character_count"]),
            "last_commit_sha": str(row["last_commit_sha"]),
            "last_commit_at": _time(row["last_commit_at"]),
            "total_commits": int(row["total_commits"]),
            "current_streak_days": int(row["current_streak_days"]),
            "longest_streak_days": int(row["longest_streak_days"]),
            "last_write_date": date.fromisoformat(last_write) if last_write else None,
            "stats_history": Jsonb(list(row["stats_history"])),
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise BadPayload(f"not a stats.updated payload: {exc!r}") from None


def store(conninfo: str, event: Any) -> tuple[int, dict[str, Any]]:
    """Write a verified payload; the HTTP status and the answer's JSON."""
    params = upsert_parameters(event)
    if not params["is_default_branch"]:
        return 202, {"stored": False, "reason": "not the default branch"}
    with psycopg.connect(conninfo) as conn:
        stored = conn.execute(UPSERT, params).fetchone() is not None
        if stored:
            return 200, {"stored": True}
        known = conn.execute(
            "SELECT 1 FROM projects WHERE github_repo_id = %s", (params["repository_id"],)
        ).fetchone()
    if known is None:
        return 404, {"error": f"no project for repository id {params['repository_id']}"}
    return 200, {"stored": False, "reason": "older than the stored row"}


class Handler(BaseHTTPRequestHandler):
    """POST: verify, store, answer JSON. The server carries `conninfo` and `secret`."""

    server: Receiver

    def do_POST(self) -> None:
        raw = (self.headers.get("Content-Length") or "").strip()
        if not raw.isascii() or not raw.isdigit():
            self.answer(411, {"error": "a Content-Length is required"})
            return
        length = int(raw)
        if length > MAX_BODY_BYTES:
            self.answer(413, {"error": "body too large"})
            return
        body = self.rfile.read(length)
        status, answer = self.deliver(body, dict(self.headers.items()))
        self.answer(status, answer)

    def deliver(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        try:
            event = verify_webhook(body, headers, self.server.secret)
        except WebhookVerificationError as exc:
            return 401, {"error": str(exc)}
        try:
            return store(self.server.conninfo, event)
        except BadPayload as exc:
            return 400, {"error": str(exc)}

    def answer(self, status: int, answer: dict[str, Any]) -> None:
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet; a real API logs through its own logger


class Receiver(ThreadingHTTPServer):
    def __init__(
        self,
        address: tuple[str, int],
        *,
        conninfo: str,
        secret: str,
        handler: type[Handler] = Handler,
    ) -> None:
        super().__init__(address, handler)
        self.conninfo = conninfo
        self.secret = secret


def main() -> None:
    server = Receiver(
        ("0.0.0.0", int(os.environ.get("PORT", "8000"))),
        conninfo=os.environ["DATABASE_URL"],
        secret=os.environ["DRAFTFORGE_WEBHOOK_SECRET"],
    )
    server.serve_forever()


if __name__ == "__main__":
    main()
