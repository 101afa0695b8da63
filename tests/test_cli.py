"""The command line's shared behaviour: version, help, exit codes."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from draftforge_stats import __version__
from draftforge_stats.cli import main


def test_version_and_help() -> None:
    runner = CliRunner()
    version = runner.invoke(main, ["--version"])
    assert (version.exit_code, version.output) == (0, f"draftforge, version {__version__}\n")
    helped = runner.invoke(main, ["--help"])
    assert helped.exit_code == 0
    for command in ("stats", "validate", "init", "notify", "action"):
        assert f"  {command} " in helped.output


def test_usage_error_is_exit_code_2() -> None:
    result = CliRunner().invoke(main, ["stats", "--no-such-option"])
    assert result.exit_code == 2
    assert "No such option '--no-such-option'" in result.output


def test_ctrl_c_at_a_prompt_is_exit_code_130(tmp_path: Path) -> None:
    """`draftforge init` asks on a terminal; Ctrl-C there ends with 130, no traceback."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "draftforge_stats", "init", str(tmp_path / "book")],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        start_new_session=True,
    )
    os.close(follower)
    output = b""
    deadline = time.monotonic() + 30
    try:
        while b":" not in output and time.monotonic() < deadline:  # the first question
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                output += os.read(leader, 1024)
        assert b":" in output, output
        process.send_signal(signal.SIGINT)  # what the terminal sends on Ctrl-C
        code = process.wait(timeout=30)
        while True:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if not ready:
                break
            try:
                chunk = os.read(leader, 1024)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)
    assert code == 130, output
    assert b"Traceback" not in output
    assert not (tmp_path / "book" / ".draftforge").exists()
