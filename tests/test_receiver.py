"""End to end: the Action and `draftforge notify` send to the reference receiver over HTTP on
127.0.0.1, which verifies and upserts into a real PostgreSQL (tests/postgres.py starts it).

The tables are examples/receiver/schema.sql: a minimal `projects` and `project_stats` exactly
as the API's design gives it (checked below). The world is tests/builders.py's: an author's
clone that pushed two chapters (2025-03-09: 7 words; 2025-03-10: 4 more) to a bare remote,
and the runner's workspace. Expected rows are worked out by hand from those commits.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from click.testing import CliRunner

from draftforge_stats.cli import main
from draftforge_stats.webhook.delivery import send_stats
from draftforge_stats.webhook.signing import webhook_id_for
from examples.receiver.app import UPSERT, Handler, Receiver, upsert_parameters
from tests.builders import CH3, NOW, REPOSITORY, SECRET, World, clone, head_of, on_branch
from tests.postgres import PostgresServer
from tests.test_webhook_payload import validate

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_SQL = ROOT / "examples" / "receiver" / "schema.sql"

# The table, verbatim from the API's design (issue 11).
PROJECT_STATS_DDL = """\
CREATE TABLE project_stats (
    id SERIAL PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    word_count INTEGER DEFAULT 0,
    chapter_count INTEGER DEFAULT 0,
    character_count INTEGER DEFAULT 0,
    last_commit_sha VARCHAR(255),
    last_commit_at TIMESTAMP WITH TIME ZONE,
    total_commits INTEGER DEFAULT 0,
    current_streak_days INTEGER DEFAULT 0,
    longest_streak_days INTEGER DEFAULT 0,
    last_write_date DATE,
    stats_history JSONB DEFAULT '[]', -- Array of daily snapshots
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(project_id)
);
"""

ROW_QUERY = """\
SELECT word_count, chapter_count, character_count, last_commit_sha, last_commit_at,
       total_commits, current_streak_days, longest_streak_days, last_write_date, updated_at
