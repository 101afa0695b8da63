"""Deliver the stats webhook to the DraftForge API: signed, with retries.

:func:`send_stats` delivers a payload made by :func:`.payload.payload_for` (Standard
Webhooks headers, see :mod:`.signing`) and returns a :class:`Delivery`. A delivery that
fails is a result, not an exception: the caller decides whether it is a warning or an error.
Only configuration mistakes raise :class:`NotifyError`. Each attempt and the whole delivery
are bounded in wall time (:mod:`.deadline`). The secret and the token never appear in any
text this module produces.
"""

from __future__ import annotations

import ipaddress
import random
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from draftforge_stats.errors import NotifyError
from draftforge_stats.records import dataclass
from draftforge_stats.webhook.deadline import Deadline
from draftforge_stats.webhook.payload import serialize_payload, user_agent
from draftforge_stats.webhook.signing import (
    WebhookSecretError,
    secret_key,
    signature_headers,
    webhook_id_for,
)

__all__ = [
    "ATTEMPT_TIMEOUT_SECONDS",
    "MAX_TOTAL_SECONDS",
    "Delivery",
    "check_api_url",
    "check_secret",
    "parse_retry_after",
    "send_stats",
]

#: Each attempt gets this long, in wall time (Standard Webhooks suggests 15 to 30 s).
ATTEMPT_TIMEOUT_SECONDS = 20.0
#: All attempts and the waits between them together get this long, in wall time.
MAX_TOTAL_SECONDS = 60.0
#: The first retry waits between half of this and this many seconds; each further one doubles.
BACKOFF_BASE_SECONDS = 1.0
#: No computed backoff is longer than this (a ``Retry-After`` may be, within the time budget).
BACKOFF_MAX_SECONDS = 30.0
#: How much of an error response's body is quoted in :attr:`Delivery.error`.
_BODY_EXCERPT_CHARS = 200
_BODY_READ_BYTES = 2048

# Retried: the request may not have arrived, or the server was briefly unable to handle it.
_RETRYABLE_ERRORS: tuple[type[httpx.HTTPError], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


@dataclass(frozen=True)
class Delivery:
    """What became of one webhook: delivered or not, after how many attempts, and why not."""

    delivered: bool
    attempts: int
    status_code: int | None
    """The HTTP status of the last attempt; None when it got no answer."""
    error: str | None
    """Why the webhook was not delivered; None when it was."""
    webhook_id: str


# ---------------------------------------------------------------------------------------------
# Configuration checks


def _display_url(url: str) -> str:
    """`url` as the author wrote it (not re-encoded: a space stays a space), without user
    info, query string or fragment, for messages."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "(the api-url as given)"
    host = parts.netloc.rpartition("@")[2]
    query = "?…" if parts.query else ""
    return f"{parts.scheme}://{host}{parts.path}{query}"


def _is_loopback(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_api_url(url: str) -> httpx.URL:
    """The parsed `url`, or :class:`NotifyError` if it may not receive the webhook.

    It must be ``https://``; plain ``http://`` is only accepted for loopback addresses
    (127.0.0.0/8, ::1, localhost), for testing on one's own machine.
    """
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError):
        parsed = None
    if parsed is None or not parsed.scheme or not parsed.host:
        raise NotifyError(
            "api-url is not a valid URL: give the full address of the DraftForge API endpoint, "
            "like https://api.draftforge.example/v1/webhooks/stats"
        )
    if parsed.userinfo:
        raise NotifyError(
            f"api-url {_display_url(url)} contains a user name or password: remove it and "
            "pass the credential as api-token instead"
        )
    if parsed.scheme == "https":
        return parsed
    if parsed.scheme == "http":
        if _is_loopback(parsed.host):
            return parsed
        raise NotifyError(
            f"api-url {_display_url(url)} uses plain http://, which would send the token and "
            "the stats unencrypted: change it to https://. (http:// is only allowed for loopback "
            "addresses — 127.0.0.0/8, ::1, localhost — for local testing.)"
        )
    raise NotifyError(
        f"api-url {_display_url(url)} must start with https:// (not {parsed.scheme}://)"
    )


def check_secret(secret: str | None) -> str | None:
    """`secret` when it can sign (None for no secret), else :class:`NotifyError` saying why.

    Callers check it before doing any work, so that a mistyped secret fails at once.
    """
    if not secret:
        return None
    try:
        secret_key(secret)
    except WebhookSecretError as exc:
        raise NotifyError(str(exc)) from None
    return secret


def _check_token(token: str | None) -> str | None:
    if token is None:
        return None
    token = token.strip()
    if not token:
        return None
    if not token.isascii() or not token.isprintable() or any(c.isspace() for c in token):
        raise NotifyError(
            "api-token contains spaces, control or non-ASCII characters, which cannot be sent in "
            "an HTTP header: copy the token again, without anything around it"
        )
    return token


# ---------------------------------------------------------------------------------------------
# Delivery


def parse_retry_after(value: str, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP-date.

    A date in the past gives 0; a value that is neither gives None (the caller backs off as
    usual). `now` is for tests (default: the current time).
    """
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" dates: HTTP-dates are always GMT
        when = when.replace(tzinfo=UTC)
    current = now if now is not None else datetime.now(tz=UTC)
    return max(0.0, (when - current).total_seconds())


class _Redactor:
    """Replaces the secret and the token in a text, should any component ever echo them."""

    def __init__(self, *secrets: str | None) -> None:
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return text

    def drop_partial_tail(self, text: str) -> str:
        """`text` cut short without the end that could hold the start of a secret."""
        if not self._secrets:
            return text
        return text[: max(0, len(text) - len(self._secrets[0]))]


def _excerpt(response: httpx.Response, redact: _Redactor) -> str:
    """The start of an error response's body, on one line, secrets removed; '' when empty."""
    data = b""
    try:
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) >= _BODY_READ_BYTES:
                break
    except httpx.HTTPError:
        pass
    cut = len(data) >= _BODY_READ_BYTES
    text = data[:_BODY_READ_BYTES].decode("utf-8", errors="replace")
    if cut:
        text = redact.drop_partial_tail(text)
    # Redact before shortening, which could also split a secret.
    text = " ".join(redact(text).split())
    if cut or len(text) > _BODY_EXCERPT_CHARS:
        text = text[:_BODY_EXCERPT_CHARS] + "…"
    return text


