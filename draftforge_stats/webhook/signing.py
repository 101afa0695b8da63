"""Standard Webhooks signing and verification for the stats webhook.

The sender signs ``"<webhook-id>.<webhook-timestamp>.<body>"`` with HMAC-SHA256 and sends
``webhook-signature: v1,<base64 digest>`` (https://www.standardwebhooks.com/). The digest is
made by the reference implementation, the ``standardwebhooks`` package; this module adds what
it leaves out: how our secrets are turned into keys (a ``whsec_`` key is 24 to 64 bytes, as the
spec requires), the webhook-id made from the body, a verification with
a configurable tolerance and errors that are :class:`DraftForgeError` subclasses.

No function here puts a secret into any message it produces.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from standardwebhooks import Webhook

from draftforge_stats.errors import WebhookSecretError, WebhookVerificationError

__all__ = [
    "DEFAULT_TOLERANCE_SECONDS",
    "SECRET_MAX_BYTES",
    "SECRET_MIN_BYTES",
    "SECRET_PREFIX",
    "WebhookSecretError",
    "WebhookVerificationError",
    "secret_key",
    "sign_webhook",
    "signature_headers",
    "verify_webhook",
    "webhook_id_for",
]

SECRET_PREFIX = "whsec_"
#: Standard Webhooks 1.0: a ``whsec_`` secret is base64 of 24 to 64 random bytes.
SECRET_MIN_BYTES = 24
SECRET_MAX_BYTES = 64
DEFAULT_TOLERANCE_SECONDS = 300

_ID_HEADER = "webhook-id"
_TIMESTAMP_HEADER = "webhook-timestamp"
_SIGNATURE_HEADER = "webhook-signature"


def secret_key(secret: str) -> bytes:
    """The HMAC key for `secret`.

    A Standard Webhooks secret (``whsec_`` followed by base64) gives the decoded bytes; any other
    string gives its own UTF-8 bytes. Raises :class:`WebhookSecretError` for an empty key, for
    ``whsec_`` followed by something that is not base64, and for a ``whsec_`` key that is not
    24 to 64 bytes long (Standard Webhooks 1.0).
    """
    if secret.startswith(SECRET_PREFIX):
        encoded = "".join(secret[len(SECRET_PREFIX) :].split())  # whitespace means nothing here
        encoded += "=" * (-len(encoded) % 4)  # tolerate unpadded base64, as the reference does
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise WebhookSecretError(
                "webhook-secret starts with 'whsec_' but the rest is not base64: use the secret "
                "exactly as the DraftForge API showed it, or a plain secret without the "
                "'whsec_' prefix"
            ) from None
        if key and not SECRET_MIN_BYTES <= len(key) <= SECRET_MAX_BYTES:
            hint = "cut short" if len(key) < SECRET_MIN_BYTES else "with something added"
            raise WebhookSecretError(
                f"webhook-secret starts with 'whsec_' but its key is {len(key)} bytes long; "
                f"Standard Webhooks requires {SECRET_MIN_BYTES} to {SECRET_MAX_BYTES} bytes: use "
                f"the secret exactly as the DraftForge API showed it (a copy {hint}?)"
            )
    else:
        key = secret.encode("utf-8")
    if not key:
        raise WebhookSecretError(
            "webhook-secret is empty: set it to the secret the DraftForge API gave you "
            "(or leave it out entirely to send unsigned webhooks)"
        )
    return key


def webhook_id_for(body: bytes) -> str:
    """The webhook-id of a delivery with this `body`: the same for the same bytes.

    ``"msg_"`` followed by the first 32 hex digits of the SHA-256 of the body. The body is
    made only from the data (its envelope timestamp is the data's own ``generated_at``), so
    every retry and re-send of the same data, from the Action or ``draftforge notify``, carries
    the same id, and any change in the data gives a new one.
    """
    return f"msg_{hashlib.sha256(body).hexdigest()[:32]}"


def sign_webhook(webhook_id: str, timestamp: int, body: bytes, secret: str) -> str:
    """The ``webhook-signature`` value ``v1,<base64>`` for one delivery attempt.

    `body` must be UTF-8 (what :func:`.payload.serialize_payload` produces).
    """
    signer = Webhook(secret_key(secret))  # bytes, so the package does not base64-decode it
    return str(signer.sign(webhook_id, datetime.fromtimestamp(timestamp, tz=UTC), body.decode()))


def signature_headers(
    webhook_id: str, timestamp: int, body: bytes, secret: str | None
) -> dict[str, str]:
    """The Standard Webhooks headers for one attempt; no ``webhook-signature`` without a secret."""
    headers = {_ID_HEADER: webhook_id, _TIMESTAMP_HEADER: str(timestamp)}
    if secret:
        headers[_SIGNATURE_HEADER] = sign_webhook(webhook_id, timestamp, body, secret)
    return headers


def verify_webhook(
    body: bytes | str,
    headers: Mapping[str, str],
    secret: str,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> Any:
    """Check a received webhook and return its parsed JSON body.

    `body` must be the raw request body, exactly as received. `headers` may use any case. The
    ``webhook-timestamp`` must be within `tolerance` seconds of this machine's clock, and one of
    the space-separated ``v1,<base64>`` entries of ``webhook-signature`` must match (compared in
    constant time). Raises :class:`WebhookVerificationError` saying what is wrong, or
    :class:`WebhookSecretError` when `secret` itself is unusable.
    """
    if tolerance < 0:
        raise ValueError("tolerance must be zero or more seconds")
    signer = Webhook(secret_key(secret))
    lowered = {name.lower(): value for name, value in headers.items()}
    missing = [h for h in (_ID_HEADER, _TIMESTAMP_HEADER, _SIGNATURE_HEADER) if not lowered.get(h)]
    if missing:
        raise WebhookVerificationError(
            f"missing header(s) {', '.join(missing)}: a signed webhook has webhook-id, "
            "webhook-timestamp and webhook-signature (is a webhook-secret set on the sender?)"
        )
    webhook_id = lowered[_ID_HEADER]
    raw_timestamp = lowered[_TIMESTAMP_HEADER].strip()
    if not raw_timestamp.isascii() or not raw_timestamp.isdigit():
        raise WebhookVerificationError(
            f"webhook-timestamp {raw_timestamp[:20]!r} is not a Unix time in whole seconds"
        )
    timestamp = int(raw_timestamp)
    now = int(time.time())
    if timestamp < now - tolerance:
        raise WebhookVerificationError(
            f"webhook-timestamp is {now - timestamp} s old, more than the tolerance of "
            f"{tolerance} s: a replayed or long-delayed message (or a clock that is wrong)"
        )
    if timestamp > now + tolerance:
        raise WebhookVerificationError(
            f"webhook-timestamp is {timestamp - now} s in the future, more than the tolerance "
            f"of {tolerance} s: check the sender's and this machine's clocks"
        )
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError:
        raise WebhookVerificationError("the body is not UTF-8, so it cannot be ours") from None

    expected_header = signer.sign(webhook_id, datetime.fromtimestamp(timestamp, tz=UTC), text)
    expected = base64.b64decode(expected_header.partition(",")[2])
    matched = False
    for entry in lowered[_SIGNATURE_HEADER].split():
        version, _, encoded = entry.partition(",")
        if version != "v1":
            continue
        try:
            candidate = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            continue
        # No early exit: every entry is compared, each in constant time.
        matched = hmac.compare_digest(candidate, expected) or matched
    if not matched:
        raise WebhookVerificationError(
            "no webhook-signature entry matches: the body, webhook-id or webhook-timestamp was "
            "changed on the way, or the sender uses a different secret (pass the raw body, "
            "exactly as received)"
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise WebhookVerificationError(
            f"the signature is valid but the body is not JSON ({exc})"
        ) from None
