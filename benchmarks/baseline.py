"""The baseline every benchmark compares against: commit c16a552, installed side by side.

The benchmarks run the code of this checkout and the baseline's in the same run, each in
its own Python (this checkout through ``PYTHONPATH``, the baseline installed in its own
virtual environment), and print ratios. The baseline environment is made on first use
(``git archive`` of the commit, a venv, ``pip install``) under the temporary folder and
reused afterwards; ``--baseline-python`` names an existing one instead.

Helpers for the benchmark scripts only: they print, time and run processes.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

BASELINE_COMMIT = "c16a552"
CHECKOUT = Path(__file__).resolve().parent.parent
#: Left out of every measured run's environment. PYTHONDONTWRITEBYTECODE too: with it, an
#: editable install (this checkout) compiles its modules from source in every run, while
#: the baseline's installed modules were compiled once by pip; a user's install is the latter.
ENV_KEYS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
_BASELINE_ENTRY = "draftforge_stats.cli"  # its console script: draftforge_stats.cli:main
SOURCE_DATE_EPOCH = "1739145600"  # 2025-02-10T00:00:00Z: every run makes the same file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every benchmark takes to find (or skip) the baseline."""
    parser.add_argument(
        "--baseline-python",
        "--baseline",
        dest="baseline_python",
        default=None,
        help=f"a Python with draftforge-stats {BASELINE_COMMIT} installed "
        "(default: made on first use in the temporary folder)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="measure this checkout only")


@dataclass(frozen=True)
class Side:
    """One version of the package: a Python that imports it, and its environment."""

    name: str
    python: str
    pythonpath: str | None
    entry: str = "draftforge_stats.entry"
    """The module of the `draftforge` console script's `main` in this version."""

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
        env["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
        if self.pythonpath:
            env["PYTHONPATH"] = self.pythonpath
        env.update(extra or {})
        return env

    def draftforge(self, *args: str) -> list[str]:
        """The `draftforge` command as its console script runs it."""
        code = f"import sys; from {self.entry} import main; sys.exit(main())"
        return [self.python, "-c", code, *args]


def current() -> Side:
    """This checkout as this Python imports it (with `--no-baseline`: install it first,
    `pip install -e .` will do)."""
    return Side("this checkout", sys.executable, None)


def baseline(args: argparse.Namespace) -> Side | None:
    """The baseline side, made on first use; None with `--no-baseline`."""
    if args.no_baseline:
        return None
    if args.baseline_python:
        return Side(BASELINE_COMMIT, args.baseline_python, None, _BASELINE_ENTRY)
    folder = Path(tempfile.gettempdir()) / f"draftforge-baseline-{BASELINE_COMMIT}"
    python = folder / "venv" / "bin" / "python"
    if not python.exists():
        source = folder / "src"
        source.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(CHECKOUT), "archive", "--format=tar", BASELINE_COMMIT],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
        subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", str(source)], check=True)
    return Side(BASELINE_COMMIT, str(python), None, _BASELINE_ENTRY)


def sides(args: argparse.Namespace) -> list[Side]:
    """This checkout first, then the baseline (unless skipped).

    Both run in the baseline's Python: this checkout is installed (`pip install --target`,
    without dependencies) into a folder put first on ``PYTHONPATH``, so the interpreter,
    its start-up and every dependency are the same, both packages are real installs (not
    editable ones), and only the package's own code differs.
    """
    base = baseline(args)
    if base is None:
        return [current()]
    target = Path(tempfile.mkdtemp(prefix="draftforge-bench-checkout-"))
    subprocess.run(
        [base.python, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
         str(CHECKOUT)],
        check=True,
    )  # fmt: skip
    return [Side("this checkout", base.python, str(target)), base]


@dataclass(frozen=True)
class Run:
    """One command's wall time, its CPU time and the peak resident memory of its process.

    The CPU time (user + system, of the process and of the git processes it waited for)
    hardly depends on what else the machine is doing; the wall time does.
    """

    seconds: float
    cpu_seconds: float
    max_rss_mb: float


def run(
    command: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    prepare: Callable[[], None] | None = None,
) -> Run:
    """Run a command; its wall time, CPU time and peak memory (`ru_maxrss` of that child)."""
    if prepare is not None:
        prepare()
    started = time.perf_counter()
    process = subprocess.Popen(list(command), cwd=cwd, env=dict(env), stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, list(command))
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)  # Linux: KB


def median(runs: Sequence[Run]) -> Run:
    return Run(
        statistics.median(r.seconds for r in runs),
        statistics.median(r.cpu_seconds for r in runs),
        max(r.max_rss_mb for r in runs),
    )


def best(runs: Sequence[Run]) -> Run:
    return Run(
        min(r.seconds for r in runs),
        min(r.cpu_seconds for r in runs),
        max(r.max_rss_mb for r in runs),
    )


def self_max_rss_mb() -> float:
    """Peak resident memory of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def same_bytes(first: Path, second: Path) -> str:
    """`identical` when two files have the same bytes (as `cmp` says), else `DIFFERENT`.

    Different files are a bug when both versions write the same format; a version that
    changed the format on purpose (the words-added history did, after c16a552) differs."""
    return "identical" if filecmp.cmp(first, second, shallow=False) else "DIFFERENT"
