"""action/push.py: what a push changed, the token reaching git only as it should, committing and
pushing, against real remotes on disk and over real HTTP on 127.0.0.1."""

from __future__ import annotations

import base64
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from draftforge_stats.action.push import (
    auth_env,
    auth_header,
    commit_target,
    is_own_path,
    restore_ownership,
)
from draftforge_stats.action.runner import (
    Inputs,
    Runner,
)
from tests.builders import (
    FAILED_OUTPUTS,
    TOKEN,
    World,
    assert_secrets_hidden,
    basic,
    head_of,
)
from tests.gitutil import GitRepo


def test_is_own_path() -> None:
    assert is_own_path(".draftforge/stats.json", "")
    assert is_own_path(".draftforge/cache/blobs.json", "")
    assert not is_own_path(".draftforge/config.yml", "")  # changes what the stats say
    assert not is_own_path("chapters/01.md", "")
    assert is_own_path("novel/.draftforge/stats.json", "novel/")
    assert not is_own_path(".draftforge/stats.json", "novel/")


@pytest.mark.parametrize(
    ("commit", "event", "ref", "ref_type", "branch", "expected"),
    [
        (True, "push", "refs/heads/main", "branch", "main", ("main", None)),
        (True, "workflow_dispatch", "refs/heads/dev", "branch", "dev", ("dev", None)),
        (False, "push", "refs/heads/main", "branch", "main", (None, "`commit` is false")),
        (True, "pull_request", "refs/pull/1/merge", "", None, (None, "This is a pull request")),
        (True, "push", "refs/tags/v1", "tag", None, (None, "This run is for the tag v1")),
        (True, "push", "refs/heads/main", "branch", None, (None, "HEAD is detached")),
    ],
)
def test_commit_target(
    commit: bool,
    event: str,
    ref: str,
    ref_type: str,
    branch: str | None,
    expected: tuple[str | None, str | None],
) -> None:
    runner = Runner(
        Path("."), ref=ref, ref_name=ref.rsplit("/", 1)[-1], ref_type=ref_type, event_name=event
    )
    target, why = commit_target(Inputs(commit=commit), runner, branch)
    assert target == expected[0]
    if expected[1] is None:
        assert why is None
    else:
        assert why is not None and why.startswith(expected[1])


