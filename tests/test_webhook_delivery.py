"""The stats webhook's delivery: URL checks and real HTTP deliveries to a local server.

No HTTP is mocked: every delivery goes to a pytest-httpserver on this machine (or to a closed
port). Only waiting is faked: `sleep` records the delays instead of sleeping.
"""

from __future__ import annotations

import base64
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import standardwebhooks
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from draftforge_stats import __version__
from draftforge_stats.errors import DraftForgeError, NotifyError
from draftforge_stats.webhook.delivery import (
    Delivery,
    check_api_url,
    parse_retry_after,
    send_stats,
)
from draftforge_stats.webhook.payload import serialize_payload
from draftforge_stats.webhook.signing import verify_webhook, webhook_id_for
from tests.test_webhook_payload import payload

SECRET = "whsec_" + base64.b64encode(b"MARKER-KEY-4d1c-bytes-32-long!!!").decode()
TOKEN = "TOKEN-MARKER-5b7e"


def expected_id() -> str:
    return webhook_id_for(serialize_payload(payload()))


# --- helpers: a recording API, fake waiting --------------------------------------------------


@dataclass
class Seen:
    headers: dict[str, str]
    body: bytes


Answer = Response | Callable[[Request], Response]


@dataclass
class Api:
    """Gives the answers in turn (the last one from then on), recording every request."""

    answers: list[Answer]
    seen: list[Seen] = field(default_factory=list)

    def __call__(self, request: Request) -> Response:
        self.seen.append(
            Seen({k.lower(): v for k, v in request.headers.items()}, request.get_data())
        )
        answer = self.answers[min(len(self.seen), len(self.answers)) - 1]
        return answer if isinstance(answer, Response) else answer(request)


def serve(httpserver: HTTPServer, *answers: Answer) -> tuple[str, Api]:
    api = Api(list(answers))
    httpserver.expect_request("/hook", method="POST").respond_with_handler(api)
    return httpserver.url_for("/hook"), api


def ok() -> Response:
    return Response("accepted", status=200)


