"""Rich consoles for the CLI: reports to stdout, messages to stderr (colour only on terminals)."""

from __future__ import annotations

from rich.console import Console


def output_console() -> Console:
    return Console(soft_wrap=False)


def error_console() -> Console:
    return Console(stderr=True, soft_wrap=True)