FROM project_stats
"""


@dataclass
class Seen:
    body: bytes
    webhook_id: str
    status: int


@dataclass
class Api:
    """The receiver as the tests run it: every delivery recorded with the answer it got."""

    url: str
    conninfo: str
    seen: list[Seen] = field(default_factory=list)
    lose_answers: int = 0
    """So many deliveries are stored but answered 503, as if the answer were lost."""

    def rows(self) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.conninfo) as conn:
            return conn.execute(ROW_QUERY).fetchall()

    def history(self) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.conninfo) as conn:
            return conn.execute(
                "SELECT e->>'date', e->>'words_written_today' "
                "FROM project_stats, jsonb_array_elements(stats_history) e"
            ).fetchall()


@pytest.fixture
def database(postgres_server: PostgresServer) -> str:
    """Fresh tables, and the project of the world's repository."""
    with psycopg.connect(postgres_server.conninfo, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS project_stats, projects")
        conn.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
        conn.execute(
            "INSERT INTO projects (github_repo_id, github_repo_name, github_default_branch) "
            "VALUES (%s, %s, %s)",
            (REPOSITORY["id"], "author/old-name", "main"),  # renamed since: the id still finds it
        )
    return postgres_server.conninfo


@pytest.fixture
def api(database: str) -> Iterator[Api]:
    record = Api(url="", conninfo=database)

    class Recording(Handler):
        def deliver(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
            status, answer = super().deliver(body, headers)
            if status == 200 and record.lose_answers > 0:
                record.lose_answers -= 1
                status, answer = 503, {"error": "answer lost"}
            lowered = {k.lower(): v for k, v in headers.items()}
            record.seen.append(Seen(body, lowered["webhook-id"], status))
            return status, answer

    server = Receiver(("127.0.0.1", 0), conninfo=database, secret=SECRET, handler=Recording)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    record.url = f"http://127.0.0.1:{server.server_address[1]}/v1/webhooks/stats"
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def first_row(world: World) -> tuple[Any, ...]:
    return (11, 2, 57, world.pushed, at("2025-03-10T09:00:00+00:00"), 2, 2, 2,
            date(2025, 3, 10), NOW)  # fmt: skip


def connect(world: World, api: Api, **inputs: str) -> None:
    world.inputs = {"INPUT_API-URL": api.url, "INPUT_WEBHOOK-SECRET": SECRET, **inputs}


def utc_rows(api: Api) -> list[tuple[Any, ...]]:
    return [
        tuple(v.astimezone(UTC) if isinstance(v, datetime) else v for v in row)
        for row in api.rows()
    ]


# ---------------------------------------------------------------------------------------------


def test_the_table_is_the_apis_verbatim() -> None:
    assert PROJECT_STATS_DDL in SCHEMA_SQL.read_text(encoding="utf-8")


def test_a_first_push_stores_the_row(world: World, api: Api) -> None:
    connect(world, api)

    run = world.run()

    assert run.code == 0, run.stdout
    assert run.output_values()["notified"] == "true"
    assert [s.status for s in api.seen] == [200]
    assert validate(json.loads(api.seen[0].body)) == []  # the public contract
    assert utc_rows(api) == [first_row(world)]


def test_the_history_reads_in_the_apis_shape(world: World, api: Api) -> None:
    connect(world, api)
    assert world.run().code == 0
    # 2025-03-10: 11 words after chapter two, 4 more than the 7 of 2025-03-09.
    assert api.history() == [("2025-03-10", "4"), ("2025-03-09", "7")]


def test_a_delivery_retried_three_times_is_one_row(world: World, api: Api) -> None:
    connect(world, api)
    api.lose_answers = 2  # stored twice, but the Action hears 503 and retries

    run = world.run()

    assert run.code == 0, run.stdout
    assert [s.status for s in api.seen] == [503, 503, 200]
    assert len(run.sleeps) == 2
    assert len({s.webhook_id for s in api.seen}) == 1
    assert len({s.body for s in api.seen}) == 1
    assert api.seen[0].webhook_id == webhook_id_for(api.seen[0].body)
    assert utc_rows(api) == [first_row(world)]


def test_notify_sends_the_actions_bytes_and_changes_nothing(
    world: World, api: Api, tmp_path: Path
) -> None:
    connect(world, api)
    assert world.run().code == 0
    stored = api.rows()
    checkout = clone(world.origin, tmp_path / "later")  # HEAD is the Action's stats commit

    result = CliRunner().invoke(
        main,
        ["notify", str(checkout.path), "--repository", "author/lighthouse"],
        env={
            "DRAFTFORGE_API_URL": api.url,
            "DRAFTFORGE_WEBHOOK_SECRET": SECRET,
            "GITHUB_REPOSITORY_ID": str(REPOSITORY["id"]),
        },
    )

    assert result.exit_code == 0, result.output
    action, by_hand = api.seen
    assert by_hand.body == action.body  # byte for byte, the envelope's timestamp too
    assert by_hand.webhook_id == action.webhook_id
    assert by_hand.status == 200
    assert api.rows() == stored


def test_an_older_delivery_arriving_late_changes_nothing(world: World, api: Api) -> None:
    connect(world, api)
    assert world.run().code == 0
    [first] = api.seen
    stats_sha = head_of(world.origin)
    world.author.git("pull", "-q", "--ff-only", "origin", "main")
    later = world.author.commit(
        "Late chapter", "2025-03-11T09:00:00+00:00", files={"chapters/03-late.md": CH3}
    )
    world.author.git("push", "-q", "origin", "main")
    world.workspace.git("pull", "-q", "--ff-only", "origin", "main")
    event = world.event("push", before=stats_sha, after=later, ref="refs/heads/main")
    assert world.run(world.env(event, GITHUB_SHA=later), now=NOW + timedelta(days=1)).code == 0
    newer = utc_rows(api)
    assert newer == [(14, 3, 71, later, at("2025-03-11T09:00:00+00:00"), 3, 3, 3,
                      date(2025, 3, 11), NOW + timedelta(days=1))]  # fmt: skip

    late = send_stats(api.url, json.loads(first.body), secret=SECRET, token=None)

    assert late.delivered
    assert late.webhook_id == first.webhook_id  # the same delivery, re-signed
    assert api.seen[-1].body == first.body
    assert utc_rows(api) == newer


def test_another_branch_never_overwrites_the_default_branchs_row(world: World, api: Api) -> None:
    connect(world, api)
    assert world.run().code == 0
    stored = api.rows()
    connect(world, api, **{"INPUT_NOTIFY-BRANCHES": "all"})

    run = world.run(on_branch(world, "draft"), now=NOW + timedelta(hours=1))

    assert run.code == 0, run.stdout
    draft = api.seen[-1]
    assert draft.status == 202
    assert json.loads(draft.body)["data"]["is_default_branch"] is False
    assert api.rows() == stored
    # The upsert itself refuses it too, with no row yet to protect.
    with psycopg.connect(api.conninfo) as conn:
        conn.execute("DELETE FROM project_stats")
        written = conn.execute(UPSERT, upsert_parameters(json.loads(draft.body))).fetchall()
        count = conn.execute("SELECT count(*) FROM project_stats").fetchone()
    assert (written, count) == ([], (0,))


def test_a_scheduled_run_that_resets_the_streak_updates_the_row(world: World, api: Api) -> None:
    connect(world, api)
    assert world.run().code == 0
    stats_sha = head_of(world.origin)
    five_days_later = NOW + timedelta(days=5)

    run = world.run(world.env(world.event("schedule"), GITHUB_SHA=stats_sha), now=five_days_later)

    assert run.code == 0, run.stdout
    first, scheduled = api.seen
    assert scheduled.webhook_id != first.webhook_id  # new data, new id
    assert scheduled.status == 200
    data = json.loads(scheduled.body)["data"]
    assert (data["repository"]["id"], data["is_default_branch"]) == (REPOSITORY["id"], True)
    # The same commit; the streak ended (no writing since the 10th); a later generated_at.
    assert utc_rows(api) == [(11, 2, 57, world.pushed, at("2025-03-10T09:00:00+00:00"), 2,
                              0, 2, date(2025, 3, 10), five_days_later)]  # fmt: skip


def test_a_bad_signature_is_refused(world: World, api: Api) -> None:
    connect(world, api)
    world.inputs["INPUT_WEBHOOK-SECRET"] = "whsec_" + "QUJD" * 8  # 24 bytes, the wrong ones

    run = world.run()

    assert [s.status for s in api.seen] == [401]
    assert run.output_values()["notified"] == "false"
    assert api.rows() == []


def test_an_unknown_repository_is_404(world: World, api: Api) -> None:
    with psycopg.connect(api.conninfo) as conn:
        conn.execute("DELETE FROM projects")
    connect(world, api)

    run = world.run()

    assert [s.status for s in api.seen] == [404]
    assert run.output_values()["notified"] == "false"
    assert api.rows() == []


def test_the_readme_shows_the_upsert_the_receiver_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```sql\n{UPSERT}```" in readme


def test_bodies_that_are_too_large_or_unsized_are_refused(api: Api) -> None:
    port = urlsplit(api.url).port
    assert port is not None
    answers = []
    for head in (
        f"Content-Length: {1024 * 1024 + 1}\r\n",  # too large: refused before reading it
        "Transfer-Encoding: chunked\r\n",  # no length: refused, never read to the end
        "Content-Length: -5\r\n",
    ):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(f"POST /v1/webhooks/stats HTTP/1.1\r\nHost: x\r\n{head}\r\n".encode())
            answers.append(sock.recv(200).split(b"\r\n", 1)[0])
    assert answers == [
        b"HTTP/1.0 413 Request Entity Too Large",
        b"HTTP/1.0 411 Length Required",
        b"HTTP/1.0 411 Length Required",
    ]
    assert api.rows() == []
