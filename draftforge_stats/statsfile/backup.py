"""Keep the exact bytes of a stats file before it is replaced, never overwriting a backup.

A stats file that cannot be used is replaced by a new one; what it held is the author's, so
the bytes that were *read* (not whatever is at the path by the time of writing: another run
may have replaced it meanwhile) go to `stats.json.bak`, or to the first of
`stats.json.bak.1`, `stats.json.bak.2`… that does not exist yet. A backup that already holds
the very same bytes is reused, so two runs on the same broken file make one backup.

Each backup is written to a temporary file and then hard-linked to its name: the link fails
when the name exists (no backup is ever overwritten, even by a run started at the same
moment), and a backup is never seen half-written.

Library code: it writes only next to the path it is given; it never prints.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from ..errors import StatsFileError

#: Backups tried before giving up (`stats.json.bak`, then `.bak.1` to `.bak.999`).
MAX_BACKUPS = 1000


def _names(path: Path) -> list[Path]:
    base = path.with_name(path.name + ".bak")
    return [base, *(base.with_name(f"{base.name}.{n}") for n in range(1, MAX_BACKUPS))]


def _holds(candidate: Path, raw: bytes) -> bool:
    try:
        return candidate.read_bytes() == raw
    except OSError:
        return False


def keep_backup(path: Path, raw: bytes) -> Path:
    """Keep `raw` (the bytes read from `path`) in the first free backup name; its path.

    Raises :class:`StatsFileError` when no backup can be written (then nothing may
    replace the file)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".bak.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        for candidate in _names(path):
            if _holds(candidate, raw):
                return candidate
            try:
                os.link(tmp, candidate)
            except FileExistsError:
                if _holds(candidate, raw):  # another run kept the same bytes just now
                    return candidate
                continue
            return candidate
    except OSError as exc:
        raise StatsFileError(
            f"could not keep a backup of {path.name} before replacing it ({exc}); nothing "
            "was written. Make the folder writable, or move the file aside yourself."
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    raise StatsFileError(
        f"{path.name} has {MAX_BACKUPS} backups already ({path.name}.bak to "
        f"{path.name}.bak.{MAX_BACKUPS - 1}); nothing was written. Remove the ones you do not "
        "need, then run again."
    )


__all__ = ["MAX_BACKUPS", "keep_backup"]
