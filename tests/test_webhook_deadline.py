"""A delivery ends within its time bound in wall time, even against a server that trickles.

The server is real: a socket on 127.0.0.1 that reads the request, then sends its answer one
byte at a time, slower than any sane API but each byte sooner than a read timeout. Elapsed
time is measured with time.monotonic; the bounds are small (2 s) through send_stats' own
parameters, the margin for a slow machine 1 s.
"""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from draftforge_stats.webhook.delivery import (
    ATTEMPT_TIMEOUT_SECONDS,
    MAX_TOTAL_SECONDS,
    Delivery,
    send_stats,
)
from tests.test_webhook_delivery import FakeTime, MaxRandom
from tests.test_webhook_payload import payload

SECRET = "whsec_" + base64.b64encode(b"DEADLINE-TEST-KEY-of-32-bytes!!!").decode()
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
MARGIN = 1.0


@dataclass
class Trickler:
    """Answers every connection one byte every `gap` seconds, until stopped."""

    gap: float
    connections: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def serve(self, listener: socket.socket) -> None:
        listener.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                conn.recv(65536)  # the request (small enough for one read here)
                for byte in ANSWER * 100:
                    if self.stop.wait(self.gap):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return  # the client hung up: what the deadline does


@pytest.fixture
def trickler() -> Iterator[tuple[str, Trickler]]:
    server = Trickler(gap=0.25)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        thread = threading.Thread(target=server.serve, args=(listener,), daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{listener.getsockname()[1]}/hook", server
        finally:
            server.stop.set()
            thread.join(5)


def send_slowly(url: str, fake: FakeTime, **options: Any) -> Delivery:
    """send_stats with the time it is given, no real waiting between attempts."""
    return send_stats(
        url, payload(), secret=SECRET, token=None, sleep=fake.sleep, clock=fake.clock, **options
    )


def test_the_default_timeouts_are_in_the_standard_webhooks_range() -> None:
    assert 15 <= ATTEMPT_TIMEOUT_SECONDS <= 30
    assert ATTEMPT_TIMEOUT_SECONDS <= MAX_TOTAL_SECONDS


def test_a_trickling_server_is_cut_off_at_the_total_bound(
    trickler: tuple[str, Trickler],
) -> None:
    url, server = trickler
    fake = FakeTime()
    started = time.monotonic()
    # Per attempt 10 s, more than the total, so the total decides.
    delivery = send_slowly(url, fake, timeout=10.0, max_total_seconds=2.0, max_attempts=1)
    elapsed = time.monotonic() - started
    # Each byte came 0.25 s after the last, far within a 10 s read timeout: only a bound in
    # wall time ends this attempt.
    assert 1.9 <= elapsed < 2.0 + MARGIN
    assert not delivery.delivered
    assert delivery.status_code is None
    assert delivery.error == (
        f"gave up after 1 attempt: no complete answer from {url} before the limit of 2 s in all"
    )
    assert server.connections == 1


def test_a_trickling_server_is_cut_off_at_each_attempt_and_the_total_holds(
    trickler: tuple[str, Trickler],
) -> None:
    url, server = trickler
    fake = FakeTime()  # waits between attempts are counted, not slept
    started = time.monotonic()
    delivery = send_slowly(
        url, fake, timeout=0.6, max_total_seconds=2.0, max_attempts=10, rng=MaxRandom()
    )
    elapsed = time.monotonic() - started
    assert not delivery.delivered
    # Attempt 1: 0.6 s, wait 1 s, attempt 2: 0.4 s (what is left): 2 s in all; no third.
    assert fake.delays == [1.0]
    assert delivery.attempts == 2
    assert server.connections == 2
    assert 1.0 <= elapsed < 1.0 + MARGIN
    assert delivery.error is not None
    assert delivery.error == (
        "gave up after 2 attempts in 2.0 s: waiting 2.0 s more would pass the limit of 2 s; "
        f"last error: no complete answer from {url} before the limit of 2 s in all"
    )
