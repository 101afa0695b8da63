"""A stored history is never shortened, and the author's bytes survive (pipeline.py,
statsfile/salvage.py, statsfile/backup.py, statsfile/write.py), in the CLI and the Action.

Real git repositories, real bare remotes, real shallow clones whose unshallow fetch fails,
real concurrent `draftforge stats` processes, and a non-root user where permissions matter.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import traceback
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from draftforge_stats.cli import main as cli_main
from draftforge_stats.errors import HistoryLossError
from draftforge_stats.pipeline import run_stats
from draftforge_stats.statsfile import (
    dates_in_text,
    keep_backup,
    remove_stale_temporaries,
    salvage_history,
)
from draftforge_stats.statsfile.write import STALE_AFTER
from tests.builders import World, assert_secrets_hidden, clone, git_in, head_of
from tests.conftest import NOBODY
from tests.gitutil import GitRepo

STATS = ".draftforge/stats.json"
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
DAYS = [date(2025, 3, day).isoformat() for day in range(1, 9)]  # 1 to 8 March: 8 days


def words(n: int) -> str:
    return " ".join(["word"] * n) + "\n"


def stored_dates(text: str) -> list[str]:
    return [entry["date"] for entry in json.loads(text)["history"]]


def eight_days_on_origin(tmp_path: Path, bare_remote: Path, edit: Any = None) -> GitRepo:
    """An author who wrote on 8 days (1 to 8 March), committed the stats file (edited by
    `edit(data)` when given), then wrote once more on 10 March; all pushed to `origin`."""
    author = clone(bare_remote, tmp_path / "author")
    for number, day in enumerate(DAYS, start=1):
        author.commit(
            f"Day {number}", f"{day}T10:00:00+00:00", files={"chapters/01.md": words(10 * number)}
        )
    run_stats(author.path, now=datetime(2025, 3, 8, 12, 0, tzinfo=UTC))
    if edit is not None:
        path = author.path / STATS
        data = json.loads(path.read_text("utf-8"))
        edit(data)
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    author.commit("Stats", "2025-03-08T12:00:00+00:00")
    author.commit("Day 9", "2025-03-10T10:00:00+00:00", files={"chapters/01.md": words(95)})
    author.git("push", "-q", "origin", "main")
    return author


FAILS_ONCE = """#!/bin/sh
# git-upload-pack that fails the first time: the unshallow fetch fails, later ones work
if [ ! -e "$0.failed" ]; then touch "$0.failed"; echo "the server hung up" >&2; exit 1; fi
exec git-upload-pack "$@"
"""


def shallow_world(tmp_path: Path, bare_remote: Path, author: GitRepo) -> World:
    """The runner's depth-1 clone, whose fetch of the full history fails once (pushing works)."""
    workspace = clone(f"file://{bare_remote}", tmp_path / "workspace", "--depth", "1")
    pushed = head_of(bare_remote)
    world = World(tmp_path, bare_remote, author, workspace, pushed, pushed)
    script = tmp_path / "upload-pack-fails-once"
    script.write_text(FAILS_ONCE, "utf-8")
    script.chmod(0o755)
    workspace.git("config", "remote.origin.uploadpack", str(script))
    return world


def one_extra_key(data: dict[str, Any]) -> None:
    data["current"]["words_per_minute"] = 12  # a key a newer version might write


def hand_edited_entry(data: dict[str, Any]) -> None:
    data["history"][3]["word_count"] = "fifty"  # the entry of 5 March


# ------------------------------------------------------------------ reading a broken file


def test_salvage_keeps_every_valid_entry_and_names_the_others() -> None:
    entry = {"word_count": 5, "chapter_count": 1, "commits": 1, "words_written": 5}
    history = [
        {"date": "2025-03-03", **entry, "commit_sha": "c" * 40},
        {"date": "2025-03-02", **entry, "commits": 0, "commit_sha": "b" * 40},
        "not an entry",
        {"date": "2025-03-03", **entry, "commit_sha": "d" * 40},
        {"date": "2025-02-30", **entry, "commit_sha": "e" * 40},
        {"date": "2025-03-01", **entry, "commit_sha": "a" * 40},
    ]
    found = salvage_history({"history": history, "current": "broken"})

    assert [e["date"] for e in found.entries] == ["2025-03-03", "2025-03-01"]
    assert found.problems == (
        "$.history[1].commits: 0 is less than the minimum of 1",
        "$.history[2]: 'not an entry' is not of type 'object'",
        "$.history[3]: a second entry for 2025-03-03; the first is kept",
        "$.history[4].date: '2025-02-30' is not a 'date'",
    )
    # The dates of the entries left out are still days the stored history names.
    assert found.dates == {date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 3)}


