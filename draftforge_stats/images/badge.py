"""`badge.json`: the words and the progress in shields.io's endpoint format.

A pure function: stats in, JSON text out (keys in a fixed order, final newline); no I/O.
shields.io reads `schemaVersion`, `label`, `message` and `color`
(https://shields.io/badges/endpoint-badge).
"""

from __future__ import annotations

import json

from ..statsfile import Stats
from ..wording import number, percent

LABEL = "words"


def render_badge(stats: Stats) -> str:
    """`{"schemaVersion": 1, "label": "words", "message": "45,678 (57%)", "color": "blue"}`:
    the words, and the share of the target when there is one; green once it is reached."""
    words = stats.current.word_count
    target = stats.project.target_word_count
    message = f"{number(words)}"
    colour = "blue"
    if target:
        message += f" / {number(target)} ({percent(words, target, 0)})"
        if words >= target:
            colour = "brightgreen"
    data = {"schemaVersion": 1, "label": LABEL, "message": message, "color": colour}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def is_badge(text: str) -> bool:
    """True when `text` is a badge this module writes (shields.io's four keys, our label)."""
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return (
        isinstance(data, dict)
        and list(data) == ["schemaVersion", "label", "message", "color"]
        and data["label"] == LABEL
    )


__all__ = ["LABEL", "is_badge", "render_badge"]
