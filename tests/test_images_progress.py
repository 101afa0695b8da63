"""images/progress.py: the card's bar, par mark and texts, drawn by a real renderer (resvg) in
the light and the dark theme."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from draftforge_stats.images import render_progress
from draftforge_stats.images.progress import BAR_HEIGHT, BAR_X, BAR_Y
from tests.imaging import (
    END,
    SVG,
    THEMES,
    close,
    hex_rgb,
    make_stats,
    render,
    texts,
    theme_colours,
    themed,
)


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
    ("par", "x", "anchor"),
    [(0, "20", None), (40000, "240", "middle"), (80000, "460", "end"), (99000, "460", "end")],
)
def test_the_par_label_stays_on_the_card(par: int, x: str, anchor: str | None) -> None:
    svg = render_progress(make_stats({END: 100}), today=END, par=par)
    label = next(line for line in svg.splitlines() if f">par {par:,}<" in line)
    assert f' x="{x}" ' in label
    assert (f'text-anchor="{anchor}"' in label) if anchor else ("text-anchor" not in label)


def test_one_word_and_one_day_read_in_the_singular() -> None:
    stats = make_stats({END: 1}, streak=(1, 1), target=2)
    svg = render_progress(stats, today=END, par=1)
    assert texts(svg) == [
        "My Novel",
        "1 word",
        "50.0% of 2",
        "par 1",
        "Today: +1 word",
        "Streak 1 day (longest 1 day)",
    ]
    desc = ET.fromstring(svg).find(SVG + "desc")
    assert desc is not None and desc.text is not None
    assert desc.text.startswith("1 word, 50.0% of the target of 2 words, par today 1 word")
