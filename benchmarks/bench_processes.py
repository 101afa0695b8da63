"""Benchmark: where counting the history's versions on a second core starts paying.

Builds synthetic histories (`bench_history.py`'s builder) of a few sizes and times the full
backfill in this process (`run_stats`, nothing written, no count cache) with the history
counted in one process and in two, the two alternating, best of `--repeat`; prints the
versions counted and both times. `auto` starts the second process from
:data:`draftforge_stats.pool.AUTO_MIN_VERSIONS` versions.

    python benchmarks/bench_processes.py [--commits 25 50 100 200 400] [--repeat 5]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_history import build_repository

from draftforge_stats.history import remote
from draftforge_stats.pipeline import run_stats
from draftforge_stats.worktree import Processes

NOW = datetime(2025, 3, 1, tzinfo=UTC)


def timed(path: Path, processes: int) -> float:
    shutil.rmtree(path / ".git" / "draftforge-stats", ignore_errors=True)
    started = time.perf_counter()
    run_stats(path, now=NOW, write=False, processes=Processes(processes))
    return time.perf_counter() - started


def versions(path: Path) -> int:
    """The versions the backfill counts (what `auto` compares with its threshold)."""
    seen: list[int] = []
    split = remote.split

    def splitting(versions: Sequence[str], previous: Mapping[str, str]) -> list[str]:
        seen.append(len(versions))
        return split(versions, previous)

    remote.split = splitting
    try:
        timed(path, 2)
    finally:
        remote.split = split
    return seen[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, nargs="+", default=[25, 50, 100, 200, 400])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for commits in args.commits:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "book"
            path.mkdir()
            build_repository(
                path,
                commits=commits,
                days=max(1, commits // 5),
                chapters=max(2, commits // 50),
                words=max(2000, commits * 50),
                seed=2024,
            )
            count = versions(path)
            one: list[float] = []
            two: list[float] = []
            for _ in range(args.repeat):
                one.append(timed(path, 1))
                two.append(timed(path, 2))
            print(
                f"{commits} commits, {count} versions to count: one process "
                f"{min(one) * 1000:.0f} ms, two {min(two) * 1000:.0f} ms "
                f"({min(two) / min(one):.2f} x), best of {args.repeat}"
            )


if __name__ == "__main__":
    main()
