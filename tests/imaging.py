"""Helpers for the image tests: a real SVG renderer (resvg), both themes, pixels and contrast."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import resvg_py
from PIL import Image

from draftforge_stats.images.svg import DARK_QUERY
from draftforge_stats.statsfile import (
    Breakdown,
    Current,
    HistoryEntry,
    ProjectInfo,
    Stats,
    Streaks,
)

RGB = tuple[int, int, int]

SVG = "{http://www.w3.org/2000/svg}"
END = date(2025, 10, 29)  # a Wednesday
THEMES = ("light", "dark")


def dark(svg: str) -> str:
    """The SVG as a reader with a dark theme sees it: the dark media query's rules made
    unconditional (resvg, like a light-themed browser, leaves the media query out)."""
    start = svg.index(DARK_QUERY + "{\n")
    end = svg.index("\n}\n</style>", start)
    rules = svg[start + len(DARK_QUERY) + 2 : end]
    return svg[:start] + rules + svg[end + 2 :]


def render(svg: str) -> Image.Image:
    """The SVG rasterized by resvg at its own size (1 px a unit), as RGB."""
    png = bytes(resvg_py.svg_to_bytes(svg_string=svg))
    return Image.open(io.BytesIO(png)).convert("RGB")


def hex_rgb(colour: str) -> RGB:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def close(pixel: object, colour: RGB, tolerance: int = 2) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(int(a) - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def theme_colours(svg: str, theme: str) -> dict[str, str]:
    """The fill/stroke colour of each class as the SVG's own style sheet sets it."""
    style = svg[svg.index("<style>") : svg.index("</style>")]
    split = style.index(DARK_QUERY)
    part = style[:split] if theme == "light" else style[split:]
    return dict(re.findall(r"^\.([a-z0-9]+)\{(?:fill|stroke):(#[0-9a-f]{6})\}$", part, re.M))


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return (
            c / 12.92 if c <= 0.04045 else float(((c + 0.055) / 1.055) ** 2.4)
        )  # Any in mypy 1.10

    r, g, b = hex_rgb(colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two colours."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def entry(day: date, words_written: int, word_count: int) -> HistoryEntry:
    return HistoryEntry(
        date=day.isoformat(),
        word_count=word_count,
        chapter_count=1,
        commits=1,
        words_written=words_written,
        commit_sha="a" * 40,
    )


def make_stats(
    written: dict[date, int],
    *,
    name: str = "My Novel",
    target: int | None = 80000,
    words: int | None = None,
    streak: tuple[int, int] = (0, 0),
) -> Stats:
    """Stats with one history entry per day of `written` (words written that day)."""
    entries: list[HistoryEntry] = []
    total = 0
    for day in sorted(written):
        total += written[day]
        entries.append(entry(day, written[day], total))
    entries.reverse()
    count = total if words is None else words
    return Stats(
        project=ProjectInfo(name=name, type="novel", target_word_count=target),
        current=Current(
            word_count=count,
            chapter_count=1,
            character_count=count * 5,
            character_count_no_spaces=count * 4,
            last_updated="2025-10-29T12:00:00Z",
        ),
        breakdown=Breakdown(),
        history=entries,
        streaks=Streaks(
            current_days=streak[0],
            longest_days=streak[1],
            last_write_date=entries[0].date if entries else None,
            total_writing_days=len(entries),
        ),
        generated_at="2025-10-29T12:00:00Z",
    )


def long_history(end: date, days: int) -> dict[date, int]:
    """`days` days up to `end`, writing on two days of three, 100 to 2,400 words, no randomness."""
    return {end - timedelta(days=i): 100 + (i * 337) % 2300 for i in range(days) if i % 3 != 2}


def themed(svg: str, theme: str) -> str:
    """The SVG as a reader with the `theme` (light or dark) sees it."""
    return svg if theme == "light" else dark(svg)


def texts(svg: str) -> list[str]:
    """The text of every `<text>` element, in document order."""
    return [element.text or "" for element in ET.fromstring(svg).iter(SVG + "text")]
