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

import pytest
from click.testing import CliRunner

from draftforge_stats import __version__
from draftforge_stats.cli import main
from tests.faultkit import interruptible


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
    # One error line naming the option (click words it differently across releases).
    last = result.output.splitlines()[-1]
    assert last.startswith("Error: No such option") and "--no-such-option" in last


# The number of read(2) on the machines CI runs on; elsewhere the kernel's wait channel
# for a sleeping terminal read is used instead.
_READ_SYSCALL = {"x86_64": "0", "aarch64": "63"}.get(os.uname().machine)


def _blocked_reading_stdin(pid: int) -> bool:
    """True when ``pid`` sleeps in read(2) on its standard input (from /proc, Linux)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        if stat.read().rpartition(") ")[2][:1] != "S":  # the state after `pid (name) `
            return False
    if _READ_SYSCALL is not None:
        with open(f"/proc/{pid}/syscall", encoding="ascii") as syscall:
            return syscall.read().split()[:2] == [_READ_SYSCALL, "0x0"]
    with open(f"/proc/{pid}/wchan", encoding="ascii") as wchan:  # pragma: no cover
        return wchan.read() in ("wait_woken", "n_tty_read")


def _read_available(fd: int) -> bytes:
    ready, _, _ = select.select([fd], [], [], 0.01)
    if not ready:
        return b""
    try:
        return os.read(fd, 1024)
    except OSError:  # the other end is closed: the process is gone
        return b""


@pytest.mark.skipif(not Path("/proc/self/syscall").exists(), reason="needs Linux's /proc")
def test_ctrl_c_at_a_prompt_is_exit_code_130(tmp_path: Path) -> None:
    """`draftforge init` asks on a terminal; Ctrl-C there ends with 130, no traceback.

    Ctrl-C is sent only once the whole first question is on the terminal and the process
    sleeps reading its answer: earlier, it would test start-up, not the prompt.
    """
    prompt = b"Project name [book]: "
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "draftforge_stats", "init", str(tmp_path / "book")],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        start_new_session=True,
        preexec_fn=interruptible,
    )
    os.close(follower)
    output = b""
    deadline = time.monotonic() + 60  # a bound for a broken build, never a wait
    try:
        while not (output.endswith(prompt) and _blocked_reading_stdin(process.pid)):
            assert process.poll() is None and time.monotonic() < deadline, output
            output += _read_available(leader)
        process.send_signal(signal.SIGINT)  # what the terminal sends on Ctrl-C
        code = process.wait(timeout=60)
        while chunk := _read_available(leader):
            output += chunk
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)
    assert code == 130, output
    assert output == prompt + b"Interrupted.\r\n"  # the whole output: no traceback
    assert not (tmp_path / "book" / ".draftforge").exists()
