"""Helpers for the fault tests: hand-written commit objects, the CLI and the Action run on one
repository, and running a command as an unprivileged user.

Everything is real: git writes the objects (`git hash-object --literally` accepts what
`git commit` would refuse), the CLI runs in-process through click, and the Action runs
through its entry point against a real bare `origin` and a clone as the workspace.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from draftforge_stats.cli import main as cli_main
from tests.builders import Run, World, clone
from tests.gitutil import GitRepo

#: An unprivileged user and group to drop to (`nobody`), for the faults root cannot see.
NOBODY = 65534


def raw_commit(repo: GitRepo, author: str, committer: str, message: str = "odd date") -> str:
    """Commit the staged tree with exactly these author and committer lines' date parts
    (`1700000000 +0100`, `-5 +0000`, `garbage`...), on top of HEAD; returns its id."""
    repo.git("add", "-A")
    tree = repo.git("write-tree")
    parent = subprocess.run(
        ["git", "rev-parse", "-q", "--verify", "HEAD"],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    lines = [f"tree {tree}"]
    if parent:
        lines.append(f"parent {parent}")
    lines += [
        f"author Test Author <author@example.com> {author}".rstrip(),
        f"committer Test Author <author@example.com> {committer}".rstrip(),
        "",
        message,
        "",
    ]
    sha = subprocess.run(
        ["git", "hash-object", "-t", "commit", "--literally", "-w", "--stdin"],
        cwd=repo.path,
        input="\n".join(lines),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    repo.git("update-ref", "HEAD", sha)
    return sha


def cli(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run `draftforge ARGS...` in-process; the result has the exit code and the output."""
    return CliRunner().invoke(cli_main, list(args), env=env, catch_exceptions=False)


def action_world(tmp: Path, origin: Path, author: GitRepo) -> World:
    """Push `author`'s branch to `origin` and clone it as the runner's workspace."""
    author.git("remote", "add", "origin", str(origin))
    author.git("push", "-q", "origin", "HEAD:main")
    workspace = clone(origin, tmp / "workspace")
    pushed = author.head()
    return World(tmp, origin, author, workspace, pushed, pushed)


def run_action(world: World) -> Run:
    """The Action on a manual run (`workflow_dispatch`: it always computes)."""
    return world.run(world.env(world.event("workflow_dispatch", ref="refs/heads/main")))


@dataclass(frozen=True)
class Unprivileged:
    """How this suite runs a command without the power to read or write any file: as the user
    `nobody` (`owner` is its id: copies are given to it), or, where `nobody` cannot start
    this Python (a virtual environment in a folder private to root, as `.ci/run` makes),
    as root without any capability (`owner` None: copies stay root's, and root without
    CAP_DAC_OVERRIDE obeys the permission bits like any user)."""

    prefix: tuple[str, ...]
    owner: int | None


@functools.cache
def unprivileged() -> Unprivileged | None:
    """The way to drop privileges here, or None when there is none (not root, no setpriv)."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        return None
    ways = (
        Unprivileged((setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"), NOBODY),
        Unprivileged((setpriv, "--bounding-set=-all", "--inh-caps=-all"), None),
    )
    for way in ways:
        probe = subprocess.run(
            [*way.prefix, sys.executable, "-c", "import draftforge_stats"],
            cwd="/",
            capture_output=True,
            check=False,
            timeout=60,
        )
        if probe.returncode == 0:
            return way
    return None


def can_drop_privileges() -> bool:
    """True when :func:`as_nobody` can run draftforge without privileges here."""
    return unprivileged() is not None


def as_nobody(
    *args: str, cwd: Path, extra: dict[str, str] | None = None, program: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run `python -m draftforge_stats ARGS...` (or `program ARGS...`) without privileges
    (see :class:`Unprivileged`), in `cwd` (made by :func:`nobody_folder`), with `extra`
    variables. Callers skip when :func:`can_drop_privileges` is false.
    """
    way = unprivileged()
    assert way is not None
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "NO_COLOR": "1",
        "COLUMNS": "100",
        **(extra or {}),
    }
    run = [program] if program else [sys.executable, "-m", "draftforge_stats"]
    return subprocess.run(
        [*way.prefix, *run, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def give_away(path: Path) -> None:
    """Make `path` belong to the user commands run as (nothing to do without privileges)."""
    way = unprivileged()
    if way is not None and way.owner is not None:
        os.lchown(path, way.owner, way.owner)


def nobody_folder(source: Path) -> Path:
    """A copy of `source` in a fresh folder the unprivileged commands can reach (pytest's
    own temporary folders are private to root), owned by their user. Removed by the
    caller's fixture."""
    parent = Path(tempfile.mkdtemp(prefix="draftforge-nobody-"))
    parent.chmod(0o755)
    target = parent / source.name
    shutil.copytree(source, target, symlinks=True)
    for folder, dirs, files in os.walk(target):
        for name in (folder, *(os.path.join(folder, n) for n in (*dirs, *files))):
            give_away(Path(name))
    return target


def interruptible() -> None:
    """For `preexec_fn`: the child starts with Ctrl-C (SIGINT) at its default, so Python
    turns it into KeyboardInterrupt, whatever this process inherited: a shell starts its
    background jobs with SIGINT ignored, and an ignored signal stays ignored across exec."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_waiting(driver: str, marker: Path, *args: str) -> tuple[subprocess.Popen[str], int]:
    """Run `python -c driver marker args...` and wait (at most a minute) until the process
    it makes wait writes its pid to `marker`: the command, and that pid."""
    command = [sys.executable, "-c", driver, str(marker), *args]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,
    )
    for _ in range(1200):  # a bound, not a timing
        if marker.exists() or process.poll() is not None:
            break
        time.sleep(0.05)
    assert marker.exists(), process.communicate()
    return process, int(marker.read_text())


def assert_interrupted(process: subprocess.Popen[str], worker: int, stats: Path) -> None:
    """Ctrl-C to `process` (a `draftforge stats` whose counting process `worker` waits):
    exit 130, the worker stopped and reaped, no stats file written."""
    os.kill(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert "Interrupted." in err
    assert not Path(f"/proc/{worker}").exists()  # stopped and reaped
    assert not stats.exists()


def assert_killed(process: subprocess.Popen[str], worker: int, stats: Path) -> str:
    """SIGKILL to `worker` (a counting process of `process`, a waiting `draftforge stats`):
    exit 1, the message naming the process and saying how to count in one, no stats file
    written. Returns the error output, for what the caller checks of the items named."""
    assert worker != process.pid
    os.kill(worker, signal.SIGKILL)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert f"A counting process (pid {worker}) was killed by SIGKILL while it counted" in err
    assert "--processes 1" in err
    assert not stats.exists()
    return err
