"""The project's own promises: README commands, CI script, lint and types."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```(?:sh|bash|console)\n(.*?)```", text, re.DOTALL)


def test_ci_runs_exactly_the_readme_set_up_commands() -> None:
    """Both set-up commands, each a line of .ci/run, and the first before the second."""
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    commands = [block.strip() for block in readme_commands()[:2]]
    assert commands[0].endswith("draftforge stats examples/novel")
    assert commands[1].endswith("python -m pytest")
    assert ci_lines.index(commands[0]) < ci_lines.index(commands[1])


def test_ci_ends_with_a_pytest_run() -> None:
    """The last thing .ci/run prints is pytest's summary line."""
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert "python -m pytest" in ci_lines[-1]
    assert "set -euo pipefail" in ci_lines


def test_readme_first_command_runs_the_sample_manuscript() -> None:
    blocks = readme_commands()
    assert any("draftforge stats examples/novel" in block for block in blocks)


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "ruff", "check", "."],
        [sys.executable, "-m", "ruff", "format", "--check", "."],
        [sys.executable, "-m", "mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_code_quality(command: list[str]) -> None:
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_sample_manuscripts_generated_files_are_ignored_by_git() -> None:
    """The README's first command leaves a clean `git status`: every file a run writes into
    `examples/novel/.draftforge/` (the stats file, its backups and the images) is ignored."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout (an unpacked sdist)")
    from draftforge_stats.names import IMAGE_FILES, STATS_FILE

    sample = Path("examples/novel")
    written = [STATS_FILE, *IMAGE_FILES]
    paths = [(sample / rel).as_posix() for rel in written]
    paths += [(sample / STATS_FILE).as_posix() + suffix for suffix in (".bak", ".bak.1")]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.splitlines() == paths
