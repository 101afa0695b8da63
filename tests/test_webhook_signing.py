"""Standard Webhooks signing and verification: the published test vector, secrets, tampering."""

from __future__ import annotations

import base64
import hashlib
import time
from datetime import UTC, datetime

import pytest
import standardwebhooks

from draftforge_stats.errors import DraftForgeError
from draftforge_stats.webhook.signing import (
    WebhookSecretError,
    WebhookVerificationError,
    secret_key,
    sign_webhook,
    signature_headers,
    verify_webhook,
    webhook_id_for,
)

# The test vector published with the Standard Webhooks reference libraries.
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

PLAIN_SECRET = "plain-secret-Zq81-of-28-bytes"
BODY = '{"event":"stats.updated","note":"Kapitel 1: naïve café ✓"}'.encode()


def signed(body: bytes, secret: str, *, timestamp: int | None = None) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return signature_headers("msg_test", ts, body, secret)


def test_sign_reproduces_the_published_test_vector() -> None:
    assert sign_webhook(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY, VECTOR_SECRET) == VECTOR_SIGNATURE


def test_errors_are_draftforge_errors() -> None:
    assert issubclass(WebhookSecretError, DraftForgeError)
    assert issubclass(WebhookVerificationError, DraftForgeError)


# --- secrets ---------------------------------------------------------------------------------


def test_whsec_secret_is_base64_decoded() -> None:
    raw = bytes(range(24))
    assert secret_key("whsec_" + base64.b64encode(raw).decode()) == raw


def test_whsec_secret_without_padding_is_accepted() -> None:
    raw = b"twenty-five-bytes-of-key!"  # 25 bytes: base64 ends in "=="
    encoded = base64.b64encode(raw).decode()
    assert encoded.endswith("==")
    assert secret_key("whsec_" + encoded.rstrip("=")) == raw


@pytest.mark.parametrize("size", [24, 32, 64])
def test_whsec_keys_of_24_to_64_bytes_are_accepted(size: int) -> None:
    raw = bytes(range(size))
    assert secret_key("whsec_" + base64.b64encode(raw).decode()) == raw


@pytest.mark.parametrize(
    ("size", "hint"),
    [(1, "cut short"), (16, "cut short"), (23, "cut short"), (65, "with something added"),
     (128, "with something added")],
)  # fmt: skip
def test_whsec_keys_outside_24_to_64_bytes_are_refused(size: int, hint: str) -> None:
    encoded = base64.b64encode(b"K" * size).decode()
    with pytest.raises(WebhookSecretError) as info:
        secret_key("whsec_" + encoded)
    assert str(info.value) == (
        f"webhook-secret starts with 'whsec_' but its key is {size} bytes long; Standard "
        "Webhooks requires 24 to 64 bytes: use the secret exactly as the DraftForge API showed "
        f"it (a copy {hint}?)"
    )
    assert encoded not in str(info.value)


def test_plain_secret_is_its_utf8_bytes() -> None:
    assert secret_key(PLAIN_SECRET) == PLAIN_SECRET.encode()
    assert secret_key("clé-secrète") == "clé-secrète".encode()
    # Even one that looks like base64 is not decoded without the whsec_ prefix.
    assert secret_key("QUJDRA==") == b"QUJDRA=="


@pytest.mark.parametrize("secret", ["", "whsec_", "whsec_not base64!!"])
def test_unusable_secrets_are_rejected_without_echoing_them(secret: str) -> None:
    with pytest.raises(WebhookSecretError) as info:
        secret_key(secret)
    message = str(info.value)
    assert "webhook-secret" in message
    if len(secret) > len("whsec_"):
        assert secret not in message
        assert "not base64" in message


def test_plain_secret_signature_matches_standardwebhooks_given_bytes() -> None:
    """The package's Webhook(str) would base64-decode; with bytes it uses them as they are."""
    header = sign_webhook("msg_1", 1700000000, BODY, PLAIN_SECRET)
    reference = standardwebhooks.Webhook(PLAIN_SECRET.encode())
    expected = reference.sign("msg_1", datetime.fromtimestamp(1700000000, tz=UTC), BODY.decode())
    assert header == expected
    whsec = "whsec_" + base64.b64encode(PLAIN_SECRET.encode()).decode()
    # The same key given the Standard Webhooks way signs the same.
    assert sign_webhook("msg_1", 1700000000, BODY, whsec) == header


