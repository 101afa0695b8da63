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
    """The file's exact text for stats data (`Stats.model_dump(mode="json")`)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def without_timestamps(data: Any) -> Any:
    """A copy of stats data with the timestamp fields removed, for comparing content."""
    if not isinstance(data, dict):
        return data
    copy = json.loads(json.dumps(data))
    for path in TIMESTAMP_FIELDS:
        node = copy
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
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
