"""Benchmark: counting throughput against markdown-it-py's bare parse, and against the baseline.

Counts one Markdown document, in the same run, with this checkout and with the baseline
(commit c16a552, installed side by side: see `baseline.py`), each in its own process that
measures the CPU time of this process (`time.process_time()`: on a busy machine the wall
time mostly measures the other jobs) in one process per version and round, the versions
alternating round by round and the measurements alternating inside each process, the best
of N rounds of

* ``count_markdown(text)``: parse + token walk + word rule, and
* ``MarkdownIt(...).parse(text)`` with the same preset and plugins, nothing else,

and prints both rates in MB/s, their ratio (the goal is at least 0.85), the time against
the baseline's, and whether both versions give the same counts. The document is

* ``--kind novel``: a seeded synthetic manuscript (paragraphs with emphasis, links, inline
  code and footnotes, lists, quotes, tables, some code, HTML comments, some CJK);
* ``--kind prose``: the novel's paragraphs and headings only (no lists, quotes, tables,
  code blocks or footnotes), as much of fiction is written: no block parse is needed;
* ``--kind technical``: a seeded synthetic technical book (code blocks in several
  languages, inline code everywhere, tables, links, nested lists, HTML blocks, an emoji
  now and then, as in a programming book);
* ``--file PATH``: a real document, for instance a whole book in one file
  (``cat src/*.md > book.md`` in a clone of https://github.com/rust-lang/book).

    python benchmarks/bench_count.py [--kind technical] [--size-mb 2] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baseline

_VOCABULARY = (
    "the a of and to in she he said quietly never again morning light window "
    "river stone letter don't couldn't Sarah's state-of-the-art well-known "
    "3.14 1,000 journey shadow whisper garden memory silence north winter "
    "caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00fcber stra\u00dfe \u0434\u043e\u043c "
    "\ud55c\uad6d\uc5b4"
)
_WORDS = _VOCABULARY.split()
_CJK = "\u65e5\u672c\u8a9e\u306e\u6587\u7ae0\u3067\u3059\u3002\u30ab\u30bf\u30ab\u30ca\u6f22\u5b57"


def _sentence(rng: random.Random, footnotes: bool = True) -> str:
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
    elif roll < 0.46 and footnotes:
        words[i] = f"{words[i]}[^{rng.randrange(1, 50)}]"
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".!?")


def _paragraph(rng: random.Random, footnotes: bool = True) -> str:
    sentences = [_sentence(rng, footnotes) for _ in range(rng.randint(2, 6))]
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


def _assemble(
    blocks: list[str],
    size_bytes: int,
    rng: random.Random,
    heading: Callable[[random.Random, int], str],
    block: Callable[[random.Random, int], str],
) -> str:
    """Blocks after `blocks` until about `size_bytes`; one in a hundred starts a chapter."""
    size = sum(len(b.encode()) + 2 for b in blocks)
    chapter = 1
    while size < size_bytes:
        if rng.random() < 0.01:
            chapter += 1
            new = heading(rng, chapter)
        else:
            new = block(rng, chapter)
        blocks.append(new)
        size += len(new.encode()) + 2
    return "\n\n".join(blocks) + "\n"


def build_manuscript(size_bytes: int, seed: int) -> str:
    """A deterministic Markdown manuscript of about ``size_bytes`` UTF-8 bytes."""
    blocks = ["---\ntitle: The Benchmark Novel\nauthor: Nobody\n---", "# The Benchmark Novel"]
    return _assemble(blocks, size_bytes, random.Random(seed), lambda _, n: f"# Chapter {n}", _block)


def build_prose(size_bytes: int, seed: int) -> str:
    """A deterministic manuscript of paragraphs and headings only (the novel's sentences,
    without footnotes; a scene heading now and then), of about ``size_bytes`` bytes."""

    def block(rng: random.Random, chapter: int) -> str:
        if rng.random() < 0.05:
            return f"## Scene {chapter}.{rng.randrange(100)}"
        return _paragraph(rng, footnotes=False)

    blocks = ["# The Benchmark Novel"]
    return _assemble(blocks, size_bytes, random.Random(seed), lambda _, n: f"# Chapter {n}", block)


_LANGUAGES = ("rust", "python", "console", "toml", "text")
_CODE_LINES = (
    "let mut guess = String::new();",
    "fn main() {",
    '    println!("Hello, {}!", name);',
    "}",
    "$ cargo run --release",
    "import os  # the standard library",
    "[dependencies]",
    'rand = "0.8.5"',
    "    Compiling guessing_game v0.1.0 (file:///projects/guessing_game)",
    "error[E0308]: mismatched types",
)
_TECH_VOCABULARY = (
    "the a of and to in is it we use this that with function value type compiler error "
    "ownership borrow reference lifetime trait struct enum module crate closure iterator "
    "thread memory safe unsafe pattern match variable immutable mutable heap stack "
    "don't can't it's we'll program's well-known 3.14 1,000 2021 v1.0"
)
_TECH_WORDS = _TECH_VOCABULARY.split()


def _tech_sentence(rng: random.Random) -> str:
    words = [rng.choice(_TECH_WORDS) for _ in range(rng.randint(8, 22))]
    for _ in range(rng.randint(0, 3)):
        i = rng.randrange(len(words))
        roll = rng.random()
        if roll < 0.55:
            words[i] = f"`{rng.choice(_CODE_LINES).split()[0]}`"
        elif roll < 0.7:
            words[i] = f"[{words[i]}][{rng.choice(_TECH_WORDS)}]"
        elif roll < 0.8:
            words[i] = f"[{words[i]}](ch{rng.randrange(1, 21):02d}-00.html#{words[i]})"
        elif roll < 0.9:
            words[i] = f"*{words[i]}*"
        elif roll < 0.95:
            words[i] = f"**{words[i]}**"
        else:
            words[i] = f"{words[i]} \U0001f680"  # an emoji, as some books have
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice("..:?")


def _tech_block(rng: random.Random, chapter: int) -> str:
    roll = rng.random()
    if roll < 0.50:
        return "\n".join(_tech_sentence(rng) for _ in range(rng.randint(1, 5)))
    if roll < 0.68:
        language = rng.choice(_LANGUAGES)
        lines = [rng.choice(_CODE_LINES) for _ in range(rng.randint(3, 25))]
        return f"```{language}\n" + "\n".join(lines) + "\n```"
    if roll < 0.76:
        items = [f"* {_tech_sentence(rng)}" for _ in range(rng.randint(2, 5))]
        if rng.random() < 0.3:
            items.insert(1, f"  * `{rng.choice(_CODE_LINES)}`")
        return "\n".join(items)
    if roll < 0.82:
        return f"### {_tech_sentence(rng)[:40].rstrip()}"
    if roll < 0.87:
        rows = [
            f"| `{rng.choice(_CODE_LINES).split()[0]}` | {rng.choice(_TECH_WORDS)} | "
            f"{rng.randrange(1000)} |"
            for _ in range(rng.randint(2, 8))
        ]
        return "| Item | Meaning | Size |\n|------|---------|-----:|\n" + "\n".join(rows)
    if roll < 0.92:
        return (
            f'<span class="caption">Listing {chapter}-{rng.randrange(30)}: '
            f"{_tech_sentence(rng)}</span>"
        )
    if roll < 0.95:
        return f"> Note: {_tech_sentence(rng)}"
    if roll < 0.98:
        return (
            f"[{rng.choice(_TECH_WORDS)}]: https://doc.rust-lang.org/std/{rng.randrange(99)}.html"
        )
    return f"<!-- ANCHOR: here {rng.randrange(100)} -->"


def build_technical_book(size_bytes: int, seed: int) -> str:
    """A deterministic technical book of about ``size_bytes`` UTF-8 bytes."""

    def heading(rng: random.Random, chapter: int) -> str:
        return f"## Chapter {chapter}: {_tech_sentence(rng)[:30].rstrip()}"

    blocks = ["# The Benchmark Programming Language"]
    return _assemble(blocks, size_bytes, random.Random(seed), heading, _tech_block)


def _child(path: Path, repeat: int) -> None:
    """Measure in this process (run with the Python of one side) and print JSON."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    from draftforge_stats import counting

    text = path.read_text(encoding="utf-8")
    bare = MarkdownIt("commonmark").enable("table").use(front_matter_plugin).use(footnote_plugin)
    counts = counting.count_markdown(text)  # warm-up: also builds the word pattern
    bare.parse(text)
    skipper = getattr(counting, "parser_debug_skipped", None)

    def parse_skipped() -> object:
        assert skipper is not None
        with skipper():
            return bare.parse(text)

    runs: dict[str, Callable[[], object]] = {
        "count": lambda: counting.count_markdown(text),
        "parse": lambda: bare.parse(text),
    }
    if skipper is not None:
        runs["parse_debug_skipped"] = parse_skipped
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):  # alternate, so a busy moment slows both alike
        for name, run in runs.items():
            started = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - started)
    print(json.dumps({"best": best, "counts": [counts.words, counts.characters,
                      counts.characters_no_spaces, counts.title]}))  # fmt: skip