# --- signature headers -----------------------------------------------------------------------


def test_signature_headers_with_secret() -> None:
    headers = signature_headers(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY, VECTOR_SECRET)
    assert headers == {
        "webhook-id": VECTOR_ID,
        "webhook-timestamp": "1614265330",
        "webhook-signature": VECTOR_SIGNATURE,
    }


@pytest.mark.parametrize("secret", [None, ""])
def test_signature_headers_without_secret_have_no_signature(secret: str | None) -> None:
    headers = signature_headers("msg_x", 1700000000, BODY, secret)
    assert headers == {"webhook-id": "msg_x", "webhook-timestamp": "1700000000"}


# --- webhook ids -----------------------------------------------------------------------------


def test_webhook_id_is_the_same_for_the_same_body() -> None:
    first = webhook_id_for(BODY)
    assert first == webhook_id_for(bytes(BODY))
    assert first.startswith("msg_")
    assert len(first) == 4 + 32
    assert all(c in "0123456789abcdef" for c in first[4:])


def test_webhook_id_differs_for_any_other_body() -> None:
    ids = {webhook_id_for(BODY), webhook_id_for(BODY + b" "), webhook_id_for(BODY[:-1])}
    assert len(ids) == 3


def test_webhook_id_scheme_is_documented_exactly() -> None:
    body = b'{"type":"stats.updated"}'
    expected = hashlib.sha256(body).hexdigest()[:32]
    assert webhook_id_for(body) == f"msg_{expected}"


# --- verification ----------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [VECTOR_SECRET, PLAIN_SECRET])
def test_verify_accepts_a_fresh_signed_message(secret: str) -> None:
    headers = signed(BODY, secret)
    assert verify_webhook(BODY, headers, secret) == {
        "event": "stats.updated",
        "note": "Kapitel 1: naïve café ✓",
    }
    # A str body and headers in another case are accepted too.
    upper = {k.title(): v for k, v in headers.items()}
    assert verify_webhook(BODY.decode(), upper, secret)["event"] == "stats.updated"


def test_verify_agrees_with_standardwebhooks() -> None:
    headers = signed(BODY, VECTOR_SECRET)
    assert standardwebhooks.Webhook(VECTOR_SECRET).verify(BODY, headers) == verify_webhook(
        BODY, headers, VECTOR_SECRET
    )


def test_verify_accepts_any_matching_entry_among_several() -> None:
    headers = signed(BODY, PLAIN_SECRET)
    other = sign_webhook("msg_test", int(headers["webhook-timestamp"]), BODY, "another-secret")
    headers["webhook-signature"] = f"v1a,abc {other} v1,%%% {headers['webhook-signature']}"
    assert verify_webhook(BODY, headers, PLAIN_SECRET)["event"] == "stats.updated"


def test_verify_rejects_a_tampered_body() -> None:
    headers = signed(BODY, PLAIN_SECRET)
    tampered = BODY.replace(b"stats.updated", b"stats.deleted")
    with pytest.raises(WebhookVerificationError, match="no webhook-signature entry matches"):
        verify_webhook(tampered, headers, PLAIN_SECRET)


def test_verify_rejects_a_changed_id() -> None:
    headers = signed(BODY, PLAIN_SECRET)
    headers["webhook-id"] = "msg_other"
    with pytest.raises(WebhookVerificationError, match="no webhook-signature entry matches"):
        verify_webhook(BODY, headers, PLAIN_SECRET)


def test_verify_rejects_the_wrong_secret() -> None:
    headers = signed(BODY, PLAIN_SECRET)
    with pytest.raises(WebhookVerificationError, match="different secret"):
        verify_webhook(BODY, headers, "not-the-secret")


