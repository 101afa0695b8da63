"""Run one function over many items on several cores: forked processes, results in order.

:func:`map_forked` calls ``work(index)`` for every index in ``range(count)`` in ``processes``
forked processes (they share, copy-on-write, everything the caller prepared) and returns
the results in index order, so the caller's output does not depend on which process did
what. The indices go out in chunks, a process asking for the next when it is done, so a
slow item does not hold the others back.

* An exception in ``work`` ends the run: the other processes are stopped and the same
  exception is raised here (the worker's traceback as its ``__cause__``).
* A process that dies (killed by a signal, or ended without answering) ends the run with
  :class:`.WorkerError` (killed: exit 1, something the user can act on) or an error that is
  a bug (exit 3), naming the process and the items it held; nothing is returned.
* Ctrl-C (or any exception here) stops every process before it propagates; the processes
  ignore SIGINT themselves (the terminal sends it to all of them) and end on their own
  when this process goes away.

:func:`stream_forked` is the same with one process that works through the indices in order,
its results taken here one at a time as they are asked for (the process keeps what it
learned from one item for the next, and runs at most a few chunks ahead), under the same
rules for errors and interruptions.

Needs the ``fork`` start method (Linux) and a process with one thread; :func:`fork_available`
says whether both hold.

Library code: it starts and stops its processes and nothing else; it never prints, reads
the environment or exits.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

from .errors import DraftForgeError, RemoteTraceback, WorkerError

R = TypeVar("R")

CHUNK_MAX = 64
"""The most indices handed to a process at once."""
_AHEAD = 2
"""Chunks given to a process before it answers (so it never waits for the next one)."""
_STOP_WAIT = 5.0
"""Seconds a stopped process has to end after SIGTERM before it is killed."""


def fork_available() -> bool:
    """True where processes can be forked safely: on Linux, from a process running one thread
    (a fork copies no other thread, so a lock one of them held would never be released)."""
    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, else the machine's count)."""
    with contextlib.suppress(AttributeError, OSError):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _portable(exc: BaseException) -> BaseException:
    """`exc` if it survives pickling, else an exception of the same meaning that does."""
    try:
        copy = pickle.loads(pickle.dumps(exc))
        if isinstance(copy, BaseException):
            return exc
    except Exception:  # any failure means: send a plain copy instead
        pass
    if isinstance(exc, DraftForgeError):
        plain = DraftForgeError(str(exc))
        plain.exit_code = exc.exit_code  # keep its meaning
        return plain
    return RuntimeError(f"{type(exc).__qualname__}: {exc}")


