"""The terminal report as a file or a pipe gets it: at 80 and 60 columns, with and without
`NO_COLOR`, through the real CLI. No line ends in spaces, nothing is cut short, the progress
bar never wraps, and the heatmap of the last weeks sits beside the streak."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner, Result

from draftforge_stats.cli import main
from tests.gitutil import GitRepo

EPOCH = "1764590400"  # 2025-12-01T12:00:00Z, a Monday
LONG_TITLE = "The Inspector Calls at Midnight, and Nobody Answers the Door"
PATHS = (
    "chapters/01-the-lamp-room.md",
    "chapters/part-two/10-the-inspector-calls.md",
    "chapters/part-two/11-the-inspector-leaves.md",
)


def words(count: int) -> str:
    return " ".join(["word"] * count) + "\n"


@pytest.fixture
def book(git_repo: GitRepo) -> GitRepo:
    """300 words on Monday 8 September, 1,600 on Sunday 30 November, 10 on Monday 1 December."""
    git_repo.commit(
        "Start", "2025-09-08T10:00:00+00:00",
        files={".draftforge/config.yml": "project: {target_word_count: 80000}\n",
               PATHS[0]: words(300)},
    )  # fmt: skip
    git_repo.commit(
        "Part two", "2025-11-30T10:00:00+00:00",
        files={PATHS[1]: f"# {LONG_TITLE}\n\n" + words(1589), PATHS[2]: "# Leaves\n\none\n"},
    )  # fmt: skip
    git_repo.commit("More", "2025-12-01T09:00:00+00:00", files={PATHS[0]: words(310)})
    return git_repo


def run(*args: str, columns: int, **env: str) -> Result:
    return CliRunner().invoke(
        main, list(args), env={"SOURCE_DATE_EPOCH": EPOCH, "COLUMNS": str(columns), **env}
    )


def check_lines(text: str, columns: int) -> list[str]:
    lines = text.splitlines()
    for line in lines:
        assert line == line.rstrip(), repr(line)
        assert len(line) <= columns, line
    assert "…" not in text
    return lines


@pytest.mark.parametrize("columns", [80, 60])
def test_the_report_at_80_and_60_columns(book: GitRepo, columns: int) -> None:
    result = run("stats", str(book.path), "--no-write", columns=columns)
    assert result.exit_code == 0, result.output
    lines = check_lines(result.stdout, columns)
    for path in PATHS:  # whole, on one line
        assert any(path in line for line in lines), path
    for word in re.findall(r"\w+", LONG_TITLE):
        assert word in result.stdout
    bar = next(line for line in lines if "% of 80,000 words" in line)
    # 310 + (11 + 1,589) + 2 = 1,912 words of 80,000: 2.4 %, one cell in 40 (or 39) filled
    assert re.fullmatch(r"█░+ 2\.4% of 80,000 words", bar)
    # The streak and, beside it, the 13 weeks from Monday 8 September to Monday 1 December.
    start = lines.index("        Oct Nov Dec")
    assert lines[start + 1 : start + 8] == [
        "Mon ▒···········░     Streak: 2 days (longest 2 days)",
        "    ············      3 writing days, the last on 2025-12-01",
        "Wed ············",
        "    ············      Words added a day:",
        "Fri ············      · 0  ░ 1+  ▒ 250+  ▓ 750+  █ 1,500+",
        "    ············",
        "Sun ···········█",
    ]


def test_the_streak_goes_above_the_heatmap_when_the_line_is_too_narrow(book: GitRepo) -> None:
    result = run("stats", str(book.path), "--no-write", columns=50)
    lines = check_lines(result.stdout, 50)
    start = lines.index("Streak: 2 days (longest 2 days)")
    assert lines[start + 1 : start + 6] == [
        "3 writing days, the last on 2025-12-01",
        "",
        "Words added a day:",
        "· 0  ░ 1+  ▒ 250+  ▓ 750+  █ 1,500+",
        "        Oct Nov Dec",
    ]
    assert lines[start + 6] == "Mon ▒···········░"


def test_no_color_means_no_escape_codes_at_all(book: GitRepo) -> None:
    coloured = run("stats", str(book.path), "--no-write", columns=80, FORCE_COLOR="1")
    assert "\x1b[" in coloured.stdout  # a terminal gets colour and bold...
    plain = run("stats", str(book.path), "--no-write", columns=80, FORCE_COLOR="1", NO_COLOR="1")
    assert plain.exit_code == 0
    assert "\x1b" not in plain.stdout  # ...but not with NO_COLOR: no bold, no dim either
    check_lines(plain.stdout, 80)


@pytest.mark.parametrize("columns", [80, 60])
def test_validate_text_has_no_spaces_at_line_ends(
    book: GitRepo, columns: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(book.path)
    book.write(
        ".draftforge/config.yml",
        "project:\n  type: novell\n  target_word_count: '80k'\nstructure:\n  chapter_dir: x\n",
    )
    result = run("validate", columns=columns, FORCE_COLOR="1", NO_COLOR="1")
    assert result.exit_code == 1
    lines = check_lines(result.stdout, columns)
    assert lines[0] == ".draftforge/config.yml  3 errors, 1 warning"  # no manuscript folder
    assert lines[-1] == "Failed: 3 errors and 1 warning in 1 of 1 file checked."
    assert "\x1b" not in result.stdout
