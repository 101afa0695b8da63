"""What every image shares (images/svg.py): XML, accessibility, one element a line,
contrast in both themes, deterministic bytes, size, escaping and shortening of the author's text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from draftforge_stats.images import render_calendar, render_progress
from draftforge_stats.images.svg import GRAPHIC_CLASSES, TEXT_CLASSES, escape
from tests.imaging import (
    END,
    SVG,
    THEMES,
    contrast,
    long_history,
    make_stats,
    texts,
    theme_colours,
)


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


def test_escape_removes_exactly_the_characters_xml_does_not_allow() -> None:
    # XML 1.0's Char: tab, LF, CR, U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF.
    def allowed(code: int) -> bool:
        return (
            code in (0x9, 0xA, 0xD)
            or 0x20 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF
        )

    every = "".join(chr(code) for code in range(0x110000) if chr(code) not in "&<>\"'")
    kept = escape(every)
    removed = {code for code in range(0x110000) if chr(code) not in "&<>\"'"} - set(map(ord, kept))
    assert len(kept) == 0x110000 - 5 - 2048 - 29 - 2
    assert removed == {code for code in range(0x110000) if not allowed(code)}
    assert sorted(removed)[:3] == [0x0, 0x1, 0x2]
    assert 0xB in removed and 0xC in removed and 0xFFFE in removed and 0xFFFF in removed
