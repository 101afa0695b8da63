"""The reference receiver's row against a real PostgreSQL, the neighbours of the issue's cases:
re-runs that find nothing new, late deliveries of the same commit, a row the API made itself.

The world and the receiver are tests/test_receiver.py's (tests/builders.py: 2025-03-09, 7
words; 2025-03-10, 4 more; the Action runs at 2025-03-10 12:00 UTC). Rows are worked out by
hand from those commits.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb

from draftforge_stats.webhook.delivery import send_stats
from draftforge_stats.webhook.payload import serialize_payload
from examples.receiver.app import UPSERT, upsert_parameters
from tests import test_receiver
from tests.builders import CONFIG, NOW, REPOSITORY, SECRET, World, clone, head_of
from tests.test_receiver import Api, at, connect, first_row, utc_rows
from tests.test_webhook_payload import payload

# The receiver on 127.0.0.1 and its fresh tables, as in tests/test_receiver.py.
database = test_receiver.database
api = test_receiver.api


def test_a_rerun_that_finds_nothing_new_sends_the_same_bytes_and_id(world: World, api: Api) -> None:
    connect(world, api)
    assert world.run().code == 0
    stored = utc_rows(api)

    again = world.run(now=NOW + timedelta(minutes=5))  # the same push, re-run; nothing new

    assert again.code == 0, again.stdout
    assert again.output_values()["changed"] == "false"
    assert [s.status for s in api.seen] == [200, 200]
    first, second = api.seen
    assert (second.body, second.webhook_id) == (first.body, first.webhook_id)
    assert utc_rows(api) == stored == [first_row(world)]


def test_a_rerun_on_a_fresh_checkout_of_the_pushed_commit_sends_the_same_bytes(
    world: World, api: Api
) -> None:
    connect(world, api)
    assert world.run().code == 0
    rerun = clone(world.origin, world.tmp / "rerun")  # "Re-run jobs": GITHUB_SHA again
    rerun.git("reset", "-q", "--hard", world.pushed)
    world.workspace = rerun

    run = world.run(now=NOW + timedelta(minutes=5))

    assert run.code == 0, run.stdout
    first, second = api.seen
    assert (second.body, second.webhook_id) == (first.body, first.webhook_id)
    assert utc_rows(api) == [first_row(world)]


def test_a_late_retry_of_the_same_commit_does_not_undo_a_scheduled_reset(
    world: World, api: Api
) -> None:
    connect(world, api)
    assert world.run().code == 0
    stats_sha = head_of(world.origin)
    five_days_later = NOW + timedelta(days=5)
    scheduled = world.env(world.event("schedule"), GITHUB_SHA=stats_sha)
    assert world.run(scheduled, now=five_days_later).code == 0
    reset = utc_rows(api)
    # The same commit, the streak ended (0 days), generated_at five days later.
    assert reset == [(11, 2, 57, world.pushed, at("2025-03-10T09:00:00+00:00"), 2, 0, 2,
                      first_row(world)[8], five_days_later)]  # fmt: skip

    # The first push's delivery arrives again (a retry that was held up): same commit, but an
    # older generated_at, so the pair (last_commit_at, generated_at) is smaller.
    late = send_stats(api.url, json.loads(api.seen[0].body), secret=SECRET, token=None)

    assert late.delivered
    assert api.seen[-1].body == api.seen[0].body
    assert utc_rows(api) == reset


def test_a_row_the_api_made_itself_is_replaced_by_the_first_delivery(
    world: World, api: Api
) -> None:
    with psycopg.connect(api.conninfo) as conn:  # the API made the row when the project was added
        conn.execute(
            "INSERT INTO project_stats (project_id, updated_at) "
            "SELECT id, '2030-01-01T00:00:00Z' FROM projects WHERE github_repo_id = %s",
            (REPOSITORY["id"],),
        )
    connect(world, api)

    assert world.run().code == 0

    # Replaced although its updated_at is later: its last_commit_at is NULL.
    assert utc_rows(api) == [first_row(world)]


def test_a_project_with_no_words_yet_stores_zeros_not_nulls(
    tmp_path: Path, bare_remote: Path, api: Api
) -> None:
    author = clone(bare_remote, tmp_path / "author")
    sha = author.commit(
        "Set up the novel",
        "2025-03-09T10:00:00+00:00",
        files={".draftforge/config.yml": CONFIG, "chapters/.gitkeep": ""},
    )
    author.git("push", "-q", "origin", "main")
    world = World(tmp_path, bare_remote, author, clone(bare_remote, tmp_path / "ws"), sha, sha)
    connect(world, api)
    event = world.event("push", before="0" * 40, after=sha, ref="refs/heads/main")

    run = world.run(world.env(event))

    assert run.code == 0, run.stdout
    assert [s.status for s in api.seen] == [200]
    # No chapter, no writing day: every column with a default holds 0 or [], none is NULL;
    # last_write_date (no default) is NULL. One commit, but it changed no chapter.
    with psycopg.connect(api.conninfo) as conn:
        row = conn.execute(
            "SELECT word_count, chapter_count, character_count, last_commit_sha, "
            "total_commits, current_streak_days, longest_streak_days, last_write_date, "
            "stats_history FROM project_stats"
        ).fetchall()
    assert row == [(0, 0, 0, sha, 0, 0, 0, None, [])]


def test_the_upsert_has_no_casts_and_one_json_adaptation() -> None:
    # Plain parameters that psycopg adapts to the columns' types; only the history is wrapped.
    assert "::" not in UPSERT and "CAST" not in UPSERT.upper()
    assert UPSERT.count("ON CONFLICT (project_id) DO UPDATE") == 1
    params = upsert_parameters(json.loads(serialize_payload(payload())))
    assert [name for name, value in params.items() if isinstance(value, Jsonb)] == ["stats_history"]
