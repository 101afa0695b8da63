"""Check: every version of every chapter of a repository, counted from its previous version's
steps, gives exactly the counts and blocks of a whole parse.

Walks every commit, parents before children (as the backfill does), reads each new version
of a Markdown file under `--chapters` with one `git cat-file --batch`, counts it with
:func:`draftforge_stats.steps.count_version` from the steps of the version it replaced (or,
for an added file, of a file the same commit deleted), and with
:func:`draftforge_stats.counting.count_with_blocks`, always by the parser (a version of
paragraphs and headings only too: the check covers what `simple_blocks` saves). Prints the
versions checked, how they were counted, the mismatches (must be 0), and the time each way
took, in the same run.

    python benchmarks/check_steps.py REPO [--chapters src] [--code-blocks]
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import time
from pathlib import Path

from draftforge_stats.counting import count_with_blocks, decode_source
from draftforge_stats.steps import InlineCache, Parsed, count_version

ZERO = "0" * 40


def changes(repo: Path, chapters: str) -> list[list[tuple[str | None, str | None]]]:
    """Per commit, parents first: (old blob, new blob) of each Markdown file."""
    out = subprocess.run(
        [
            *("git", "-C", str(repo), "log", "--topo-order", "--reverse", "--format=tformat:C"),
            *("--raw", "--no-abbrev", "--no-renames", "-m", "--", chapters),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commits: list[list[tuple[str | None, str | None]]] = []
    for line in out.splitlines():
        if line == "C":
            commits.append([])
        elif line.startswith(":") and line.endswith(".md") and commits:
            fields = line.split("\t", 1)[0].split()
            old, new = fields[2], fields[3]
            commits[-1].append((None if old == ZERO else old, None if new == ZERO else new))
    return commits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--chapters", default=".")
    parser.add_argument("--code-blocks", action="store_true")
    args = parser.parse_args()
    code_blocks: bool = args.code_blocks
    reader = subprocess.Popen(
        ["git", "-C", str(args.repo), "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert reader.stdin is not None and reader.stdout is not None

    def read(blob: str) -> str:
        reader.stdin.write(f"{blob}\n".encode())  # type: ignore[union-attr]
        reader.stdin.flush()  # type: ignore[union-attr]
        size = int(reader.stdout.readline().split()[2])  # type: ignore[union-attr]
        return decode_source(reader.stdout.read(size + 1)[:-1])[0]  # type: ignore[union-attr]

    records: dict[str, Parsed] = {}
    inline = InlineCache()
    ways: collections.Counter[str] = collections.Counter()
    seen: set[str] = set()
    checked = mismatches = 0
    step_time = whole_time = 0.0
    for commit in changes(args.repo, args.chapters):
        deleted = [old for old, new in commit if new is None and old is not None]
        for old, new in commit:
            if new is None or new in seen:
                continue
            seen.add(new)
            if old is None and deleted:
                old = deleted.pop(0)
            text = read(new)
            started = time.perf_counter()
            counted = count_version(
                text,
                records.get(old) if old is not None else None,
                count_code_blocks=code_blocks,
                inline=inline,
            )
            step_time += time.perf_counter() - started
            started = time.perf_counter()
            expected = count_with_blocks(text, count_code_blocks=code_blocks, simple_read=False)
            whole_time += time.perf_counter() - started
            checked += 1
            ways[counted.how] += 1
            if counted.parsed is not None:
                records[new] = counted.parsed
            if (counted.counts, counted.blocks) != expected:
                mismatches += 1
                print(f"MISMATCH {new} (from {old}): {counted.counts} != {expected[0]}")
    reader.stdin.close()
    reader.wait()
    print(f"versions checked: {checked:,}; mismatches: {mismatches}")
    for how, count in ways.most_common():
        print(f"  {how}: {count:,} ({count / max(checked, 1):.1%})")
    print(f"inline cache: {inline.hits:,} hits, {inline.misses:,} misses")
    print(
        f"time: by steps {step_time:.2f} s, whole parse {whole_time:.2f} s "
        f"({step_time / max(whole_time, 1e-9):.2f} x), same run, interleaved per version"
    )
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
