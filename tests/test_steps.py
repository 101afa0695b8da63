"""Counting a version from its previous version's steps gives exactly a whole parse's counts
and blocks: on the counting vectors against each other and edited at every line, on random
Markdown edited at random lines (hypothesis), and on every version of a synthetic history."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from draftforge_stats.counting import count_with_blocks, decode_source
from draftforge_stats.steps import (
    ALONE,
    FIRST,
    FOOTNOTES,
    REFERENCES,
    STEPS,
    Counted,
    InlineCache,
    count_version,
)
from tests.test_counting import VECTORS

ROOT = Path(__file__).resolve().parent.parent


def _edits(text: str) -> list[str]:
    """`text` with one line inserted, deleted, changed or blanked, at every position."""
    lines = text.split("\n")
    out: list[str] = []
    for i in range(len(lines) + 1):
        out.append("\n".join([*lines[:i], "new *words* [x] here", *lines[i:]]))
        if i < len(lines):
            out.append("\n".join([*lines[:i], *lines[i + 1 :]]))
            out.append("\n".join([*lines[:i], lines[i] + " more", *lines[i + 1 :]]))
            out.append("\n".join([*lines[:i], "", *lines[i + 1 :]]))
    return out


def _check(previous_text: str, texts: list[str], code_blocks: bool) -> None:
    previous = count_version(previous_text, count_code_blocks=code_blocks)
    assert (previous.counts, previous.blocks) == count_with_blocks(
        previous_text, count_code_blocks=code_blocks
    )
    if previous.parsed is None:
        assert previous.how == FOOTNOTES
        return
    cache = InlineCache(limit=50)
    for number, text in enumerate(texts):
        got = count_version(
            text,
            previous.parsed,
            count_code_blocks=code_blocks,
            inline=cache if number % 2 else None,
        )
        assert (got.counts, got.blocks) == count_with_blocks(text, count_code_blocks=code_blocks), (
            previous_text,
            text,
        )


def _versions(old: str, new: str, **options: Any) -> tuple[Counted, Counted]:
    """`old` counted whole, then `new` counted from it, checked against a whole parse."""
    before = count_version(old)
    assert before.parsed is not None
    after = count_version(new, before.parsed, **options)
    assert (after.counts, after.blocks) == count_with_blocks(new)
    return before, after


@pytest.mark.parametrize("case", VECTORS, ids=[case["name"] for case in VECTORS])
def test_vector_from_every_other_vector_and_edited_at_every_line(case: dict[str, Any]) -> None:
    code_blocks = bool(case.get("count_code_blocks", False))
    others = [other["markdown"] for other in VECTORS]
    _check(case["markdown"], [*others, "", *_edits(case["markdown"])], code_blocks)


def test_every_vector_from_the_empty_document() -> None:
    for code_blocks in (False, True):
        _check("", [case["markdown"] for case in VECTORS], code_blocks)


def test_a_one_line_change_parses_only_the_steps_around_it() -> None:
    paragraphs = [f"Paragraph {n} has [a link][ref] and five words." for n in range(40)]
    old = "\n\n".join([*paragraphs, "[ref]: https://example.com"]) + "\n"
    edited = list(paragraphs)
    edited[20] = "Paragraph twenty now has ten words, not eight as before."
    new = "\n\n".join([*edited, "[ref]: https://example.com"]) + "\n"
    before = count_version(old)
    assert before.how == FIRST
    assert before.counts.words == 40 * 8
    assert before.parsed is not None
    cache = InlineCache()
    after = count_version(new, before.parsed, inline=cache)
    assert after.how == STEPS
    assert after.counts.words == 39 * 8 + 10
    assert (after.counts, after.blocks) == count_with_blocks(new)
    # Parsed again: paragraph 20 and paragraph 19, which looks at the line after the blank
    # line that ends it (paragraph 20's first); the others are the previous version's.
    assert cache.misses == 2
    assert after.blocks[0] is before.blocks[0]  # the words of unchanged steps are shared
    assert after.blocks[39] is before.blocks[39]


def test_moved_reference_definitions_are_the_same_definitions() -> None:
    _, after = _versions(
        "See [the book][b].\n\n[b]: /one\n", "See [the book][b].\n\nNew words here.\n\n[b]: /one\n"
    )
    assert after.how == STEPS
    assert after.counts.words == 6


def test_two_changes_far_apart_parse_only_the_steps_around_each() -> None:
    # (quotes: a document of paragraphs only would need no block parse, steps or not)
    paragraphs = [f"> Paragraph {n} has nine words in it, no more." for n in range(60)]
    old = "\n\n".join(paragraphs) + "\n"
    edited = list(paragraphs)
    edited[10] = "Changed."
    edited.insert(40, "Inserted paragraph.")
    new = "\n\n".join(edited) + "\n"
    cache = InlineCache()
    before, after = _versions(old, new, inline=cache)
    assert before.counts.words == 60 * 9
    assert (after.how, after.counts.words) == (STEPS, 59 * 9 + 1 + 2)
    assert cache.misses == 4  # paragraphs 9 and 10, 39 and the inserted one


def test_changed_reference_definitions_parse_the_whole_version() -> None:
    before, after = _versions(
        "See [the book][b].\n\n[b]: /one\n", "See [the book][b].\n\n[c]: /two\n"
    )
    assert after.how == REFERENCES
    assert (before.counts.words, before.counts.characters) == (3, 13)  # "See the book."
    # [b] is no longer defined: the text is "See [the book][b]." as written.
    assert (after.counts.words, after.counts.characters) == (4, 18)


def test_front_matter_moved_off_line_0_is_not_front_matter() -> None:
    old = "---\ntitle: Front\n---"
    new = "```\ncode\n```\n---\ntitle: Front\n---"
    before = count_version(old)
    assert before.parsed is not None
    assert before.counts == count_with_blocks(old)[0]
    assert (before.counts.words, before.counts.title) == (0, "Front")
    after = count_version(new, before.parsed)
    # A rule, then a setext heading: "title: Front" is text now, and the title.
    assert (after.counts.words, after.counts.title) == (2, "title: Front")
    assert after.blocks == [("title", "Front")]


def test_front_matter_closed_by_a_later_line() -> None:
    """Unclosed, `---` is a rule and `title: Front` text; a `---` added lines later closes
    the front matter, whose rule read on to the end of the document."""
    old = "---\ntitle: Front\n1. first\n2) second"
    new = "---\ntitle: Front\n1. first\n---\n2) second"
    before = count_version(old)
    assert before.parsed is not None
    assert (before.counts.words, before.counts.title) == (4, None)
    after = count_version(new, before.parsed)
    assert after.how == STEPS
    assert (after.counts.words, after.counts.title) == (1, None)  # "second"
    assert after.blocks == [("second",)]


def test_footnotes_are_counted_whole() -> None:
    text = "Text[^1].\n\n[^1]: A note.\n"
    counted = count_version(text)
    assert (counted.how, counted.parsed) == (FOOTNOTES, None)
    assert counted.counts.words == 3


def test_a_different_code_block_setting_is_not_a_previous_version() -> None:
    before = count_version("```\ncode here\n```\n", count_code_blocks=True)
    assert before.parsed is not None
    after = count_version("```\ncode here\n```\nmore\n", before.parsed)
    assert after.how == FIRST
    assert after.counts.words == 1


# ------------------------------------------------------------------ random Markdown

_PIECES = [
    "---\ntitle: Front\n---",
    "```\ncode `x` here\n```",
    "~~~\nunclosed fence",
    "- item one\n- item *two*\n\n  continued",
    "1. first\n2) second",
    "> quoted\n> > deeper [ref]",
    "| a | b |\n| - | - |\n| c | d |",
    "[ref]: https://example.com 'Title'",
    '[other]:\n  /url\n  "multi\nline"',
    "Setext heading\n===",
    "Another\n---",
    "<div>\nhtml *block*\n</div>",
    "<!-- comment",
    "# Heading [ref]",
    "A paragraph with [a link][ref], `code` and ![image](x.png).",
    "    indented code",
    "| x |\n| - | - |",
    "- a\n\n  b\n\n\n  c",
    "> quote\nlazy line",
    "<div>",
    "</div>",
    "[ref]: /u\n'open title",
    "closing'",
    "***",
    "lazy\ncontinuation\nlines",
    "",
    "",
]

markdown_lines = st.lists(st.sampled_from(_PIECES), min_size=0, max_size=14).map(
    lambda pieces: "\n".join(pieces).split("\n")
)
edit = st.tuples(
    st.sampled_from(["insert", "delete", "replace"]),
    st.integers(min_value=0, max_value=60),
    st.sampled_from([*_PIECES, "plain words", "- ", "> ", "```", "[ref]: /changed", "==="]),
)

FUZZ = settings(
    max_examples=int(os.environ.get("STEPS_EXAMPLES", "150")),
    deadline=2000,  # ms per example: generous for a slow CI machine, still bounded
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@FUZZ
@given(markdown_lines, st.lists(edit, min_size=1, max_size=4), st.booleans())
def test_random_markdown_edited_at_random_lines(
    lines: list[str], edits: list[tuple[str, int, str]], code_blocks: bool
) -> None:
    versions = ["\n".join(lines)]
    for kind, where, piece in edits:
        at = where % (len(lines) + 1)
        if kind == "insert":
            lines = [*lines[:at], *piece.split("\n"), *lines[at:]]
        elif kind == "delete" and at < len(lines):
            lines = [*lines[:at], *lines[at + 1 :]]
        else:
            lines = [*lines[:at], *piece.split("\n"), *lines[at + 1 :]]
        versions.append("\n".join(lines))
    cache = InlineCache(limit=20)
    previous = None
    for text in versions:
        got = count_version(text, previous, count_code_blocks=code_blocks, inline=cache)
        assert (got.counts, got.blocks) == count_with_blocks(text, count_code_blocks=code_blocks)
        previous = got.parsed


# ------------------------------------------------------------- every version of a history


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_every_version_of_a_synthetic_history(tmp_path: Path) -> None:
    """The benchmark's history at a small size: each new version of each chapter, counted
    from its previous version, as the walk does, equals a whole parse."""
    bench = _load("bench_history")
    check = _load("check_steps")
    repo = tmp_path / "book"
    bench.build_repository(repo, commits=120, days=30, chapters=6, words=6000, seed=7)
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "check_steps.py"), str(repo)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mismatches: 0" in result.stdout
    commits = check.changes(repo, ".")
    versions = len({new for commit in commits for _, new in commit if new is not None})
    assert f"versions checked: {versions:,};" in result.stdout
    assert versions > 100
    assert decode_source(b"x")[0] == "x"


def test_a_version_nothing_follows_is_counted_whole_without_steps() -> None:
    text = "A *chapter* of\n\n- five\n- words\n"
    alone = count_version(text, followed=False)
    assert (alone.how, alone.parsed) == (ALONE, None)
    assert (alone.counts, alone.blocks) == count_with_blocks(text)
    assert alone.counts.words == 5
    # with a previous version it is still counted from its steps
    before = count_version("A *chapter* of\n\n- five\n")
    assert before.parsed is not None
    after = count_version(text, before.parsed, followed=False)
    assert after.how == STEPS
    assert (after.counts, after.blocks) == (alone.counts, alone.blocks)
    # paragraphs only: counted whole too (without the block parse), no steps kept
    simple = count_version("A *chapter* of\n\nfive words.\n", followed=False)
    assert (simple.how, simple.parsed, simple.counts.words) == (ALONE, None, 5)