def _status_text(response: httpx.Response, redact: _Redactor) -> str:
    text = f"{response.status_code} {response.reason_phrase}".rstrip()
    excerpt = _excerpt(response, redact)
    return f"{text}: {excerpt}" if excerpt else text


def _describe_exception(exc: httpx.HTTPError, shown: str, limit: str, expired: bool = False) -> str:
    """What went wrong with an attempt; `limit` says how long it had ("within 20 s")."""
    detail = str(exc) or type(exc).__name__
    if expired or isinstance(exc, httpx.TimeoutException):
        return f"no complete answer from {shown} {limit}"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect to {shown}: {detail}"
    return f"request to {shown} failed: {type(exc).__name__}: {detail}"


def _backoff(retry: int, rng: random.Random) -> float:
    """Exponential backoff with "equal jitter": between half and all of base * 2**(retry-1)."""
    ceiling = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (retry - 1))
    return rng.uniform(ceiling / 2, ceiling)


def _count(attempts: int) -> str:
    return "1 attempt" if attempts == 1 else f"{attempts} attempts"


def send_stats(
    url: str,
    payload: Mapping[str, Any],
    *,
    secret: str | None,
    token: str | None,
    timeout: float = ATTEMPT_TIMEOUT_SECONDS,
    max_attempts: int = 5,
    max_total_seconds: float = MAX_TOTAL_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
    transport: httpx.BaseTransport | None = None,
    webhook_id: str | None = None,
    clock: Callable[[], float] = time.time,
) -> Delivery:
    """POST `payload` to `url` as a Standard Webhook and return what became of it.

    Every attempt carries the same ``webhook-id`` (by default :func:`webhook_id_for` the body:
    the same data, the same id) and a fresh ``webhook-timestamp`` (from `clock`) and
    signature. Without `secret` (None or "") there is no ``webhook-signature`` header; without
    `token` no ``Authorization`` header.

    Connection errors, timeouts, 429 and 5xx answers are retried, up to `max_attempts` attempts
    in all, waiting an exponential backoff with jitter (from `rng`) or the ``Retry-After`` of a
    429/503 if that is longer. Each attempt ends after `timeout` seconds and the time spent in
    requests and waiting together stays within `max_total_seconds`, both in wall time (a
    server that answers one byte at a time is cut off, see :mod:`.deadline`): a wait
    that would pass the total ends the delivery instead. Other answers
    (2xx: delivered; 3xx and other 4xx: not delivered) end it at once; redirects are not
    followed. `sleep` and `rng` are there so tests need not wait.

    Raises :class:`NotifyError` only for configuration mistakes: `url` not https (loopback
    http is allowed), an unusable secret or token, a payload that is not JSON.
    """
    target = check_api_url(url)
    shown = _display_url(url)
    if max_attempts < 1:
        raise NotifyError(f"max_attempts must be at least 1 (got {max_attempts})")
    if not timeout > 0 or not max_total_seconds > 0:
        raise NotifyError("timeout and max_total_seconds must be more than 0 seconds")
    secret = check_secret(secret)
    token = _check_token(token)
    body = serialize_payload(payload)
    msg_id = webhook_id if webhook_id is not None else webhook_id_for(body)
    rng = rng if rng is not None else random.Random()
    redact = _Redactor(secret, token)

    base_headers = {
        "Content-Type": "application/json",
        "User-Agent": user_agent(),
    }
    if token:
        base_headers["Authorization"] = f"Bearer {token}"

    def result(delivered: bool, attempts: int, status: int | None, error: str | None) -> Delivery:
        return Delivery(
            delivered=delivered,
            attempts=attempts,
            status_code=status,
            error=redact(error) if error is not None else None,
            webhook_id=msg_id,
        )

    begun = time.monotonic()
    attempts = 0
    with httpx.Client(transport=transport, follow_redirects=False) as client:
        spent = time.monotonic() - begun  # seconds in set-up, requests and waits so far
        while True:
            attempts += 1
            attempt_timeout = min(timeout, max_total_seconds - spent)
            limit = (
                f"within {round(timeout, 1):g} s"
                if attempt_timeout == timeout
                else f"before the limit of {max_total_seconds:g} s in all"
            )
            headers = {
                **base_headers,
                **signature_headers(msg_id, int(clock()), body, secret),
            }
            status: int | None = None
            retry_after: float | None = None
            started = time.monotonic()
            deadline = Deadline(attempt_timeout)
            try:
                with (
                    deadline,
                    client.stream(
                        "POST",
                        target,
                        content=body,
                        headers=headers,
                        timeout=attempt_timeout,
                        extensions={"trace": deadline.trace},
                    ) as response,
                ):
                    status = response.status_code
                    if response.is_success:
                        return result(True, attempts, status, None)
                    problem = f"the API answered {_status_text(response, redact)}"
                    if status != 429 and not 500 <= status <= 599:
                        if response.is_redirect:
                            location = response.headers.get("location", "")
                            problem += (
                                f" (a redirect to {location!r}: set api-url to the final address)"
                            )
                        elif status in (401, 403):
                            problem += " (not retried: check api-token and webhook-secret)"
                        else:
                            problem += " (not retried: the API refused the request)"
                        return result(False, attempts, status, problem)
                    if status in (429, 503) and "retry-after" in response.headers:
                        retry_after = parse_retry_after(response.headers["retry-after"])
            except _RETRYABLE_ERRORS as exc:
                problem = _describe_exception(exc, shown, limit, deadline.expired)
            except httpx.HTTPError as exc:
                problem = _describe_exception(exc, shown, limit, deadline.expired)
                return result(False, attempts, status, problem)
            finally:
                spent += time.monotonic() - started

            if attempts >= max_attempts:
                return result(
                    False, attempts, status, f"gave up after {_count(attempts)}: {problem}"
                )
            delay = _backoff(attempts, rng)
            if retry_after is not None:
                delay = max(delay, retry_after)
            if spent + delay >= max_total_seconds:
                asked = " the API asked for" if retry_after is not None else ""
                return result(
                    False,
                    attempts,
                    status,
                    f"gave up after {_count(attempts)} in {spent:.1f} s: waiting{asked} "
                    f"{delay:.1f} s more would pass the limit of {max_total_seconds:g} s; "
                    f"last error: {problem}",
                )
            sleep(delay)
            spent += delay
