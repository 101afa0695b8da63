"""`draftforge stats` from the command line: the counts, the options, the exit codes, the file.

The small manuscript's numbers were worked out by hand:

* `chapters/01-opening.md`: "Act One" and "Don't / stop / the / state-of-the-art / show /
  starts / at / 8.30" = 10 words, 60 characters, 52 without spaces, title from the front
  matter;
* `chapters/2-middle.md`: "Plain text with boldly emphasis and a link" = 8 words, 43
  characters, 36 without spaces, no heading: title "Middle" from the file name;
* `chapters/10-end.md`: "The End" + 8 CJK characters (one word each) = 10 words, 16
  characters, 14 without spaces.

Totals: 28 words, 3 chapters, 119 characters, 102 without spaces; natural order 01, 2, 10.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from draftforge_stats.cli import main
from draftforge_stats.cli.stats_cmd import HistoryProgress
from draftforge_stats.statsfile import stats_errors
from tests.gitutil import GitRepo

OPENING = "---\ntitle: Opening Night\n---\n# Act One\n\nDon't stop—the state-of-the-art show starts at 8.30.\n"
MIDDLE = "Plain text with **bold**ly emphasis and a [link](http://example.com/a-b-c).\n"
END = "# The End\n\n日本語のテキスト\n"
EPOCH = "1764590400"  # 2025-12-01T12:00:00Z
STATS = Path(".draftforge") / "stats.json"


def manuscript(root: Path) -> None:
    files = {
        "chapters/01-opening.md": OPENING,
        "chapters/2-middle.md": MIDDLE,
        "chapters/10-end.md": END,
        "manuscript/notes.md": "one two three\n",  # 3 words, 13 and 11 characters
        # Passed over: hidden files and folders, files that are not Markdown.
        "chapters/.draft.md": "secret words\n",
        "chapters/.hidden/99-x.md": "more secret words\n",
        "chapters/cover.txt": "not markdown\n",
        "chapters/image.png": "png",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def book(git_repo: GitRepo) -> GitRepo:
    """The small manuscript, committed on 30 November 2025."""
    manuscript(git_repo.path)
    git_repo.commit("The book", "2025-11-30T10:00:00+01:00")
    return git_repo


def stats(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        main, ["stats", *args], env={"SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    )


def test_the_small_manuscript(book: GitRepo) -> None:
    result = stats(str(book.path), "--json")
    assert (result.exit_code, result.stderr) == (0, "")
    data = json.loads(result.stdout)
    assert stats_errors(data) == []
    current = data["current"]
    assert (
        current["word_count"],
        current["chapter_count"],
        current["character_count"],
        current["character_count_no_spaces"],
    ) == (28, 3, 119, 102)
    chapters = [
        (
            c["file"],
            c["title"],
            c["word_count"],
            c["character_count"],
            c["character_count_no_spaces"],
        )
        for c in data["breakdown"]["chapters"]
    ]
    assert chapters == [
        ("chapters/01-opening.md", "Opening Night", 10, 60, 52),
        ("chapters/2-middle.md", "Middle", 8, 43, 36),
        ("chapters/10-end.md", "The End", 10, 16, 14),
    ]
    assert data["breakdown"]["manuscript"] == [
        {
            "file": "manuscript/notes.md",
            "word_count": 3,
            "character_count": 13,
            "character_count_no_spaces": 11,
        }
    ]
    assert {c["last_modified"] for c in data["breakdown"]["chapters"]} == {"2025-11-30T09:00:00Z"}
    assert data["history"] == [
        {
            "date": "2025-11-30",
            "word_count": 28,
            "chapter_count": 3,
            "commits": 1,
            "words_written": 28,
            "words_added": 28,  # every file is new
            "words_deleted": 0,
            "commit_sha": book.head(),
        }
    ]
    assert (current["total_commits"], current["last_commit_at"]) == (1, "2025-11-30T09:00:00Z")
    # SOURCE_DATE_EPOCH is 1 December, the day after the writing: the streak holds.
    assert data["streaks"] == {
        "current_days": 1,
        "longest_days": 1,
        "last_write_date": "2025-11-30",
        "total_writing_days": 1,
    }
    assert data["generated_at"] == current["last_updated"] == "2025-12-01T12:00:00Z"
    assert (book.path / STATS).read_text(encoding="utf-8") == result.stdout


def test_the_report(book: GitRepo) -> None:
    result = stats(str(book.path))
    assert result.exit_code == 0
    out = result.stdout
    assert f"{book.path.name} (novel): 28 words in 3 chapters" in out
    assert "Streak: 1 day (longest 1 day)" in out
    assert "1 writing day, the last on 2025-11-30" in out
    assert "Words written, 2025-11-02 to 2025-12-01: +28 (best day 28)" in out
    assert "·" * 28 + "█·" in out  # the 30 days of the chart, 30 November the only one
    assert out.index("Opening Night") < out.index("Middle") < out.index("The End")
    assert "manuscript/notes.md" in out
    assert (
        "Wrote .draftforge/stats.json, .draftforge/progress.svg, .draftforge/calendar.svg." in out
    )
    again = stats(str(book.path))
    assert ".draftforge/stats.json is up to date; nothing written." in again.stdout


def test_no_write_writes_nothing(book: GitRepo) -> None:
    result = stats(str(book.path), "--no-write")
    assert result.exit_code == 0
    assert "Nothing written (--no-write)." in result.stdout
    assert not (book.path / ".draftforge").exists()
    assert not (book.path / ".git" / "draftforge-stats").exists()


def test_check(book: GitRepo) -> None:
    missing = stats(str(book.path), "--check")
    assert missing.exit_code == 1
    assert ".draftforge/stats.json is missing: run `draftforge stats`" in missing.stderr
    assert not (book.path / ".draftforge").exists()

    assert stats(str(book.path)).exit_code == 0
    current = stats(str(book.path), "--check")
    assert (current.exit_code, current.stdout) == (0, "")
    assert ".draftforge/stats.json is up to date." in current.stderr
    assert stats(str(book.path), "--check", "--quiet").stderr == ""

    before = (book.path / STATS).read_bytes()
    (book.path / "chapters" / "2-middle.md").write_text("Two words.\n", encoding="utf-8")
    stale = stats(str(book.path), "--check")
    assert stale.exit_code == 1
    assert ".draftforge/stats.json is out of date" in stale.stderr
    assert (book.path / STATS).read_bytes() == before


def test_committing_the_stats_file_keeps_it_up_to_date(book: GitRepo) -> None:
    """`last_commit_sha` passes over commits of the tool's own files (and empty ones), so
    the pre-push check passes right after the stats file is committed."""
    assert stats(str(book.path)).exit_code == 0
    stored = json.loads((book.path / STATS).read_text(encoding="utf-8"))
    assert stored["current"]["last_commit_sha"] == book.head()
    book.commit("Update the stats", "2025-11-30T12:00:00+01:00")
    book.commit("Nothing", "2025-11-30T12:05:00+01:00", allow_empty=True)
    assert stats(str(book.path), "--check").exit_code == 0
    again = stats(str(book.path))
    assert ".draftforge/stats.json is up to date; nothing written." in again.stdout
    # The config is not the tool's output: a commit of it is a commit the stats describe.
    (book.path / ".draftforge" / "config.yml").write_text("# settings\n", encoding="utf-8")
    config = book.commit("Config", "2025-11-30T12:10:00+01:00")
    assert stats(str(book.path), "--check").exit_code == 1
    assert stats(str(book.path), "--json").exit_code == 0
    stored = json.loads((book.path / STATS).read_text(encoding="utf-8"))
    assert stored["current"]["last_commit_sha"] == config
    assert stored["history"][0]["commits"] == 1  # neither commit changed the manuscript


def test_quiet_prints_nothing_but_warnings(book: GitRepo) -> None:
    (book.path / "chapters" / "11-bad.md").write_bytes(b"caf\xe9 ok\n")
    result = stats(str(book.path), "--quiet")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        "warning: chapters/11-bad.md: not valid UTF-8 at byte 3; counted with the bad bytes "
        "replaced (save the file as UTF-8 to fix)\n"
    )
    assert (book.path / STATS).is_file()


def test_invalid_utf8_is_counted_with_a_warning(book: GitRepo) -> None:
    # U+FFFD replaces byte 3 and separates the words: "caf" and "ok"; "caf\ufffd ok" is 7
    # characters.
    (book.path / "chapters" / "11-bad.md").write_bytes(b"caf\xe9 ok\n")
    result = stats(str(book.path), "--json")
    assert "chapters/11-bad.md: not valid UTF-8 at byte 3" in result.stderr
    data = json.loads(result.stdout)
    bad = data["breakdown"]["chapters"][-1]
    assert (bad["file"], bad["word_count"], bad["character_count"]) == ("chapters/11-bad.md", 2, 7)
    assert data["current"]["word_count"] == 30


def test_a_symlink_outside_the_repository_is_not_counted(book: GitRepo, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("many words outside the book\n", encoding="utf-8")
    (book.path / "chapters" / "12-link.md").symlink_to(outside)
    result = stats(str(book.path), "--json")
    assert result.exit_code == 0
    assert (
        "chapters/12-link.md: symbolic link to a file outside the project folder; not counted"
    ) in result.stderr
    assert json.loads(result.stdout)["current"]["word_count"] == 28


def test_outside_git(tmp_path: Path) -> None:
    manuscript(tmp_path)
    result = stats(str(tmp_path), "--json")
    assert result.exit_code == 0
    assert "note: Not a git repository: counts only, with no history or streaks." in result.stderr
    data = json.loads(result.stdout)
    assert stats_errors(data) == []
    assert data["current"]["word_count"] == 28
    assert (data["history"], data["current"]["last_commit_sha"]) == ([], None)
    assert "history_basis" not in data
    assert stats(str(tmp_path), "--json", "--quiet").stderr == ""


def test_an_invalid_config_writes_nothing(book: GitRepo) -> None:
    (book.path / ".draftforge").mkdir()
    (book.path / ".draftforge" / "config.yml").write_text(
        "project:\n  name: Book\nstats:\n  daily_goal: -5\n", encoding="utf-8"
    )
    result = stats(str(book.path))
    assert result.exit_code == 1
    assert ".draftforge/config.yml:4:15: $.stats.daily_goal: must be at least 1" in result.stderr
    assert not (book.path / STATS).exists()


def test_a_missing_chapters_directory(book: GitRepo) -> None:
    (book.path / ".draftforge").mkdir()
    (book.path / ".draftforge" / "config.yml").write_text(
        "structure:\n  chapters_directory: text\n", encoding="utf-8"
    )
    result = stats(str(book.path))
    assert result.exit_code == 1
    assert "The chapters directory `text` does not exist" in result.stderr
    assert "set `structure.chapters_directory`" in result.stderr
    assert not (book.path / STATS).exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert stats("--no-such-option").exit_code == 2
    assert stats(str(tmp_path / "missing")).exit_code == 2
    bad_epoch = stats(str(tmp_path), env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert bad_epoch.exit_code == 2
    assert "SOURCE_DATE_EPOCH must be a whole number of seconds" in bad_epoch.stderr


def test_two_runs_give_identical_bytes_and_the_second_touches_nothing(book: GitRepo) -> None:
    assert stats(str(book.path)).exit_code == 0
    path = book.path / STATS
    before = path.read_bytes()
    stat = path.stat()
    later = stats(str(book.path), env={"SOURCE_DATE_EPOCH": str(int(EPOCH) + 3600)})
    assert later.exit_code == 0
    assert path.read_bytes() == before
    after = path.stat()
    assert (after.st_mtime_ns, after.st_ino) == (stat.st_mtime_ns, stat.st_ino)
    assert b'"generated_at": "2025-12-01T12:00:00Z"' in before


def test_produced_files_validate_and_broken_ones_do_not(book: GitRepo) -> None:
    assert stats(str(book.path)).exit_code == 0
    data = json.loads((book.path / STATS).read_text(encoding="utf-8"))
    assert stats_errors(data) == []
    data["history"][0]["date"] = "30 November"
    data["streaks"]["current_days"] = -1
    del data["current"]["word_count"]
    assert stats_errors(data) == [
        "$.current: 'word_count' is a required property",
        "$.history[0].date: '30 November' is not a 'date'",
        "$.history[0].date: '30 November' does not match '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'",
        "$.streaks.current_days: -1 is less than the minimum of 0",
    ]


@pytest.mark.parametrize("env", [{}, {"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_output_has_no_ansi_escapes_off_a_terminal(book: GitRepo, env: dict[str, str]) -> None:
    (book.path / "chapters" / "11-bad.md").write_bytes(b"caf\xe9 ok\n")  # a warning too
    result = stats(str(book.path), env=env)
    assert result.exit_code == 0
    assert "warning:" in result.stderr
    assert "\x1b" not in result.stdout + result.stderr


def test_forced_colour_does_show_escapes(book: GitRepo) -> None:
    """The check above can see escapes: with FORCE_COLOR the report has them."""
    result = stats(str(book.path), env={"FORCE_COLOR": "1"})
    assert "\x1b[" in result.stdout


def test_the_progress_bar_shows_on_a_terminal_only_after_a_moment() -> None:
    shown = StringIO()
    progress = HistoryProgress(Console(file=shown, force_terminal=True, width=80), delay=0.0)
    progress(0, 3)
    progress(1, 3)
    progress(3, 3)
    assert "Reading the history" in shown.getvalue()
    quiet = StringIO()
    slow = HistoryProgress(Console(file=quiet, force_terminal=True, width=80), delay=3600)
    for done in range(4):
        slow(done, 3)
    assert quiet.getvalue() == ""


def test_no_progress_bar_off_a_terminal(book: GitRepo) -> None:
    result = stats(str(book.path))
    assert (result.exit_code, result.stderr) == (0, "")