class FakeTime:
    """A clock that only moves when `sleep` is called; `delays` records every wait."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))
        self.delays: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


class MaxRandom(random.Random):
    """Jitter always at its top: backoff waits are exactly 1, 2, 4, 8... seconds."""

    def uniform(self, a: float, b: float) -> float:
        return b


class MinRandom(random.Random):
    def uniform(self, a: float, b: float) -> float:
        return a


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def send(url: str, fake: FakeTime, **kwargs: Any) -> Delivery:
    options: dict[str, Any] = {
        "secret": SECRET,
        "token": TOKEN,
        "sleep": fake.sleep,
        "clock": fake.clock,
        "rng": MaxRandom(),
    }
    options.update(kwargs)
    return send_stats(url, payload(), **options)


# --- api-url ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://api.draftforge.example/v1/stats",
        "https://api.draftforge.example:8443/hook?project=1",
        "http://127.0.0.1:8080/hook",
        "http://127.200.3.4/hook",
        "http://[::1]:9000/hook",
        "http://localhost/hook",
        "http://LOCALHOST.:5000/hook",
        " https://api.draftforge.example/hook ",
    ],
)
def test_accepted_api_urls(url: str) -> None:
    assert check_api_url(url).scheme in {"http", "https"}


@pytest.mark.parametrize(
    "url",
    [
        "http://api.draftforge.example/hook",
        "http://10.0.0.1/hook",
        "http://0.0.0.0:8000/hook",
        "http://localhost.evil.example/hook",
        "http://127.0.0.1.nip.io/hook",
    ],
)
def test_plain_http_is_refused_unless_loopback(url: str) -> None:
    with pytest.raises(NotifyError) as info:
        check_api_url(url)
    message = str(info.value)
    assert "uses plain http://" in message
    assert "change it to https://" in message
    assert "127.0.0.0/8, ::1, localhost" in message


def test_http_url_is_refused_by_send_stats_before_any_request() -> None:
    with pytest.raises(NotifyError, match="change it to https://"):
        send_stats("http://api.draftforge.example/hook", payload(), secret=None, token=None)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", "not a valid URL"),
        ("api.draftforge.example/hook", "not a valid URL"),
        ("https:///hook", "not a valid URL"),
        ("ftp://api.draftforge.example/hook", "must start with https:// (not ftp://)"),
        ("https://bob:hunter2@api.draftforge.example/hook", "contains a user name or password"),
    ],
)
def test_invalid_api_urls(url: str, expected: str) -> None:
    with pytest.raises(NotifyError) as info:
        check_api_url(url)
    assert expected in str(info.value)
    assert "hunter2" not in str(info.value)


# --- Retry-After -----------------------------------------------------------------------------


NOW = datetime(2015, 10, 21, 7, 27, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("2", 2.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:28:00 -0000", 30.0),
        ("Wed, 21 Oct 2015 07:00:00 GMT", 0.0),
        ("soon", None),
        ("-1", None),
        ("1.5", None),
        ("", None),
    ],
)
def test_parse_retry_after(value: str, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


# --- deliveries ------------------------------------------------------------------------------


def test_delivers_once_with_a_valid_signature(httpserver: HTTPServer) -> None:
    url, api = serve(httpserver, ok())
    fake = FakeTime()
    delivery = send(url, fake)
    assert delivery == Delivery(
        delivered=True, attempts=1, status_code=200, error=None, webhook_id=expected_id()
    )
    assert fake.delays == []
    [seen] = api.seen
    assert seen.body == serialize_payload(payload())
    assert seen.headers["content-type"] == "application/json"
    assert seen.headers["user-agent"] == f"draftforge-stats/{__version__}"
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"
    assert seen.headers["webhook-id"] == expected_id()
    assert seen.headers["webhook-timestamp"] == str(int(fake.now))
    assert seen.headers["webhook-signature"].startswith("v1,")
    assert len(base64.b64decode(seen.headers["webhook-signature"][3:])) == 32
    assert verify_webhook(seen.body, seen.headers, SECRET) == payload()
    assert standardwebhooks.Webhook(SECRET).verify(seen.body, seen.headers) == payload()
    httpserver.check_assertions()


def test_plain_secret_is_used_as_its_bytes(httpserver: HTTPServer) -> None:
    url, api = serve(httpserver, ok())
    delivery = send(url, FakeTime(), secret="plain shared secret")
    assert delivery.delivered
    [seen] = api.seen
    assert verify_webhook(seen.body, seen.headers, "plain shared secret") == payload()
    # The reference package needs bytes here: given a str it would base64-decode it.
    reference = standardwebhooks.Webhook(b"plain shared secret")
    assert reference.verify(seen.body, seen.headers) == payload()


@pytest.mark.parametrize("secret", [None, ""])
def test_without_secret_and_token_there_is_no_signature_or_authorization(
    httpserver: HTTPServer, secret: str | None
) -> None:
    url, api = serve(httpserver, ok())
    fake = FakeTime()
    delivery = send(url, fake, secret=secret, token=None)
    assert delivery.delivered
    [seen] = api.seen
    assert "webhook-signature" not in seen.headers
    assert "authorization" not in seen.headers
    assert seen.headers["webhook-id"] == expected_id()
    assert seen.headers["webhook-timestamp"] == str(int(fake.now))


def test_retries_server_errors_re_signing_each_attempt(httpserver: HTTPServer) -> None:
    url, api = serve(httpserver, Response("oops", status=500), Response("busy", status=500), ok())
    fake = FakeTime()
    start = int(fake.now)
    delivery = send(url, fake)
    assert delivery.delivered
    assert delivery.attempts == 3
    assert delivery.status_code == 200
    assert fake.delays == [1.0, 2.0]
    assert len(api.seen) == 3
    assert [s.headers["webhook-timestamp"] for s in api.seen] == [
        str(start),
        str(start + 1),
        str(start + 3),
    ]
    assert {s.headers["webhook-id"] for s in api.seen} == {expected_id()}
    assert len({s.headers["webhook-signature"] for s in api.seen}) == 3
    for seen in api.seen:
        assert seen.body == api.seen[0].body
        assert verify_webhook(seen.body, seen.headers, SECRET) == payload()
        assert standardwebhooks.Webhook(SECRET).verify(seen.body, seen.headers) == payload()
    # Exactly one attempt got through: the log holds one 200 among the answers.
    assert [response.status_code for _, response in httpserver.log] == [500, 500, 200]


def test_backoff_is_exponential_with_jitter(httpserver: HTTPServer) -> None:
    url, _ = serve(httpserver, Response("down", status=502))
    fake = FakeTime()
    delivery = send(url, fake, rng=MinRandom())
    assert fake.delays == [0.5, 1.0, 2.0, 4.0]
    assert delivery.attempts == 5
    fake = FakeTime()
    send(url, fake, rng=random.Random(1234))
    for retry, delay in enumerate(fake.delays, start=1):
        assert 2 ** (retry - 2) <= delay <= 2 ** (retry - 1)
    assert len(set(fake.delays)) == 4


def test_gives_up_after_max_attempts(httpserver: HTTPServer) -> None:
    url, api = serve(httpserver, Response("oops", status=500))
    fake = FakeTime()
    delivery = send(url, fake)
    assert delivery == Delivery(
        delivered=False,
        attempts=5,
        status_code=500,
        error="gave up after 5 attempts: the API answered 500 INTERNAL SERVER ERROR: oops",
        webhook_id=expected_id(),
    )
    assert fake.delays == [1.0, 2.0, 4.0, 8.0]
    assert len(api.seen) == 5


def test_max_attempts_one_means_no_retry(httpserver: HTTPServer) -> None:
    url, api = serve(httpserver, Response("oops", status=503))
    fake = FakeTime()
    delivery = send(url, fake, max_attempts=1)
    assert (delivery.delivered, delivery.attempts, len(api.seen)) == (False, 1, 1)
    assert fake.delays == []


def test_429_honours_retry_after_seconds(httpserver: HTTPServer) -> None:
    url, api = serve(
        httpserver, Response("slow down", status=429, headers={"Retry-After": "2"}), ok()
    )
    fake = FakeTime()
    delivery = send(url, fake)
    assert delivery.delivered
    assert delivery.attempts == 2
    assert fake.delays == [2.0]
    assert len(api.seen) == 2


def test_503_honours_retry_after_date(httpserver: HTTPServer) -> None:
    when = datetime.fromtimestamp(int(time.time()) + 6, tz=UTC)
    http_date = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    url, _ = serve(httpserver, Response("", status=503, headers={"Retry-After": http_date}), ok())
    fake = FakeTime()
    delivery = send(url, fake)
    assert delivery.delivered
    [delay] = fake.delays
    assert 4.0 <= delay <= 6.0


def test_retry_after_beyond_the_time_budget_ends_the_delivery(httpserver: HTTPServer) -> None:
    url, api = serve(httpserver, Response("", status=429, headers={"Retry-After": "3600"}))
    fake = FakeTime()
    delivery = send(url, fake)
    assert not delivery.delivered
    assert delivery.attempts == 1
    assert delivery.status_code == 429
    assert fake.delays == []
    assert delivery.error is not None
    assert delivery.error.startswith("gave up after 1 attempt in ")
    assert "waiting the API asked for 3600.0 s more would pass the limit of 60 s" in delivery.error
    assert delivery.error.endswith("last error: the API answered 429 TOO MANY REQUESTS")
    assert len(api.seen) == 1


def test_total_time_bound_is_respected(httpserver: HTTPServer) -> None:
    url, api = serve(httpserver, Response("down", status=503))
    fake = FakeTime()
    started = time.monotonic()
    delivery = send(url, fake, max_attempts=100, max_total_seconds=10)
    real = time.monotonic() - started
    # Waits of 1, 2 and 4 s fit in 10 s; the next one (8 s) would not.
    assert fake.delays == [1.0, 2.0, 4.0]
    assert delivery.attempts == 4
    assert len(api.seen) == 4
    assert sum(fake.delays) + real < 10
    assert delivery.error is not None
    assert "waiting 8.0 s more would pass the limit of 10 s" in delivery.error


@pytest.mark.parametrize(
    ("status", "hint"),
    [
        (400, "(not retried: the API refused the request)"),
        (401, "(not retried: check api-token and webhook-secret)"),
        (404, "(not retried: the API refused the request)"),
        (422, "(not retried: the API refused the request)"),
    ],
)
def test_client_errors_are_not_retried(httpserver: HTTPServer, status: int, hint: str) -> None:
    url, api = serve(httpserver, Response('{"error": "unknown\n repository"}', status=status))
    fake = FakeTime()
    delivery = send(url, fake)
    assert not delivery.delivered
    assert delivery.attempts == 1
    assert delivery.status_code == status
    assert fake.delays == []
    assert len(api.seen) == 1
    reason = httpx.codes.get_reason_phrase(status).upper()
    assert delivery.error == (
        f'the API answered {status} {reason}: {{"error": "unknown repository"}} {hint}'
    )


def test_redirects_are_not_followed(httpserver: HTTPServer) -> None:
    url, api = serve(
        httpserver, Response("", status=308, headers={"Location": "https://elsewhere/hook"})
    )
    delivery = send(url, FakeTime())
    assert not delivery.delivered
    assert delivery.status_code == 308
    assert delivery.error is not None
    assert "a redirect to 'https://elsewhere/hook': set api-url to the final address" in (
        delivery.error
    )
    assert len(api.seen) == 1


def test_long_error_bodies_are_shortened(httpserver: HTTPServer) -> None:
    url, _ = serve(httpserver, Response("x" * 5000, status=400))
    delivery = send(url, FakeTime())
    assert delivery.error is not None
    assert delivery.error.endswith(
        ": " + "x" * 200 + "… (not retried: the API refused the request)"
    )
    assert "x" * 201 not in delivery.error


def test_connection_refused_is_retried_then_reported() -> None:
    url = f"http://127.0.0.1:{closed_port()}/hook"
    fake = FakeTime()
    delivery = send(url, fake, max_attempts=3)
    assert not delivery.delivered
    assert delivery.attempts == 3
    assert delivery.status_code is None
    assert fake.delays == [1.0, 2.0]
    assert delivery.error is not None
    assert delivery.error.startswith(f"gave up after 3 attempts: could not connect to {url}: ")
    assert "refused" in delivery.error.lower()


def test_timeouts_are_retried(httpserver: HTTPServer) -> None:
    release = threading.Event()

    def stuck(request: Request) -> Response:
        release.wait(5)
        return ok()

    url, api = serve(httpserver, stuck, ok())
    fake = FakeTime()

    def sleep(seconds: float) -> None:
        fake.sleep(seconds)
        release.set()  # let the stuck handler finish, so the server takes the next request

    started = time.monotonic()
    delivery = send(url, fake, sleep=sleep, timeout=0.3)
    assert time.monotonic() - started < 3
    assert delivery.delivered
    assert delivery.attempts == 2
    assert fake.delays == [1.0]
    assert len(api.seen) == 2
    assert api.seen[0].headers["webhook-id"] == api.seen[1].headers["webhook-id"]


def test_a_timeout_on_the_last_attempt_is_reported(httpserver: HTTPServer) -> None:
    release = threading.Event()

    def stuck(request: Request) -> Response:
        release.wait(5)
        return ok()

    url, _ = serve(httpserver, stuck)
    try:
        delivery = send(url, FakeTime(), timeout=0.2, max_attempts=1)
    finally:
        release.set()
    assert not delivery.delivered
    assert delivery.status_code is None
    assert delivery.error == f"gave up after 1 attempt: no complete answer from {url} within 0.2 s"


def test_a_given_transport_and_webhook_id_are_used(httpserver: HTTPServer) -> None:
    url, api = serve(httpserver, ok())
    with httpx.HTTPTransport(retries=0) as transport:
        delivery = send(url, FakeTime(), transport=transport, webhook_id="msg_custom")
    assert delivery.webhook_id == "msg_custom"
    assert api.seen[0].headers["webhook-id"] == "msg_custom"


# --- configuration errors --------------------------------------------------------------------


def test_notify_error_is_a_draftforge_error() -> None:
    assert issubclass(NotifyError, DraftForgeError)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"max_attempts": 0}, "max_attempts must be at least 1"),
        ({"timeout": 0}, "more than 0 seconds"),
        ({"max_total_seconds": -1}, "more than 0 seconds"),
        ({"secret": "whsec_***"}, "not base64"),
        ({"token": "two words"}, "api-token contains spaces"),
    ],
)
def test_configuration_errors(options: dict[str, Any], expected: str) -> None:
    with pytest.raises(NotifyError, match=expected):
        send(f"http://127.0.0.1:{closed_port()}/hook", FakeTime(), **options)


# --- secrets stay secret ---------------------------------------------------------------------


def test_secret_and_token_never_appear_in_any_text(httpserver: HTTPServer) -> None:
    plain_secret = "PLAIN-SECRET-MARKER-91c2"
    markers = [
        SECRET,
        SECRET.removeprefix("whsec_"),
        "MARKER-KEY",
        plain_secret,
        TOKEN,
        TOKEN[:5],  # not even the start of one
    ]
    texts: list[str] = []

    def echo(request: Request) -> Response:
        # A careless API that repeats the request's headers in its error message.
        return Response(f"refused {request.headers['Authorization']}", status=400)

    def echo_at_the_cut(request: Request) -> Response:
        # The secret straddles the end of the excerpt, then the end of what is read at all.
        auth = request.headers["Authorization"]
        return Response("x" * 195 + auth + " " * 1830 + auth + auth, status=400)

    def record(delivery: Delivery) -> None:
        texts.extend([repr(delivery), str(delivery), delivery.error or "", delivery.webhook_id])

    for secret in (SECRET, plain_secret):
        url, _ = serve(httpserver, ok())
        record(send(url, FakeTime(), secret=secret))
        httpserver.clear()
        url, _ = serve(httpserver, echo)
        echoed = send(url, FakeTime(), secret=secret)
        assert echoed.error is not None
        assert "Bearer [redacted]" in echoed.error
        record(echoed)
        httpserver.clear()
        url, _ = serve(httpserver, echo_at_the_cut)
        record(send(url, FakeTime(), secret=secret))
        httpserver.clear()
        url, _ = serve(httpserver, Response("", status=503))
        record(send(url, FakeTime(), secret=secret))
        httpserver.clear()
        record(send(f"http://127.0.0.1:{closed_port()}/hook", FakeTime(), secret=secret))

        for bad in (
            {"url": "http://api.draftforge.example/hook"},
            {"url": "https://user:" + TOKEN + "@api.draftforge.example/hook"},
            {"token": TOKEN + "\n" + TOKEN},
            {"token": TOKEN + " é"},
            {"secret": secret + "!!" if secret.startswith("whsec_") else "whsec_" + secret},
        ):
            target = str(bad.pop("url", "https://api.draftforge.example/hook"))
            with pytest.raises(DraftForgeError) as info:
                send(target, FakeTime(), **{"secret": secret, **bad})
            texts.extend([str(info.value), repr(info.value)])

    assert len(texts) > 20
    for text in texts:
        for marker in markers:
            assert marker not in text, f"{marker!r} leaked into {text!r}"
