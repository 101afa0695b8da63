"""The history's versions counted on a second core: the same bytes as one process, the
worker really used (and not where it should not be), its failures handled as the pool's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from draftforge_stats import pool, steps, worktree
from draftforge_stats.cli import main
from draftforge_stats.counting import TextCounts
from draftforge_stats.errors import ManuscriptError, RemoteTraceback
from draftforge_stats.history import CACHE_FILE, cache, remote
from draftforge_stats.pipeline import StatsRun, run_stats
from draftforge_stats.worktree import Processes
from tests.faultkit import assert_interrupted, assert_killed, start_waiting
from tests.gitutil import GitRepo

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs fork (Linux)"),
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]

NOW = datetime(2025, 9, 1, 12, tzinfo=UTC)
STATS = Path(".draftforge") / "stats.json"


@pytest.fixture(autouse=True)
def _forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork even where earlier tests left a daemon thread running in this process."""
    monkeypatch.setattr(pool, "fork_available", lambda: True)


def para(name: str, n: int, size: int = 6) -> str:
    return " ".join(f"{name}{n}w{i}" for i in range(size))


def chapter(name: str, paragraphs: range, edits: dict[int, str] | None = None) -> str:
    edits = edits or {}
    return "\n\n".join(edits.get(n, para(name, n)) for n in paragraphs) + "\n"


def day(n: int, hour: int = 9) -> str:
    return f"2025-06-{n:02d}T{hour:02d}:00:00+00:00"


def merge(repo: GitRepo, when: str, *args: str) -> None:
    repo.git("merge", "-q", "--no-ff", "-m", "merge", *args,
             env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})  # fmt: skip


@pytest.fixture
def rich(git_repo: GitRepo) -> GitRepo:
    """Four chapters edited paragraph by paragraph over 30 commits, with a rename, a move
    between chapters, a foxtrot merge, an octopus merge, a merge of an unrelated history,
    an import commit, a version too large to count (past a bound of 3,000 bytes set by
    :func:`small_bound`) and a version that is not UTF-8."""
    repo = git_repo
    names = ["a", "b", "c", "d"]
    for n, name in enumerate(names):
        repo.commit(
            f"add {name}", day(1, 8 + n), files={f"chapters/0{n + 1}.md": chapter(name, range(12))}
        )
    for step in range(12):
        name = names[step % 4]
        edits = {k: para(name + "x", k * 100 + step) for k in range(step % 3, 12, 5)}
        repo.commit(
            f"edit {step}",
            day(2 + step),
            files={f"chapters/0{step % 4 + 1}.md": chapter(name, range(12 + step % 2), edits)},
        )
    # a rename with a small edit, and a paragraph moved from 01 to 03
    repo.git("mv", "chapters/02.md", "chapters/05.md")
    repo.commit("rename", day(15), files={"chapters/05.md": chapter("b", range(11))})
    repo.commit(
        "move",
        day(16),
        files={
            "chapters/01.md": chapter("a", range(1, 12)),
            "chapters/03.md": para("a", 0) + "\n\n" + chapter("c", range(12)),
        },
    )
    # a version too large to count, then one that is not UTF-8
    repo.commit("huge", day(17), files={"chapters/04.md": chapter("d", range(150))})
    repo.commit("cut", day(18), files={"chapters/04.md": chapter("d", range(10))})
    (repo.path / "chapters" / "04.md").write_bytes(
        chapter("d", range(9)).encode() + b"bad \xff byte\n"
    )
    repo.commit("bad bytes", day(19))
    # a foxtrot merge: main's first parent becomes the side branch's line
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("side", day(20), files={"chapters/03.md": chapter("c", range(14))})
    repo.git("checkout", "-q", "main")
    repo.commit("main", day(20, 10), files={"chapters/01.md": chapter("a", range(1, 13))})
    repo.git("checkout", "-q", "side")
    merge(repo, day(21), "main")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "side")
    # an octopus merge of three branches
    for n, name in ((1, "a"), (3, "c"), (5, "b")):
        repo.git("checkout", "-q", "-b", f"o{n}", "main")
        repo.commit(
            f"o{n}", day(22, 8 + n), files={f"chapters/0{n}.md": chapter(name, range(2, 14))}
        )
    repo.git("checkout", "-q", "main")
    merge(repo, day(23), "o1", "o3", "o5")
    # a merge of an unrelated history, then an import
    repo.git("checkout", "-q", "--orphan", "other")
    repo.git("rm", "-q", "-r", "--cached", ".")
    for leftover in (repo.path / "chapters").iterdir():
        leftover.unlink()
    repo.commit("other", day(24), files={"chapters/09.md": chapter("e", range(5))})
    repo.git("checkout", "-q", "-f", "main")
    merge(repo, day(25), "--allow-unrelated-histories", "other")
    repo.commit(
        "Import\n\nDraftForge: import", day(26), files={"chapters/07.md": chapter("f", range(20))}
    )
    for step in range(4):
        repo.commit(
            f"late {step}", day(27 + step), files={"chapters/07.md": chapter("f", range(21 + step))}
        )
    return repo


@pytest.fixture
def small_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_FILE_BYTES", 3000)