def _debug_calls(text: str, runs: int) -> None:
    """markdown-it-py's bare parse with and without its debug calls skipped, alternating in
    this process (this checkout only), and how many debug calls one parse makes."""
    import logging
    import statistics

    from draftforge_stats import counting

    parser = counting.markdown_parser()
    counting.count_markdown(text)  # warm-up
    calls = 0
    original = logging.Logger.debug

    def counted(self: logging.Logger, *args: object, **kwargs: object) -> None:
        nonlocal calls
        calls += 1

    logging.Logger.debug = counted  # type: ignore[method-assign]
    try:
        parser.parse(text)
    finally:
        logging.Logger.debug = original  # type: ignore[method-assign]
    plain: list[float] = []
    skipped: list[float] = []
    for _ in range(runs):
        started = time.process_time()
        parser.parse(text)
        plain.append(time.process_time() - started)
        with counting.parser_debug_skipped():
            started = time.process_time()
            parser.parse(text)
            skipped.append(time.process_time() - started)
    print(f"markdown-it-py debug calls in one parse: {calls:,}")
    for name, times in (("debug calls made", plain), ("debug calls skipped", skipped)):
        print(
            f"  bare parse, {name}: best {min(times):.3f} s, median "
            f"{statistics.median(times):.3f} s of CPU time ({runs} runs, alternating)"
        )
    print(f"  best CPU time {1 - min(skipped) / min(plain):.1%} less with the calls skipped")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--kind", choices=("novel", "prose", "technical"), default="technical")
    parser.add_argument("--file", type=Path, default=None, help="count this file instead")
    parser.add_argument("--size-mb", type=float, default=2.0, help="synthetic size (MB)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (best)")
    parser.add_argument("--seed", type=int, default=2024, help="random seed for the text")
    parser.add_argument("--inner", type=int, default=3, help="runs per process and round")
    parser.add_argument(
        "--debug-calls",
        type=int,
        default=0,
        metavar="RUNS",
        help="only time the bare parse with and without markdown-it's debug calls",
    )
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    baseline.add_arguments(parser)
    args = parser.parse_args(argv)
    if args.child is not None:
        _child(args.child, args.repeat)
        return 0

    if args.file is not None:
        text = args.file.read_text(encoding="utf-8")
        what = str(args.file)
    else:
        build = {
            "technical": build_technical_book,
            "novel": build_manuscript,
            "prose": build_prose,
        }[args.kind]
        text = build(int(args.size_mb * 1_000_000), args.seed)
        what = f"synthetic {args.kind} book, seed {args.seed}"
    megabytes = len(text.encode()) / 1_000_000
    if args.debug_calls:
        print(f"document: {megabytes:.2f} MB ({what})")
        _debug_calls(text, args.debug_calls)
        return 0
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-count-") as folder:
        path = Path(folder) / "book.md"
        path.write_text(text, encoding="utf-8")
        # One measuring process per side and round, the sides alternating round by round
        # (and the measurements inside each process alternating too), so that a busy
        # moment on the machine slows both versions alike.
        sides = baseline.sides(args)
        for _ in range(args.repeat):
            for side in sides:
                out = subprocess.run(
                    [side.python, __file__, "--child", str(path), "--repeat", str(args.inner)],
                    env=side.env(),
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                result = json.loads(out)
                if side.name in results:
                    best = results[side.name]["best"]
                    assert isinstance(best, dict)
                    for name, seconds in result["best"].items():
                        best[name] = min(best[name], seconds)
                else:
                    results[side.name] = result

    print(
        f"document: {megabytes:.2f} MB ({what}); best of {args.repeat} rounds x {args.inner} "
        "runs, alternating"
    )
    for name, result in results.items():
        best = result["best"]
        assert isinstance(best, dict)
        count_s, parse_s = best["count"], best["parse"]
        print(f"[{name}]")
        print(f"  count_markdown: {count_s:.3f} s CPU  {megabytes / count_s:.2f} MB/s")
        print(f"  bare parse:     {parse_s:.3f} s CPU  {megabytes / parse_s:.2f} MB/s")
        print(f"  ratio:          {parse_s / count_s:.2f} x the bare parse's rate (goal >= 0.85)")
        if "parse_debug_skipped" in best:
            skipped = best["parse_debug_skipped"]
            print(
                f"  bare parse with markdown-it's debug calls skipped: {skipped:.3f} s "
                f"({1 - skipped / parse_s:.1%} less)"
            )
    names = list(results)
    if len(names) == 2:
        new, old = (results[n]["best"] for n in names)
        assert isinstance(new, dict) and isinstance(old, dict)
        print(f"count_markdown, this checkout / {names[1]}: {new['count'] / old['count']:.2f}")
        same = results[names[0]]["counts"] == results[names[1]]["counts"]
        print(f"counts of both versions: {'identical' if same else 'DIFFERENT (a bug)'}")
    print(f"counts: {results[names[0]]['counts']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
