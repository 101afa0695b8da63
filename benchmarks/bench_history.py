"""Benchmark: the history backfill against the baseline and a naive walk; incremental runs.

Uses a manuscript repository with a long history, either

* synthetic (the default): built with `git fast-import`, seeded so every run builds the same
  repository (by default about 2,000 commits over 400 days, 40 chapters at the end, about
  100,000 words, with renames, deletions and commits outside the manuscript; a large book:
  `--commits 3200 --days 1500 --chapters 300 --words 330000`), or
* a real one, cloned by `--repo URL_OR_PATH` (for instance
  https://github.com/rust-lang/book, with `--chapters-dir src`); its `.draftforge/config.yml`
  is written (not committed) to name the chapters folder,

then measures, in the same run:

* the full backfill: `draftforge stats -q` with no stats file and no count cache, for this
  checkout and for the baseline (commit c16a552, installed side by side: see `baseline.py`),
  each on its own copy, the runs alternating (best of `--repeat`; peak memory is the
  child's `ru_maxrss`), and whether both wrote byte-identical stats files;
* the same run in-process for the number of distinct blobs it counted (blobs per second);
* a naive walk that counts every chapter at every first-parent commit (no cache, blobs read
  through one `git cat-file --batch`, so it is not slowed down by process starts): timed on
  `--naive-sample` commits spread over the history and scaled to all of them (`--naive-sample
  0` times every commit);
* an incremental run after one new commit (the stats file from the backfill in place), with
  the count cache in the git folder (a writer's own clone) and without it (a fresh CI clone);
* `draftforge --version` (start-up), `draftforge stats --help` (the stats command's modules
  loaded, no work done), and `draftforge stats -q` when nothing changed;
* `--baseline-python PYTHON` names the interpreter of another installed version to compare
  backfills with (default: c16a552, installed on first use).

    python benchmarks/bench_history.py [--commits 2000] [--days 400] [--chapters 40]
                                       [--words 100000] [--repeat 3] [--naive-sample 200]
                                       [--repo URL_OR_PATH --chapters-dir src]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import baseline
from baseline import Run

from draftforge_stats.counting import count_markdown, decode_source
from draftforge_stats.discover import FileSelector, Kind
from draftforge_stats.gitrepo import Repository
from draftforge_stats.pipeline import run_stats

_VOCABULARY = (
    "the a of and to in she he said quietly never again morning light window river stone "
    "letter don't couldn't Sarah's state-of-the-art well-known journey shadow whisper garden "
    "memory silence north winter café naïve over under through house door road field sea "
    "ship captain mother father brother sister city night day year 1,000 3.14 twelve"
)
_WORDS = _VOCABULARY.split()
ENV_KEYS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "SOURCE_DATE_EPOCH")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 16))]
    if rng.random() < 0.2:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*"
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".!?")


def _paragraph(rng: random.Random, words: int) -> str:
    sentences: list[str] = []
    while sum(len(s.split()) for s in sentences) < words:
        sentences.append(_sentence(rng))
    return "\n".join(sentences)


@dataclass
class _Chapter:
    number: int
    slug: str
    folder: str = "chapters"
    paragraphs: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.number:02d}-{self.slug}.md"

    def text(self) -> str:
        title = self.slug.replace("-", " ").title()
        return f"# {title}\n\n" + "\n\n".join(self.paragraphs) + "\n"


def build_repository(
    path: Path, *, commits: int, days: int, chapters: int, words: int, seed: int
) -> dict[str, int]:
    """A manuscript repository built with `git fast-import`; returns what was made."""
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    writing_days = sorted(rng.sample(range(days), k=max(1, days * 3 // 4)))
    times: list[datetime] = []
    for i in range(commits):
        day = writing_days[min(len(writing_days) - 1, i * len(writing_days) // commits)]
        minute = rng.randrange(8 * 60, 26 * 60)  # 08:00 to 02:00 the next night
        times.append(start + timedelta(days=day, minutes=minute))
    times.sort()
    # Paragraph size so that the appends make about `words` words by the end.
    appends = commits * 0.55 * 2
    para_words = max(20, int(words * 1.0 / appends))
    book: list[_Chapter] = [_Chapter(1, "the-beginning")]
    next_number = 2
    stream = bytearray()
    counts = {"renames": 0, "deletions": 0, "outside": 0, "chapters_added": 1}

    def data(payload: bytes) -> None:
        stream.extend(b"data %d\n" % len(payload))
        stream.extend(payload)
        stream.extend(b"\n")

    for index, when in enumerate(times):
        ops: list[bytes] = []
        roll = rng.random()
        message = "Write"
        if index == 0:
            book[0].paragraphs = [_paragraph(rng, para_words) for _ in range(3)]
            ops.append(f"M 100644 inline {book[0].path}\n".encode())
            ops.append(book[0].text().encode())
            message = "Start the book"
        elif roll < 0.04:
            counts["outside"] += 1
            note = f"Notes of {when.date()}: {_sentence(rng)}\n"
            ops.append(b"M 100644 inline README.md\n")
            ops.append(note.encode())
            message = "Notes"
        elif roll < 0.047 and len(book) > 3:
            victim = book.pop(rng.randrange(1, len(book)))
            ops.append(f"D {victim.path}\n".encode())
            counts["deletions"] += 1
            message = "Drop a chapter"
        elif roll < 0.075:
            chapter = rng.choice(book)
            old = chapter.path
            if rng.random() < 0.5:
                chapter.slug = rng.choice(_WORDS).strip("'.,*").lower() + f"-{next_number}"
            else:
                chapter.folder = "chapters/part-two" if chapter.folder == "chapters" else "chapters"
            if chapter.path != old:
                ops.append(f"R {old} {chapter.path}\n".encode())
                counts["renames"] += 1
            message = "Rename a chapter"
        elif (roll < 0.105 and len(book) < chapters) or len(book) < 2:
            chapter = _Chapter(next_number, f"chapter-{next_number}")
            next_number += 1
            chapter.paragraphs = [_paragraph(rng, para_words)]
            book.append(chapter)
            counts["chapters_added"] += 1
            ops.append(f"M 100644 inline {chapter.path}\n".encode())
            ops.append(chapter.text().encode())
            message = "New chapter"
        else:
            # Mostly the newest chapters grow; sometimes an older one is revised or cut.
            chapter = book[-1] if rng.random() < 0.6 else rng.choice(book)
            action = rng.random()
            if action < 0.72 or len(chapter.paragraphs) < 3:
                chapter.paragraphs.extend(
                    _paragraph(rng, para_words) for _ in range(rng.randint(1, 3))
                )
            elif action < 0.92:
                chapter.paragraphs[rng.randrange(len(chapter.paragraphs))] = _paragraph(
                    rng, para_words
                )
            else:
                del chapter.paragraphs[rng.randrange(len(chapter.paragraphs))]
            ops.append(f"M 100644 inline {chapter.path}\n".encode())
            ops.append(chapter.text().encode())
        stamp = f"{int(when.timestamp())} +0100"
        stream.extend(b"commit refs/heads/main\n")
        stream.extend(f"author Writer <writer@example.com> {stamp}\n".encode())
        stream.extend(f"committer Writer <writer@example.com> {stamp}\n".encode())
        data(message.encode())
        i = 0
        while i < len(ops):
            line = ops[i]
            stream.extend(line)
            if line.startswith(b"M "):
                data(ops[i + 1])
                i += 2
            else:
                i += 1
        stream.extend(b"\n")
    subprocess.run(["git", "fast-import", "--quiet"], input=bytes(stream), cwd=path, check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=path, check=True)
    counts["chapters"] = len(book)
    counts["words"] = sum(count_markdown(c.text()).words for c in book)
    counts["commits"] = len(times)
    return counts


def add_repository_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the synthetic repository (shared with `bench_startup.py`)."""
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--days", type=int, default=400)
    parser.add_argument("--chapters", type=int, default=40)
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2024)