def _fresh(root: Path) -> None:
    (root / STATS).unlink(missing_ok=True)
    shutil.rmtree(root / ".git" / CACHE_FILE.parent, ignore_errors=True)


def _full(root: Path, processes: Processes) -> StatsRun:
    _fresh(root)
    run = run_stats(root, now=NOW, write=False, processes=processes)
    assert run.history_mode == "full"
    return run


@pytest.fixture
def counted_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A file that gets one line for each version of the history counted: the pid of the
    process that counted it."""
    record = tmp_path / "counted-in"
    record.touch()

    def recording(*args: Any, **kwargs: Any) -> Any:
        with record.open("a") as file:
            file.write(f"{os.getpid()}\n")
        return steps.count_version(*args, **kwargs)

    monkeypatch.setattr(cache, "count_version", recording)
    return record


def _pids(record: Path) -> tuple[int, list[int]]:
    """How many versions this process counted, and the pids of the others that counted
    one (one pid a version); the record emptied."""
    pids = [int(line) for line in record.read_text().split()]
    record.write_text("")
    return pids.count(os.getpid()), [pid for pid in pids if pid != os.getpid()]


@pytest.mark.parametrize("share", [remote.WORKER_SHARE, 1.0])
def test_two_processes_make_the_bytes_one_process_makes(
    rich: GitRepo,
    small_bound: None,
    counted_in: Path,
    monkeypatch: pytest.MonkeyPatch,
    share: float,
) -> None:
    """With the worker's usual share, and with every version (the one too large and the
    one not UTF-8 among them) counted by the worker."""
    one = _full(rich.path, Processes(1))
    versions, elsewhere = _pids(counted_in)
    assert (versions, elsewhere) == (26, [])  # 27 versions to count, one of them too large
    monkeypatch.setattr(remote, "WORKER_SHARE", share)
    two = _full(rich.path, Processes(2))
    assert two.text == one.text
    assert two.warnings == one.warnings
    assert any("larger than 3,000 bytes" in warning for warning in two.warnings)
    here, pids = _pids(counted_in)
    assert len(set(pids)) == 1  # one worker, not this process
    assert here + len(pids) == versions  # each version counted once
    if share == 1.0:
        assert here == 0
    else:  # whole lines, about 60 % of the versions
        assert 0.4 < len(pids) / versions < 0.8
    assert not Path(f"/proc/{pids[0]}").exists()  # ended and reaped


def test_every_version_from_the_worker_or_counted_whole_gives_the_same_bytes(
    rich: GitRepo, small_bound: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whole parses everywhere (no steps) against two processes counting by steps."""
    two = _full(rich.path, Processes(2)).text

    def whole(text: str, previous: Any = None, **kwargs: Any) -> Any:
        return steps.count_version(text, None, **kwargs)

    monkeypatch.setattr(cache, "count_version", whole)
    assert _full(rich.path, Processes(1)).text == two


def test_an_incremental_run_after_a_two_process_backfill_equals_a_full_run(
    rich: GitRepo, small_bound: None, counted_in: Path
) -> None:
    _fresh(rich.path)
    run_stats(rich.path, now=NOW, processes=Processes(2))
    assert _pids(counted_in)[1]
    for step in range(3):
        rich.commit(f"more {step}", day(30, 12 + step), files={
            "chapters/07.md": chapter("f", range(24 + step)),
            "chapters/01.md": chapter("a", range(1, 13), {3: para("late", step)}),
        })  # fmt: skip
    incremental = run_stats(rich.path, now=NOW, processes=Processes(2))
    assert incremental.history_mode == "incremental"
    assert incremental.text == _full(rich.path, Processes(1)).text


def test_auto_counts_in_one_process_below_its_threshold(rich: GitRepo, counted_in: Path) -> None:
    _full(rich.path, Processes(min_versions=28))  # 27 versions to count: one process
    assert _pids(counted_in) == (27, [])
    _full(rich.path, Processes(min_versions=27))
    assert _pids(counted_in)[1]


def test_processes_for_the_versions_of_a_history() -> None:
    assert Processes().for_versions(worktree.AUTO_MIN_VERSIONS - 1) == 1
    cores = pool.usable_cores()
    assert Processes().for_versions(worktree.AUTO_MIN_VERSIONS) == min(cores, 2)
    assert Processes(1).for_versions(10_000) == 1
    assert Processes(8).for_versions(10_000) == 2  # one worker at most
    assert Processes(2).for_versions(1) == 1


def test_the_worker_s_share_is_whole_lines_largest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remote, "WORKER_SHARE", 0.6)
    # Lines: a (a1 <- a2 <- a3 <- a4), b (b1 <- b2), c (c1), d (d1 <- d2 <- d3).
    previous = {"a2": "a1", "a3": "a2", "a4": "a3", "b2": "b1", "d2": "d1", "d3": "d2"}
    versions = ["a1", "b1", "c1", "d1", "a2", "b2", "d2", "a3", "d3", "a4"]
    # a (4) to the worker; d (3): worker 4 x 0.4 > 0 x 0.6, here; b (2): 4 x 0.4 <= 3 x 0.6,
    # the worker; c (1): 6 x 0.4 > 3 x 0.6, here. The worker: 6 of 10.
    assert remote.split(versions, previous) == ["a1", "b1", "a2", "b2", "a3", "a4"]


