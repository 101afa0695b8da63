"""Rich consoles for the CLI: reports to stdout, messages to stderr (colour only on terminals).

`NO_COLOR` (set and not empty, https://no-color.org) turns off every escape code, bold and
dim included; a report never leaves spaces at the end of its lines.
"""

from __future__ import annotations

import os
import re
from typing import Literal

from rich.console import Console, RenderableType

#: Spaces (and the style codes among them) at the end of a line.
_TRAILING = re.compile(r"(?:[ \t]|\x1b\[[0-9;]*m)+$", re.MULTILINE)
_CODE = re.compile(r"\x1b\[[0-9;]*m")


def _colour_system() -> Literal["auto"] | None:
    return None if os.environ.get("NO_COLOR") else "auto"


def output_console() -> Console:
    return Console(soft_wrap=False, color_system=_colour_system())


def error_console() -> Console:
    return Console(stderr=True, soft_wrap=True, color_system=_colour_system())


def strip_line_ends(text: str) -> str:
    """`text` without spaces at the end of its lines (style codes there are kept)."""
    return _TRAILING.sub(lambda match: "".join(_CODE.findall(match.group())), text)


def print_report(console: Console, renderable: RenderableType) -> None:
    """Print a report: rendered at the console's width, without spaces at line ends."""
    with console.capture() as capture:
        console.print(renderable, highlight=False)
    console.file.write(strip_line_ends(capture.get()))
    console.file.flush()


def print_line(console: Console, line: str) -> None:
    """Print one message as plain text (no markup: a `[` in a path is kept), wrapped at the
    console's width without spaces at line ends."""
    from rich.text import Text

    print_report(console, Text(line))
