"""Check stats data against `schemas/stats.schema.json` before anything is written."""

from __future__ import annotations

import functools
from typing import Any

import jsonschema

from .errors import StatsFileError
from .schemas import load_schema


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = load_schema("stats.schema.json")
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def stats_errors(data: Any) -> list[str]:
    """Every way `data` breaks the stats schema, as `$.path: message` lines (empty: valid)."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.path)))
    return [f"{e.json_path}: {e.message}" for e in errors]


def check_stats(data: Any) -> None:
    """Raise :class:`StatsFileError` when `data` is not a valid stats file."""
    errors = stats_errors(data)
    if errors:
        raise StatsFileError(
            "The computed stats do not match schemas/stats.schema.json; nothing was written:\n  "
            + "\n  ".join(errors)
        )
