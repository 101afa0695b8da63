"""images/badge.py: the badge in shields.io's endpoint format."""

from __future__ import annotations

import json

from draftforge_stats.images import render_badge
from tests.imaging import (
    END,
    make_stats,
)


def test_badge_in_shields_endpoint_format() -> None:
    assert json.loads(render_badge(make_stats({END: 45678}))) == {
        "schemaVersion": 1,
        "label": "words",
        "message": "45,678 / 80,000 (57%)",
        "color": "blue",
    }
    done = json.loads(render_badge(make_stats({END: 81000})))
    assert (done["message"], done["color"]) == ("81,000 / 80,000 (101%)", "brightgreen")
    bare = json.loads(render_badge(make_stats({END: 12}, target=None)))
    assert (bare["message"], bare["color"]) == ("12", "blue")
