"""The Action pushes whether or not actions/checkout kept its token in `.git/config`.

The workflows we give authors use `actions/checkout@v5` with `persist-credentials: false`,
since the Action passes its own token to git; a workflow written before may still persist
checkout's token as an `http.<server>/.extraheader` in the clone's config. Both push, over
real smart HTTP (`git http-backend` behind a server on 127.0.0.1), with the Action's token
alone, and leave `.git/config` as checkout left it.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.builders import TOKEN, World, basic, head_of
from tests.test_action_push import CHECKOUT_TOKEN, GitServer, http_world

__all__ = ["http_world"]  # the fixture, used below


@pytest.mark.parametrize(
    "persisted", [True, False], ids=["checkout-kept-its-token", "persist-credentials-false"]
)
def test_the_action_pushes_with_its_own_token(
    http_world: tuple[World, GitServer], persisted: bool
) -> None:
    # checkout fetches with its token in every case; it leaves it in .git/config, as this
    # header, only with persist-credentials: true (its default).
    world, server = http_world
    target = world.workspace.path
    if not persisted:
        world.workspace.git("config", "--unset", f"http.{server.url}/.extraheader")
    config = (target / ".git" / "config").read_text("utf-8")
    assert (f"AUTHORIZATION: {basic(CHECKOUT_TOKEN)}" in config) is persisted

    run = world.run(world.env(GITHUB_SERVER_URL=server.url))

    assert run.code == 0, run.stdout
    pushed = run.output_values()["commit-sha"]
    assert head_of(world.origin) == pushed
    parent = subprocess.run(
        ["git", "-C", str(world.origin), "rev-parse", f"{pushed}^"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert parent == world.pushed
    stats = json.loads(
        subprocess.run(
            ["git", "-C", str(world.origin), "show", f"{pushed}:.draftforge/stats.json"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert stats["current"]["word_count"] == 11  # 7 + 4 words, as the world's chapters have
    # The advertisement and the pack, each with the Action's token and no other.
    assert server.pushes() == [[basic(TOKEN)], [basic(TOKEN)]]
    assert (target / ".git" / "config").read_text("utf-8") == config
