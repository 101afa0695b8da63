"""`draftforge notify`: the current stats, sent by hand to a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import socket
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from draftforge_stats.cli import main
from draftforge_stats.webhook.notify import repository_from_url
from draftforge_stats.webhook.signing import verify_webhook, webhook_id_for
from tests.gitutil import GitRepo

SECRET = "whsec_" + base64.b64encode(b"NOTIFYCMD-SECRET-key-32-bytes!!!").decode()
TOKEN = "dfk_NOTIFYCMDTOKEN42"
CHAPTER = "# Opening\n\nOne two three four five.\n"  # 6 words, 32 characters
EPOCH = {"SOURCE_DATE_EPOCH": "1741608000"}  # 2025-03-10T12:00:00Z


@pytest.fixture
def project(git_repo: GitRepo) -> GitRepo:
    git_repo.git("remote", "add", "origin", "git@github.com:author/novel.git")
    git_repo.commit("Opening", "2025-03-10T09:00:00+00:00", files={"chapters/01.md": CHAPTER})
    return git_repo


def invoke(project: GitRepo, *args: str, env: dict[str, str] | None = None) -> Result:
    # The repository's id and default branch, as the runner (or the user) gives them.
    defaults = ["--repository-id", "31415", "--default-branch", "main"]
    return CliRunner().invoke(main, ["notify", str(project.path), *defaults, *args], env=env)


def recorder(httpserver: HTTPServer, *statuses: int) -> list[tuple[bytes, dict[str, str]]]:
    received: list[tuple[bytes, dict[str, str]]] = []
    answers = iter(statuses)

    def handler(request: Request) -> Response:
        received.append((request.get_data(), dict(request.headers)))
        return Response("ok", status=next(answers))

    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    return received


def test_sends_the_committed_stats_signed(project: GitRepo, httpserver: HTTPServer) -> None:
    opening = project.head()
    written = CliRunner().invoke(main, ["stats", "-q", str(project.path)], env=EPOCH)
    assert written.exit_code == 0, written.output
    stats_commit = project.commit("Stats", files={})
    received = recorder(httpserver, 200)
    env = {
        "DRAFTFORGE_API_URL": httpserver.url_for("/hook"),
        "DRAFTFORGE_API_TOKEN": TOKEN,
        "DRAFTFORGE_WEBHOOK_SECRET": SECRET,
    }

    result = invoke(project, env=env)

    assert result.exit_code == 0, result.output
    assert len(received) == 1
    body, headers = received[0]
    payload: dict[str, Any] = verify_webhook(body, headers, SECRET)
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Webhook-Id"] == webhook_id_for(body)
    assert payload == {
        "type": "stats.updated",
        "timestamp": "2025-03-10T12:00:00Z",
        "data": {
            "repository": {"id": 31415, "full_name": "author/novel"},
            "ref": "refs/heads/main",
            "default_branch": "main",
            "is_default_branch": True,
            "order": {
                "last_commit_at": "2025-03-10T09:00:00Z",
                "generated_at": "2025-03-10T12:00:00Z",
            },
            "project_stats": {
                "word_count": 6,
                "chapter_count": 1,
                "character_count": 32,
                "last_commit_sha": opening,
                "last_commit_at": "2025-03-10T09:00:00Z",
                "total_commits": 1,
                "current_streak_days": 1,
                "longest_streak_days": 1,
                "last_write_date": "2025-03-10",
                "stats_history": [
                    {
                        "date": "2025-03-10",
                        "word_count": 6,
                        "chapter_count": 1,
                        "words_written_today": 6,
                        "commits": 1,
                    }
                ],
            },
        },
    }
    assert result.output.splitlines() == [
        f"note: sending the stats committed in {stats_commit[:7]}",
        f"Delivered the stats of author/novel (refs/heads/main, 6 words) in 1 attempt; "
        f"webhook-id {headers['Webhook-Id']}.",
    ]


def test_uncommitted_stats_are_computed_now(project: GitRepo, httpserver: HTTPServer) -> None:
    received = recorder(httpserver, 200)

    result = invoke(project, "--api-url", httpserver.url_for("/hook"), "--repository", "a/b")

    assert result.exit_code == 0, result.output
    data = json.loads(received[0][0])["data"]
    assert data["repository"] == {"id": 31415, "full_name": "a/b"}
    assert data["project_stats"]["last_commit_sha"] == project.head()
    assert "signature" not in {name.lower().split("-")[-1] for name in received[0][1]}
    assert result.output.splitlines()[0] == (
        "note: sending the stats computed now; they are not committed"
    )
    assert not (project.path / ".draftforge/stats.json").exists()


def test_dry_run_prints_the_payload(project: GitRepo) -> None:
    result = invoke(project, "--ref", "refs/heads/x", "--branches", "all", "--dry-run")

    assert result.exit_code == 0, result.output
    start = result.output.index("{")
    payload = json.loads(result.output[start:])
    assert payload["type"] == "stats.updated"
    assert payload["data"]["ref"] == "refs/heads/x"
    assert payload["data"]["is_default_branch"] is False
    assert payload["data"]["project_stats"]["chapter_count"] == 1


def test_an_api_error_fails_with_exit_1(project: GitRepo, httpserver: HTTPServer) -> None:
    recorder(httpserver, 500)

    result = invoke(
        project,
        "--api-url",
        httpserver.url_for("/hook"),
        "--max-attempts",
        "1",
        "--webhook-secret",
        SECRET,
    )

    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "error: not delivered: gave up after 1 attempt: the API answered 500 INTERNAL SERVER "
        "ERROR: ok"
    )
    assert SECRET not in result.output


def test_the_api_down_fails_with_exit_1(project: GitRepo) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    result = invoke(project, "--api-url", f"http://127.0.0.1:{port}/h", "--max-attempts", "1")

    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith(
        f"error: not delivered: gave up after 1 attempt: could not connect to "
        f"http://127.0.0.1:{port}/h"
    )


def test_a_plain_http_url_is_a_usage_error(project: GitRepo) -> None:
    result = invoke(project, "--api-url", "http://api.example.com/hook")

    assert result.exit_code == 2
    assert "api-url http://api.example.com/hook uses plain http://" in result.output


def test_a_missing_api_url_is_a_usage_error_naming_the_variable(project: GitRepo) -> None:
    result = invoke(project)

    assert result.exit_code == 2
    assert "no API address: set the DRAFTFORGE_API_URL variable or pass --api-url URL" in (
        " ".join(result.output.split())
    )


def test_without_origin_the_repository_must_be_given(project: GitRepo) -> None:
    project.git("remote", "remove", "origin")

    result = invoke(project, "--dry-run")

    assert result.exit_code == 2
    assert "pass --repository OWNER/NAME" in result.output


def test_a_detached_head_needs_a_ref(project: GitRepo) -> None:
    project.git("checkout", "-q", "--detach")

    result = invoke(project, "--dry-run")

    assert result.exit_code == 2
    assert "HEAD is not on a branch: pass --ref" in result.output


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/author/novel.git", "author/novel"),
        ("https://github.com/author/novel", "author/novel"),
        ("git@github.com:author/novel.git", "author/novel"),
        ("ssh://git@github.com/author/novel.git", "author/novel"),
        ("novel", None),
    ],
)
def test_repository_from_url(url: str, expected: str | None) -> None:
    assert repository_from_url(url) == expected