def _serve(
    work: Callable[[int], Any],
    conn: Connection,
    others: list[Connection],
    finish: Callable[[], None] | None = None,
) -> None:
    """A worker's loop: receive `(start, stop)`, answer with the results or the error;
    `finish()` when it ends (what `work` opened in this process).

    `others` are the parent's ends of the pipes, inherited by the fork: closed here, so that
    the parent going away ends this process (its pipe reads end of file)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C stops
    for other in others:
        other.close()
    try:
        _answer_tasks(work, conn)
    finally:
        if finish is not None:
            finish()


def _answer_tasks(work: Callable[[int], Any], conn: Connection) -> None:
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent went away
            return
        if task is None:
            return
        start, stop = task
        try:
            results = [work(index) for index in range(start, stop)]
        except BaseException as exc:  # every failure goes back to the parent
            text = "".join(traceback.format_exception(exc))
            conn.send(("error", start, _portable(exc), text))
            return
        try:
            conn.send(("done", start, results))
        except (EOFError, OSError):
            return


class _Worker(Generic[R]):
    """One forked process, its end of the pipe and the chunks it holds."""

    def __init__(
        self,
        work: Callable[[int], R],
        context: Any,
        others: list[Connection],
        finish: Callable[[], None] | None = None,
    ) -> None:
        self.conn, child = multiprocessing.Pipe()
        self.process = context.Process(
            target=_serve, args=(work, child, [*others, self.conn], finish), daemon=True
        )
        self.process.start()
        child.close()
        self.held: collections.deque[tuple[int, int]] = collections.deque()
        self.told_to_end = False

    def give(self, chunk: tuple[int, int] | None) -> None:
        if chunk is not None:
            self.held.append(chunk)
        else:
            self.told_to_end = True
        with contextlib.suppress(OSError):  # a dead process is noticed by its sentinel
            self.conn.send(chunk)

    def answer(self, describe: Callable[[int], str]) -> tuple[int, list[R]]:
        """The next chunk's `(start, results)` (waiting for it); the process's error raised
        here, or the error for its death."""
        try:
            answer = self.conn.recv()
        except (EOFError, OSError):
            raise _death(self, describe) from None
        if answer[0] == "error":
            _, _, exc, text = answer
            raise exc from RemoteTraceback(text)
        _, start, done = answer
        self.held.popleft()
        return start, done

    def stop(self) -> None:
        process = self.process
        if self.told_to_end:  # it is ending on its own (closing what it opened)
            process.join(_STOP_WAIT)
        if process.is_alive():
            process.terminate()
            process.join(_STOP_WAIT)
            if process.is_alive():
                process.kill()
        process.join()
        self.conn.close()


def _death(worker: _Worker[Any], describe: Callable[[int], str]) -> BaseException:
    """The error for a process that ended while it held work."""
    process = worker.process
    process.join(_STOP_WAIT)
    code = process.exitcode
    start, stop = worker.held[0]
    what = describe(start) + (f" (and {stop - start - 1} more)" if stop - start > 1 else "")
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return WorkerError(
            f"A counting process (pid {process.pid}) was killed by {name} while it counted "
            f"{what}, so nothing was written. If the machine ran out of memory, count in one "
            "process: `draftforge stats --processes 1`."
        )
    return RuntimeError(
        f"A counting process (pid {process.pid}) ended with exit code {code} without "
        f"answering while it counted {what}."
    )


def _fork(
    work: Callable[[int], R], processes: int, finish: Callable[[], None] | None = None
) -> Iterator[_Worker[R]]:
    """Start `processes` workers (each is yielded as soon as it runs, so a failure part way
    still stops those started)."""
    context = multiprocessing.get_context("fork")
    started: list[_Worker[R]] = []
    for _ in range(processes):
        # What this process holds is frozen out of the garbage collector's sight while the
        # processes are forked: their collections then never walk (and so copy) it all.
        gc.freeze()
        try:
            worker = _Worker(work, context, [w.conn for w in started], finish)
        finally:
            gc.unfreeze()
        started.append(worker)
        yield worker


def chunks(count: int, processes: int) -> list[tuple[int, int]]:
    """`range(count)` cut into `(start, stop)` pieces: about eight per process, at most
    :data:`CHUNK_MAX` long, so the processes finish close together."""
    size = max(1, min(CHUNK_MAX, -(-count // (processes * 8))))
    return [(start, min(count, start + size)) for start in range(0, count, size)]


def map_forked(
    work: Callable[[int], R],
    count: int,
    *,
    processes: int,
    describe: Callable[[int], str] = str,
) -> list[R]:
    """``[work(i) for i in range(count)]``, computed in ``processes`` forked processes.

    ``describe(index)`` names an item in the error for a process that died. See the module's
    docstring for errors and interruptions.
    """
    pending = collections.deque(chunks(count, processes))
    workers: list[_Worker[R]] = []
    results: list[Sequence[R] | None] = [None] * count
    try:
        workers.extend(_fork(work, min(processes, len(pending))))
        for worker in workers:
            for _ in range(_AHEAD):
                if pending:
                    worker.give(pending.popleft())
        while any(w.held for w in workers):
            ready = wait([w.conn for w in workers if w.held])
            for worker in [w for w in workers if w.held and w.conn in ready]:
                start, done = worker.answer(describe)
                results[start] = done
                if pending:
                    worker.give(pending.popleft())
                elif not worker.held:
                    worker.give(None)
    finally:
        for worker in workers:
            worker.stop()
    ordered: list[R] = []
    for start, _ in chunks(count, processes):
        part = results[start]
        assert part is not None
        ordered.extend(part)
    return ordered


@contextlib.contextmanager
def stream_forked(
    work: Callable[[int], R],
    count: int,
    *,
    chunk: int,
    ahead: int = _AHEAD,
    describe: Callable[[int], str] = str,
    finish: Callable[[], None] | None = None,
) -> Iterator[Iterator[R]]:
    """``work(0)``, ``work(1)``, ... ``work(count - 1)`` computed in order in one forked
    process, given out by the iterator this yields, each when it is asked for.

    The process gets `chunk` indices at a time and at most `ahead` chunks more than have
    been taken here (so it runs ahead of this process, but boundedly); it calls `finish()`
    when it ends. Leaving the block stops the process, whether or not every result was
    taken. Errors and interruptions as for :func:`map_forked`.
    """
    pending = collections.deque(
        (start, min(count, start + chunk)) for start in range(0, count, chunk)
    )
    workers: list[_Worker[R]] = []
    try:
        workers.extend(_fork(work, 1 if pending else 0, finish))
        for worker in workers:
            for _ in range(ahead):
                if pending:
                    worker.give(pending.popleft())
        yield _taken(workers, pending, describe)
    finally:
        for worker in workers:
            worker.stop()


def _taken(
    workers: list[_Worker[R]],
    pending: collections.deque[tuple[int, int]],
    describe: Callable[[int], str],
) -> Iterator[R]:
    for worker in workers:
        while worker.held:
            _, done = worker.answer(describe)
            if pending:
                worker.give(pending.popleft())
            elif not worker.held:
                worker.give(None)
            yield from done


__all__ = ["fork_available", "map_forked", "stream_forked", "usable_cores"]
