"""The stats.updated payload: one to one onto the API's project_stats row, identity, schema.

Numbers are worked out by hand from STATS below; the git cases use real
repositories with commits at chosen author and committer dates.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from draftforge_stats import __version__
from draftforge_stats.errors import NotifyError
from draftforge_stats.gitrepo import Repository
from draftforge_stats.pipeline import run_stats
from draftforge_stats.statsfile import Stats
from draftforge_stats.webhook.payload import (
    EVENT_TYPE,
    Identity,
    build_payload,
    history_row,
    make_identity,
    payload_for,
    serialize_payload,
    user_agent,
)
from draftforge_stats.webhook.signing import webhook_id_for
from tests.gitutil import GitRepo

SHA = "0c1f9a7e5b2d4c6a8e0f1b3d5c7e9a1b3d5f7a9c"
OTHER_SHA = "1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e"

STATS: dict[str, Any] = {
    "version": "1.0.0",
    "project": {"name": "Mój Roman", "type": "novel", "target_word_count": 80000},
    "current": {
        "word_count": 45678,
        "chapter_count": 12,
        "character_count": 234567,
        "character_count_no_spaces": 190000,
        "last_updated": "2025-10-29T14:30:00Z",
        "last_commit_sha": SHA,
        "last_commit_at": "2025-10-29T14:00:00Z",
        "total_commits": 57,
    },
    "breakdown": {"chapters": [], "manuscript": []},
    "history": [
        {
            "date": "2025-10-29",
            "word_count": 45678,
            "chapter_count": 12,
            "commits": 3,
            "words_written": 1250,
            "commit_sha": SHA,
        },
        {
            "date": "2025-10-28",
            "word_count": 44428,
            "chapter_count": 12,
            "commits": 1,
            "words_written": -20,
            "commit_sha": OTHER_SHA,
        },
    ],
    "streaks": {
        "current_days": 4,
        "longest_days": 9,
        "last_write_date": "2025-10-29",
        "total_writing_days": 40,
    },
    "generated_by": "draftforge-stats-action",
    "generated_at": "2025-10-29T14:30:00Z",
}


IDENTITY = Identity(4242, "octo/novel", "refs/heads/main", "main")


def payload() -> dict[str, Any]:
    return build_payload(
        Stats.model_validate(STATS),
        IDENTITY,
        commit_at=datetime(2025, 10, 29, 14, 0, tzinfo=UTC),
    )


SCHEMA = json.loads(
    files("draftforge_stats.schema_files").joinpath("webhook.schema.json").read_text("utf-8")
)


def validate(document: dict[str, Any]) -> list[str]:
    validator = Draft202012Validator(SCHEMA, format_checker=FormatChecker())
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]


def test_the_payload_maps_onto_the_table() -> None:
    assert payload() == {
        "type": "stats.updated",
        "timestamp": "2025-10-29T14:30:00Z",
        "data": {
            "repository": {"id": 4242, "full_name": "octo/novel"},
            "ref": "refs/heads/main",
            "default_branch": "main",
            "is_default_branch": True,
            "order": {
                "last_commit_at": "2025-10-29T14:00:00Z",
                "generated_at": "2025-10-29T14:30:00Z",
            },
            "project_stats": {
                "word_count": 45678,
                "chapter_count": 12,
                "character_count": 234567,
                "last_commit_sha": SHA,
                "last_commit_at": "2025-10-29T14:00:00Z",
                "total_commits": 57,
                "current_streak_days": 4,
                "longest_streak_days": 9,
                "last_write_date": "2025-10-29",
                "stats_history": [
                    {"date": "2025-10-29", "word_count": 45678, "chapter_count": 12,
                     "words_written_today": 1250, "commits": 3},
                    {"date": "2025-10-28", "word_count": 44428, "chapter_count": 12,
                     "words_written_today": -20, "commits": 1},
                ],
            },
        },
    }  # fmt: skip
    assert EVENT_TYPE == "stats.updated"
    assert OTHER_SHA not in json.dumps(payload())  # the history's commit ids are the file's own


def test_the_payload_validates_against_its_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert validate(payload()) == []
    columns = SCHEMA["properties"]["data"]["properties"]["project_stats"]["required"]
    assert columns == list(payload()["data"]["project_stats"])


def test_the_schema_refuses_what_the_table_would_store_wrong() -> None:
    document = payload()
    stats = document["data"]["project_stats"]
    stats["total_commits"] = None
    stats["stats_history"][0]["words_written"] = 1250
    assert validate(document) == [
        "$.data.project_stats.total_commits: None is not of type 'integer'",
        "$.data.project_stats.stats_history[0]: Additional properties are not allowed "
        "('words_written' was unexpected)",
    ]


def test_integers_with_a_column_default_are_never_null() -> None:
    stats = copy.deepcopy(STATS)
    del stats["current"]["total_commits"]
    stats["streaks"] = {"last_write_date": None}
    stats["history"] = []
    built = build_payload(
        Stats.model_validate(stats), IDENTITY, commit_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    )
    row = built["data"]["project_stats"]
    assert row["total_commits"] == 0
    assert row["current_streak_days"] == 0
    assert row["longest_streak_days"] == 0
    assert row["last_write_date"] is None  # DATE has no default: null means "none yet"
    assert row["stats_history"] == []
    assert row["last_commit_at"] == "2025-01-02T03:04:05Z"
    assert validate(built) == []


def test_the_stats_file_keeps_its_own_history_shape() -> None:
    entry = STATS["history"][0]
    assert history_row(entry) == {
        "date": "2025-10-29",
        "word_count": 45678,
        "chapter_count": 12,
        "words_written_today": 1250,
        "commits": 3,
    }
    assert set(entry) == {
        "date", "word_count", "chapter_count", "commits", "words_written", "commit_sha"
    }  # fmt: skip


def test_stats_without_a_commit_cannot_be_sent() -> None:
    stats = copy.deepcopy(STATS)
    stats["current"]["last_commit_sha"] = None
    with pytest.raises(NotifyError, match=r"describe no commit \(\$.current.last_commit_sha"):
        build_payload(Stats.model_validate(stats), IDENTITY, commit_at=datetime.now(UTC))


def test_the_same_data_gives_the_same_bytes_and_id() -> None:
    first, second = serialize_payload(payload()), serialize_payload(payload())
    assert first == second
    assert webhook_id_for(first) == webhook_id_for(second)
    stats = copy.deepcopy(STATS)
    stats["streaks"]["current_days"] = 0
    stats["generated_at"] = "2025-11-02T06:00:00Z"
    changed = build_payload(
        Stats.model_validate(stats), IDENTITY, commit_at=datetime(2025, 10, 29, 14, tzinfo=UTC)
    )
    assert webhook_id_for(serialize_payload(changed)) != webhook_id_for(first)


# --- identity --------------------------------------------------------------------------------


def test_identity_from_the_runner() -> None:
    event = {"repository": {"id": 99, "full_name": "old/name", "default_branch": "trunk"}}
    identity = make_identity(
        repository="octo/novel", repository_id="123456789", ref="refs/heads/trunk", event=event
    )
    assert identity == Identity(123456789, "octo/novel", "refs/heads/trunk", "trunk")
    assert identity.is_default_branch


def test_identity_falls_back_to_the_event_payload() -> None:
    event = {"repository": {"id": 77, "full_name": "octo/novel", "default_branch": "main"}}
    identity = make_identity(repository=None, repository_id="", ref="refs/heads/draft", event=event)
    assert identity == Identity(77, "octo/novel", "refs/heads/draft", "main")
    assert not identity.is_default_branch


def test_a_scheduled_run_is_on_the_default_branch() -> None:
    identity = make_identity(
        repository="octo/novel",
        repository_id="5",
        ref="refs/heads/main",
        event={"schedule": "0 6 * * *"},
        event_name="schedule",
    )
    assert identity.default_branch == "main"
    assert identity.is_default_branch


def test_without_a_default_branch_no_branch_is_the_default() -> None:
    identity = make_identity(repository="octo/novel", repository_id="5", ref="refs/heads/main")
    assert identity.default_branch is None
    assert not identity.is_default_branch


@pytest.mark.parametrize("bad", [None, "", "abc", "0", "-3", "1.5", True])
def test_the_repository_id_is_required(bad: Any) -> None:
    with pytest.raises(NotifyError) as info:
        make_identity(repository="octo/novel", repository_id=bad, ref="refs/heads/main")
    message = str(info.value)
    assert message.startswith("the repository's numeric id is unknown")
    assert "GITHUB_REPOSITORY_ID" in message
    assert "--repository-id" in message


def test_the_repository_name_is_required() -> None:
    with pytest.raises(NotifyError, match="pass --repository OWNER/NAME"):
        make_identity(repository=" ", repository_id="5", ref="refs/heads/main")


# --- from a real repository ------------------------------------------------------------------


def commit_at(repo: GitRepo, message: str, author: str, committer: str, **files: str) -> str:
    for name, text in files.items():
        repo.write(name, text)
    repo.git("add", "-A")
    env = {"GIT_AUTHOR_DATE": author, "GIT_COMMITTER_DATE": committer}
    repo.git("commit", "-q", "--allow-empty", "-m", message, env=env)
    return repo.head()


def test_last_commit_sha_and_at_describe_the_same_commit(git_repo: GitRepo) -> None:
    commit_at(
        git_repo,
        "Opening",
        "2025-03-09T22:30:00-08:00",  # the author's evening of the 9th, in California
        "2025-03-10T07:00:00+01:00",  # rebased the next morning in Paris
        **{"chapters/01.md": "# One\n\nOne two three.\n"},
    )
    readme = commit_at(
        git_repo, "Readme", "2025-03-11T09:00:00+00:00", "2025-03-11T09:15:00+00:00",
        **{"README.md": "hello\n"},
    )  # fmt: skip
    run = run_stats(git_repo.path, now=datetime(2025, 3, 11, 12, tzinfo=UTC), write=False)
    repo = Repository.find(git_repo.path)
    assert repo is not None
    identity = Identity(1, "octo/novel", "refs/heads/main", "main")

    built = payload_for(repo, run.stats, identity)

    row = built["data"]["project_stats"]
    # The README commit is what the numbers describe; its committer date is the one given.
    assert row["last_commit_sha"] == readme
    assert row["last_commit_at"] == "2025-03-11T09:15:00Z"
    assert built["data"]["order"]["last_commit_at"] == "2025-03-11T09:15:00Z"
    # The writing day is the author's own: the evening of the 9th, not the UTC day (the 10th).
    assert row["last_write_date"] == "2025-03-09"
    assert row["stats_history"] == [
        {"date": "2025-03-09", "word_count": 4, "chapter_count": 1, "words_written_today": 4,
         "commits": 1},
    ]  # fmt: skip
    assert row["total_commits"] == 1
    assert date.fromisoformat(row["last_write_date"]) < date(2025, 3, 10)
    assert validate(built) == []


def test_a_commit_the_clone_lacks_is_a_clear_error(git_repo: GitRepo, tmp_path: Path) -> None:
    git_repo.commit("Opening", files={"chapters/01.md": "One.\n"})
    repo = Repository.find(git_repo.path)
    assert repo is not None
    stats = copy.deepcopy(STATS)
    with pytest.raises(NotifyError, match=f"describe commit {SHA[:12]}, which this clone does not"):
        payload_for(repo, Stats.model_validate(stats), IDENTITY)


# --- the body --------------------------------------------------------------------------------


def test_serialize_payload_is_compact_ordered_utf8() -> None:
    body = serialize_payload({"z": 1, "a": ["é", None], "m": {"b": True}})
    assert body == '{"z":1,"a":["é",null],"m":{"b":true}}'.encode()
    assert serialize_payload(payload()).startswith(
        b'{"type":"stats.updated","timestamp":"2025-10-29T14:30:00Z","data":{"repository":'
        b'{"id":4242,"full_name":"octo/novel"},"ref":"refs/heads/main","default_branch":"main",'
    )


@pytest.mark.parametrize("bad", [float("nan"), {1, 2}])
def test_serialize_payload_refuses_what_is_not_json(bad: object) -> None:
    with pytest.raises(NotifyError, match="cannot be written as JSON"):
        serialize_payload({"x": bad})


def test_user_agent() -> None:
    assert user_agent() == f"draftforge-stats/{__version__}"
