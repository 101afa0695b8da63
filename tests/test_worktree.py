"""The working tree counted on several processes gives what one process gives, byte for byte.

The book: 60 chapters, `chapters/part-NN.md` holding the heading "Part" and NN times the word
"word" (1 + NN words, 4 + 5 * NN characters with spaces: "Part" and NN times "word" plus
the NN spaces between the words, none between the heading and the paragraph; 4 + 4 * NN
without), committed over three days; then one chapter with the same content as part 05, one
whose byte 8 is not UTF-8, and one named pipe (skipped with a warning). Words: 60 + (1 + ...
+ 60) = 1,890 in the 60 parts, + 6 in the copy of part 05.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from draftforge_stats import pool, worktree
from draftforge_stats.cli import main
from draftforge_stats.counting import count_with_blocks
from draftforge_stats.errors import ManuscriptError, UsageError
from draftforge_stats.history import CACHE_FILE
from draftforge_stats.pipeline import StatsRun, run_stats
from draftforge_stats.pool import fork_available
from draftforge_stats.reading import read_manuscript_file
from draftforge_stats.worktree import AUTO_MAX_PROCESSES, Processes
from tests.faultkit import assert_interrupted, assert_killed, start_waiting
from tests.gitutil import GitRepo

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs fork (Linux)"),
    # Python 3.12+ warns when a process with threads forks: threads other tests left behind
    # (their servers' daemon threads) are no concern here.
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]


@pytest.fixture(autouse=True)
def _forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork even where earlier tests left a daemon thread running in this process (the
    product counts in one process then: see test_a_process_with_threads_counts_alone)."""
    monkeypatch.setattr(pool, "fork_available", lambda: True)


NOW = datetime(2025, 3, 10, 12, tzinfo=UTC)
STATS = Path(".draftforge") / "stats.json"


def part(number: int) -> str:
    return f"# Part\n\n{' '.join(['word'] * number)}\n"


@pytest.fixture
def book(git_repo: GitRepo) -> GitRepo:
    for day in range(3):
        files: dict[str, str | None] = {
            f"chapters/part-{n:02d}.md": part(n) for n in range(1 + day * 20, 21 + day * 20)
        }
        git_repo.commit(f"Day {day}", f"2025-03-0{day + 1}T10:00:00+00:00", files=files)
    git_repo.commit(
        "More",
        "2025-03-04T10:00:00+00:00",
        files={"chapters/part-61-copy.md": part(5)},
    )
    (git_repo.path / "chapters" / "part-62-bad.md").write_bytes(b"one two \xff three\n")
    os.mkfifo(git_repo.path / "chapters" / "part-63-pipe.md")
    return git_repo


def _fresh(root: Path) -> None:
    (root / STATS).unlink(missing_ok=True)
    shutil.rmtree(root / ".git" / CACHE_FILE.parent, ignore_errors=True)


def _run(root: Path, processes: Processes) -> tuple[StatsRun, bytes, bytes]:
    _fresh(root)
    run = run_stats(root, now=NOW, processes=processes)
    return run, (root / STATS).read_bytes(), (root / ".git" / CACHE_FILE).read_bytes()


