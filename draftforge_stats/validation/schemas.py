"""The JSON Schemas that ship with the package: their text, their data and their validators.

The schemas in `schemas/` are the one source of truth; they ship inside the package as
``draftforge_stats.schema_files``. :func:`validator_for` gives a JSON Schema 2020-12
validator with the format checks `draftforge validate` uses (``date``, ``date-time``,
``email``, ``uri``, with no extra package). Reads only the package's own files.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import pkgutil
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from draftforge_stats.validation.documents import load_shipped_yaml

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, FormatChecker

__all__ = [
    "FORMAT_CHECKS",
    "SCHEMA_NAMES",
    "format_checker",
    "load_schema",
    "schema_text",
    "validator_for",
]

SCHEMA_NAMES: tuple[str, ...] = (
    "config.schema.yml",
    "stats.schema.json",
    "metadata.schema.yml",
    "agent-run.schema.json",
)
"""Every schema the package ships, by file name."""

_PACKAGE = "draftforge_stats.schema_files"


def schema_text(name: str) -> str:
    """The text of a shipped schema file, exactly as it ships (for copying into projects)."""
    if name not in SCHEMA_NAMES:
        raise ValueError(f"unknown schema {name!r}; known: {', '.join(SCHEMA_NAMES)}")
    # pkgutil reads through the package's loader (a folder or a zip, as importlib.resources
    # does) in a sixth of the time: `files()` imports the zip readers, about 7 ms a run.
    data = pkgutil.get_data(_PACKAGE, name)
    if data is None:  # a loader that cannot read files: not one Python ships
        raise FileNotFoundError(f"the schema {name} cannot be read from {_PACKAGE}")
    return data.decode("utf-8")


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """A shipped schema as data (cached: treat it as read-only)."""
    text = schema_text(name)
    # A shipped schema is valid JSON or YAML (tested): no positions are needed to read it.
    data = json.loads(text) if name.endswith(".json") else load_shipped_yaml(text)
    if not isinstance(data, dict):
        raise ValueError(f"the schema {name} is not an object")
    return cast(dict[str, Any], data)


# ---------------------------------------------------------------------------- formats

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.][^@\s]*\.[^@\s]+")
_URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


def _is_date(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    if not _DATE.fullmatch(instance):
        return False
    try:
        _dt.date.fromisoformat(instance)
    except ValueError:
        return False
    return True


def _is_date_time(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    match = _DATE_TIME.fullmatch(instance)
    if match is None:
        return False
    date, time, fraction, zone = match.groups()
    zone = "+00:00" if zone in {"Z", "z"} else zone
    fraction = (fraction or "")[:7]  # fromisoformat takes at most 6 digits
    try:
        _dt.datetime.fromisoformat(f"{date}T{time}{fraction}{zone}")
    except ValueError:
        return False
    return True


def _is_email(instance: object) -> bool:
    return not isinstance(instance, str) or bool(_EMAIL.fullmatch(instance))


def _is_uri(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    if any(char.isspace() for char in instance) or ":" not in instance:
        return False
    scheme = instance.split(":", 1)[0]
    if not _URI_SCHEME.fullmatch(scheme):
        return False
    if scheme.lower() in {"http", "https"}:
        try:
            return bool(urlsplit(instance).hostname)
        except ValueError:
            return False
    return True


FORMAT_CHECKS: dict[str, Callable[[object], bool]] = {
    "date": _is_date,
    "date-time": _is_date_time,
    "email": _is_email,
    "uri": _is_uri,
}
"""The format checks by name: what :func:`format_checker` checks (a value of another type
than a string passes, as JSON Schema has it)."""


@functools.cache
def format_checker() -> FormatChecker:
    """Checks of ``date``, ``date-time``, ``email`` and ``uri`` that need no extra package."""
    from jsonschema import FormatChecker  # late: the stats command's checks do without it

    checker = FormatChecker(formats=())
    for name, check in FORMAT_CHECKS.items():
        checker.checks(name)(check)
    return checker


@functools.cache
def validator_for(name: str) -> Draft202012Validator:
    """A ready Draft 2020-12 validator (with format checks) for a shipped schema."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name), format_checker=format_checker())
