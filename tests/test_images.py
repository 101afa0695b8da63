"""The SVG images and the badge: XML, accessibility, escaping, size, bytes, contrast, and
pixels drawn by a real renderer (resvg) in the light and the dark theme."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from draftforge_stats.images import render_badge, render_calendar, render_progress
from draftforge_stats.images.calendar import level
from draftforge_stats.images.progress import BAR_HEIGHT, BAR_X, BAR_Y
from draftforge_stats.images.svg import GRAPHIC_CLASSES, TEXT_CLASSES
from draftforge_stats.models import HistoryEntry
from tests.imaging import (
    close,
    contrast,
    dark,
    hex_rgb,
    long_history,
    make_stats,
    render,
    theme_colours,
)

SVG = "{http://www.w3.org/2000/svg}"
END = date(2025, 10, 29)  # a Wednesday
THEMES = ("light", "dark")


def themed(svg: str, theme: str) -> str:
    return svg if theme == "light" else dark(svg)


def all_svgs() -> dict[str, str]:
    first = make_stats({END: 800}, streak=(1, 1))
    gaps = make_stats({date(2025, 1, 6): 300, date(2025, 7, 1): 2000, END: 10}, streak=(1, 1))
    year = make_stats(long_history(END, 500), streak=(2, 2))
    return {
        f"{name}-{kind}": svg
        for name, stats in (("first", first), ("gaps", gaps), ("long", year))
        for kind, svg in (
            ("progress", render_progress(stats, today=END, par=30000)),
            ("calendar", render_calendar(stats, end=END)),
        )
    }


@pytest.mark.parametrize("name", sorted(all_svgs()))
def test_every_svg_is_accessible_xml_one_element_a_line(name: str) -> None:
    svg = all_svgs()[name]
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    labels = (root.get("aria-labelledby") or "").split()
    assert [root.find(f"*[@id='{label}']") is not None for label in labels] == [True, True]
    assert root[0].tag == SVG + "title" and root[1].tag == SVG + "desc"
    for line in svg.splitlines():
        assert len(re.findall(r"<[a-zA-Z]", line)) <= 1, line
    assert svg.endswith("</svg>\n")


@pytest.mark.parametrize("name", sorted(all_svgs()))
def test_contrast_in_both_themes(name: str) -> None:
    svg = all_svgs()[name]
    for theme in THEMES:
        colours = theme_colours(svg, theme)
        background = colours["bg"]
        for css in TEXT_CLASSES:
            assert contrast(colours[css], background) >= 4.5, (theme, css)
        for css in GRAPHIC_CLASSES:
            if css in colours:
                assert contrast(colours[css], background) >= 3, (theme, css)


def test_bytes_are_deterministic_and_carry_no_time() -> None:
    once, again = all_svgs(), all_svgs()
    assert once == again
    for svg in once.values():
        assert "12:00" not in svg and "T12" not in svg


def test_a_full_year_stays_under_50_kb() -> None:
    stats = make_stats(long_history(END, 500))
    assert len(render_calendar(stats, end=END).encode()) < 50_000
    assert len(render_progress(stats, today=END, par=40000).encode()) < 50_000


def test_a_huge_name_keeps_the_files_small() -> None:
    stats = make_stats(long_history(END, 500), name="Long " * 200_000)  # a million characters
    for svg in (render_calendar(stats, end=END), render_progress(stats, today=END)):
        assert len(svg.encode()) < 50_000
        title = ET.fromstring(svg).find(SVG + "title")
        assert title is not None and title.text is not None
        assert title.text.startswith("Long Long") and "…:" in title.text


def texts(svg: str) -> list[str]:
    return [element.text or "" for element in ET.fromstring(svg).iter(SVG + "text")]


def test_author_text_is_escaped() -> None:
    name = "Tom & Jerry <\"The\" 'Chase'>\x07 🎉"
    stats = make_stats({END: 5}, name=name)
    for svg in (render_progress(stats, today=END), render_calendar(stats, end=END)):
        root = ET.fromstring(svg)
        title = root.find(SVG + "title")
        assert title is not None
        assert title.text is not None and title.text.startswith("Tom & Jerry <\"The\" 'Chase'> 🎉")
        assert '<"The"' not in svg and "\x07" not in svg
    assert texts(render_progress(stats, today=END))[0] == "Tom & Jerry <\"The\" 'Chase'> 🎉"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("A" * 200, "A" * 43 + "…"),  # 44 half-em units: 43 letters and the ellipsis
        ("日本語" * 30, ("日本語" * 7) + "…"),  # wide characters count 2: 21 of them
        ("Ab " + "é" * 60, "Ab " + "é" * 40 + "…"),  # e + combining acute: kept whole
        ("Go " + "👩‍👩‍👧" * 30, "Go " + "👩‍👩‍👧" * 20 + "…"),  # an emoji family is never cut
        # a cluster keeps 16 code points, and only the first 44 x 16 are looked at
        ("Z" + "\u0301" * 5000 + "ed", "Z" + "\u0301" * 15 + "…"),
        ("Z" + "\u0301" * 500 + "ed", "Z" + "\u0301" * 15 + "ed"),
    ],
)
def test_a_long_title_is_shortened_with_an_ellipsis(name: str, shown: str) -> None:
    stats = make_stats({END: 5}, name=name)
    assert texts(render_progress(stats, today=END))[0] == shown


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize(
    ("words", "target", "filled"),
    [(20000, 80000, 110), (79999, 80000, 440), (100000, 80000, 440), (0, 80000, 0), (1, 440, 1)],
)
def test_the_bar_is_filled_as_far_as_the_words_go(
    theme: str, words: int, target: int, filled: int
) -> None:
    stats = make_stats({END: words}, target=target, words=words)
    svg = render_progress(stats, today=END)
    colours = theme_colours(svg, theme)
    image = render(themed(svg, theme))
    bar = hex_rgb(colours["bar"])
    track = hex_rgb(colours["track"])
    row = BAR_Y + BAR_HEIGHT // 2
    painted = [x for x in range(image.width) if close(image.getpixel((x, row)), bar, 40)]
    assert abs(len(painted) - filled) <= 1
    if filled:
        assert painted[0] == BAR_X and abs(painted[-1] - (BAR_X + filled - 1)) <= 1
    if filled < 440:
        assert close(image.getpixel((BAR_X + 439, row)), track)
    assert close(image.getpixel((10, 10)), hex_rgb(colours["bg"]))


@pytest.mark.parametrize("theme", THEMES)
def test_par_is_a_mark_on_the_bar(theme: str) -> None:
    stats = make_stats({END: 20000}, target=80000)
    svg = render_progress(stats, today=END, par=30000)  # 3/8 of 440 px: 165 px in
    image = render(themed(svg, theme))
    par = hex_rgb(theme_colours(svg, theme)["par"])
    assert close(image.getpixel((BAR_X + 164, BAR_Y - 2)), par)
    assert close(image.getpixel((BAR_X + 165, BAR_Y - 2)), par)
    assert not close(image.getpixel((BAR_X + 168, BAR_Y - 2)), par, 40)
    assert "par 30,000" in texts(svg)
    assert "par" not in " ".join(texts(render_progress(stats, today=END)))


def test_the_card_shows_today_and_the_streaks() -> None:
    stats = make_stats({date(2025, 10, 28): 400, END: 1250}, streak=(2, 9), target=None)
    shown = texts(render_progress(stats, today=END))
    assert shown == [
        "My Novel",
        "1,650 words",
        "Today: +1,250 words",
        "Streak 2 days (longest 9 days)",
    ]
    # the next day, with no writing yet: nothing added today
    assert "Today: +0 words" in texts(render_progress(stats, today=date(2025, 10, 30)))


@pytest.mark.parametrize(
    ("words", "expected"), [(0, 0), (-300, 0), (1, 1), (249, 1), (250, 2), (749, 2), (750, 3),
                            (1499, 3), (1500, 4), (90000, 4)]
)  # fmt: skip
def test_levels(words: int, expected: int) -> None:
    assert level(max(words, 0)) == expected


# Cells by hand: the calendar ending on Wednesday 2025-10-29 starts on Monday 2024-10-28
# (52 weeks and 2 days earlier). A cell is 10 px, one every 13 px, from (40, 52).
CELLS = {
    date(2024, 10, 28): ((40, 52), 0),  # the first day: nothing written
    date(2025, 6, 2): ((443, 52), 4),  # 217 days in: week 31, Monday; 1,500 words
    date(2025, 6, 3): ((443, 65), 0),  # a day that cut 300 words added none
    date(2025, 6, 4): ((443, 78), 0),  # no commit
    date(2025, 10, 27): ((716, 52), 2),  # week 52, Monday: 250 words
    date(2025, 10, 28): ((716, 65), 1),  # 249 words
    END: ((716, 78), 3),  # Wednesday: 800 words
}


@pytest.mark.parametrize("theme", THEMES)
def test_each_cell_sits_where_its_day_is_with_the_colour_of_its_level(theme: str) -> None:
    written = {date(2025, 6, 2): 1500, date(2025, 6, 3): -300, date(2025, 10, 27): 250,
               date(2025, 10, 28): 249, END: 800}  # fmt: skip
    svg = render_calendar(make_stats(written), end=END)
    colours = theme_colours(svg, theme)
    image = render(themed(svg, theme))
    for day, ((x, y), expected) in CELLS.items():
        assert close(image.getpixel((x + 5, y + 5)), hex_rgb(colours[f"l{expected}"])), day
    # after the last day, nothing is drawn: Thursday 2025-10-30 would be at (716, 91)
    assert close(image.getpixel((721, 96)), hex_rgb(colours["bg"]))
    assert svg.count('<rect class="l') == 367 + 5  # 52 weeks and 3 days, the legend's 5


def test_words_added_is_used_when_the_history_has_it() -> None:
    class WithAdded(HistoryEntry):
        words_added: int

    stats = make_stats({END: -50})
    stats.history[0] = WithAdded(**stats.history[0].model_dump(), words_added=1600)
    svg = render_calendar(stats, end=END)
    assert 'data-date="2025-10-29" data-words="1600"/>' in svg
    assert 'class="l4" x="716" y="78"' in svg
    assert "Today: +1,600 words" in texts(render_progress(stats, today=END))


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


@pytest.mark.parametrize(
    ("par", "x", "anchor"),
    [(0, "20", None), (40000, "240", "middle"), (80000, "460", "end"), (99000, "460", "end")],
)
def test_the_par_label_stays_on_the_card(par: int, x: str, anchor: str | None) -> None:
    svg = render_progress(make_stats({END: 100}), today=END, par=par)
    label = next(line for line in svg.splitlines() if f">par {par:,}<" in line)
    assert f' x="{x}" ' in label
    assert (f'text-anchor="{anchor}"' in label) if anchor else ("text-anchor" not in label)
