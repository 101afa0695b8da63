"""Write `.draftforge/stats.json`: deterministic bytes, atomic replacement, no needless writes.

The temporary files are `.stats.json.<random>.tmp` in the file's folder (:func:`temp_prefix`,
:data:`TEMP_SUFFIX`). A run killed while writing leaves one behind: the next write removes
such leftovers (:func:`remove_stale_temporaries`), only those of this pattern, and only
stale ones: a writer holds a lock on its temporary file while it writes, and a file younger
than :data:`STALE_AFTER` seconds is left alone.

The images beside it (:mod:`draftforge_stats.images`) are written through the same
:func:`write_if_changed`. I/O: writes only the paths it is given; never prints.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from ..errors import UnreadableFileError, WriteError
from ..names import STATS_FILE
from ..reading import read_regular_file
from .model import Stats

TEMP_SUFFIX = ".tmp"
#: Seconds after which an unlocked temporary file is a leftover (an hour without locks).
STALE_AFTER = 3600.0 if sys.platform == "win32" else 10.0

# Fields that record *when* the content changed; they alone never make a file "changed".
TIMESTAMP_FIELDS = (("generated_at",), ("current", "last_updated"))


def render(stats: Stats) -> str:
    """The file's exact text: keys in model order, two-space indent, final newline."""
    return render_data(stats.model_dump(mode="json"))


def render_data(data: Any) -> str:
    """The file's exact text for stats data (`Stats.model_dump(mode="json")`): the bytes of
    ``json.dumps(data, indent=2, ensure_ascii=False)`` and a newline.

    The `json` module indents in pure Python (its C encoder only works without `indent`).
    Here the C encoder writes, in one call, each array of flat objects (objects of strings,
    numbers, booleans and nulls: the history and breakdown entries, 10,000 in a large
    manuscript) and each flat object or array, its items separated by a comma, a newline
    and the indentation of their level; the array's own separators are then set right
    (strings never hold a raw newline: the encoder escapes it, so a newline is always a
    separator). The same bytes, in a fraction of the time. Anything else (keys that are not
    strings, values that are not JSON) is left to ``json.dumps`` as it is."""
    try:
        return _indented(data, "\n") + "\n"
    except TypeError:  # not plain data: the json module writes it, or says why it cannot
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


_INDENT = "  "
_LEAVES = frozenset({str, int, float, bool, type(None)})
_KEYS = frozenset({str})
_encode_string = json.encoder.encode_basestring  # the C function where there is one


def _flat(value: Any, newline: str) -> str:
    """`value` (an object or array) by the C encoder, its items one a line after `newline`."""
    return json.dumps(value, ensure_ascii=False, separators=("," + newline, ": "))


def _is_flat_object(value: Any) -> bool:
    """A non-empty object of string keys and values that are strings, numbers, booleans or
    nulls."""
    return (
        type(value) is dict
        and bool(value)
        and _KEYS.issuperset(map(type, value))
        and _LEAVES.issuperset(map(type, value.values()))
    )


def _indented(value: Any, newline: str) -> str:
    """`value` as ``json.dumps(value, indent=2, ensure_ascii=False)`` writes it, at the
    level whose line break and indentation is `newline`. Raises TypeError for anything but
    plain data (keys that are not strings, values of other types)."""
    kind = type(value)
    if kind in _LEAVES:
        return json.dumps(value, ensure_ascii=False)
    inner = newline + _INDENT
    if kind is dict:
        if not value:
            return "{}"
        if any(type(key) is not str for key in value):
            raise TypeError("not plain data")
        if all(type(item) in _LEAVES for item in value.values()):
            return "{" + inner + _flat(value, inner)[1:-1] + newline + "}"
        items = [f"{_encode_string(key)}: {_indented(item, inner)}" for key, item in value.items()]
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        if all(type(item) in _LEAVES for item in value):
            return "[" + inner + _flat(value, inner)[1:-1] + newline + "]"
        if all(map(_is_flat_object, value)):
            # Every separator at the objects' level: `},<deep>{` only ever joins two objects
            # (a value is never an object here), and is set to the array's level.
            deep = inner + _INDENT
            text = _flat(value, deep)[2:-2].replace(
                "}," + deep + "{", deep[:-2] + "}," + inner + "{" + deep
            )
            return "[" + inner + "{" + deep + text + inner + "}" + newline + "]"
        items = [_indented(item, inner) for item in value]
        return "[" + inner + ("," + inner).join(items) + newline + "]"
    raise TypeError("not plain data")


