"""Which deliveries are made at all: the branch scope and the secret check, Action and CLI.

Real clones, a real bare remote and a real HTTP server on 127.0.0.1, as in the Action's tests.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from draftforge_stats.cli import main
from draftforge_stats.names import NOTIFY_BRANCHES
from tests.builders import REPO_ROOT, SECRET, World, clone, head_of, on_branch

SHORT_SECRET = "whsec_" + base64.b64encode(b"only-twenty-three-bytes").decode()  # 23 bytes


def recorder(httpserver: HTTPServer) -> list[bytes]:
    received: list[bytes] = []

    def handler(request: Request) -> Response:
        received.append(request.get_data())
        return Response("", status=204)

    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    return received


def test_another_branch_does_not_notify_by_default(world: World, httpserver: HTTPServer) -> None:
    received = recorder(httpserver)
    world.inputs = {"INPUT_API-URL": httpserver.url_for("/hook")}
    env = on_branch(world, "draft")

    run = world.run(env)

    assert run.code == 0, run.stdout
    assert received == []
    assert run.output_values()["notified"] == "false"
    assert (
        "The DraftForge API is notified for the default branch only (main); this run is for "
        "refs/heads/draft. Set `notify-branches: all` to change that."
    ) in run.lines()
    assert "- The DraftForge API is notified for the default branch only." in run.summary


def test_notify_branches_all_sends_and_marks_the_branch(
    world: World, httpserver: HTTPServer
) -> None:
    received = recorder(httpserver)
    world.inputs = {"INPUT_API-URL": httpserver.url_for("/hook"), "INPUT_NOTIFY-BRANCHES": "all"}
    env = on_branch(world, "draft")

    run = world.run(env)

    assert run.code == 0, run.stdout
    [body] = received
    data = json.loads(body)["data"]
    assert data["ref"] == "refs/heads/draft"
    assert (data["default_branch"], data["is_default_branch"]) == ("main", False)
    assert data["project_stats"]["word_count"] == 14
    assert run.output_values()["notified"] == "true"


def test_a_bad_notify_branches_input_is_a_usage_error(world: World) -> None:
    world.inputs = {"INPUT_NOTIFY-BRANCHES": "main"}

    run = world.run()

    assert run.code == 2
    assert run.lines()[-1] == "::error::input `notify-branches` must be default or all, not 'main'"


@pytest.mark.parametrize("secret", [SHORT_SECRET, "whsec_not*base64"])
def test_a_bad_secret_fails_the_action_before_any_work(world: World, secret: str) -> None:
    world.inputs = {"INPUT_API-URL": "https://api.example.com/hook", "INPUT_WEBHOOK-SECRET": secret}

    run = world.run()

    assert run.code == 2
    assert run.lines()[-1].startswith("::error::input `webhook-secret`: webhook-secret starts")
    assert head_of(world.origin) == world.pushed  # nothing computed, committed or pushed
    assert not (world.workspace.path / ".draftforge/stats.json").exists()
    assert run.outputs == ""
    assert secret not in run.stdout.replace(f"::add-mask::{secret}", "")


def test_action_yml_names_every_notify_branches_value() -> None:
    metadata = yaml.safe_load((REPO_ROOT / "action.yml").read_text("utf-8"))
    spec = metadata["inputs"]["notify-branches"]
    assert NOTIFY_BRANCHES == ("default", "all")
    assert [f"`{value}`" in spec["description"] for value in NOTIFY_BRANCHES] == [True, True]
    assert spec["default"] == "default"


def test_the_secret_used_by_the_other_tests_is_a_valid_one() -> None:
    assert len(base64.b64decode(SECRET.removeprefix("whsec_"))) == 32


# --- draftforge notify -------------------------------------------------------------------------


def notify(path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["notify", str(path), *args], env=env)
    return result.exit_code, " ".join(result.output.split())


def test_notify_help_names_the_api_url_variable() -> None:
    result = CliRunner().invoke(main, ["notify", "--help"])
    assert result.exit_code == 0
    assert "DRAFTFORGE_API_URL" in result.output
    assert "GITHUB_REPOSITORY_ID" in result.output


@pytest.mark.parametrize("secret", [SHORT_SECRET, "whsec_not*base64"])
def test_notify_refuses_a_bad_secret_before_any_work(world: World, secret: str) -> None:
    code, output = notify(
        world.author.path,
        "--repository-id",
        "1",
        env={
            "DRAFTFORGE_API_URL": "https://api.example.com/h",
            "DRAFTFORGE_WEBHOOK_SECRET": secret,
        },
    )
    assert code == 2
    assert "Invalid value for '--webhook-secret'" in output
    assert "Standard Webhooks requires 24 to 64 bytes" in output or "not base64" in output
    assert secret not in output
    assert not (world.author.path / ".draftforge/stats.json").exists()


def test_notify_refuses_another_branch_by_default(world: World, httpserver: HTTPServer) -> None:
    received = recorder(httpserver)
    world.workspace.git("checkout", "-q", "-b", "draft")  # a clone made after the first push
    url = httpserver.url_for("/hook")

    code, output = notify(world.workspace.path, "--repository-id", "1", "--api-url", url)

    assert code == 1
    assert output == (
        "error: refs/heads/draft is not the default branch (main): the API keeps the default "
        "branch's stats only. Pass --branches all to send anyway (the API ignores them)"
    )
    assert received == []


def test_notify_takes_the_default_branch_from_origin_head(world: World, tmp_path: Path) -> None:
    fresh = clone(world.origin, tmp_path / "fresh")  # git clone sets origin/HEAD
    code, output = notify(fresh.path, "--repository-id", "7", "--repository", "a/b", "--dry-run")
    assert code == 0, output
    data = json.loads(output[output.index("{") :])["data"]
    assert (data["default_branch"], data["is_default_branch"]) == ("main", True)


def test_notify_needs_the_repository_id(world: World) -> None:
    code, output = notify(world.author.path, "--repository", "a/b", "--dry-run")
    assert code == 2
    assert "the repository's numeric id is unknown" in output
    assert "GITHUB_REPOSITORY_ID" in output


def test_without_a_repository_id_the_action_warns_and_sends_nothing(
    world: World, httpserver: HTTPServer
) -> None:
    received = recorder(httpserver)
    world.inputs = {"INPUT_API-URL": httpserver.url_for("/hook")}
    env = world.env(world.event("schedule"))  # a scheduled run's event has no repository
    del env["GITHUB_REPOSITORY_ID"]

    run = world.run(env)

    assert run.code == 0, run.stdout
    assert received == []
    [warning] = [line for line in run.lines() if line.startswith("::warning::")]
    assert warning.startswith(
        "::warning::The DraftForge API was not notified: the repository's numeric id is unknown"
    )
    assert run.output_values()["notified"] == "false"
