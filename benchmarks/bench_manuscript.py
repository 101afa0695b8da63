"""Benchmark: a manuscript of very many files, first run and later runs, against the baseline.

Builds a repository with `git fast-import` (seeded: `--files` chapter files of about
`--words` words each in `chapters/`, added over `--commits` commits on different days), then
measures, in the same run, for this checkout and for the baseline (commit c16a552,
installed side by side: see `baseline.py`), each on its own copy of the repository, the
runs alternating between the versions:

* the first run: `draftforge stats -q` with no stats file and no count cache;
* a later run: `draftforge stats -q` again, with nothing changed (stats file and cache in
  place);

and prints the times (best of `--repeat`), peak memory and the ratios, and whether both
versions wrote byte-identical stats files.

    python benchmarks/bench_manuscript.py [--files 10000] [--commits 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baseline
from baseline import Run, best

_VOCABULARY = (
    "the a of and to in she he said quietly never again morning light window river stone "
    "letter don't couldn't Sarah's state-of-the-art well-known journey shadow whisper garden "
    "memory silence north winter café naïve over under through house door road field sea"
)
_WORDS = _VOCABULARY.split()


def _text(rng: random.Random, number: int, words: int) -> bytes:
    paragraphs: list[str] = []
    written = 0
    while written < words:
        sentence = [rng.choice(_WORDS) for _ in range(rng.randint(6, 16))]
        written += len(sentence)
        paragraphs.append(" ".join(sentence).capitalize() + ".")
    return (f"# Part {number}\n\n" + "\n\n".join(paragraphs) + "\n").encode()


def build_repository(path: Path, *, files: int, commits: int, words: int, seed: int) -> None:
    """`files` chapter files added over `commits` commits, one a day."""
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    stream = bytearray()
    start = datetime(2024, 1, 1, 9, tzinfo=UTC)
    per_commit = max(1, -(-files // commits))
    number = 0
    for index in range(commits):
        stamp = f"{int((start + timedelta(days=index)).timestamp())} +0000"
        stream.extend(b"commit refs/heads/main\n")
        stream.extend(f"author Writer <writer@example.com> {stamp}\n".encode())
        stream.extend(f"committer Writer <writer@example.com> {stamp}\n".encode())
        stream.extend(b"data 5\nWrite\n")
        for _ in range(per_commit):
            if number >= files:
                break
            number += 1
            data = _text(rng, number, words)
            folder = f"chapters/part-{number // 1000:02d}"
            stream.extend(f"M 100644 inline {folder}/{number:05d}.md\n".encode())
            stream.extend(b"data %d\n" % len(data) + data + b"\n")
        stream.extend(b"\n")
    subprocess.run(["git", "fast-import", "--quiet"], input=bytes(stream), cwd=path, check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=path, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=20)
    parser.add_argument("--words", type=int, default=300, help="words per file (about)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best)")
    parser.add_argument("--seed", type=int, default=2024)
    baseline.add_arguments(parser)
    args = parser.parse_args(argv)
    sides = baseline.sides(args)

    work = Path(tempfile.mkdtemp(prefix="bench-manuscript-"))
    try:
        source = work / "source"
        build_repository(
            source, files=args.files, commits=args.commits, words=args.words, seed=args.seed
        )
        repos: dict[str, Path] = {}
        for side in sides:
            repos[side.name] = work / side.name.replace(" ", "-") / "book"
            shutil.copytree(source, repos[side.name], symlinks=True)

        def cold(repo: Path) -> Callable[[], None]:
            def prepare() -> None:
                (repo / ".draftforge" / "stats.json").unlink(missing_ok=True)
                shutil.rmtree(repo / ".git" / "draftforge-stats", ignore_errors=True)

            return prepare

        first: dict[str, list[Run]] = {side.name: [] for side in sides}
        later: dict[str, list[Run]] = {side.name: [] for side in sides}
        for _ in range(args.repeat):  # alternating, so a busy moment slows both alike
            for side in sides:
                repo = repos[side.name]
                command = side.draftforge("stats", "-q", str(repo))
                first[side.name].append(
                    baseline.run(command, cwd=repo, env=side.env(), prepare=cold(repo))
                )
                later[side.name].append(baseline.run(command, cwd=repo, env=side.env()))

        print(
            f"manuscript: {args.files:,} files of about {args.words} words, added over "
            f"{args.commits} commits (seed {args.seed}); best of {args.repeat}"
        )
        for side in sides:
            f, later_run = best(first[side.name]), best(later[side.name])
            print(f"[{side.name}]")
            print(
                f"  first run (no stats file, no cache): {f.seconds:7.2f} s "
                f"(CPU {f.cpu_seconds:.2f} s), peak {f.max_rss_mb:.0f} MB"
            )
            print(
                f"  later run (nothing changed):         {later_run.seconds:7.2f} s "
                f"(CPU {later_run.cpu_seconds:.2f} s), peak {later_run.max_rss_mb:.0f} MB"
            )
        if len(sides) == 2:
            new, old = (s.name for s in sides)
            print(
                f"this checkout / {old}: first run "
                f"{best(first[new]).seconds / best(first[old]).seconds:.2f}, later run "
                f"{best(later[new]).seconds / best(later[old]).seconds:.2f} (goal <= 0.5); "
                f"CPU: first run "
                f"{best(first[new]).cpu_seconds / best(first[old]).cpu_seconds:.2f}, later run "
                f"{best(later[new]).cpu_seconds / best(later[old]).cpu_seconds:.2f}"
            )
            same = baseline.same_bytes(
                repos[new] / ".draftforge" / "stats.json", repos[old] / ".draftforge" / "stats.json"
            )
            print(f"stats files of both versions: {same}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