def test_two_processes_write_the_bytes_one_process_writes(
    book: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    used: list[int] = []
    forked = pool.map_forked

    def recording(*args: Any, **kwargs: Any) -> Any:
        used.append(kwargs["processes"])
        return forked(*args, **kwargs)

    monkeypatch.setattr(worktree, "map_forked", recording)
    one, one_stats, one_cache = _run(book.path, Processes(1))
    assert used == []
    two, two_stats, two_cache = _run(book.path, Processes(2))
    assert used == [2]  # 61 distinct contents (60 parts, the bad one): the pool counted them

    assert two_stats == one_stats
    assert two_cache == one_cache
    assert two.warnings == one.warnings
    assert two.blobs_counted == one.blobs_counted == 61  # the copy is part 05's blob
    stats = json.loads(two_stats)
    chapters = {c["file"]: c for c in stats["breakdown"]["chapters"]}
    assert chapters["chapters/part-37.md"]["word_count"] == 38
    assert chapters["chapters/part-37.md"]["character_count"] == 4 + 5 * 37
    assert chapters["chapters/part-37.md"]["character_count_no_spaces"] == 4 + 4 * 37
    assert chapters["chapters/part-61-copy.md"]["word_count"] == 6
    clean = sum(c["word_count"] for f, c in chapters.items() if "bad" not in f)
    assert clean == 1_890 + 6
    assert "chapters/part-63-pipe.md" not in chapters
    assert two.warnings == [
        "chapters/part-62-bad.md: not valid UTF-8 at byte 8; counted with the bad bytes "
        "replaced (save the file as UTF-8 to fix)",
        "chapters/part-63-pipe.md: a named pipe (FIFO), not a file; not counted",
    ]


def _foreign_cache(root: Path) -> None:
    """A count cache that holds one content, found in no file of the book (so this process
    reads the files, and counts them all)."""
    path = root / ".git" / CACHE_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    (key,) = data["sections"]
    data["sections"][key] = {"0" * 40: [1, 4, 4, None]}
    path.write_text(json.dumps(data), encoding="utf-8")


def test_files_wait_for_counting_in_bounded_rounds(
    book: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With rounds that close at 600 bytes of text (part NN takes 8 + 5 * NN bytes: parts 1
    to 14 make 637, parts 15 to 21 make 686), the pool is started once a round and the file
    is the same as from one round. (With a count cache that is not empty: see below for the
    first run.)"""
    one = _run(book.path, Processes(2))[1]
    rounds: list[int] = []
    forked = pool.map_forked

    def recording(work: Any, count: int, **kwargs: Any) -> Any:
        rounds.append(count)
        return forked(work, count, **kwargs)

    monkeypatch.setattr(worktree, "map_forked", recording)
    monkeypatch.setattr(worktree, "ROUND_BYTES", 600)
    (book.path / STATS).unlink()
    _foreign_cache(book.path)
    assert run_stats(book.path, now=NOW, processes=Processes(2)).written
    assert (book.path / STATS).read_bytes() == one
    assert rounds[:2] == [14, 7]
    # 60 parts and the bad file; the copy of part 05 is found in the cache by then.
    assert sum(rounds) == 61


def test_on_a_first_run_the_processes_read_their_own_files(
    book: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty count cache: the pool gets all 63 files (the pipe and the copy of part 05
    too) and reads them itself; this process reads none. The results are those of one
    process, the copy learnt once, the pipe named the same way."""
    one, one_stats, one_cache = _run(book.path, Processes(1))
    counted: list[int] = []
    read_here: list[str] = []
    forked = pool.map_forked
    parent = os.getpid()
    reading = read_manuscript_file

    def recording(work: Any, count: int, **kwargs: Any) -> Any:
        counted.append(count)
        return forked(work, count, **kwargs)

    def watched(path: Path) -> bytes:
        if os.getpid() == parent:
            read_here.append(path.name)
        return reading(path)

    monkeypatch.setattr(worktree, "map_forked", recording)
    monkeypatch.setattr(worktree, "read_manuscript_file", watched)
    two, two_stats, two_cache = _run(book.path, Processes(2))
    assert counted == [63]
    assert read_here == []
    assert (two_stats, two_cache) == (one_stats, one_cache)
    assert two.blobs_counted == one.blobs_counted == 61
    assert two.warnings == one.warnings
    assert (
        two.warnings[1] == "chapters/part-63-pipe.md: a named pipe (FIFO), not a file; not counted"
    )

    # A later run (the cache holds every content): this process reads the files, none is
    # counted, the pool is not started.
    (book.path / STATS).unlink()
    again = run_stats(book.path, now=NOW, processes=Processes(2))
    assert counted == [63]
    assert len(read_here) == 63
    assert again.blobs_counted == 0
    assert (book.path / STATS).read_bytes() == one_stats


def test_the_history_is_the_same_on_both_paths(book: GitRepo) -> None:
    one = _run(book.path, Processes(1))[0].stats.history
    two = _run(book.path, Processes(2))[0].stats.history
    assert two == one
    # Day 3 added parts 41 to 60: 20 headings + (41 + ... + 60) words = 20 + 1,010.
    assert [(e.date, e.words_written) for e in two] == [  # newest first
        ("2025-03-04", 6),
        ("2025-03-03", 20 + 1_010),
        ("2025-03-02", 20 + 610),
        ("2025-03-01", 20 + 210),
    ]


def _explode_on_part_30(book: GitRepo, monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """Counting part 30 (now the text BOOM) raises `error`, in whichever process counts it."""
    (book.path / "chapters" / "part-30.md").write_text("BOOM\n", encoding="utf-8")

    def exploding(text: str, **kwargs: Any) -> Any:
        if "BOOM" in text:
            raise error
        return count_with_blocks(text, **kwargs)

    monkeypatch.setattr(worktree, "count_with_blocks", exploding)


@pytest.mark.parametrize("processes", [1, 2])
def test_an_error_while_counting_is_raised_the_same_way(
    book: GitRepo, monkeypatch: pytest.MonkeyPatch, processes: int
) -> None:
    _explode_on_part_30(book, monkeypatch, ManuscriptError("chapters/part-30.md cannot be counted"))
    _fresh(book.path)
    with pytest.raises(ManuscriptError, match=r"^chapters/part-30\.md cannot be counted$"):
        run_stats(book.path, now=NOW, processes=Processes(processes))
    assert not (book.path / STATS).exists()
    assert not (book.path / ".git" / CACHE_FILE).exists()


@pytest.mark.parametrize(("raised", "code"), [(ManuscriptError, 1), (ValueError, 3)])
def test_the_command_exits_alike_on_one_process_and_two(
    book: GitRepo, monkeypatch: pytest.MonkeyPatch, raised: type[Exception], code: int
) -> None:
    _explode_on_part_30(book, monkeypatch, raised("this text cannot be counted"))
    outputs = []
    for processes in ("1", "2"):
        _fresh(book.path)
        result = CliRunner().invoke(main, ["stats", "--processes", processes, str(book.path)])
        assert result.exit_code == code
        assert "this text cannot be counted" in result.output
        assert not (book.path / STATS).exists()
        outputs.append(result.output)
    if code == 1:
        assert outputs[0] == outputs[1]


def test_a_process_with_threads_counts_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "fork_available", fork_available)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert Processes(2).for_files(100) == 1  # a fork would copy no other thread
    finally:
        stop.set()
        thread.join()
    if threading.active_count() == 1:
        assert Processes(2).for_files(100) == 2


def test_processes_for_a_number_of_files() -> None:
    cores = min(len(os.sched_getaffinity(0)), AUTO_MAX_PROCESSES)
    assert Processes().for_files(199) == 1  # auto: few files stay in this process
    assert Processes().for_files(200) == min(cores, 200)
    assert Processes(min_files=2).for_files(2) == min(cores, 2)
    assert Processes(1).for_files(10_000) == 1
    assert Processes(4).for_files(3) == 3  # never more processes than files
    assert Processes(4).for_files(1) == 1
    assert Processes.parse("auto") == Processes()
    assert Processes.parse("3") == Processes(3)
    with pytest.raises(UsageError, match="must be 1 or more, not 0"):
        Processes.parse("0")
    with pytest.raises(UsageError, match="not 'many'"):
        Processes.parse("many")


def test_a_bad_processes_option_is_a_usage_error(book: GitRepo) -> None:
    result = CliRunner().invoke(main, ["stats", "--processes", "0", str(book.path)])
    assert result.exit_code == 2
    assert "must be 1 or more, not 0" in result.output
    assert not (book.path / STATS).exists()


# A real `draftforge stats --processes 2` in its own process, whose counting of one file
# (the one holding HANG) writes the counting process's pid to `hang.pid` and waits: the test
# kills that process, or interrupts the command, while it waits.
_DRIVER = textwrap.dedent(
    """
    import os, sys, time
    from draftforge_stats import worktree
    from draftforge_stats.counting import count_with_blocks
    def hanging(text, **kwargs):
        if "HANG" in text:
            with open(sys.argv[1] + ".tmp", "w") as file:
                file.write(str(os.getpid()))
            os.replace(sys.argv[1] + ".tmp", sys.argv[1])
            while True:
                time.sleep(0.05)
        return count_with_blocks(text, **kwargs)
    worktree.count_with_blocks = hanging
    from draftforge_stats.cli import main
    sys.exit(main(["stats", "--processes", "2", sys.argv[2]]))
    """
)


def _start_hanging(book: GitRepo, tmp_path: Path) -> tuple[subprocess.Popen[str], int]:
    (book.path / "chapters" / "part-45.md").write_text("HANG\n", encoding="utf-8")
    return start_waiting(_DRIVER, tmp_path / "hang.pid", str(book.path))


def test_a_killed_counting_process_is_an_error_and_nothing_is_written(
    book: GitRepo, tmp_path: Path
) -> None:
    process, worker = _start_hanging(book, tmp_path)
    err = assert_killed(process, worker, book.path / STATS)
    assert re.search(r"while it counted chapters/part-4\d\.md \(and [1-3] more\)", err)
    assert not (book.path / ".git" / CACHE_FILE).exists()


def test_ctrl_c_stops_the_counting_processes(book: GitRepo, tmp_path: Path) -> None:
    process, worker = _start_hanging(book, tmp_path)
    assert_interrupted(process, worker, book.path / STATS)