def test_verify_rejects_a_stale_timestamp() -> None:
    stale = int(time.time()) - 600
    headers = signed(BODY, PLAIN_SECRET, timestamp=stale)
    with pytest.raises(WebhookVerificationError, match=r"s old, more than the tolerance of 300 s"):
        verify_webhook(BODY, headers, PLAIN_SECRET)
    # A wider tolerance accepts it: the timestamp check is ours, not the package's fixed 5 min.
    assert verify_webhook(BODY, headers, PLAIN_SECRET, tolerance=900)["event"] == "stats.updated"


def test_verify_rejects_a_future_timestamp() -> None:
    future = int(time.time()) + 120
    headers = signed(BODY, PLAIN_SECRET, timestamp=future)
    with pytest.raises(WebhookVerificationError, match="in the future"):
        verify_webhook(BODY, headers, PLAIN_SECRET, tolerance=60)


def test_verify_rejects_a_resigned_message_with_a_changed_timestamp() -> None:
    headers = signed(BODY, PLAIN_SECRET)
    headers["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) - 1)
    with pytest.raises(WebhookVerificationError, match="no webhook-signature entry matches"):
        verify_webhook(BODY, headers, PLAIN_SECRET)


@pytest.mark.parametrize("timestamp", ["soon", "1.5e9", "-5", ""])
def test_verify_rejects_a_malformed_timestamp(timestamp: str) -> None:
    headers = signed(BODY, PLAIN_SECRET)
    headers["webhook-timestamp"] = timestamp
    expected = "missing header" if not timestamp else "not a Unix time in whole seconds"
    with pytest.raises(WebhookVerificationError, match=expected):
        verify_webhook(BODY, headers, PLAIN_SECRET)


@pytest.mark.parametrize("header", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_verify_names_a_missing_header(header: str) -> None:
    headers = signed(BODY, PLAIN_SECRET)
    del headers[header]
    with pytest.raises(WebhookVerificationError, match=f"missing header\\(s\\) {header}:"):
        verify_webhook(BODY, headers, PLAIN_SECRET)


def test_verify_rejects_a_body_that_is_not_utf8() -> None:
    body = "caf\u00e9".encode("latin-1")
    headers = {
        "webhook-id": "msg_test",
        "webhook-timestamp": str(int(time.time())),
        "webhook-signature": "v1,AAAA",
    }
    with pytest.raises(WebhookVerificationError, match="not UTF-8"):
        verify_webhook(body, headers, PLAIN_SECRET)


def test_verify_rejects_a_signed_body_that_is_not_json() -> None:
    body = b"not json"
    with pytest.raises(WebhookVerificationError, match="signature is valid but the body is not"):
        verify_webhook(body, signed(body, PLAIN_SECRET), PLAIN_SECRET)


def test_verify_rejects_a_negative_tolerance() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        verify_webhook(BODY, signed(BODY, PLAIN_SECRET), PLAIN_SECRET, tolerance=-1)


def test_verification_messages_never_contain_the_secret() -> None:
    secret = "whsec_" + base64.b64encode(b"SECRET-MARKER-7f3a-24-bytes!").decode()
    plain = "PLAIN-SECRET-MARKER-91c2"
    messages: list[str] = []
    for key in (secret, plain):
        good = signed(BODY, key)
        cases: list[tuple[bytes, dict[str, str]]] = [
            (BODY + b" ", good),
            (BODY, {**good, "webhook-timestamp": "1"}),
            (BODY, {**good, "webhook-timestamp": str(int(time.time()) + 10_000)}),
            (BODY, {"webhook-id": "x"}),
            (b"\xff", good),
        ]
        for body, headers in cases:
            with pytest.raises(WebhookVerificationError) as info:
                verify_webhook(body, headers, key)
            messages += [str(info.value), repr(info.value)]
    with pytest.raises(WebhookSecretError) as bad:
        verify_webhook(BODY, {}, "whsec_SECRET-MARKER!!")
    messages += [str(bad.value), repr(bad.value)]
    assert messages
    for message in messages:
        assert "SECRET-MARKER" not in message
        assert base64.b64encode(b"SECRET-MARKER-7f3a-24-bytes!").decode() not in message
