"""Arguments shared by several commands, so they read and check the same way everywhere."""

from __future__ import annotations

from pathlib import Path

import click

#: The optional PATH of a project folder (default: here); the project is found from it.
project_path = click.argument(
    "path",
    required=False,
    default=".",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
