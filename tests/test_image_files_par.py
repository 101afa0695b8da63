"""The card that `draftforge stats` writes for a project with a deadline: the stats file's
`goal.par` is drawn as a mark on the bar, where a real renderer (resvg) shows it, in the light
and the dark theme; the messages after the report end no line in spaces; titles and paths
with brackets show as they are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from draftforge_stats.cli import main
from draftforge_stats.images.progress import BAR_HEIGHT, BAR_X, BAR_Y
from tests.gitutil import GitRepo
from tests.imaging import THEMES, close, hex_rgb, render, texts, theme_colours, themed

EPOCH = "1764590400"  # 2025-12-01T12:00:00Z
CONFIG = "project: {name: Par, target_word_count: 11000}\nstats: {deadline: 2025-12-31}\n"


def words(count: int) -> str:
    return " ".join(["word"] * count) + "\n"


def stats(repo: GitRepo, columns: int = 100) -> Result:
    return CliRunner().invoke(
        main, ["stats", str(repo.path)], env={"SOURCE_DATE_EPOCH": EPOCH, "COLUMNS": str(columns)}
    )


@pytest.fixture
def book(git_repo: GitRepo) -> GitRepo:
    """1,000 words on Friday 21 November 2025, 4,300 on Monday 1 December (today)."""
    git_repo.commit(
        "Start", "2025-11-21T10:00:00+00:00",
        files={".draftforge/config.yml": CONFIG, "chapters/01-one.md": words(1000)},
    )  # fmt: skip
    git_repo.commit("More", "2025-12-01T09:00:00+00:00", files={"chapters/01-one.md": words(4300)})
    return git_repo


@pytest.mark.parametrize("theme", THEMES)
def test_the_card_draws_the_par_of_the_stats_file(book: GitRepo, theme: str) -> None:
    result = stats(book)
    assert result.exit_code == 0, result.output
    folder = book.path / ".draftforge"
    goal = json.loads((folder / "stats.json").read_text("utf-8"))["goal"]
    # The line starts at the end of 21 November (1,000 words) and reaches 11,000 at the end of
    # 31 December: 40 writing days. 1 December is the 10th: 1,000 + 10,000 * 10 / 40 = 3,500.
    assert (goal["par"], goal["ahead_by"]) == (3500, 800)
    svg = (folder / "progress.svg").read_text("utf-8")
    assert "par 3,500" in texts(svg)
    colours = {name: hex_rgb(value) for name, value in theme_colours(svg, theme).items()}
    image = render(themed(svg, theme))
    # par: 3,500 / 11,000 of 440 px = 140 px, a 2 px mark from 139 to 141 above the bar
    assert close(image.getpixel((BAR_X + 139, BAR_Y - 2)), colours["par"])
    assert close(image.getpixel((BAR_X + 140, BAR_Y - 2)), colours["par"])
    assert not close(image.getpixel((BAR_X + 143, BAR_Y - 2)), colours["par"], 40)
    # the words: 4,300 / 11,000 of 440 px = 172 px of bar, then the track
    middle = BAR_Y + BAR_HEIGHT // 2
    assert close(image.getpixel((BAR_X + 170, middle)), colours["bar"])
    assert close(image.getpixel((BAR_X + 174, middle)), colours["track"])


def test_without_a_deadline_the_card_has_no_par(git_repo: GitRepo) -> None:
    git_repo.commit(
        "Start", "2025-11-21T10:00:00+00:00",
        files={".draftforge/config.yml": "project: {target_word_count: 11000}\n",
               "chapters/01-one.md": words(1000)},
    )  # fmt: skip
    assert stats(git_repo).exit_code == 0
    svg = (git_repo.path / ".draftforge" / "progress.svg").read_text("utf-8")
    assert not [text for text in texts(svg) if text.startswith("par")]
    assert 'class="par"' not in svg.split("</style>")[1]


@pytest.mark.parametrize("columns", [60, 40])
def test_the_messages_after_the_report_end_no_line_in_spaces(book: GitRepo, columns: int) -> None:
    first = stats(book, columns)
    again = stats(book, columns)
    for result in (first, again):
        assert result.exit_code == 0, result.output
        for line in result.stdout.splitlines():
            assert line == line.rstrip(), repr(line)
            assert len(line) <= columns, line
    tail = first.stdout.split("└")[-1].split("\n", 1)[1]  # the text below the chapter table
    assert " ".join(tail.split()) == (
        "Wrote .draftforge/stats.json, .draftforge/progress.svg, .draftforge/calendar.svg."
    )
    tail = again.stdout.split("└")[-1].split("\n", 1)[1]
    assert " ".join(tail.split()) == ".draftforge/stats.json is up to date; nothing written."


def test_init_ends_no_line_in_spaces_and_keeps_brackets(tmp_path: Path) -> None:
    folder = tmp_path / "[draft] book"
    folder.mkdir()
    result = CliRunner().invoke(main, ["init", str(folder)], env={"COLUMNS": "60"})
    assert result.exit_code == 0, result.output
    for line in result.stdout.splitlines():
        assert line == line.rstrip(), repr(line)
        assert len(line) <= 60, line
    # a path longer than a line is folded, never cut short, and its brackets are kept
    assert "filesin" + folder.as_posix().replace(" ", "") in "".join(result.stdout.split())


def test_titles_and_paths_show_as_they_are_in_the_report(git_repo: GitRepo) -> None:
    git_repo.commit(
        "Start", "2025-11-30T10:00:00+00:00",
        files={".draftforge/config.yml": "project: {name: '[red]Q[/red]'}\n",
               "chapters/01-[x].md": "# [bold]Loud[/bold] title\n\none two\n",
               "manuscript/[notes].md": "one\n"},
    )  # fmt: skip
    result = stats(git_repo)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("[red]Q[/red] (novel): ")
    rows = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert rows[0].startswith("│ 1 │ [bold]Loud[/bold] title │ chapters/01-[x].md │")
    assert rows[-1].startswith("│ manuscript/[notes].md ")
