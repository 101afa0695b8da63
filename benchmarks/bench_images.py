"""Benchmark: the size and drawing time of the images for a long history.

Builds stats with a seeded history of `--days` days (writing on about two days in three,
50 to 3,000 words a day, some days that only cut), then prints the bytes of `progress.svg`,
`calendar.svg` and `badge.json` and the best of N times to draw all three, in the same
process. The calendar shows the last 53 weeks whatever the history's length, so its size
depends on the year, not on the history.

    python benchmarks/bench_images.py [--days 500] [--repeat 5] [--seed 2024]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from draftforge_stats.images import image_files
from draftforge_stats.statsfile import (
    Breakdown,
    Current,
    HistoryEntry,
    ProjectInfo,
    Stats,
    Streaks,
)


def long_stats(days: int, end: date, seed: int) -> Stats:
    rng = random.Random(seed)
    entries: list[HistoryEntry] = []
    total = 0
    for back in range(days - 1, -1, -1):
        if rng.random() > 0.66:
            continue
        written = rng.randint(-400, -1) if rng.random() < 0.05 else rng.randint(50, 3000)
        total = max(total + written, 0)
        entries.append(
            HistoryEntry(date=(end - timedelta(days=back)).isoformat(), word_count=total,
                         chapter_count=40, commits=rng.randint(1, 5), words_written=written,
                         commit_sha=f"{rng.getrandbits(160):040x}")
        )  # fmt: skip
    entries.reverse()
    return Stats(
        project=ProjectInfo(name="The Lighthouse Keeper's Daughter", type="novel",
                            target_word_count=max(total * 2, 1)),
        current=Current(word_count=total, chapter_count=40, character_count=total * 6,
                        character_count_no_spaces=total * 5, last_updated=f"{end}T12:00:00Z"),
        breakdown=Breakdown(),
        history=entries,
        streaks=Streaks(current_days=3, longest_days=21, last_write_date=entries[0].date,
                        total_writing_days=len(entries)),
        generated_at=f"{end}T12:00:00Z",
    )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    end = date(2025, 10, 29)
    stats = long_stats(args.days, end, args.seed)
    best = float("inf")
    files: dict[Path, str] = {}
    for _ in range(args.repeat):
        started = time.perf_counter()
        files = image_files(stats, today=end, images=True, badge=True, par=stats.current.word_count)
        best = min(best, time.perf_counter() - started)
    print(f"history: {args.days} days, {len(stats.history)} writing days")
    for path, text in files.items():
        print(f"{path}: {len(text.encode('utf-8')):,} bytes")
    print(f"drawing all three, best of {args.repeat}: {best * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
