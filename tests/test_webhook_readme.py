"""README's webhook section says what is sent: its payload example, its column table, its
headers table and its ordering key are checked against what the code builds and sends (a real
HTTP server on 127.0.0.1 receives the headers)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from draftforge_stats.webhook.delivery import send_stats
from tests.builders import API_TOKEN, SECRET
from tests.test_webhook_payload import payload, validate

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The README's text from the heading `title` to the next heading of any level."""
    start = README.index(f"\n{title}\n")
    end = re.compile(r"\n#{2,4} ").search(README, start + len(title) + 2)
    return README[start : end.start() if end else len(README)]


def table_names(text: str) -> list[str]:
    """The backquoted names in the first column of the markdown table rows in `text`."""
    names: list[str] = []
    for line in text.splitlines():
        if line.startswith("| `"):
            names += re.findall(r"`([^`]+)`", line.split("|")[1])
    return names


def shape(value: Any) -> Any:
    """The keys of `value`, nested and in order; lists by their first element."""
    if isinstance(value, dict):
        return [(key, shape(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def readme_payload() -> Any:
    block = section("### The payload")
    return json.loads(block.split("```json\n", 1)[1].split("```", 1)[0])


def test_the_readme_payload_has_the_shape_that_is_sent() -> None:
    example = readme_payload()

    assert validate(example) == []
    assert shape(example) == shape(payload())


def test_the_readme_tables_name_every_field_and_column() -> None:
    sent = payload()
    data = sent["data"]
    envelope = [
        "type",
        "timestamp",
        *(f"data.repository.{key}" for key in data["repository"]),
        *(f"data.{key}" for key in data if key != "repository"),
    ]

    # The envelope's table, then the columns' table, each in the order they are sent.
    assert table_names(section("### The payload")) == envelope + list(data["project_stats"])
    assert list(sent) == ["type", "timestamp", "data"]


def test_the_readme_headers_are_the_headers_sent(httpserver: HTTPServer) -> None:
    seen: list[dict[str, str]] = []

    def record(request: Request) -> Response:
        seen.append({k.lower(): v for k, v in request.headers.items()})
        return Response("", 204)

    httpserver.expect_request("/hook", method="POST").respond_with_handler(record)
    delivery = send_stats(httpserver.url_for("/hook"), payload(), secret=SECRET, token=API_TOKEN)

    assert delivery.delivered
    transport = {"host", "accept", "accept-encoding", "connection", "content-length"}
    [headers] = seen
    documented = [n.lower() for n in table_names(section("### Headers"))]
    assert sorted(set(headers) - transport) == sorted(documented)
    assert headers["authorization"] == f"Bearer {API_TOKEN}"


def test_the_readme_ordering_key_is_the_payloads() -> None:
    text = section("### The ordering key")
    order = payload()["data"]["order"]

    assert list(order) == ["last_commit_at", "generated_at"]
    assert "1. `last_commit_at`" in text and "2. `generated_at`" in text
    assert "`data.order`" in text
