"""Read one of the author's files, whatever sits at its path: bounded, never blocking.

A path found by :mod:`.discover` may hold a named pipe (reading it would wait forever), a
socket or a device, a file the run may not read, or a file too large to count in
reasonable time. :func:`read_manuscript_file` opens without waiting (`O_NONBLOCK`),
checks what it opened (a regular file, at most :data:`MAX_FILE_BYTES`), and turns every
failure into :class:`UnreadableFileError`, whose message names the reason and the fix; the
pipeline skips that one file with a warning.

Library code: it reads the one file it is given and returns bytes or raises.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import UnreadableFileError

__all__ = ["MAX_FILE_BYTES", "NOT_OURS", "read_manuscript_file", "read_regular_file"]

MAX_FILE_BYTES = 5_000_000
"""The largest manuscript file counted (5 MB, some 900,000 words of prose: more than any
novel in one file). Prose counts at about 2 MB/s, but the slowest Markdown there is (a
paragraph of `[^` repeated) parses at about 26 KB/s, so this bound keeps one file under
about 3 minutes whatever it holds. A larger file is skipped with a warning, in the working
tree and in the history alike."""

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)


def describe_mode(mode: int) -> str:
    """What kind of file system entry `mode` (from `stat`) is, in words."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


SPLIT_IT = "split it"
"""The fix for a manuscript file past the size bound."""

NOT_OURS = "no file DraftForge writes or reads is that large: check what the file holds"
"""The fix for one of the project's own files (config, stats, metadata) past the bound."""


def too_large(size: int, fix: str = SPLIT_IT) -> str:
    """The reason given for a file past the size bound."""
    return f"{size:,} bytes, more than the {MAX_FILE_BYTES:,} a file may have ({fix})"


def read_regular_file(
    path: Path, *, within: Path | None = None, too_large_fix: str = SPLIT_IT
) -> bytes:
    """The bytes of the regular file at `path` (symbolic links are followed: the caller
    checks where they lead, or gives `within`, the project folder, and a link that leads out
    of it is refused unread). Raises :class:`UnreadableFileError` for anything else: a pipe,
    socket, device or folder (never opened for reading, so never a hang), a file over
    :data:`MAX_FILE_BYTES`, a file that cannot be read. Used for every file of the author's
    this package reads: chapters, the config, metadata, stats and agent-run files;
    `too_large_fix` is the advice given for a file over the bound."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    if within is not None:
        _refuse_links_out(path, within)
    try:
        mode = os.stat(path).st_mode  # a socket cannot even be opened: tell what it is
        if not stat.S_ISREG(mode):
            raise UnreadableFileError(f"{describe_mode(mode)}, not a file")
        fd = os.open(path, flags)
    except OSError as exc:
        raise UnreadableFileError(_os_reason(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFileError(f"{describe_mode(info.st_mode)}, not a file")
        if info.st_size > MAX_FILE_BYTES:
            raise UnreadableFileError(too_large(info.st_size, too_large_fix))
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > MAX_FILE_BYTES:  # it grew while being read
                raise UnreadableFileError(too_large(total, too_large_fix))
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFileError(_os_reason(exc)) from None
    finally:
        os.close(fd)


def _refuse_links_out(path: Path, within: Path) -> None:
    """Raise :class:`UnreadableFileError` when `path` leads out of the folder `within` (a
    symbolic link, of the file or of a folder on the way): its bytes are never read, so
    never shown in a message, backed up or sent."""
    try:
        real = path.resolve(strict=False)
        inside = real.is_relative_to(within.resolve(strict=False))
    except (OSError, RuntimeError):  # a loop of links: reading says so
        return
    if not inside:
        raise UnreadableFileError(
            f"a symbolic link to {real}, outside the project folder; DraftForge reads only "
            "inside the project (replace the link with the file itself)"
        )


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link in a loop (following it never reaches a file)"
    if exc.errno == errno.ENOENT:
        return "a symbolic link to nothing (its target does not exist)"
    if isinstance(exc, PermissionError):
        return "cannot be read: permission denied (make it readable: `chmod a+r`)"
    return f"cannot be read: {exc.strerror or exc}"


read_manuscript_file = read_regular_file
"""One chapter or manuscript file (see :func:`read_regular_file`)."""
