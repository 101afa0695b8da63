"""Arguments and inputs shared by several commands, so they read the same way everywhere."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import click

#: The optional PATH of a project folder (default: here); the project is found from it.
project_path = click.argument(
    "path",
    required=False,
    default=".",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)


def run_time() -> datetime:
    """The time of this run: `SOURCE_DATE_EPOCH` when set (reproducible builds), else now."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        try:
            seconds = int(value)
        except ValueError:
            raise click.BadParameter(
                f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {value!r}"
            ) from None
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (ValueError, OverflowError, OSError):
            raise click.BadParameter(
                f"SOURCE_DATE_EPOCH {value} is outside the calendar: give the seconds since "
                "1970-01-01 of a time from 0001-01-01 to 9999-12-31 (UTC)"
            ) from None
    return datetime.now(UTC)
