"""The pictures of the stats: `progress.svg`, `calendar.svg` and the optional `badge.json`.

Pure functions: stats data in, file text out; nothing here reads or writes a file, prints
or reads the clock. The pipeline writes what :func:`image_files` returns beside
`.draftforge/stats.json`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..names import BADGE_FILE, CALENDAR_FILE, IMAGE_FILES, PROGRESS_FILE
from ..statsfile import Stats
from .badge import is_badge, render_badge
from .calendar import render_calendar
from .progress import render_progress
from .svg import GENERATOR


def image_files(
    stats: Stats, *, today: date, images: bool, badge: bool, par: int | None = None
) -> dict[Path, str]:
    """The files to write (path relative to the project folder, as named in
    :mod:`draftforge_stats.names` -> text), in a fixed order: the two SVGs when `images`,
    the badge when `badge`."""
    files: dict[Path, str] = {}
    if images:
        files[PROGRESS_FILE] = render_progress(stats, today=today, par=par)
        files[CALENDAR_FILE] = render_calendar(stats, end=today)
    if badge:
        files[BADGE_FILE] = render_badge(stats)
    return files


def written_here(path: Path, text: str) -> bool:
    """True when `text`, the content of the file at `path`, was written by this package (so
    it may be replaced): an SVG with our generator mark, a badge in our format."""
    if path == BADGE_FILE:
        return is_badge(text)
    first = text.split("\n", 1)[0]
    return first.startswith("<svg ") and f'data-generator="{GENERATOR}"' in first


__all__ = [
    "BADGE_FILE",
    "CALENDAR_FILE",
    "IMAGE_FILES",
    "PROGRESS_FILE",
    "image_files",
    "render_badge",
    "render_calendar",
    "render_progress",
    "written_here",
]
