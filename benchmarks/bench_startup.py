"""Benchmark: start-up and the push update, against `python -c pass` and the baseline.

Measures, in the same run, the median of `--runs` runs of

* `python -c pass` (the interpreter's own start-up);
* `draftforge --version`, for this checkout and for the baseline (commit c16a552,
  installed side by side: see `baseline.py`);
* the push update: `draftforge stats -q` after one new commit on top of a stored stats file
  and a warm count cache in the git folder (the state a writer's clone or a cached CI run
  is in), on the synthetic history of `bench_history.py` (seeded; `--commits`, `--chapters`,
  `--words`), for both versions, each on its own copy of the repository;

and prints the ratios (goals: `--version` at most 3 x `python -c pass`, the push update at
most 4 x `--version`) and whether both versions wrote byte-identical stats files.

    python benchmarks/bench_startup.py [--runs 15] [--commits 2000] [--chapters 40]

The runs alternate between the versions (and `python -c pass`), so that a busy moment on
the machine slows all of them alike.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baseline
from baseline import Run, Side, median
from bench_history import add_repository_arguments, build_from_arguments

_NEW_COMMIT_ENV = {
    "GIT_AUTHOR_NAME": "Writer",
    "GIT_AUTHOR_EMAIL": "writer@example.com",
    "GIT_COMMITTER_NAME": "Writer",
    "GIT_COMMITTER_EMAIL": "writer@example.com",
    "GIT_AUTHOR_DATE": "2025-02-10T10:00:00+01:00",
    "GIT_COMMITTER_DATE": "2025-02-10T10:00:00+01:00",
}


def _add_commit(repo: Path, side: Side) -> None:
    """The same new commit in every copy (same parent, bytes and dates: the same id)."""
    chapter = sorted((repo / "chapters").glob("*.md"))[-1]
    with chapter.open("a", encoding="utf-8") as handle:
        handle.write("\nOne more paragraph, written after the backfill, to be counted.\n")
    env = side.env(_NEW_COMMIT_ENV)
    subprocess.run(["git", "add", "-A", "chapters"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", "One more"], cwd=repo, check=True, env=env)


def _restorer(repo: Path) -> Callable[[], None]:
    """A function that puts back the stats file and the count cache as they are now."""
    stats_file = repo / ".draftforge" / "stats.json"
    cache_dir = repo / ".git" / "draftforge-stats"
    saved_stats = stats_file.read_bytes()
    saved_cache = {p.name: p.read_bytes() for p in cache_dir.iterdir()}

    def restore() -> None:
        stats_file.write_bytes(saved_stats)
        shutil.rmtree(cache_dir, ignore_errors=True)
        cache_dir.mkdir()
        for name, data in saved_cache.items():
            (cache_dir / name).write_bytes(data)

    return restore


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="runs per measurement (median)")
    add_repository_arguments(parser)
    baseline.add_arguments(parser)
    args = parser.parse_args(argv)
    sides = baseline.sides(args)

    work = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        source = work / "source"
        build_from_arguments(source, args)
        here = sides[0]
        stats_command: dict[str, list[str]] = {}
        restorers: dict[str, Callable[[], None]] = {}
        files: dict[str, Path] = {}
        repos: dict[str, Path] = {}
        for side in sides:
            repo = work / side.name.replace(" ", "-") / "book"  # the same project name
            shutil.copytree(source, repo, symlinks=True)
            stats_command[side.name] = side.draftforge("stats", "-q", str(repo))
            baseline.run(stats_command[side.name], cwd=repo, env=side.env())  # the backfill
            _add_commit(repo, side)
            restorers[side.name] = _restorer(repo)
            files[side.name] = repo / ".draftforge" / "stats.json"
            repos[side.name] = repo
        # The runs alternate between the versions, so a busy moment slows both alike.
        plain_runs: list[Run] = []
        version_runs: dict[str, list[Run]] = {side.name: [] for side in sides}
        push_runs: dict[str, list[Run]] = {side.name: [] for side in sides}
        for _ in range(args.runs):
            plain_runs.append(baseline.run([here.python, "-c", "pass"], cwd=work, env=here.env()))
            for side in sides:
                version_runs[side.name].append(
                    baseline.run(side.draftforge("--version"), cwd=work, env=side.env())
                )
                push_runs[side.name].append(
                    baseline.run(
                        stats_command[side.name],
                        cwd=repos[side.name],
                        env=side.env(),
                        prepare=restorers[side.name],
                    )
                )
        plain = median(plain_runs)
        version = {name: median(runs) for name, runs in version_runs.items()}
        push = {name: median(runs) for name, runs in push_runs.items()}

        print(f"median of {args.runs} runs each; repository: {args.commits} commits (seeded)")
        print(f"python -c pass:                 {plain.seconds * 1000:6.0f} ms "
              f"(CPU {plain.cpu_seconds * 1000:.0f} ms)")  # fmt: skip
        for side in sides:
            v, p = version[side.name], push[side.name]
            print(f"[{side.name}]")
            print(
                f"  draftforge --version:         {v.seconds * 1000:6.0f} ms = "
                f"{v.seconds / plain.seconds:.1f} x python -c pass (goal <= 3); CPU "
                f"{v.cpu_seconds * 1000:.0f} ms = {v.cpu_seconds / plain.cpu_seconds:.1f} x"
            )
            print(
                f"  push update (warm cache):     {p.seconds * 1000:6.0f} ms = "
                f"{p.seconds / v.seconds:.1f} x draftforge --version (goal <= 4); CPU "
                f"{p.cpu_seconds * 1000:.0f} ms = {p.cpu_seconds / v.cpu_seconds:.1f} x; "
                f"peak {p.max_rss_mb:.0f} MB"
            )
        if len(sides) == 2:
            new, old = (s.name for s in sides)
            print(
                f"this checkout / {old}: --version "
                f"{version[new].seconds / version[old].seconds:.2f} (CPU "
                f"{version[new].cpu_seconds / version[old].cpu_seconds:.2f}), push update "
                f"{push[new].seconds / push[old].seconds:.2f} (CPU "
                f"{push[new].cpu_seconds / push[old].cpu_seconds:.2f})"
            )
            print(f"stats files of both versions: {baseline.same_bytes(files[new], files[old])}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
