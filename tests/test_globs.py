"""`stats.include` / `stats.exclude` globs: linear matching whatever the pattern, and
patterns normalised the way a path is (`./`, `.` folders), never by stripping characters.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from draftforge_stats.discover import FileSelector, Kind
from draftforge_stats.globs import compile_glob, glob_problem, normalize_glob
from tests.faultkit import cli

DEEP = "/".join(["d"] * 300)


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        # The hostile patterns, against deep paths: an answer at once, and the right one.
        ("**/**/**/**/**/**/**/**/**/**/y.md", f"{DEEP}/x.md", False),
        ("**/**/**/**/**/**/**/**/**/**/y.md", f"{DEEP}/y.md", True),
        ("**/d/**/d/**/d/**/d/**/d/**/d/**/e/**/y.md", f"{DEEP}/y.md", False),
        ("**/d/**/d/**/d/**/d/**/d/**/d/**/y.md", f"{DEEP}/y.md", True),
        ("*a*a*a*a*a*a*a*a*a*a*a*a*b", "a" * 250, False),
        ("*a*a*a*a*a*a*a*a*a*a*a*a*b", "a" * 250 + "b", True),
        ("**a**a**a**a**a**a**a**a**b", "a/" * 120 + "c", False),
        # `./` is dropped, a leading dot is kept: `./.drafts` is the hidden `.drafts`.
        ("./.drafts/*.md", "drafts/x.md", False),
        ("./.drafts/*.md", ".drafts/x.md", True),
        ("./chapters/*.md", "chapters/a.md", True),
        ("././chapters/*.md", "chapters/a.md", True),
        ("chapters/./part/*.md", "chapters/part/a.md", True),
        ("chapters//part/*.md", "chapters/part/a.md", True),
        ("...md", "...md", True),
        ("../chapters/*.md", "chapters/a.md", False),
        ("/chapters/*.md", "chapters/a.md", False),
        # The rules as before.
        ("chapters/drafts", "chapters/drafts/03.md", True),
        ("chapters/drafts", "chapters/drafts-2/03.md", False),
        ("**.md", "a/b/c.md", True),
        ("chapters/**", "chapters/x/y.md", True),
        ("**/x.md", "ax.md", False),
        ("ch*/**/[a-c]?.md", "chapters/p/q/b1.md", True),
        ("ch*/**/[a-c]?.md", "chapters/p/q/d1.md", False),
        ("chapters/[^0]*.md", "chapters/01.md", False),
        ("chapters/?.md", "chapters//.md", False),
        ("chapters/[/]*.md", "chapters/x.md", False),
    ],
)
def test_glob_matching(pattern: str, path: str, matches: bool) -> None:
    assert compile_glob(pattern).matches(path) is matches


def test_patterns_are_normalised_like_paths() -> None:
    assert normalize_glob("  ./chapters/./part//*.md ") == "chapters/part/*.md"
    assert normalize_glob("./.drafts/*.md") == ".drafts/*.md"


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("../notes/*.md", "a glob cannot leave the project folder: remove the `..`"),
        ("chapters/../../x.md", "a glob cannot leave the project folder: remove the `..`"),
        ("/home/me/book/*.md", "globs are relative to the project folder: write it without "
         "the leading `/` (`home/me/book/*.md`)"),
        ("./", "the glob is empty"),
    ],
)  # fmt: skip
def test_a_glob_that_can_match_nothing_is_explained(pattern: str, why: str) -> None:
    assert glob_problem(pattern) == why
    assert not compile_glob(pattern).matches("chapters/a.md")


def test_exclude_of_a_hidden_folder_leaves_the_visible_one_alone(tmp_path: Path) -> None:
    selector = FileSelector("chapters", "manuscript", exclude=("./chapters/.drafts/*.md",))
    assert selector.classify("chapters/drafts/x.md") is Kind.CHAPTER


def test_the_config_check_refuses_globs_outside_the_project(tmp_path: Path) -> None:
    for folder in (".draftforge", "chapters", "manuscript"):
        (tmp_path / folder).mkdir()
    (tmp_path / ".draftforge/config.yml").write_text(
        'version: "1.0"\nstats:\n  include: ["chapters/*.md", "../notes/*.md"]\n'
        '  exclude: ["/abs/*.md"]\n',
        encoding="utf-8",
    )

    checked = cli("validate", str(tmp_path), "--format", "json")
    counted = cli("stats", str(tmp_path), "--no-write")

    assert checked.exit_code == counted.exit_code == 1
    problems = json.loads(checked.stdout)["problems"]
    assert [(p["line"], p["path"], p["message"]) for p in problems] == [
        (3, "$.stats.include[1]", "`../notes/*.md` is not a valid glob pattern"),
        (4, "$.stats.exclude[0]", "`/abs/*.md` is not a valid glob pattern"),
    ]
    assert "$.stats.include[1]: `../notes/*.md` is not a valid glob pattern" in counted.stderr