def without_timestamps(data: Any) -> Any:
    """Stats data with the timestamp fields removed, for comparing content: only the
    objects on the way to a timestamp are copied (the rest is shared with `data`, never
    changed), so comparing two files of 10,000 chapters copies nothing large."""
    if not isinstance(data, dict):
        return data
    copy = dict(data)
    for path in TIMESTAMP_FIELDS:
        node = copy
        for key in path[:-1]:
            inner = node.get(key)
            if not isinstance(inner, dict):
                break
            node[key] = node = dict(inner)
        else:
            node.pop(path[-1], None)
    return copy


def check_own_folder(root: Path) -> None:
    """Refuse to write when the project's `.draftforge` leads out of the project folder
    (a symbolic link to another place): raises :class:`.WriteError` naming it and the fix."""
    own = root / STATS_FILE.parent
    try:
        real = own.resolve(strict=False)
    except (OSError, RuntimeError):  # a loop of links
        real = None
    if real is not None and real.is_relative_to(root.resolve()):
        return
    where = f"to {real}, outside the project folder" if real else "that loops"
    raise WriteError(
        f"{own} is a symbolic link {where}: DraftForge writes only inside the project. "
        f"Replace the link with a folder (`rm {STATS_FILE.parent.as_posix()} && mkdir "
        f"{STATS_FILE.parent.as_posix()}`, then move the files it held into it)."
    )


def write_if_changed(path: Path, text: str) -> bool:
    """Write `text` to `path` atomically unless the file already holds exactly that text;
    True when it was written. A file whose bytes do not change keeps its modification time."""
    try:
        # Through the bounded reader: a pipe at `path` is replaced, never waited on.
        if read_regular_file(path).decode("utf-8") == text:
            return False
    except (UnreadableFileError, UnicodeDecodeError):
        pass
    atomic_write(path, text)
    return True


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename.

    Readers see the old file or the new one, never half of one; on any failure the
    temporary file is removed and the old file is untouched. Leftover temporary files of
    earlier, interrupted runs are removed first.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            _lock(handle)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def temp_prefix(path: Path) -> str:
    """The start of the name of every temporary file for `path`: `.stats.json.`."""
    return f".{path.name}."


if sys.platform == "win32":  # pragma: no cover  (no locks: the age alone decides)

    def _lock(handle: IO[Any]) -> None:
        pass

    def _in_use(candidate: Path) -> bool:
        return False

else:  # a writer's lock tells a live temporary file from a leftover
    import fcntl

    def _lock(handle: IO[Any]) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _in_use(candidate: Path) -> bool:
        """True when a live writer holds `candidate` (its lock cannot be taken)."""
        try:
            fd = os.open(candidate, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return True  # vanished or unreadable: not ours to remove
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)
        return False


def remove_stale_temporaries(path: Path, *, now: float | None = None) -> list[Path]:
    """Remove the temporary files interrupted writes of `path` left behind; those removed.

    Only regular files named `.<name>.<anything>.tmp` in `path`'s folder, older than
    :data:`STALE_AFTER` seconds and not locked by a writer; anything else is left alone.
    """
    now = time.time() if now is None else now
    pattern = re.compile(re.escape(temp_prefix(path)) + r".+" + re.escape(TEMP_SUFFIX))
    removed: list[Path] = []
    try:
        names = os.listdir(path.parent)
    except OSError:
        return removed
    for name in sorted(names):
        if not pattern.fullmatch(name):
            continue
        candidate = path.parent / name
        try:
            info = candidate.lstat()
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < STALE_AFTER:
            continue
        if _in_use(candidate):
            continue
        try:
            candidate.unlink()
        except OSError:  # gone meanwhile, or a folder this user may not change: left alone
            continue
        removed.append(candidate)
    return removed
