"""Benchmark: the full history backfill of a real book, against another installed version.

Takes a clone of any manuscript repository (for example a public book), sets its chapters
folder in an untracked `.draftforge/config.yml` when asked, and times `draftforge stats -q
--no-write` (nothing written; no count cache in the git folder, so every run is a full
backfill) with this version and with the `--baseline` interpreter's version, in turns, best
of `--repeat`. It prints both times (wall, and CPU with git's), their ratios, and what
this version's history holds. This version runs with `--processes auto` (on two cores or
more, the history's versions are counted on two); `--one-process` also times it with
`--processes 1` in the same turns. `--memory` runs this version once more and prints the
peak memory (`ru_maxrss`) of the command's process and of the worker that counts versions
beside it, each its own (a wrapper reads them where `/usr/bin/time` shows the largest only).

    python benchmarks/bench_book.py PATH --baseline PYTHON [--chapters src] [--repeat 2]
        [--one-process] [--memory]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

COMMAND = "import sys; from draftforge_stats.cli import main; sys.exit(main())"

# The command with each process's peak memory written to stderr as it ends: the worker's
# when it closes its reader or is stopped (SIGTERM), the command's own at exit.
MEMORY = """
import atexit, os, resource, signal, sys
from draftforge_stats.history import remote
def peak(who):
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    os.write(2, f"peak memory of {who} (pid {os.getpid()}): {kb / 1024:.0f} MB\\n".encode())
def stopped(*args):
    peak("the worker")
    os._exit(0)
call, close = remote._Work.__call__, remote._Work.close
def calling(self, index):
    if self.source is None:
        signal.signal(signal.SIGTERM, stopped)
    return call(self, index)
def closing(self):
    close(self)
    peak("the worker")
remote._Work.__call__, remote._Work.close = calling, closing
atexit.register(peak, "the command")
from draftforge_stats.cli import main
sys.exit(main())
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(
    python: str, path: Path, cpu: list[float] | None = None, options: tuple[str, ...] = ()
) -> float:
    """Wall time of one full backfill; its CPU time (with git's) appended to `cpu`."""
    shutil.rmtree(path / ".git" / "draftforge-stats", ignore_errors=True)
    cpu_before = _children_cpu()
    started = time.perf_counter()
    subprocess.run(
        [python, "-c", COMMAND, "stats", "-q", "--no-write", *options, str(path)],
        cwd=path.parent,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    if cpu is not None:
        cpu.append(_children_cpu() - cpu_before)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--baseline", required=True)
    parser.add_argument("--chapters", default=None, help="the chapters folder of the book")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--one-process", action="store_true", help="also time --processes 1")
    parser.add_argument("--memory", action="store_true", help="peak memory of each process")
    args = parser.parse_args()
    path: Path = args.path.resolve()
    if args.chapters:
        config = path / ".draftforge" / "config.yml"
        config.parent.mkdir(exist_ok=True)
        config.write_text(f"structure:\n  chapters_directory: {args.chapters}\n", "utf-8")
    ours: list[float] = []
    theirs: list[float] = []
    ours_cpu: list[float] = []
    theirs_cpu: list[float] = []
    alone: list[float] = []
    alone_cpu: list[float] = []
    for _ in range(args.repeat):
        theirs.append(timed(args.baseline, path, theirs_cpu))
        ours.append(timed(sys.executable, path, ours_cpu))
        if args.one_process:
            alone.append(timed(sys.executable, path, alone_cpu, ("--processes", "1")))
    print(
        f"baseline ({args.baseline}): best {min(theirs):.1f} s of {len(theirs)} "
        f"(CPU {min(theirs_cpu):.1f} s)"
    )
    print(
        f"this version ({sys.executable}): best {min(ours):.1f} s of {len(ours)} "
        f"(CPU {min(ours_cpu):.1f} s)"
    )
    print(
        f"this version takes {min(ours) / min(theirs):.2f} x the baseline's time "
        f"(CPU: {min(ours_cpu) / min(theirs_cpu):.2f} x)"
    )
    if alone:
        print(
            f"this version, --processes 1: best {min(alone):.1f} s (CPU {min(alone_cpu):.1f} s): "
            f"{min(alone) / min(theirs):.2f} x the baseline's; auto takes "
            f"{min(ours) / min(alone):.2f} x its time"
        )
    if args.memory:
        shutil.rmtree(path / ".git" / "draftforge-stats", ignore_errors=True)
        peaks = subprocess.run(
            [sys.executable, "-c", MEMORY, "stats", "-q", "--no-write", str(path)],
            cwd=path.parent,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        ).stderr
        print(peaks.strip())
    shutil.rmtree(path / ".git" / "draftforge-stats", ignore_errors=True)
    out = subprocess.run(
        [sys.executable, "-c", COMMAND, "stats", "--json", "--no-write", str(path)],
        cwd=path.parent,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    stats = json.loads(out)
    commits = subprocess.run(
        ["git", "rev-list", "--count", "HEAD"], cwd=path, capture_output=True, text=True
    ).stdout.strip()
    print(
        f"{path}: {commits} commits; this version's history: {len(stats['history'])} days, "
        f"{stats['current']['total_commits']} manuscript commits"
    )


if __name__ == "__main__":
    main()
