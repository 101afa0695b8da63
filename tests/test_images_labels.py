"""The texts of the heatmap: month labels over the right weeks, weekday labels, the year's total
and the legend; a long project name is cut with an ellipsis, never the words that say what the
picture shows, and the whole name stays in the accessible title."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from draftforge_stats.images import render_calendar
from draftforge_stats.images.calendar import LEFT, STEP
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


def test_month_and_weekday_labels_the_total_and_the_legend() -> None:
    written = {date(2025, 6, 2): 1500, date(2025, 6, 3): -300, date(2025, 10, 27): 250,
               date(2025, 10, 28): 249, END: 800}  # fmt: skip
    svg = render_calendar(make_stats(written), end=END)
    # 53 weeks ending with the week of Wednesday 2025-10-29: the first Monday is 2024-10-28.
    # A month is named over the first week whose Monday falls in it: 2024-11-04 is week 1,
    # 2024-12-02 week 5, 2025-01-06 week 10, ... 2025-10-06 week 49.
    weeks = {"Nov": 1, "Dec": 5, "Jan": 10, "Feb": 14, "Mar": 18, "Apr": 23, "May": 27,
             "Jun": 31, "Jul": 36, "Aug": 40, "Sep": 44, "Oct": 49}  # fmt: skip
    root = ET.fromstring(svg)
    shown = {element.text: element.get("x") for element in root.iter(SVG + "text")}
    for month, week in weeks.items():
        assert shown[month] == str(LEFT + week * STEP), month
    assert [text for text in texts(svg) if text in ("Mon", "Wed", "Fri")] == ["Mon", "Wed", "Fri"]
    # 1,500 + 250 + 249 + 800 words on 4 days; the day that only cut adds nothing
    assert texts(svg)[-3:] == [
        "2,799 words added on 4 days, 2024-10-28 to 2025-10-29",
        "Less",
        "More",
    ]
