"""The `draftforge` entry point: `--version` without loading click, the rest to the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from draftforge_stats import __version__
from draftforge_stats.cli import SUBCOMMANDS
from draftforge_stats.cli import main as cli

_RUN = """
import sys
from draftforge_stats.entry import main
try:
    main()
finally:  # also when click exits
    loaded = ("click", "rich", "typing", "draftforge_stats.cli")
    print(sorted(m for m in loaded if m in sys.modules), file=sys.stderr)
"""


def _draftforge(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _RUN, *args], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("option", ["--version", "-V"])
def test_version_is_answered_without_loading_click(option: str) -> None:
    done = _draftforge(option)
    assert (done.returncode, done.stdout) == (0, f"draftforge, version {__version__}\n")
    assert done.stderr == "[]\n"  # nothing loaded: not click, rich, typing, nor the CLI


@pytest.mark.parametrize("option", ["--version", "-V"])
def test_version_is_what_the_click_group_prints(option: str) -> None:
    assert _draftforge(option).stdout == CliRunner().invoke(cli, [option]).output


def test_everything_else_goes_to_the_click_group() -> None:
    done = _draftforge("--help")
    assert done.returncode == 0
    expected = CliRunner().invoke(cli, ["--help"], prog_name="-c").output
    assert done.stdout.splitlines()[0] == expected.splitlines()[0]
    commands = done.stdout.split("Commands:")[1]
    assert [line.split()[0] for line in commands.strip().splitlines()] == list(SUBCOMMANDS)
    assert "'click'" in done.stderr


def test_version_with_more_arguments_is_the_click_groups_business() -> None:
    done = _draftforge("--version", "stats")
    assert (done.returncode, done.stdout) == (0, f"draftforge, version {__version__}\n")
    assert "'click'" in done.stderr