def test_restore_ownership_does_nothing_unless_root(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", "utf-8")
    assert restore_ownership(tmp_path, [target], euid=1000) == 0


def test_auth_env_resets_persisted_headers_and_keeps_existing_entries() -> None:
    header = "AUTHORIZATION: basic " + base64.b64encode(b"x-access-token:abc").decode()
    assert auth_header("abc") == header
    assert auth_env("abc", "https://github.com/", {"GIT_CONFIG_COUNT": "1"}) == {
        "GIT_CONFIG_COUNT": "3",
        "GIT_CONFIG_KEY_1": "http.https://github.com/.extraheader",
        "GIT_CONFIG_VALUE_1": "",
        "GIT_CONFIG_KEY_2": "http.https://github.com/.extraheader",
        "GIT_CONFIG_VALUE_2": header,
    }
    assert auth_env("", "https://github.com", {}) == {}


def test_git_sends_only_the_actions_token_and_stores_nothing(
    git_repo: GitRepo, httpserver: HTTPServer
) -> None:
    """A real git over HTTP: the header actions/checkout persisted is replaced, not doubled."""
    from draftforge_stats.errors import GitError
    from draftforge_stats.gitrepo import Repository

    seen: list[list[str]] = []

    def handler(request: Request) -> Response:
        seen.append(request.headers.getlist("Authorization"))
        return Response("no", status=404)

    httpserver.expect_request("/owner/repo.git/info/refs").respond_with_handler(handler)
    server = httpserver.url_for("/").rstrip("/")
    git_repo.git("config", f"http.{server}/.extraheader", "AUTHORIZATION: basic OLD")
    before = (git_repo.path / ".git/config").read_text("utf-8")
    repo = Repository.find(git_repo.path)
    assert repo is not None

    with pytest.raises(GitError):
        repo.git("ls-remote", f"{server}/owner/repo.git", env=auth_env(TOKEN, server, os.environ))

    assert seen == [[auth_header(TOKEN).removeprefix("AUTHORIZATION: ")]]
    assert (git_repo.path / ".git/config").read_text("utf-8") == before


# ---------------------------------------------------------------------------------------------
# Git over real HTTP: the token, the header actions/checkout left, and a refused push

CHECKOUT_TOKEN = "ghs_CHECKOUTTOKEN1234567"  # the token actions/checkout persisted
URL_SECRET = "URLSECRETMARKER42"  # a credential someone put into the remote's URL


@dataclass
class GitServer:
    """`git http-backend` behind a real HTTP server on localhost (GitHub's smart HTTP).

    Reading takes either token, pushing only the action's; a request with no or with two
    `Authorization` headers is refused. Every request is recorded: (service, headers).
    """

    url: str
    seen: list[tuple[str, list[str]]] = field(default_factory=list)

    def pushes(self) -> list[list[str]]:
        return [auth for service, auth in self.seen if service == "git-receive-pack"]


def git_server(httpserver: HTTPServer, root: Path) -> GitServer:
    server = GitServer(httpserver.url_for("/").rstrip("/"))

    def handler(request: Request) -> Response:
        service = request.args.get("service") or request.path.rsplit("/", 1)[-1]
        auth = request.headers.getlist("Authorization")
        server.seen.append((service, auth))
        allowed = {basic(TOKEN)} | ({basic(CHECKOUT_TOKEN)} if "upload" in service else set())
        if len(auth) != 1 or auth[0] not in allowed:
            return Response("denied", status=403)
        body = request.get_data()
        env = {
            **os.environ,
            "GIT_PROJECT_ROOT": str(root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "REMOTE_USER": "x-access-token",
            "REMOTE_ADDR": "127.0.0.1",
            "REQUEST_METHOD": request.method,
            "PATH_INFO": request.path,
            "QUERY_STRING": request.query_string.decode(),
            "CONTENT_TYPE": request.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_CONTENT_ENCODING": request.headers.get("Content-Encoding", ""),
            "HTTP_GIT_PROTOCOL": request.headers.get("Git-Protocol", ""),
        }
        out = subprocess.run(
            ["git", "http-backend"], input=body, env=env, capture_output=True, check=True
        ).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n"))
        status = int(headers.pop("Status", "200").split()[0])
        return Response(payload, status=status, headers=headers)

    httpserver.expect_request(re.compile("^/")).respond_with_handler(handler)
    return server


@pytest.fixture
def http_world(world: World, httpserver: HTTPServer) -> tuple[World, GitServer]:
    """The world, with the workspace cloned over HTTP as actions/checkout clones: its token
    persisted as an `http.<server>/.extraheader` in `.git/config`."""
    server = git_server(httpserver, world.origin.parent)
    header = f"http.{server.url}/.extraheader=AUTHORIZATION: {basic(CHECKOUT_TOKEN)}"
    target = world.tmp / "checkout"
    subprocess.run(
        ["git", "-c", header, "clone", "-q", f"{server.url}/{world.origin.name}", str(target)],
        check=True,
    )
    world.workspace = GitRepo(target)
    world.workspace.git("config", *header.split("=", 1))
    return world, server


def test_over_http_the_push_carries_only_the_actions_token(
    http_world: tuple[World, GitServer],
) -> None:
    world, server = http_world
    config = (world.workspace.path / ".git/config").read_text("utf-8")

    run = world.run(world.env(GITHUB_SERVER_URL=server.url))

    assert run.code == 0, run.stdout
    assert head_of(world.origin) == run.output_values()["commit-sha"]
    assert server.pushes() == [[basic(TOKEN)], [basic(TOKEN)]]  # advertisement, then the pack
    assert all(len(auth) == 1 for _, auth in server.seen)
    # .git/config is as actions/checkout left it (its post step removes its own header).
    assert (world.workspace.path / ".git/config").read_text("utf-8") == config
    assert_secrets_hidden(run, config)


def test_over_http_a_protected_branch_fails_at_once_without_leaking(
    http_world: tuple[World, GitServer],
) -> None:
    world, server = http_world
    hook = world.origin / "hooks/pre-receive"
    hook.write_text(
        "#!/bin/sh\necho 'error: GH006: Protected branch update failed for refs/heads/main.' >&2"
        "\nexit 1\n",
        "utf-8",
    )
    hook.chmod(0o755)
    # A credential in the remote's URL (not the action's token) must not leak either.
    remote = server.url.replace("http://", f"http://x-access-token:{URL_SECRET}@")
    world.workspace.git("remote", "set-url", "origin", f"{remote}/{world.origin.name}")
    config = (world.workspace.path / ".git/config").read_text("utf-8")

    run = world.run(world.env(GITHUB_SERVER_URL=server.url))

    assert run.code == 1
    assert run.sleeps == []  # refused, not moved: no second attempt
    assert len(server.pushes()) == 2
    assert head_of(world.origin) == world.pushed
    # One annotation: git's own lines (its URL without the credential), then what to do.
    lines = run.lines()[-1].split("%0A")
    assert lines[:3] == [
        "::error::Could not push the stats commit to main: `git push` failed: remote: error: "
        "GH006: Protected branch update failed for refs/heads/main.",
        f"To {server.url}/origin.git",
        " ! [remote rejected] HEAD -> main (pre-receive hook declined)",
    ]
    assert lines[3].startswith(f"error: failed to push some refs to '{server.url}/origin.git")
    assert lines[4:] == [
        "The branch is protected: let the workflow's token bypass the rule, or give the action "
        "a token of a user or app that may push (see the README's troubleshooting)."
    ]
    assert run.output_values() == FAILED_OUTPUTS
    assert run.summary.splitlines()[-1] == "Nothing was pushed."
    assert URL_SECRET not in run.stdout
    assert (world.workspace.path / ".git/config").read_text("utf-8") == config
    assert_secrets_hidden(run, config)


def test_over_http_a_refused_fetch_warns_without_leaking(
    http_world: tuple[World, GitServer],
) -> None:
    world, server = http_world
    shallow = world.tmp / "shallow"
    header = f"http.{server.url}/.extraheader=AUTHORIZATION: {basic(CHECKOUT_TOKEN)}"
    remote = server.url.replace("http://", f"http://x-access-token:{URL_SECRET}@")
    subprocess.run(
        ["git", "-c", header, "clone", "-q", "--depth", "1", f"{server.url}/origin.git", shallow],
        check=True,
    )
    world.workspace = GitRepo(shallow)
    world.workspace.git("remote", "set-url", "origin", f"{remote}/origin.git")
    wrong = "ghs_WRONGTOKEN0000000000"  # a token the server does not take
    event = world.event("pull_request", number=3)
    env = world.env(event, GITHUB_SERVER_URL=server.url, GITHUB_REF="refs/pull/3/merge")
    env["INPUT_TOKEN"] = wrong

    run = world.run(env)

    assert run.code == 0, run.stdout
    assert server.seen[-1] == ("git-upload-pack", [basic(wrong)])
    warning = next(line for line in run.lines() if line.startswith("::warning::"))
    assert warning.startswith(
        "::warning::The clone is shallow and fetching the full history failed (`git fetch` "
        f"failed: remote: denied%0Afatal: unable to access '{server.url}/origin.git/': The "
        "requested URL returned error: 403)"
    )
    logged = [line for line in run.lines() if not line.startswith("::add-mask::")]
    for text in ("\n".join(logged), run.outputs, run.summary):
        for secret in (URL_SECRET, wrong, basic(wrong).removeprefix("basic ")):
            assert secret not in text
