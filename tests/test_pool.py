"""The forked pool: results in order, errors carried back, a killed process reported."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from draftforge_stats.errors import ConfigError, DraftForgeError, Problem, WorkerError
from draftforge_stats.pool import chunks, map_forked, stream_forked

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs fork (Linux)"),
    # Python 3.12+ warns when a process with threads forks: threads other tests left behind
    # (their servers' daemon threads) are no concern here.
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]


def test_results_come_back_in_order_from_two_processes() -> None:
    parent = os.getpid()
    results = map_forked(lambda i: (i * i, os.getpid()), 100, processes=2)
    assert [square for square, _ in results] == [i * i for i in range(100)]
    pids = {pid for _, pid in results}
    assert len(pids) == 2  # both processes had work: two chunks each to begin with
    assert parent not in pids


def test_chunks_cover_the_range_about_eight_per_process() -> None:
    assert chunks(10, 2) == [(i, i + 1) for i in range(10)]  # 10 / 16 -> 1 each
    assert chunks(100, 2) == [(i, min(100, i + 7)) for i in range(0, 100, 7)]  # ceil(100 / 16)
    pieces = chunks(10_000, 2)  # ceil(10,000 / 16) = 625, capped at 64
    assert pieces[0] == (0, 64) and pieces[-1] == (9984, 10_000) and len(pieces) == 157


def test_an_exception_in_a_worker_is_raised_here_with_its_traceback() -> None:
    def work(index: int) -> int:
        if index == 37:
            raise ValueError(f"item {index} is bad")
        return index

    with pytest.raises(ValueError, match=r"^item 37 is bad$") as caught:
        map_forked(work, 60, processes=2)
    assert "raise ValueError" in str(caught.value.__cause__)  # the worker's own traceback


def test_our_errors_keep_their_class_or_at_least_their_message_and_exit_code() -> None:
    def work(index: int) -> int:
        if index == 3:
            # ProblemsError takes two arguments: it does not survive pickling as it is.
            raise ConfigError("config.yml is not valid", [Problem("config.yml", "bad")])
        return index

    with pytest.raises(DraftForgeError) as caught:
        map_forked(work, 8, processes=2)
    assert str(caught.value) == "config.yml is not valid\n  config.yml: $: bad"
    assert caught.value.exit_code == 1


def test_a_worker_killed_by_a_signal_is_an_error_naming_it_and_what_it_held() -> None:
    def work(index: int) -> int:
        if index == 5:
            os.kill(os.getpid(), signal.SIGKILL)
        return index

    with pytest.raises(WorkerError) as caught:
        map_forked(work, 10, processes=2, describe=lambda i: f"file-{i}.md")
    message = str(caught.value)
    assert "was killed by SIGKILL while it counted file-5.md" in message
    assert "--processes 1" in message
    assert caught.value.exit_code == 1


def test_a_worker_that_exits_without_answering_is_a_bug() -> None:
    def work(index: int) -> int:
        if index == 2:
            os._exit(7)
        return index

    with pytest.raises(RuntimeError, match="ended with exit code 7 without answering"):
        map_forked(work, 4, processes=2, describe=lambda i: f"file-{i}.md")


def test_no_process_is_left_behind() -> None:
    before = _children()
    map_forked(lambda i: i, 50, processes=2)
    with pytest.raises(ValueError, match="stop"):
        map_forked(_fail_at_ten, 50, processes=2)
    assert _children() == before


def _fail_at_ten(index: int) -> int:
    if index == 10:
        raise ValueError("stop")
    return index


def _children() -> set[int]:
    """The pids of this process's living children (from /proc)."""
    found: set[int] = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid() and fields[0] != "Z":
                found.add(int(entry))
    return found


def test_a_stream_gives_results_in_order_from_one_process_that_keeps_its_state(
    tmp_path: Path,
) -> None:
    done: list[int] = []
    finished = tmp_path / "finished"

    def work(index: int) -> tuple[int, int, int]:
        done.append(index)  # this process's own list: it keeps growing across chunks
        return index, len(done), os.getpid()

    with stream_forked(work, 50, chunk=4, finish=finished.touch) as results:
        got = list(results)
    assert [index for index, _, _ in got] == list(range(50))
    assert [seen for _, seen, _ in got] == list(range(1, 51))
    assert len({pid for _, _, pid in got}) == 1 and got[0][2] != os.getpid()
    assert done == []  # nothing ran here
    assert finished.exists()  # `finish` ran in the worker as it ended
    assert not Path(f"/proc/{got[0][2]}").exists()


def test_a_stream_runs_a_bounded_number_of_chunks_ahead(tmp_path: Path) -> None:
    record = tmp_path / "done"

    def work(index: int) -> int:
        with record.open("a") as file:
            file.write(f"{os.getpid()} {index}\n")
        return index

    with stream_forked(work, 1000, chunk=5, ahead=3) as results:
        assert next(results) == 0
        # Three chunks given at first; chunk 0 taken, so chunk 3 given: 20 items at most.
        for _ in range(200):  # a bound: the worker gets there at once
            if len(record.read_text().split("\n")) > 20:
                break
            time.sleep(0.05)
        time.sleep(0.2)
        lines = record.read_text().split()
        pid = int(lines[0])
        assert len(lines) // 2 == 20
    assert not Path(f"/proc/{pid}").exists()  # stopped though results were left


def test_an_exception_in_a_stream_is_raised_when_its_result_is_taken() -> None:
    def work(index: int) -> int:
        if index == 7:
            raise ValueError(f"item {index} is bad")
        return index

    taken: list[int] = []
    with pytest.raises(ValueError, match=r"^item 7 is bad$"), stream_forked(work, 20, chunk=4) as results:  # fmt: skip
        taken.extend(results)
    assert taken == [0, 1, 2, 3]  # the chunk holding 7 never comes