def test_the_dates_of_a_file_cut_short_are_still_known() -> None:
    text = '{"version": "1.0.0", "history": [{"date": "2025-03-08", "word_count": 80}, {"date"'
    assert dates_in_text(text) == {date(2025, 3, 8)}
    assert dates_in_text('{"date": "2025-13-01", "last_write_date": "2025-03-01"}') == set()


# ------------------------------------------------------------------ the Action never shortens


def test_a_newer_file_in_a_shallow_clone_fails_the_action_and_pushes_nothing(
    tmp_path: Path, bare_remote: Path
) -> None:
    # The reproduction: depth-1 clone, unshallow fails, one extra key: 8 days on
    # origin before, 1 after the push. Now: the job fails and origin keeps its 8 days.
    author = eight_days_on_origin(tmp_path, bare_remote, one_extra_key)
    world = shallow_world(tmp_path, bare_remote, author)
    before = head_of(bare_remote)
    stored = (world.workspace.path / STATS).read_bytes()

    run = world.run()

    assert run.code == 1
    assert run.lines()[-1] == (
        "::error::.draftforge/stats.json was written by a newer version of DraftForge Stats "
        "(it has keys this version does not know: $.current.words_per_minute). This version "
        "would lose what it does not understand, so nothing was written. Upgrade DraftForge "
        "Stats (`pip install --upgrade draftforge-stats`; in a workflow, use the newest release "
        "of the action), or remove the keys if you added them by hand."
    )
    assert head_of(bare_remote) == before
    assert stored_dates(git_in(bare_remote, "show", f"main:{STATS}")) == DAYS[::-1]
    assert (world.workspace.path / STATS).read_bytes() == stored
    assert not (world.workspace.path / (STATS + ".bak")).exists()


@pytest.mark.parametrize("version", ["1.1.1", "1.2.0", "2.0.0"])
def test_a_higher_format_version_is_never_overwritten(
    tmp_path: Path, bare_remote: Path, version: str
) -> None:
    author = eight_days_on_origin(tmp_path, bare_remote, lambda d: d.update(version=version))
    stored = (author.path / STATS).read_bytes()

    result = CliRunner().invoke(cli_main, ["stats", str(author.path)])

    assert result.exit_code == 1
    assert f"(it was written in a newer format, version {version})" in result.output
    assert (author.path / STATS).read_bytes() == stored
    # Without writing, the numbers are shown with the same words as a warning.
    dry = CliRunner().invoke(cli_main, ["stats", "--no-write", "-q", str(author.path)])
    assert dry.exit_code == 0
    assert "warning: .draftforge/stats.json was written by a newer version" in dry.output
    assert (author.path / STATS).read_bytes() == stored


def test_a_hand_edited_entry_in_a_shallow_clone_fails_rather_than_drop_its_day(
    tmp_path: Path, bare_remote: Path
) -> None:
    author = eight_days_on_origin(tmp_path, bare_remote, hand_edited_entry)
    world = shallow_world(tmp_path, bare_remote, author)
    before = head_of(bare_remote)

    run = world.run()

    assert run.code == 1
    assert run.lines()[-1] == (
        "::error::The new stats would drop 1 day of the 8 days of history stored in "
        ".draftforge/stats.json (2025-03-05): git cannot make them again: a shallow clone "
        "(fetch the whole history with `git fetch --unshallow`; in GitHub Actions, "
        "actions/checkout with `fetch-depth: 0`), a rewritten history, or changed settings. "
        "Nothing was written. To replace the stored history with the shorter one anyway, run "
        "`draftforge stats --allow-shorter-history` (in the GitHub Action: "
        "`allow-shorter-history: true`)."
    )
    assert head_of(bare_remote) == before
    assert not (world.workspace.path / (STATS + ".bak")).exists()


