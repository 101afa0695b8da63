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
            return datetime.fromtimestamp(int(value), UTC)
        except (ValueError, OverflowError, OSError):
            raise click.BadParameter(
                f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {value!r}"
            ) from None
    return datetime.now(UTC)