def build_from_arguments(path: Path, args: argparse.Namespace) -> dict[str, int]:
    """The synthetic repository the options of :func:`add_repository_arguments` describe."""
    return build_repository(
        path,
        commits=args.commits,
        days=args.days,
        chapters=args.chapters,
        words=args.words,
        seed=args.seed,
    )


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    env["SOURCE_DATE_EPOCH"] = str(int(datetime(2025, 2, 10, tzinfo=UTC).timestamp()))
    return env


def _draftforge() -> list[str]:
    return [
        sys.executable,
        "-c",
        "import sys; from draftforge_stats.entry import main; sys.exit(main())",
    ]


def timed(command: list[str], cwd: Path, prepare: Callable[[], None] | None = None) -> float:
    if prepare is not None:
        prepare()
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=_env(), check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def best(repeat: int, run: Callable[[], float]) -> float:
    return min(run() for _ in range(repeat))


def naive_walk(path: Path, sample: int, chapters_dir: str) -> tuple[float, int, int]:
    """Count every chapter at `sample` first-parent commits (0: all); returns the time, the
    commits timed and the commits there are."""
    repo = Repository.find(path)
    assert repo is not None
    shas = repo.git("rev-list", "--first-parent", "HEAD").split()
    chosen = shas if sample <= 0 or sample >= len(shas) else shas[:: len(shas) // sample][:sample]
    selector = FileSelector(chapters_dir, "manuscript")
    started = time.perf_counter()
    with repo.blobs() as reader:
        for sha in chosen:
            blobs = [
                e.blob
                for e in repo.tree(sha)
                if selector.classify(e.path) is Kind.CHAPTER and e.mode == "100644"
            ]
            for _, data in reader.read(blobs):
                count_markdown(decode_source(data)[0])
    return time.perf_counter() - started, len(chosen), len(shas)


def clone_repository(source: str, path: Path, chapters_dir: str) -> dict[str, int]:
    """A real repository cloned from `source`, with a config naming its chapters folder."""
    subprocess.run(["git", "clone", "-q", source, str(path)], check=True)
    config = path / ".draftforge" / "config.yml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"structure:\n  chapters_directory: {chapters_dir}\n", encoding="utf-8")
    commits = subprocess.run(
        ["git", "rev-list", "--count", "--first-parent", "HEAD"],
        cwd=path, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=path, check=True, capture_output=True, text=True
    ).stdout.strip()
    print(f"repository: {source} at {head}, {int(commits):,} first-parent commits")
    return {"commits": int(commits)}


def compare_backfills(
    repo_path: Path, args: argparse.Namespace
) -> tuple[dict[str, Run], str | None]:
    """The full backfill by each version on its own copy, runs alternating."""
    sides = baseline.sides(args)
    copies: dict[str, Path] = {}
    for side in sides:
        copies[side.name] = repo_path.parent / side.name.replace(" ", "-") / repo_path.name
        shutil.rmtree(copies[side.name], ignore_errors=True)
        shutil.copytree(repo_path, copies[side.name], symlinks=True)
    runs: dict[str, list[Run]] = {side.name: [] for side in sides}
    for _ in range(args.repeat):
        for side in sides:
            copy = copies[side.name]

            def cold(copy: Path = copy) -> None:
                (copy / ".draftforge" / "stats.json").unlink(missing_ok=True)
                shutil.rmtree(copy / ".git" / "draftforge-stats", ignore_errors=True)

            command = side.draftforge("stats", "-q", str(copy))
            runs[side.name].append(baseline.run(command, cwd=copy, env=side.env(), prepare=cold))
    identical = None
    if len(sides) == 2:
        new, old = (copies[side.name] / ".draftforge" / "stats.json" for side in sides)
        identical = baseline.same_bytes(new, old)
    for copy in copies.values():
        shutil.rmtree(copy.parent, ignore_errors=True)
    return {name: baseline.best(r) for name, r in runs.items()}, identical


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add_repository_arguments(parser)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-sample", type=int, default=200)
    parser.add_argument("--keep", type=Path, default=None, help="build the repository here")
    parser.add_argument("--repo", default=None, help="clone this repository instead")
    parser.add_argument("--chapters-dir", default="chapters", help="its chapters folder")
    baseline.add_arguments(parser)
    args = parser.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-history-"))
    repo_path = base / "book"
    if repo_path.exists():
        shutil.rmtree(repo_path)
    repo_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if args.repo:
        clone_repository(args.repo, repo_path, args.chapters_dir)
    else:
        args.chapters_dir = "chapters"
        made = build_from_arguments(repo_path, args)
        print(
            f"repository: {made['commits']} commits, {made['chapters']} chapters at the end "
            f"({made['chapters_added']} made in all), {made['words']:,} words, "
            f"{made['renames']} renames, {made['deletions']} deletions, {made['outside']} "
            f"commits outside the manuscript (built in {time.perf_counter() - started:.1f} s)"
        )
    distinct = subprocess.run(
        f"git log --format= --raw --no-abbrev --no-renames --first-parent -- "
        f"'{args.chapters_dir}/*.md' '{args.chapters_dir}/**/*.md' | awk '$4 !~ /^0+$/ "
        "{print $4}' | sort -u | git cat-file --batch-check='%(objectsize)'",
        shell=True, cwd=repo_path, check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    print(
        f"distinct chapter versions on the first-parent line: {len(distinct):,}, "
        f"{sum(map(int, distinct)) / 1e6:.1f} MB"
    )
    backfills, same_files = compare_backfills(repo_path, args)
    stats_file = repo_path / ".draftforge" / "stats.json"
    git_dir = repo_path / ".git"
    cache_dir = git_dir / "draftforge-stats"

    def cold() -> None:
        stats_file.unlink(missing_ok=True)
        shutil.rmtree(cache_dir, ignore_errors=True)

    cli = [*_draftforge(), "stats", "-q"]
    version = best(args.repeat * 3, lambda: timed([*_draftforge(), "--version"], repo_path))
    # `stats --help` loads every module a stats run uses and does no work: the stats
    # command's own start-up, the floor under any incremental run.
    loaded = best(args.repeat * 3, lambda: timed([*_draftforge(), "stats", "--help"], repo_path))
    full = next(iter(backfills.values())).seconds  # this checkout's, measured above

    cold()
    now = datetime(2025, 2, 10, tzinfo=UTC)
    started = time.perf_counter()
    run = run_stats(repo_path, now=now)
    in_process = time.perf_counter() - started
    blobs = run.blobs_counted
    history_days = len(run.stats.history)

    naive_time, naive_commits, all_commits = naive_walk(
        repo_path, args.naive_sample, args.chapters_dir
    )
    naive_total = naive_time * all_commits / naive_commits

    unchanged = best(args.repeat, lambda: timed(cli, repo_path))

    # One new commit, then the incremental run from the backfill's stats file.
    chapter = sorted((repo_path / args.chapters_dir).glob("*.md"))[-1]
    with chapter.open("a", encoding="utf-8") as handle:
        handle.write("\nOne more paragraph, written after the backfill, to be counted.\n")
    subprocess.run(["git", "add", "-A", args.chapters_dir], cwd=repo_path, check=True)
    subprocess.run(
        ["git", "commit", "-q", "-m", "One more", "--author=Writer <writer@example.com>"],
        cwd=repo_path,
        check=True,
        env={**os.environ, "GIT_AUTHOR_DATE": "2025-02-10T10:00:00+01:00",
             "GIT_COMMITTER_DATE": "2025-02-10T10:00:00+01:00",
             "GIT_COMMITTER_NAME": "Writer", "GIT_COMMITTER_EMAIL": "writer@example.com"},
    )  # fmt: skip
    saved_stats = stats_file.read_bytes()
    saved_cache = {p.name: p.read_bytes() for p in cache_dir.iterdir()}

    def restore(with_cache: bool) -> Callable[[], None]:
        """The state before the run: the backfill's stats file, and the git folder's count
        cache as the backfill left them, or none (a fresh clone)."""

        def prepare() -> None:
            stats_file.write_bytes(saved_stats)
            shutil.rmtree(cache_dir, ignore_errors=True)
            if with_cache:
                cache_dir.mkdir()
                for name, data in saved_cache.items():
                    (cache_dir / name).write_bytes(data)

        return prepare

    warm = statistics.median(timed(cli, repo_path, restore(True)) for _ in range(args.repeat * 3))
    fresh = statistics.median(timed(cli, repo_path, restore(False)) for _ in range(args.repeat * 3))
    # The incremental file must be the file a full run makes.
    restore(True)()
    incremental_text = run_stats(repo_path, now=now).text
    cold()
    full_text = run_stats(repo_path, now=now).text
    identical = "identical" if incremental_text == full_text else "DIFFERENT (a bug)"

    print(f"history: {history_days} days; {blobs} distinct blobs counted by the backfill")
    for name, backfill in backfills.items():
        print(
            f"full backfill [{name}]: {backfill.seconds:8.2f} s (CPU "
            f"{backfill.cpu_seconds:.2f} s), peak memory "
            f"{backfill.max_rss_mb:.0f} MB (best of {args.repeat}, runs alternating)"
        )
    if len(backfills) == 2:
        new, old = backfills.values()
        print(
            f"  this checkout / baseline: {new.seconds / old.seconds:.2f} (goal <= 0.4); "
            f"CPU {new.cpu_seconds / old.cpu_seconds:.2f}"
        )
        print(f"  stats files of both: {same_files}")
    print(f"draftforge --version (start-up):      {version * 1000:8.0f} ms")
    print(f"draftforge stats --help (modules loaded): {loaded * 1000:4.0f} ms")
    print(f"full backfill (draftforge stats):     {full * 1000:8.0f} ms")
    print(
        f"  in-process: {in_process * 1000:.0f} ms, {blobs / in_process:,.0f} distinct blobs "
        "counted per second (whole run, incl. the working tree)"
    )
    print(
        f"naive walk (every chapter, every commit): {naive_total:8.1f} s "
        f"({naive_commits} of {all_commits} commits timed: {naive_time:.1f} s)"
    )
    print(f"  backfill is {naive_total / full:.0f} times faster than the naive walk")
    print(
        f"incremental, one new commit, cache in .git: {warm * 1000:6.0f} ms = "
        f"{warm / full:.3f} x backfill = {warm / version:.1f} x start-up"
        f" = {warm / loaded:.1f} x stats start-up"
    )
    print(
        f"incremental, one new commit, fresh clone:   {fresh * 1000:6.0f} ms = "
        f"{fresh / full:.3f} x backfill = {fresh / version:.1f} x start-up"
        f" = {fresh / loaded:.1f} x stats start-up"
    )
    print(f"nothing new (draftforge stats again):       {unchanged * 1000:6.0f} ms")
    print(f"incremental file vs full file: {identical}")
    if args.keep is None:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
