"""Benchmark: start-up and the push update, against `python -c pass` and the baseline.

Measures, in the same run, the median of `--runs` runs of

* `python -c pass` (the interpreter's own start-up);
* `draftforge --version`, for this checkout and for the baseline (commit c16a552,
  installed side by side: see `baseline.py`);
* the push update: `draftforge stats -q` after one new commit on top of a stored stats file
  and a warm count cache in the git folder (the state a writer's clone or a cached CI run
  is in), on the synthetic history of `bench_history.py` (seeded; `--commits`, `--chapters`,
  `--words`), or with `--book PATH` on a copy of a real book's clone, with the config that
  names its chapters folder (`--book-chapters`, default `src`) as `draftforge init` would
  write one; for both versions, each on its own copy of the repository;

and prints the ratios (goals: `--version` at most 3 x `python -c pass`, the push update at
most 4 x `--version`) and whether both versions wrote byte-identical stats files.

    python benchmarks/bench_startup.py [--runs 15] [--commits 2000] [--chapters 40]
    python benchmarks/bench_startup.py --book /path/to/rust-lang/book [--runs 9]

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

#: When the new commit of the synthetic history is made (the runs' time is SOURCE_DATE_EPOCH,
#: 2025-02-10T00:00:00Z, from baseline.py: the same day).
_SYNTHETIC_COMMIT = "2025-02-10T10:00:00+01:00"


def _add_commit(repo: Path, side: Side, chapters: str, when: str, run_env: dict[str, str]) -> None:
    """The same new commit in every copy (same parent, bytes and dates: the same id)."""
    chapter = sorted((repo / chapters).glob("*.md"))[-1]
    with chapter.open("a", encoding="utf-8") as handle:
        handle.write("\nOne more paragraph, written after the backfill, to be counted.\n")
    env = side.env(
        {
            **run_env,
            "GIT_AUTHOR_NAME": "Writer",
            "GIT_AUTHOR_EMAIL": "writer@example.com",
            "GIT_COMMITTER_NAME": "Writer",
            "GIT_COMMITTER_EMAIL": "writer@example.com",
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
        }
    )
    subprocess.run(["git", "add", "-A", chapters], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", "One more"], cwd=repo, check=True, env=env)


def _restorer(repo: Path) -> Callable[[], None]:
    """A function that puts back the project's `.draftforge` files (the stats file, the
    images) and the count cache as they are now, so that every timed run does the same."""
    folders = [repo / ".draftforge", repo / ".git" / "draftforge-stats"]
    saved = {folder: {p.name: p.read_bytes() for p in folder.iterdir()} for folder in folders}

    def restore() -> None:
        for folder, files in saved.items():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            for name, data in files.items():
                (folder / name).write_bytes(data)

    return restore


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="runs per measurement (median)")
    parser.add_argument("--book", type=Path, default=None, help="a real book's clone")
    parser.add_argument("--book-chapters", default="src", help="its chapters folder")
    add_repository_arguments(parser)
    baseline.add_arguments(parser)
    args = parser.parse_args(argv)
    sides = baseline.sides(args)

    work = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        source = work / "source"
        run_env: dict[str, str] = {}  # the runs' time: baseline.py's
        when = _SYNTHETIC_COMMIT
        if args.book is None:
            build_from_arguments(source, args)
            chapters = "chapters"
            described = f"{args.commits} commits (seeded)"
        else:
            shutil.copytree(args.book, source, symlinks=True)
            chapters = args.book_chapters
            config = source / ".draftforge" / "config.yml"
            config.parent.mkdir(exist_ok=True)
            config.write_text(f"structure:\n  chapters_directory: {chapters}\n", "utf-8")
            described = f"{args.book} (its chapters in {chapters}/, a config naming them)"
            # The new commit a day after the book's last one, the runs an hour after that.
            head = subprocess.run(
                ["git", "log", "-1", "--format=%ct", "HEAD"],
                cwd=source, check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            moment = int(head) + 86_400
            when = f"{moment} +0000"  # git's own date format
            run_env["SOURCE_DATE_EPOCH"] = str(moment + 3_600)
        here = sides[0]
        stats_command: dict[str, list[str]] = {}
        restorers: dict[str, Callable[[], None]] = {}
        files: dict[str, Path] = {}
        repos: dict[str, Path] = {}
        for side in sides:
            repo = work / side.name.replace(" ", "-") / "book"  # the same project name
            shutil.copytree(source, repo, symlinks=True)
            stats_command[side.name] = side.draftforge("stats", "-q", str(repo))
            baseline.run(stats_command[side.name], cwd=repo, env=side.env(run_env))  # backfill
            _add_commit(repo, side, chapters, when, run_env)
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
                        env=side.env(run_env),
                        prepare=restorers[side.name],
                    )
                )
        plain = median(plain_runs)
        version = {name: median(runs) for name, runs in version_runs.items()}
        push = {name: median(runs) for name, runs in push_runs.items()}

        print(f"median of {args.runs} runs each; repository: {described}")
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
