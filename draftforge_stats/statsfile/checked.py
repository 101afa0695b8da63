"""What keeps the stats file's checks cheap on the push update, without skipping a check
whose answer is unknown.

* :class:`CheckedFiles` remembers (in the git folder) digests of stats files this package
  found valid, so a file whose exact bytes were checked before is not checked again;
* :func:`schema_part` leaves out of the data the history and breakdown entries of a stored
  file already found valid, for the schema check: the schema checks each entry on its own.

Library code: reads and writes only the file it is given; never prints.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from pathlib import Path
from typing import Any

CHECKED_FILE = Path("draftforge-stats") / "checked-stats"
"""Where :class:`CheckedFiles` keeps its digests, inside the git folder."""
_CHECKED_LIMIT = 8
_SCHEMA = "stats.schema.json"
# Keywords of an array's schema under which every entry is checked on its own.
_PER_ENTRY_KEYWORDS = frozenset({"title", "description", "type", "items", "examples"})
# The arrays of a stats file whose entries can be long lists: (key, key...) from the top.
_ENTRY_ARRAYS: tuple[tuple[str, ...], ...] = (
    ("history",),
    ("breakdown", "chapters"),
    ("breakdown", "manuscript"),
)


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


@functools.cache
def checked_per_entry() -> tuple[tuple[str, ...], ...]:
    """The entry arrays whose schema checks each entry on its own (nothing across entries:
    no length, uniqueness or `contains`), so an entry found valid once is valid anywhere."""
    from ..validation.schemas import load_schema

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


def schema_part(data: Any, valid: Any) -> Any:
    """`data` without the history and breakdown entries that `valid` (data already found
    valid by the same schema) has too: what the schema still has to check."""
    checked = data
    if valid is None:
        return checked
    for path in checked_per_entry():
        entries, known_entries = _get(checked, path), _get(valid, path)
        if not isinstance(entries, list) or not isinstance(known_entries, list):
            continue
        known = {_entry_key(entry) for entry in known_entries}
        known.discard(None)
        checked = _with(checked, path, [e for e in entries if _entry_key(e) not in known])
    return checked


@functools.cache
def _schema_digest() -> bytes:
    from .. import __version__
    from ..validation.schemas import schema_text

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
        from .write import atomic_write

        with contextlib.suppress(OSError):
            atomic_write(self.path, "\n".join(self._digests) + "\n")
