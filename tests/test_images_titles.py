"""The headings of the pictures: a long project name is cut with an ellipsis, never the words
that say what the picture shows, and the whole name stays in the accessible title."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from draftforge_stats.images import render_calendar
from tests.imaging import END, SVG, make_stats, texts

LONG = "The <Long> & Winding Road of a Very Long Title Indeed"  # 53 characters


def test_a_long_name_is_cut_before_the_calendars_caption() -> None:
    svg = render_calendar(make_stats({END: 5}, name=LONG), end=END)
    # 60 units less the 21 of ": words added per day": 38 characters of the name, then "…"
    assert texts(svg)[0] == "The <Long> & Winding Road of a Very Lo…: words added per day"
    title = ET.fromstring(svg).find(SVG + "title")
    assert title is not None and title.text is not None and LONG in title.text


def test_a_short_name_is_whole() -> None:
    svg = render_calendar(make_stats({END: 5}, name="My Novel"), end=END)
    assert texts(svg)[0] == "My Novel: words added per day"
    # 39 characters fit as they are
    name = "x" * 39
    assert texts(render_calendar(make_stats({END: 5}, name=name), end=END))[0] == (
        name + ": words added per day"
    )
