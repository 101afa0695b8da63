"""Write `.draftforge/stats.json`: deterministic bytes, atomic replacement, no needless writes.

The images beside it (:mod:`draftforge_stats.images`) are written through the same
:func:`write_if_changed`. I/O: writes only the paths it is given; never prints.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..errors import UnreadableFileError, WriteError
from ..names import STATS_FILE
from ..reading import read_regular_file
from .model import Stats

# Fields that record *when* the content changed; they alone never make a file "changed".
TIMESTAMP_FIELDS = (("generated_at",), ("current", "last_updated"))


def render(stats: Stats) -> str:
    """The file's exact text: keys in model order, two-space indent, final newline."""
    return json.dumps(stats.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


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
    temporary file is removed and the old file is untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
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