def test_a_version_asked_for_again_long_after_is_kept_here() -> None:
    between = [f"p{n}" for n in range(remote.GAP - 2)]
    assert remote._again(["x", *between, "x", "y"], {"x", "y"}) == set()  # GAP - 1 after
    assert remote._again(["x", *between, "y", "x"], {"x", "y"}) == {"x"}
    counts = TextCounts(1, 1, 1, None)
    sent: list[remote.Sent | int] = [(counts, [("one",)], "first"), (counts, [("two",)], "steps")]
    helper = remote.Helper(["x", "y"], iter(sent), again={"x"})
    assert helper.take("y") == (counts, [("two",)], "steps")  # x arrives first, waits
    assert helper.take("x") == (counts, [("one",)], "first")
    assert helper.take("x") == (counts, [("one",)], "first")  # kept: asked for again
    assert helper.take("y") is None  # not kept: counted here if asked for again
    assert helper.take("z") is None  # not the worker's


def test_blocks_sent_again_go_as_numbers_and_come_back_the_same() -> None:
    namer, names = remote._Namer(), remote._Names()
    first = [("one", "two"), ("three",)]
    again = [("one", "two"), ("four",), ("three",)]
    sent = namer(first)
    assert sent == first
    sent_again = namer([tuple(block) for block in again])  # equal, other tuples
    assert sent_again == [0, ("four",), 1]
    got_first = names(sent)
    got_again = names(sent_again)
    assert got_again == again
    assert got_again[0] is got_first[0] and got_again[2] is got_first[1]


def test_an_error_in_the_worker_is_raised_here_as_it_is(
    rich: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()

    def failing(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            raise ManuscriptError("chapters/07.md cannot be counted")
        return steps.count_version(*args, **kwargs)

    monkeypatch.setattr(cache, "count_version", failing)
    _fresh(rich.path)
    with pytest.raises(ManuscriptError, match=r"^chapters/07.md cannot be counted$") as caught:
        run_stats(rich.path, now=NOW, processes=Processes(2))
    assert isinstance(caught.value.__cause__, RemoteTraceback)
    assert not (rich.path / STATS).exists()
    # The command: the same message and exit code as an error in this process.
    result = CliRunner().invoke(main, ["stats", "--processes", "2", str(rich.path)])
    assert result.exit_code == 1
    assert "chapters/07.md cannot be counted" in result.output
    assert not (rich.path / STATS).exists()
    assert not (rich.path / ".git" / CACHE_FILE).exists()


# A real `draftforge stats --processes 2` in its own process whose history worker writes its
# pid to a file and waits at its first version: the test kills it, or interrupts the command.
_DRIVER = textwrap.dedent(
    """
    import os, sys, time
    from draftforge_stats import pool, steps
    from draftforge_stats.history import cache
    parent = os.getpid()
    def hanging(*args, **kwargs):
        if os.getpid() != parent:
            with open(sys.argv[1] + ".tmp", "w") as file:
                file.write(str(os.getpid()))
            os.replace(sys.argv[1] + ".tmp", sys.argv[1])
            while True:
                time.sleep(0.05)
        return steps.count_version(*args, **kwargs)
    cache.count_version = hanging
    pool.fork_available = lambda: True
    from draftforge_stats.cli import main
    sys.exit(main(["stats", "--processes", "2", sys.argv[2]]))
    """
)


def _start_hanging(repo: GitRepo, tmp_path: Path) -> tuple[subprocess.Popen[str], int]:
    _fresh(repo.path)
    return start_waiting(_DRIVER, tmp_path / "hang.pid", str(repo.path))


def _readers_of(root: Path) -> list[int]:
    """Running `git cat-file` processes in `root` (a reader left behind would be one)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            cwd = os.readlink(entry / "cwd")
            state = (entry / "stat").read_text().split(") ")[1][0]
        except OSError:
            continue
        if cmdline[:2] == [b"git", b"cat-file"] and cwd == str(root) and state != "Z":
            found.append(int(entry.name))
    return found


def _no_reader_left(root: Path) -> bool:
    for _ in range(200):  # a bound: a reader whose input closed ends at once
        if not _readers_of(root):
            return True
        time.sleep(0.05)
    return False


def test_a_killed_worker_is_an_error_and_nothing_is_written(rich: GitRepo, tmp_path: Path) -> None:
    process, worker = _start_hanging(rich, tmp_path)
    err = assert_killed(process, worker, rich.path / STATS)
    assert "of a chapter (and 7 more)" in err
    assert not (rich.path / ".git" / CACHE_FILE).exists()
    assert not Path(f"/proc/{worker}").exists()
    assert _no_reader_left(rich.path)


def test_ctrl_c_stops_the_worker(rich: GitRepo, tmp_path: Path) -> None:
    process, worker = _start_hanging(rich, tmp_path)
    assert_interrupted(process, worker, rich.path / STATS)
    assert _no_reader_left(rich.path)
