"""Chapter targets: `target_words` in front matter, `stats.chapter_targets`, which one wins,
and what `draftforge stats` (warnings) and `draftforge validate` (errors) say about bad ones.

Positions are 1-based: in `---\\ntarget_words: -5\\n---`, the value is on line 2 at column 15
(`target_words: ` is 14 characters)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from draftforge_stats.cli import main
from draftforge_stats.pipeline import run_stats
from draftforge_stats.statsfile import TargetInfo, stats_errors
from draftforge_stats.targets import MAX_TARGET, FrontTarget, front_target, target_value_problem
from draftforge_stats.validation import validate as validate_paths
from draftforge_stats.validation.documents import load_text
from draftforge_stats.validation.messages import schema_problems
from tests.gitutil import GitRepo

NOW = datetime(2026, 3, 16, 18, 0, tzinfo=UTC)
FIX = "write a whole number of words from 1 to 100,000,000, such as `target_words: 3000`"


def front(body: str) -> str:
    return f"---\n{body}\n---\nText.\n"


@pytest.mark.parametrize(
    ("text", "value", "where", "message"),
    [
        (front("title: One\ntarget_words: 3000"), 3000, (3, 15), None),
        ("\ufeff---\ntarget_words: 12\n---\n", 12, (2, 15), None),
        (front("  target_words: 5"), 5, (2, 17), None),
        (front("target_words: 12_000"), 12000, (2, 15), None),
        (front(f"target_words: {MAX_TARGET}"), MAX_TARGET, (2, 15), None),
        (front("target_words: three"), None, (2, 15), "`target_words` is `three`, not a number"),
        (
            front("target_words: '3000'"),
            None,
            (2, 15),
            "`target_words` is the string `'3000'`, not a number (write it without quotes)",
        ),
        (front("target_words: -5"), None, (2, 15), "`target_words` must be at least 1, got -5"),
        (front("target_words: 0"), None, (2, 15), "`target_words` must be at least 1, got 0"),
        (front("target_words: 2500.5"), None, (2, 15), "`target_words` is `2500.5`, not a whole"),
        (front("target_words: 1.5e+0"), None, (2, 15), "`target_words` is `1.5e+0`, not a whole"),
        (front("target_words: 3000.0"), 3000, (2, 15), None),  # as in the config
        (front("target_words: .inf"), None, (2, 15), "`target_words` is `.inf`, not a whole"),
        (front("target_words: true"), None, (2, 15), "`target_words` is `true`, a boolean"),
        (front("target_words: yes"), None, (2, 15), "`target_words` is `yes`, a boolean"),
        (front("target_words: [3000]"), None, (2, 15), "`target_words` is a list, not a number"),
        (front("target_words: {a: 1}"), None, (2, 15), "`target_words` is a mapping, not"),
        (front("target_words: 2026-01-01"), None, (2, 15), "`target_words` is a date, not"),
        (front("target_words:"), None, (2, 14), "`target_words` has no value"),
        (
            front("target_words: 100000001"),
            None,
            (2, 15),
            "`target_words` must be at most 100,000,000, got `100000001`",
        ),
        (
            front("target_words: " + "9" * 5000),
            None,
            (2, 15),
            "`target_words`: the number has 5000 digits, too many to read",
        ),
        (
            front("target_words: 1\ntarget_words: 2"),
            None,
            (3, 1),
            "`target_words`: duplicate key `target_words` (first at line 1)",
        ),
        (front("target_words: [1"), None, None, "the front matter is not valid YAML"),
        (front("target_words: " + "[" * 5000), None, None, "the front matter is not valid YAML"),
    ],
)
def test_front_matter_targets_and_what_is_wrong_with_them(
    text: str, value: int | None, where: tuple[int, int] | None, message: str | None
) -> None:
    found = front_target(text)
    assert found.value == value
    if message is None:
        assert found.issue is None
        assert (found.line, found.column) == where
    else:
        assert found.issue is not None
        assert found.issue.message.startswith(message)
        if where is not None:
            assert (found.issue.line, found.issue.column) == where


@pytest.mark.parametrize(
    "text",
    [
        "Text.\n\n---\ntarget_words: 5\n---\n",  # not at the start: not front matter
        front("title: [broken"),  # broken YAML without a target: not the targets' concern
        "---\n" + "[" * 5000 + "\n---\n",  # hostile nesting without a target
        front("title: One"),
    ],
)
def test_no_target_and_nothing_to_say(text: str) -> None:
    assert front_target(text) == FrontTarget()


@pytest.mark.parametrize(
    "value",
    [1, 3000, MAX_TARGET, 0, -5, MAX_TARGET + 1, 2.5, 3000.0, 0.0, True, "3000", None, [1], {}],
)
def test_front_matter_and_config_accept_the_same_targets(value: object) -> None:
    """`target_words` follows the config schema's rule for `stats.chapter_targets`."""
    config = json.dumps({"stats": {"chapter_targets": {"chapters/a.md": value}}})
    schema_ok = not schema_problems(load_text(config, "config.json"), "config.schema.yml")
    assert (target_value_problem(value) is None) == schema_ok


def _project(repo: GitRepo) -> None:
    repo.write(
        ".draftforge/config.yml",
        "stats:\n  chapter_targets:\n    chapters/03.md: 3000\n    manuscript/notes.md: 5\n"
        "    chapters/x.txt: 4\n    chapters/99.md: 3\n    chapters/04.md: 7\n",
    )
    repo.commit(
        "start",
        "2026-03-02T12:00:00+00:00",
        files={
            "chapters/01.md": "---\ntitle: One\ntarget_words: -5\n---\nHello world.\n",
            "chapters/02.md": '---\ntarget_words: "3000"\n---\nHi.\n',
            "chapters/03.md": "---\ntarget_words: 2500\n---\nHi.\n",
            "chapters/04.md": "---\ntarget_words: 7\n---\nOne two three four five six seven.\n",
            "chapters/05.md": "---\ntarget_words: 4\n---\nOne two.\n",
            "chapters/x.txt": "Not a chapter.\n",
            "manuscript/notes.md": "---\ntarget_words: 10\n---\nNotes.\n",
        },
    )


