"""Commits whose dates git accepts but cannot show, and extreme `--today` values.

git stores what it is given: `git hash-object --literally` writes commits with a date
before 1970, without a time zone, with an offset of 24 hours or more, after the year 9999
or with a malformed date line. Each gets a warning naming the commit and counts on a
defined day (see draftforge_stats/gitdates.py), through the CLI and the Action alike.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from draftforge_stats.gitdates import commit_date, parse_raw_date
from draftforge_stats.gitrepo import Repository
from tests.faultkit import action_world, cli, raw_commit, run_action
from tests.gitutil import GitRepo

MARCH_1 = "2025-03-01T10:00:00+00:00"
MARCH_6 = "1741255200 +0000"  # 2025-03-06T10:00:00Z
FIRST = "One two three.\n"  # 3 words
SECOND = "Four five.\n"  # 2 words


def first_day(sha: str) -> dict[str, object]:
    return {"date": "2025-03-01", "word_count": 3, "chapter_count": 1, "commits": 1,
            "words_written": 3, "words_added": 3, "words_deleted": 0,
            "commit_sha": sha}  # fmt: skip


def odd_repo(repo: GitRepo, author: str, committer: str = MARCH_6) -> tuple[str, str]:
    """A normal first commit, then one hand-written commit adding a chapter."""
    first = repo.commit("Start", MARCH_1, files={"chapters/01.md": FIRST})
    repo.write("chapters/02.md", SECOND)
    return first, raw_commit(repo, author, committer)


CASES = {
    # name: (author date part, what the warning says)
    "before 1970": ("-86400 +0000", "git cannot use its author date (a date before 1970"),
    "no time zone": ("1741255200", "git cannot use its author date (a date before 1970"),
    "malformed": ("yesterday noon", "git cannot use its author date (a date before 1970"),
    "after 9998": ("253402300800 +0000", "git cannot use its author date (a date after"),
    "offset of 99 hours": ("1741255200 +9900", "has a time-zone offset of +9900, 24 hours"),
    "offset of exactly 24 hours": ("1741255200 -2400", "offset of -2400, 24 hours or more"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_odd_author_date_warns_and_counts_on_a_defined_day(git_repo: GitRepo, case: str) -> None:
    author, said = CASES[case]
    first, odd = odd_repo(git_repo, author)

    result = cli("stats", str(git_repo.path), "--json", "--no-write", "--today", "2025-03-07")

    assert result.exit_code == 0, result.output
    warning = next(line for line in result.stderr.splitlines() if odd[:12] in line)
    assert warning.startswith(f"warning: commit {odd[:12]}: ")
    assert said in warning
    data = json.loads(result.stdout)
    assert data["history"] == [
        {"date": "2025-03-06", "word_count": 5, "chapter_count": 2, "commits": 1,
         "words_written": 2, "words_added": 2, "words_deleted": 0, "commit_sha": odd},
        first_day(first),
    ]  # fmt: skip
    assert data["streaks"]["current_days"] == 1


def test_a_commit_without_any_usable_date_counts_on_the_next_dated_commit(
    git_repo: GitRepo,
) -> None:
    first, odd = odd_repo(git_repo, "-5 +0000", "garbage")
    last = git_repo.commit("Three", "2025-03-08T09:00:00+02:00", files={"chapters/03.md": "Six.\n"})

    result = cli("stats", str(git_repo.path), "--json", "--no-write", "--today", "2025-03-08")

    assert result.exit_code == 0, result.output
    assert (
        f"warning: commit {odd[:12]}: git can use neither its author date (a date before 1970, "
        "no time zone, or a malformed date line) nor its committer date (a date before 1970, no "
        "time zone, or a malformed date line); its changes count on the day of the next commit "
        "with a date."
    ) in result.stderr.replace("\n", " ")
    data = json.loads(result.stdout)
    assert data["history"] == [
        {"date": "2025-03-08", "word_count": 6, "chapter_count": 3, "commits": 2,
         "words_written": 3, "words_added": 3, "words_deleted": 0,  # 2 carried, 1 its own
         "commit_sha": last},
        first_day(first),
    ]  # fmt: skip
    assert data["current"]["total_commits"] == 3
    # The undated commit's chapter was last changed on the day it counts on.
    chapters = {c["file"]: c["last_modified"] for c in data["breakdown"]["chapters"]}
    assert chapters["chapters/02.md"] == "2025-03-08T07:00:00Z"


def test_many_odd_commits_name_five_then_say_how_many_more(git_repo: GitRepo) -> None:
    git_repo.commit("Start", MARCH_1, files={"chapters/01.md": FIRST})
    odd = []
    for number in range(7):
        git_repo.write(f"chapters/{number + 2:02}.md", "Word.\n")
        odd.append(raw_commit(git_repo, f"{1741255200 + number} +9900", MARCH_6))

    result = cli("stats", str(git_repo.path), "--no-write", "--quiet")

    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert [line.split(":")[1].strip() for line in warnings[:5]] == [
        f"commit {sha[:12]}" for sha in odd[:5]
    ]
    assert warnings[5] == "warning: 2 more commits of the manuscript have odd dates too."
    assert len(warnings) == 6


def test_the_action_warns_about_an_odd_date_and_writes_its_outputs(
    tmp_path: Path, bare_remote: Path, git_repo: GitRepo
) -> None:
    _, odd = odd_repo(git_repo, "1741255200")
    world = action_world(tmp_path, bare_remote, git_repo)

    run = run_action(world)

    assert run.code == 0, run.stdout
    assert any(
        line.startswith(f"::warning::commit {odd[:12]}: git cannot use its author date")
        for line in run.lines()
    )
    values = run.output_values()
    assert (values["word-count"], values["chapter-count"], values["changed"]) == ("5", "2", "true")


@pytest.mark.parametrize("today", ["0001-01-01", "0001-01-02", "1900-06-15", "9999-12-31"])
def test_any_today_the_date_type_holds_is_fine(git_repo: GitRepo, today: str) -> None:
    git_repo.commit("Start", MARCH_1, files={"chapters/01.md": FIRST})

    result = cli("stats", str(git_repo.path), "--no-write", "--today", today)

    assert result.exit_code == 0, result.output
    # A day before the first commit: the streak is alive (the commit is "ahead of the clock");
    # 9999-12-31 is long after it: no current streak.
    current = "0 days" if today == "9999-12-31" else "1 day"
    assert f"Streak: {current} (longest 1 day)" in result.stdout


def test_today_far_away_outside_git_counts_too(tmp_path: Path) -> None:
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters/01.md").write_text(FIRST, encoding="utf-8")
    for today in ("0001-01-01", "9999-12-31"):
        result = cli("stats", str(tmp_path), "--json", "--no-write", "--today", today)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["current"]["word_count"] == 3


# ------------------------------------------------------------------------------ pieces


def test_raw_dates_are_read_with_their_offsets() -> None:
    assert parse_raw_date("1741255200 +0530") == (
        datetime(2025, 3, 6, 15, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        None,
    )
    assert parse_raw_date("0 -2359")[0] == datetime(1970, 1, 1, tzinfo=UTC)
    assert parse_raw_date("1741255200 +2400") == (
        datetime(2025, 3, 6, 10, tzinfo=UTC),
        "a time-zone offset of +2400, 24 hours or more",
    )
    assert parse_raw_date("") == (
        None,
        "a date before 1970, no time zone, or a malformed date line",
    )
    assert parse_raw_date("99999999999999999999999 +0000") == (None, "a date after the year 9998")


def test_the_committer_date_stands_in_for_an_unusable_author_date() -> None:
    dated = commit_date("", "1741255200 +0100")
    assert dated.moment == datetime(2025, 3, 6, 11, tzinfo=timezone(timedelta(hours=1)))
    assert dated.problem is not None and "committer date" in dated.problem
    assert commit_date("1741255200 +0100", "").problem is None
    assert commit_date("", "").moment is None


@pytest.mark.parametrize(
    ("epoch", "stamp", "current"),
    [
        ("253402300799", "9999-12-31T23:59:59Z", 0),  # in +05:00 that is already year 10000
        ("-62135596800", "0001-01-01T00:00:00Z", 1),  # before the commit: the streak holds
    ],
)
def test_the_run_time_may_be_the_first_or_last_second_there_is(
    git_repo: GitRepo, epoch: str, stamp: str, current: int
) -> None:
    git_repo.commit("Start", "2025-03-01T10:00:00+05:00", files={"chapters/01.md": FIRST})

    result = cli("stats", str(git_repo.path), "--json", env={"SOURCE_DATE_EPOCH": epoch})

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["generated_at"], data["current"]["last_updated"]) == (stamp, stamp)
    assert data["streaks"]["current_days"] == current


def test_a_commit_dated_far_ahead_of_the_clock_warns_and_counts_on_its_day(
    git_repo: GitRepo,
) -> None:
    _, ahead = odd_repo(git_repo, "32503716000 +0000")  # 3000-01-01T10:00:00Z

    result = cli("stats", str(git_repo.path), "--json", "--no-write",
                 env={"SOURCE_DATE_EPOCH": "1741600800"})  # 2025-03-10T10:00:00Z  # fmt: skip

    assert result.exit_code == 0, result.output
    assert warnings(result.stderr) == [
        f"warning: commit {ahead[:12]}: it is dated 3000-01-01, after the time of this run "
        "(2025-03-10); it counts on that day. git accepted the commit as it is; to give it a "
        "proper date, rewrite it (`git rebase` or `git commit --amend --date=...`)."
    ]
    data = json.loads(result.stdout)
    assert [(e["date"], e["word_count"]) for e in data["history"]] == [
        ("3000-01-01", 5),
        ("2025-03-01", 3),
    ]
    # Ahead of the clock, the last writing day keeps the streak (as the README says).
    assert data["streaks"]["current_days"] == 1


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.replace("\n  ", " ").splitlines() if line.startswith("warn")]


def test_the_webhooks_commit_date_survives_an_unusable_committer_date(git_repo: GitRepo) -> None:
    git_repo.commit("Start", MARCH_1, files={"chapters/01.md": FIRST})
    git_repo.write("chapters/02.md", SECOND)
    odd = raw_commit(git_repo, MARCH_6, "garbage")
    git_repo.write("chapters/03.md", SECOND)
    neither = raw_commit(git_repo, "", "")
    repo = Repository.find(git_repo.path)
    assert repo is not None

    assert repo.committer_date(odd) == datetime(2025, 3, 6, 10, tzinfo=UTC)  # the author's
    assert repo.committer_date(neither) == datetime(1970, 1, 1, tzinfo=UTC)
    assert repo.committer_date("0" * 40) is None  # no such commit
