"""What can still be trusted in a stored stats file that is not valid as a whole.

A stored history is the author's: a file that fails the checks for one reason (one
hand-edited entry, totals that no longer add up, a broken `streaks`) still holds days that
git may not be able to make again. This module reads such a file as far as it can:

* :func:`salvage_history` checks the history entries one by one against the schema's own
  entry schema: every valid entry is kept (one per day, newest first), every other one is
  reported with its JSON path;
* :func:`dates_in_text` finds the history dates named in a file that is not even JSON (a
  file cut short, say), so that the days it held are still known and protected;
* :func:`unknown_keys` lists the keys this version does not know: the mark of a file
  written by a newer version, which must not be overwritten by an older one.

Plain data in, plain data out: no I/O.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from ..records import dataclass
from ..validation.fastcheck import surely_valid

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

#: How many problems with single entries are listed by name before "and N more".
SHOWN_PROBLEMS = 5


@dataclass(frozen=True)
class Salvage:
    """The part of a stored history that can be kept, and what could not."""

    entries: tuple[dict[str, Any], ...] = ()
    """The valid history entries, newest first, one per day."""
    problems: tuple[str, ...] = ()
    """One `$.history[i]: message` line per entry that was left out."""
    dates: frozenset[date] = frozenset()
    """Every day the stored history names, kept or not: the days a new history must keep."""


@functools.cache
def _entry_schema() -> dict[str, Any]:
    """The schema of one history entry (with the definitions it refers to)."""
    # late: validation imports the config, which is heavier
    from ..validation import schemas

    schema = schemas.load_schema("stats.schema.json")
    return {**schema["properties"]["history"]["items"], "$defs": schema["$defs"]}


@functools.cache
def _entry_validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # late: only for an entry that may be bad

    from ..validation import schemas

    return Draft202012Validator(_entry_schema(), format_checker=schemas.format_checker())


def _first_error(entry: Any) -> Any:
    """jsonschema's first error in a history entry (by path), or None."""
    errors = sorted(_entry_validator().iter_errors(entry), key=lambda e: e.json_path)
    return errors[0] if errors else None


def _date_of(entry: Any) -> date | None:
    value = entry.get("date") if isinstance(entry, dict) else None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def salvage_history(data: Any, *, valid: bool = False) -> Salvage:
    """The valid entries of `data["history"]`, each checked on its own, and the others named.

    Entries come out newest first; of two entries for the same day the first is kept (the
    second is reported). The dates of entries left out still count among `dates`. With
    `valid` (`data` is a stats file already found valid), the entries are not checked again.
    """
    history = data.get("history") if isinstance(data, dict) else None
    if not isinstance(history, list):
        where = "missing" if not isinstance(data, dict) or "history" not in data else "not a list"
        return Salvage(problems=(f"$.history: {where}",) if isinstance(data, dict) else ())
    kept: dict[date, dict[str, Any]] = {}
    problems: list[str] = []
    dates: set[date] = set()
    for index, entry in enumerate(history):
        day = _date_of(entry)
        if day is not None:
            dates.add(day)
        error = None if valid or surely_valid(entry, _entry_schema()) else _first_error(entry)
        if error is not None:
            where = error.json_path.replace("$", f"$.history[{index}]", 1)
            problems.append(f"{where}: {error.message}")
        elif day in kept:
            problems.append(f"$.history[{index}]: a second entry for {day}; the first is kept")
        else:
            assert day is not None  # valid by the schema: a real date
            kept[day] = entry
    entries = tuple(kept[day] for day in sorted(kept, reverse=True))
    return Salvage(entries, tuple(problems), frozenset(dates))


_DATE_KEY = re.compile(r'"date"\s*:\s*"(\d{4}-\d{2}-\d{2})"')


def dates_in_text(text: str) -> frozenset[date]:
    """The history dates (`"date": "YYYY-MM-DD"`) named anywhere in `text`, valid JSON or not."""
    found: set[date] = set()
    for match in _DATE_KEY.finditer(text):
        try:
            found.add(date.fromisoformat(match.group(1)))
        except ValueError:
            continue
    return frozenset(found)


def unknown_keys(data: Any) -> list[str]:
    """The JSON paths of the keys in `data` that the stats schema does not know."""
    # late: validation imports the config, which is heavier
    from ..validation import schemas

    validator = schemas.validator_for("stats.schema.json")
    return sorted(set(_unknown(validator.iter_errors(data))))


def _unknown(errors: Iterator[Any]) -> Iterator[str]:
    for error in errors:
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = set(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in known:
                    yield (
                        f"{error.json_path}.{key}"
                        if key.isidentifier()
                        else (f"{error.json_path}[{key!r}]")
                    )


def describe_problems(problems: tuple[str, ...] | list[str]) -> str:
    """`a; b; c (and 4 more)`: the first few problems, for one warning line."""
    shown = "; ".join(problems[:SHOWN_PROBLEMS])
    more = len(problems) - SHOWN_PROBLEMS
    return shown + (f" (and {more} more)" if more > 0 else "")


__all__ = [
    "SHOWN_PROBLEMS",
    "Salvage",
    "dates_in_text",
    "describe_problems",
    "salvage_history",
    "unknown_keys",
]