def test_a_run_warns_about_each_target_it_cannot_use(git_repo: GitRepo) -> None:
    _project(git_repo)
    result = run_stats(git_repo.path, now=NOW, write=False)
    assert stats_errors(json.loads(result.text)) == []
    not_used = (
        "; its target is not used (give the path of a chapter, relative to the project "
        "folder, such as `chapters/01-the-beginning.md`)"
    )
    assert result.warnings == [
        "chapters/01.md:3: `target_words` must be at least 1, got -5 "
        f"({FIX}); the chapter has no target from its front matter",
        "chapters/02.md:2: `target_words` is the string `'3000'`, not a number (write it "
        f"without quotes) ({FIX}); the chapter has no target from its front matter",
        "chapters/03.md:2: `target_words: 2500` gives way to `stats.chapter_targets` in "
        ".draftforge/config.yml (3000), which wins (remove one of the two)",
        "manuscript/notes.md:2: `target_words` has no effect in a manuscript file: only "
        "chapters have targets (remove it, or give a chapter its target in "
        "`.draftforge/config.yml`)",
        ".draftforge/config.yml: `stats.chapter_targets`: `manuscript/notes.md` is a "
        "manuscript file, not a chapter: only chapters have targets" + not_used,
        ".draftforge/config.yml: `stats.chapter_targets`: `chapters/x.txt` is not a chapter: "
        "chapters are the Markdown files under `chapters` that `stats.include` and "
        "`stats.exclude` let through" + not_used,
        ".draftforge/config.yml: `stats.chapter_targets`: `chapters/99.md` is not a file of "
        "the project" + not_used,
    ]
    targets = {c.file: c.target for c in result.stats.breakdown.chapters}
    assert targets == {
        "chapters/01.md": None,
        "chapters/02.md": None,
        "chapters/03.md": TargetInfo(words=3000, percent=0.0, overrun=False),  # config wins
        "chapters/04.md": TargetInfo(words=7, percent=100.0, overrun=False),  # both agree
        "chapters/05.md": TargetInfo(words=4, percent=50.0, overrun=False),  # front matter
    }


def test_validate_makes_bad_targets_errors_with_their_place(git_repo: GitRepo) -> None:
    _project(git_repo)
    result = validate_paths([git_repo.path], base=git_repo.path)
    found = [
        (p.file, p.line, p.column, p.severity, p.path, p.message)
        for f in result.files
        for p in f.problems
    ]
    assert found == [
        (
            ".draftforge/config.yml",
            4,
            26,
            "warning",
            '$.stats.chapter_targets["manuscript/notes.md"]',
            "`manuscript/notes.md` is a manuscript file, not a chapter: only chapters have targets",
        ),
        (
            ".draftforge/config.yml",
            5,
            21,
            "warning",
            '$.stats.chapter_targets["chapters/x.txt"]',
            "`chapters/x.txt` is not a chapter: chapters are the Markdown files under "
            "`chapters` that `stats.include` and `stats.exclude` let through",
        ),
        (
            ".draftforge/config.yml",
            6,
            21,
            "warning",
            '$.stats.chapter_targets["chapters/99.md"]',
            "`chapters/99.md` is not a file of the project",
        ),
        (
            "chapters/01.md",
            3,
            15,
            "error",
            "$.target_words",
            "`target_words` must be at least 1, got -5",
        ),
        (
            "chapters/02.md",
            2,
            15,
            "error",
            "$.target_words",
            "`target_words` is the string `'3000'`, not a number (write it without quotes)",
        ),
        (
            "chapters/03.md",
            2,
            15,
            "warning",
            "$.target_words",
            "`target_words: 2500` gives way to `stats.chapter_targets` in "
            ".draftforge/config.yml (3000), which wins",
        ),
        (
            "manuscript/notes.md",
            2,
            15,
            "warning",
            "$.target_words",
            "`target_words` has no effect in a manuscript file: only chapters have targets",
        ),
    ]
    assert result.failed()


def test_validate_exits_1_on_a_bad_target_and_0_once_it_is_fixed(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    git_repo.write(".draftforge/config.yml", "version: '1.0'\n")
    git_repo.commit("start", files={"chapters/01.md": "---\ntarget_words: 0\n---\nText.\n"})
    monkeypatch.chdir(git_repo.path)
    failed = CliRunner().invoke(main, ["validate", "."])
    assert failed.exit_code == 1
    assert "chapters/01.md" in failed.output and "2:15" in failed.output
    (git_repo.path / "chapters" / "01.md").write_text("---\ntarget_words: 10\n---\nText.\n")
    fixed = CliRunner().invoke(main, ["validate", "."])
    assert fixed.exit_code == 0, fixed.output


def test_validate_leaves_chapters_alone_when_the_config_is_broken(tmp_path: Path) -> None:
    """The config's own errors are reported; its chapters cannot be found without it."""
    (tmp_path / ".draftforge").mkdir()
    (tmp_path / "chapters").mkdir()
    (tmp_path / ".draftforge" / "config.yml").write_text("stats:\n  daily_goal: -1\n")
    (tmp_path / "chapters" / "01.md").write_text("---\ntarget_words: 0\n---\nText.\n")
    result = validate_paths([tmp_path], base=tmp_path)
    assert [f.display for f in result.files] == [".draftforge/config.yml"]
