"""Check stats data against `schemas/stats.schema.json` before anything is written.

The checks use the very validator `draftforge validate` uses
(:func:`~draftforge_stats.schemas.validator_for`). Two things keep them cheap on the push
update, without ever skipping a check whose answer is unknown:

* :class:`CheckedFiles` remembers (in the git folder) digests of stats files this package
  found valid, so a file whose exact bytes were checked before is not checked again;
* :func:`check_stats` is given the stored file's data, already found valid, and checks
  only the history and breakdown entries that are not in it: the schema checks each
  entry on its own.

Library code: reads and writes only the files it is given; never prints.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from pathlib import Path
from typing import Any

from .errors import StatsFileError
from .schemas import load_schema, schema_text, validator_for

_SCHEMA = "stats.schema.json"
CHECKED_FILE = Path("draftforge-stats") / "checked-stats"
"""Where :class:`CheckedFiles` keeps its digests, inside the git folder."""
_CHECKED_LIMIT = 8
# Keywords of an array's schema under which every entry is checked on its own.
_PER_ENTRY_KEYWORDS = frozenset({"title", "description", "type", "items", "examples"})


def stats_errors(data: Any) -> list[str]:
    """Every way `data` breaks the stats schema, as `$.path: message` lines (empty: valid)."""
    errors = sorted(validator_for(_SCHEMA).iter_errors(data), key=lambda e: list(map(str, e.path)))
    return [f"{e.json_path}: {e.message}" for e in errors]


def _entry_key(entry: Any) -> tuple[tuple[str, Any], ...] | None:
    """A hashable form of a flat entry (None for anything else)."""
    if not isinstance(entry, dict):
        return None
    items = tuple(sorted(entry.items()))
    try:
        hash(items)
    except TypeError:
        return None
    return items


# The arrays of a stats file whose entries can be long lists: (key, key...) from the top.
_ENTRY_ARRAYS: tuple[tuple[str, ...], ...] = (
    ("history",),
    ("breakdown", "chapters"),
    ("breakdown", "manuscript"),
)


@functools.cache
def _checked_per_entry() -> tuple[tuple[str, ...], ...]:
    """The entry arrays whose schema checks each entry on its own (nothing across entries:
    no length, uniqueness or `contains`), so an entry found valid once is valid anywhere."""
    found: list[tuple[str, ...]] = []
    for path in _ENTRY_ARRAYS:
        node: Any = load_schema(_SCHEMA)
        for key in path:
            node = node.get("properties", {}).get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and set(node) <= _PER_ENTRY_KEYWORDS:
            found.append(path)
    return tuple(found)


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _with(data: Any, path: tuple[str, ...], value: Any) -> Any:
    """A copy of `data` with the value at `path` replaced (copies only along the path)."""
    if not path:
        return value
    return {**data, path[0]: _with(data[path[0]], path[1:], value)}


def check_stats(data: Any, valid: Any = None) -> None:
    """Raise :class:`StatsFileError` when `data` is not a valid stats file.

    `valid` is stats data already found valid by the same schema (the stored file): the
    entries of its history and breakdown that `data` has too are not checked again.
    """
    checked = data
    if valid is not None:
        for path in _checked_per_entry():
            entries, known_entries = _get(checked, path), _get(valid, path)
            if not isinstance(entries, list) or not isinstance(known_entries, list):
                continue
            known = {_entry_key(entry) for entry in known_entries}
            known.discard(None)
            unchecked = [entry for entry in entries if _entry_key(entry) not in known]
            checked = _with(checked, path, unchecked)
    errors = stats_errors(checked)
    if errors and checked is not data:
        errors = stats_errors(data)  # the paths as they are in the whole file
    if errors:
        raise StatsFileError(
            "The computed stats do not match schemas/stats.schema.json; nothing was written:\n  "
            + "\n  ".join(errors)
        )


@functools.cache
def _schema_digest() -> bytes:
    from . import __version__

    return hashlib.sha256(f"{__version__}\0{schema_text(_SCHEMA)}".encode()).digest()


def _digest(raw: bytes) -> str:
    return hashlib.sha256(_schema_digest() + raw).hexdigest()


class CheckedFiles:
    """Digests of stats files found valid against this schema by this package's version.

    With no `path` it remembers nothing. A damaged or unreadable record is ignored: a file
    it does not know is simply checked.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._digests: list[str] = []
        if path is not None:
            with contextlib.suppress(OSError, UnicodeDecodeError):
                self._digests = path.read_text(encoding="ascii").split()[-_CHECKED_LIMIT:]

    def __contains__(self, raw: bytes) -> bool:
        return self.path is not None and _digest(raw) in self._digests

    def add(self, raw: bytes) -> None:
        """Remember that these exact bytes are a valid stats file (saved at once)."""
        if self.path is None or raw in self:
            return
        self._digests = [*self._digests, _digest(raw)][-_CHECKED_LIMIT:]
        from .output import atomic_write

        with contextlib.suppress(OSError):
            atomic_write(self.path, "\n".join(self._digests) + "\n")