def test_allow_shorter_history_keeps_the_valid_days_and_says_where_the_bytes_are(
    tmp_path: Path, bare_remote: Path
) -> None:
    author = eight_days_on_origin(tmp_path, bare_remote, hand_edited_entry)
    world = shallow_world(tmp_path, bare_remote, author)
    # the clone's only commit: git shows it as adding every file, the stats file too
    boundary = world.pushed
    original = (world.workspace.path / STATS).read_bytes()
    world.inputs = {"INPUT_ALLOW-SHORTER-HISTORY": "true"}

    run = world.run()

    assert run.code == 0, run.stdout
    pushed = stored_dates(git_in(bare_remote, "show", f"main:{STATS}"))
    # 7 valid stored days (all but 5 March) and the clone's day, 10 March.
    assert pushed == ["2025-03-10", *[d for d in DAYS[::-1] if d != "2025-03-05"]]
    warnings = [line for line in run.lines() if line.startswith("::warning::")]
    assert warnings[1] == (
        "::warning::.draftforge/stats.json is not a valid stats file (it does not match the "
        "schema: $.history[3].word_count: 'fifty' is not of type 'integer'); its "
        "history was read entry by entry: 7 days kept, 1 left out ($.history[3].word_count: "
        "'fifty' is not of type 'integer'); it was made again; its exact bytes are kept in "
        ".draftforge/stats.json.bak, and its last committed version is in commit "
        f"{boundary[:12]} (`git show {boundary[:12]}:.draftforge/stats.json`)."
    )
    assert warnings[2] == (
        "::warning::The stored history of .draftforge/stats.json was replaced by a shorter "
        "one, as asked (--allow-shorter-history): 1 day dropped (2025-03-05)."
    )
    assert warnings[-1] == (
        "::warning::The backup .draftforge/stats.json.bak is not committed: it goes with the "
        "runner when the job ends."
    )
    assert (world.workspace.path / (STATS + ".bak")).read_bytes() == original
    assert_secrets_hidden(run)


def test_a_hand_edited_entry_in_a_full_clone_is_made_again_from_git(
    tmp_path: Path, bare_remote: Path
) -> None:
    author = eight_days_on_origin(tmp_path, bare_remote, hand_edited_entry)
    workspace = clone(bare_remote, tmp_path / "workspace")
    pushed = head_of(bare_remote)
    world = World(tmp_path, bare_remote, author, workspace, pushed, pushed)

    run = world.run()

    assert run.code == 0, run.stdout
    history = json.loads(git_in(bare_remote, "show", f"main:{STATS}"))["history"]
    assert [e["date"] for e in history] == ["2025-03-10", *DAYS[::-1]]
    assert history[4] == {
        "date": "2025-03-05",
        "word_count": 50,
        "chapter_count": 1,
        "commits": 1,
        "words_written": 10,
        "words_added": 10,
        "words_deleted": 0,
        "commit_sha": author.git("rev-parse", "main~5"),
    }


# ------------------------------------------------------------------ the CLI never shortens


def test_the_cli_refuses_to_drop_days_unless_asked(tmp_path: Path, bare_remote: Path) -> None:
    author = eight_days_on_origin(tmp_path, bare_remote, hand_edited_entry)
    shallow = clone(f"file://{bare_remote}", tmp_path / "shallow", "--depth", "1")
    original = (shallow.path / STATS).read_bytes()

    refused = CliRunner().invoke(cli_main, ["stats", "-q", str(shallow.path)])

    assert refused.exit_code == 1
    assert "error: The new stats would drop 1 day of the 8 days" in refused.output
    assert (shallow.path / STATS).read_bytes() == original
    assert list((shallow.path / ".draftforge").glob("stats.json.*")) == []
    # --check and --no-write write nothing anyway: a warning, and --check fails as out of date
    checked = CliRunner().invoke(cli_main, ["stats", "--check", str(shallow.path)])
    assert checked.exit_code == 1
    assert "warning: The new stats would drop 1 day" in checked.output

    allowed = CliRunner().invoke(
        cli_main, ["stats", "-q", "--allow-shorter-history", str(shallow.path)]
    )

    assert allowed.exit_code == 0, allowed.output
    assert stored_dates((shallow.path / STATS).read_text("utf-8")) == [
        "2025-03-10",
        *[d for d in DAYS[::-1] if d != "2025-03-05"],
    ]
    assert (shallow.path / (STATS + ".bak")).read_bytes() == original
    assert author.head() == head_of(bare_remote)


