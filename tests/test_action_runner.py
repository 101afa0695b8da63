"""action/runner.py: the runner's inputs, context, log and output files, as GitHub hands them."""

from __future__ import annotations

import pytest
import yaml

from draftforge_stats.action import job
from draftforge_stats.action.runner import (
    Inputs,
    escape_data,
    format_outputs,
    parse_boolean,
)
from draftforge_stats.errors import InputError
from tests.builders import (
    REPO_ROOT,
    TOKEN,
    World,
    assert_secrets_hidden,
    git_in,
)

TODAY = "2025-03-10"


def test_inputs_from_the_runner_environment() -> None:
    assert Inputs.from_env({}) == Inputs()
    env = {
        "INPUT_PATH": "novel",
        "INPUT_COMMIT": "False",
        "INPUT_COMMIT-MESSAGE": "stats",
        "INPUT_API-URL": " https://api.example.com/hook ",
        "INPUT_FAIL-ON-NOTIFY-ERROR": "TRUE",
        "INPUT_TOKEN": "t0k",
    }
    assert Inputs.from_env(env) == Inputs(
        path="novel",
        token="t0k",
        commit=False,
        commit_message="stats",
        api_url="https://api.example.com/hook",
        fail_on_notify_error=True,
    )
    assert parse_boolean("x", "", default=True) is True
    with pytest.raises(InputError):
        parse_boolean("x", "1", default=False)


def test_action_yml_defaults_match_the_code() -> None:
    metadata = yaml.safe_load((REPO_ROOT / "action.yml").read_text("utf-8"))
    defaults = Inputs()
    for name, spec in metadata["inputs"].items():
        value = getattr(defaults, name.replace("-", "_"))
        if name == "token":
            assert spec["default"] == "${{ github.token }}"
        elif isinstance(value, bool):
            assert spec["default"] == ("true" if value else "false"), name
        else:
            assert spec.get("default", "") == value, name
    assert set(metadata["inputs"]) == {name.replace("_", "-") for name in vars(defaults)}
    assert set(metadata["outputs"]) == set(
        job.action_outputs(None, today=TODAY, changed=False, commit_sha="", notified=False)
    )


# ---------------------------------------------------------------------------------------------
# Small pure pieces


def test_format_outputs_uses_a_heredoc_only_for_multiline_values() -> None:
    text = format_outputs({"a": "1", "b": "two\nlines"})
    lines = text.splitlines()
    assert lines[0] == "a=1"
    assert lines[1].startswith("b<<ghadelimiter_")
    delimiter = lines[1].split("<<", 1)[1]
    assert lines[2:] == ["two", "lines", delimiter]
    assert text.endswith("\n")


def test_workflow_command_data_is_escaped() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"


def test_inputs_with_spaces_and_upper_case_are_read_as_the_toolkit_reads_them(
    world: World,
) -> None:
    world.inputs = {
        "INPUT_PATH": " . ",
        "INPUT_COMMIT": " TRUE ",
        "INPUT_COMMIT-MESSAGE": "  stats: update  ",
        "INPUT_COMMIT-USER-NAME": " Stats Bot ",
        "INPUT_COMMIT-USER-EMAIL": " bot@example.com\n",
        "INPUT_TOKEN": f" {TOKEN}\n",
        "INPUT_FAIL-ON-NOTIFY-ERROR": "False",
    }

    run = world.run()

    assert run.code == 0, run.stdout
    assert git_in(world.origin, "log", "-1", "--format=%an <%ae>|%B", "main") == (
        "Stats Bot <bot@example.com>|stats: update\n\n"
    )
    assert run.lines()[0] == f"::add-mask::{TOKEN}"
    assert_secrets_hidden(run)
