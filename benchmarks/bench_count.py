"""Benchmark: counting throughput against markdown-it-py's bare parse of the same text.

Builds a synthetic Markdown manuscript (seeded, so every run counts the same text), then
measures, in the same process, the best of N runs of

* ``count_markdown(text)``: parse + token walk + word rule, and
* ``MarkdownIt(...).parse(text)`` with the same preset and plugins, nothing else,

and prints both rates in MB/s and their ratio (the goal is a ratio of at least 0.5).

    python benchmarks/bench_count.py [--size-mb 5] [--repeat 3] [--seed 2024]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from draftforge_stats.counting import count_markdown

_VOCABULARY = (
    "the a of and to in she he said quietly never again morning light window "
    "river stone letter don't couldn't Sarah's state-of-the-art well-known "
    "3.14 1,000 journey shadow whisper garden memory silence north winter "
    "caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00fcber stra\u00dfe \u0434\u043e\u043c "
    "\ud55c\uad6d\uc5b4"
)
_WORDS = _VOCABULARY.split()
_CJK = "\u65e5\u672c\u8a9e\u306e\u6587\u7ae0\u3067\u3059\u3002\u30ab\u30bf\u30ab\u30ca\u6f22\u5b57"


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 18))]
    roll = rng.random()
    i = rng.randrange(len(words))
    if roll < 0.15:
        words[i] = f"*{words[i]}*"
    elif roll < 0.25:
        words[i] = f"**{words[i]}**"
    elif roll < 0.32:
        words[i] = f"[{words[i]}](https://example.com/{rng.randrange(1000)})"
    elif roll < 0.36:
        words[i] = f"`{words[i]}()`"
    elif roll < 0.40:
        words[i] = f"{words[i]}\u2014{rng.choice(_WORDS)}"
    elif roll < 0.43:
        words[i] = f"<span>{words[i]}</span>"
    elif roll < 0.46:
        words[i] = f"{words[i]}[^{rng.randrange(1, 50)}]"
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".!?")


def _paragraph(rng: random.Random) -> str:
    sentences = [_sentence(rng) for _ in range(rng.randint(2, 6))]
    if rng.random() < 0.1:
        sentences.append("".join(rng.choice(_CJK) for _ in range(rng.randint(10, 40))))
    # Wrap lines like an editor would: softbreaks inside the paragraph.
    return "\n".join(sentences)


def _block(rng: random.Random, chapter: int) -> str:
    roll = rng.random()
    if roll < 0.70:
        return _paragraph(rng)
    if roll < 0.78:
        return "\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(2, 5)))
    if roll < 0.84:
        return "\n".join(f"> {_sentence(rng)}" for _ in range(rng.randint(1, 4)))
    if roll < 0.88:
        return f"## Scene {chapter}.{rng.randrange(100)}: {_sentence(rng)[:-1]}"
    if roll < 0.92:
        body = "\n".join(f"x_{n} = compute({n}, 'value')" for n in range(rng.randint(2, 8)))
        return f"```python\n{body}\n```"
    if roll < 0.94:
        return "\n".join(f"    line {n} of an indented block" for n in range(3))
    if roll < 0.96:
        rows = [f"| {rng.choice(_WORDS)} | {rng.randrange(100)} | {rng.choice(_WORDS)} |"]
        rows = rows * rng.randint(2, 6)
        return "| Name | Count | Note |\n|------|------:|------|\n" + "\n".join(rows)
    if roll < 0.98:
        return f"<!-- note to self: {_sentence(rng)} -->"
    return f"[^{rng.randrange(1, 50)}]: {_sentence(rng)}"


def build_manuscript(size_bytes: int, seed: int) -> str:
    """A deterministic Markdown manuscript of about ``size_bytes`` UTF-8 bytes."""
    rng = random.Random(seed)
    blocks = ["---\ntitle: The Benchmark Novel\nauthor: Nobody\n---", "# The Benchmark Novel"]
    size = sum(len(b.encode()) + 2 for b in blocks)
    chapter = 1
    while size < size_bytes:
        if rng.random() < 0.01:
            chapter += 1
            block = f"# Chapter {chapter}"
        else:
            block = _block(rng, chapter)
        blocks.append(block)
        size += len(block.encode()) + 2
    return "\n\n".join(blocks) + "\n"


def best_time(run: Callable[[], object], repeat: int) -> float:
    """The best wall-clock time of ``repeat`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size-mb", type=float, default=5.0, help="manuscript size (MB)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best)")
    parser.add_argument("--seed", type=int, default=2024, help="random seed for the text")
    args = parser.parse_args(argv)

    text = build_manuscript(int(args.size_mb * 1_000_000), args.seed)
    megabytes = len(text.encode()) / 1_000_000
    bare = MarkdownIt("commonmark").enable("table").use(front_matter_plugin).use(footnote_plugin)

    counts = count_markdown(text)  # warm-up: also builds the cached word pattern
    bare.parse(text[:10_000])

    count_s = best_time(lambda: count_markdown(text), args.repeat)
    parse_s = best_time(lambda: bare.parse(text), args.repeat)

    count_rate = megabytes / count_s
    parse_rate = megabytes / parse_s
    print(f"manuscript:      {megabytes:.2f} MB (seed {args.seed}), {counts.words:,} words")
    print(f"count_markdown:  {count_s:.3f} s  {count_rate:.2f} MB/s (best of {args.repeat})")
    print(f"bare parse:      {parse_s:.3f} s  {parse_rate:.2f} MB/s (best of {args.repeat})")
    print(f"ratio:           {count_rate / parse_rate:.2f} (goal >= 0.5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