def test_a_stored_history_outside_git_is_not_replaced_by_none(tmp_path: Path) -> None:
    # A project copied out of its repository: no git, so no history can be made.
    repo = GitRepo(tmp_path / "book")
    repo.path.mkdir()
    repo.git("init", "-q")
    repo.commit("a", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": words(3)})
    run_stats(repo.path, now=NOW)
    shutil.rmtree(repo.path / ".git")
    stored = (repo.path / STATS).read_bytes()

    with pytest.raises(HistoryLossError, match="this folder is not in a git repository"):
        run_stats(repo.path, now=NOW)
    assert (repo.path / STATS).read_bytes() == stored


def test_a_file_cut_short_still_protects_the_days_it_named(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-03-02T10:00:00+00:00", files={"chapters/01.md": words(3)})
    path = git_repo.path / STATS
    path.parent.mkdir()
    cut = b'{"version": "1.0.0", "history": [{"date": "2025-03-02"}, {"date": "2025-03-01", "wo'
    path.write_bytes(cut)

    with pytest.raises(HistoryLossError, match=r"would drop 1 day of the 2 days .*\(2025-03-01\)"):
        run_stats(git_repo.path, now=NOW)
    assert path.read_bytes() == cut


def test_an_unreadable_stats_file_is_never_replaced(nobodys_folder: Path) -> None:
    """As a non-root user (root reads anything): a file that cannot be read cannot be kept."""
    tmp_path = nobodys_folder
    folder = tmp_path / "book"
    (folder / "chapters").mkdir(parents=True)
    (folder / "chapters/01.md").write_text(words(3), "utf-8")
    (folder / ".draftforge").mkdir()
    (folder / STATS).write_text('{"history": []}\n', "utf-8")
    subprocess.run(["chown", "-R", "65534:65534", str(tmp_path)], check=True)
    os.chmod(folder / STATS, 0o000)
    command = [*NOBODY, sys.executable, "-m", "draftforge_stats", "stats", "-q", str(folder)]

    result = subprocess.run(command, capture_output=True, text=True, env=_plain_env(tmp_path))

    assert result.returncode == 1, result.stderr
    assert " ".join(result.stderr.split()) == (
        "error: .draftforge/stats.json is not replaced: it cannot be used: cannot be read: "
        "permission denied (make it readable: `chmod a+r`). Its history could not be read, so "
        "nothing was written."
    )
    assert sorted(p.name for p in (folder / ".draftforge").iterdir()) == ["stats.json"]
    os.chmod(folder / STATS, 0o644)
    assert (folder / STATS).read_text("utf-8") == '{"history": []}\n'


# ------------------------------------------------------------------ the author's bytes survive


def test_a_second_broken_file_gets_its_own_backup(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": words(3)})
    path = git_repo.path / STATS
    path.parent.mkdir()
    first, second = b"{not json\n", b"{still not json\n"
    path.write_bytes(first)
    run_stats(git_repo.path, now=NOW)
    path.write_bytes(second)
    run_stats(git_repo.path, now=NOW)
    path.write_bytes(first)  # the same bytes again: the backup that holds them is reused
    again = run_stats(git_repo.path, now=NOW)

    assert (git_repo.path / (STATS + ".bak")).read_bytes() == first
    assert (git_repo.path / (STATS + ".bak.1")).read_bytes() == second
    assert again.backup == git_repo.path / (STATS + ".bak")
    assert sorted(p.name for p in path.parent.glob("stats.json*")) == [
        "stats.json",
        "stats.json.bak",
        "stats.json.bak.1",
    ]


def test_keep_backup_never_overwrites_and_keeps_the_bytes_it_was_given(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    path.write_bytes(b"what is there now")
    (tmp_path / "stats.json.bak").write_bytes(b"an older backup")

    kept = keep_backup(path, b"what was read")

    assert kept == tmp_path / "stats.json.bak.1"
    assert kept.read_bytes() == b"what was read"
    assert (tmp_path / "stats.json.bak").read_bytes() == b"an older backup"
    assert path.read_bytes() == b"what is there now"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "stats.json",
        "stats.json.bak",
        "stats.json.bak.1",
    ]


def _plain_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "COLUMNS"))}
    env.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1", NO_COLOR="1")
    return env


def _stats_worker(folder: str, rounds: int, barrier: Any, results: Any) -> None:
    """One `draftforge stats` process: each round, wait for the broken file, run, report."""
    for _ in range(rounds):
        barrier.wait()  # the file of this round is in place: both workers start together
        try:
            run_stats(Path(folder), now=NOW)
            results.put("ok")
        except BaseException:
            results.put(traceback.format_exc())
        barrier.wait()  # both finished


def test_two_runs_at_once_on_a_broken_file_never_crash_or_lose_its_bytes(tmp_path: Path) -> None:
    """20 rounds of two real processes running the stats together, each round on a new broken
    file; before, 7 to 14 rounds of 20 crashed with FileNotFoundError."""
    folder = tmp_path / "book"
    (folder / "chapters").mkdir(parents=True)
    (folder / "chapters/01.md").write_text(words(3), "utf-8")
    (folder / ".draftforge").mkdir()
    broken = [f'{{"round": {n}, "cut short'.encode() for n in range(20)]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(3)
    results = context.Queue()
    workers = [
        context.Process(target=_stats_worker, args=(str(folder), len(broken), barrier, results))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    outcomes: list[str] = []
    try:
        for text in broken:
            (folder / STATS).write_bytes(text)
            barrier.wait(timeout=120)
            barrier.wait(timeout=120)
            outcomes += [results.get(timeout=10), results.get(timeout=10)]
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
    assert outcomes == ["ok"] * 40
    backups = {p.read_bytes() for p in (folder / ".draftforge").glob("stats.json.bak*")}
    assert backups == set(broken)
    assert json.loads((folder / STATS).read_text("utf-8"))["current"]["word_count"] == 3
    assert [p.name for p in (folder / ".draftforge").glob(".stats.json.*")] == []


# ------------------------------------------------------------------ interrupted writes

KILLED_WRITE = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from draftforge_stats.statsfile import write
    def killed(src, dst):  # the process dies between writing and renaming
        os.kill(os.getpid(), signal.SIGKILL)
    write.os.replace = killed
    write.atomic_write(Path(sys.argv[1]), "half of a stats file")
    """
)


def test_a_run_killed_while_writing_leaves_nothing_behind_for_long(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": words(3)})
    first = run_stats(git_repo.path, now=NOW)
    git_repo.commit("stats", "2025-03-01T11:00:00+00:00")
    folder = git_repo.path / ".draftforge"
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITE, str(folder / "stats.json")])
    assert killed.returncode == -signal.SIGKILL
    [leftover] = folder.glob(".stats.json.*.tmp")
    assert leftover.read_text("utf-8") == "half of a stats file"
    # git sees it (`git add -A` would commit it) until it is cleaned up
    assert git_repo.git("status", "--porcelain") == f"?? .draftforge/{leftover.name}"
    old = time.time() - STALE_AFTER - 1
    os.utime(leftover, (old, old))

    again = run_stats(git_repo.path, now=NOW)  # a run that changes nothing still cleans up

    assert not again.written and again.text == first.text
    assert not leftover.exists()
    assert git_repo.git("status", "--porcelain") == ""


def test_only_stale_temporary_files_of_our_own_pattern_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    old = time.time() - STALE_AFTER - 1
    names = {
        "stale": ".stats.json.k2j3h4.tmp",
        "young": ".stats.json.a8b9c0.tmp",
        "locked": ".stats.json.z1y2x3.tmp",
        "other file's": ".config.yml.k2j3h4.tmp",
        "not a temporary": ".stats.json.k2j3h4.txt",
        "the author's": "stats.json.tmp",
    }
    for label, name in names.items():
        (tmp_path / name).write_text(label, "utf-8")
        if label != "young":
            os.utime(tmp_path / name, (old, old))
    (tmp_path / ".stats.json.folder.tmp").mkdir()
    os.utime(tmp_path / ".stats.json.folder.tmp", (old, old))
    import fcntl

    with (tmp_path / names["locked"]).open("rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # a writer that is still alive
        removed = remove_stale_temporaries(path)

    assert removed == [tmp_path / names["stale"]]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(
        [*(n for n in names.values() if n != names["stale"]), ".stats.json.folder.tmp"]
    )


def test_a_young_leftover_is_removed_once_it_is_stale(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    leftover = tmp_path / ".stats.json.q1w2e3.tmp"
    leftover.write_text("x", "utf-8")
    made = leftover.stat().st_mtime
    assert remove_stale_temporaries(path, now=made + STALE_AFTER - 1) == []
    assert remove_stale_temporaries(path, now=made + STALE_AFTER + 1) == [leftover]


def test_settings_that_no_longer_count_a_day_need_the_authors_word(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": words(3)})
    git_repo.commit("b", "2025-03-02T10:00:00+00:00", files={"chapters/drafts/x.md": words(2)})
    git_repo.commit("c", "2025-03-03T10:00:00+00:00", files={"chapters/01.md": words(5)})
    run_stats(git_repo.path, now=NOW)
    git_repo.write(".draftforge/config.yml", 'stats:\n  exclude: ["chapters/drafts/**"]\n')
    stored = (git_repo.path / STATS).read_bytes()

    with pytest.raises(HistoryLossError, match=r"would drop 1 day of the 3 days .*\(2025-03-02\)"):
        run_stats(git_repo.path, now=NOW)
    assert (git_repo.path / STATS).read_bytes() == stored

    result = run_stats(git_repo.path, now=NOW, allow_shorter_history=True)
    assert stored_dates(result.text) == ["2025-03-03", "2025-03-01"]
