"""`draftforge validate [PATH...]`: check the project's files before they are pushed.

The command only parses its options into :class:`ValidateOptions`; :func:`execute`
does the work and returns the exit code (0 no errors, 1 errors; usage errors are 2).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import click

from ..errors import UnknownFileKindError
from ..records import dataclass
from ..validation.files import validate as validate_paths
from ..validation.reporters import FORMATS, github_report, json_report, text_report
from .console import output_console, print_report


@dataclass(frozen=True)
class ValidateOptions:
    """The options of `draftforge validate`."""

    paths: tuple[Path, ...]
    output_format: str  # one of reporting.FORMATS
    strict: bool


def default_format(environ: Mapping[str, str]) -> str:
    """`github` inside GitHub Actions (annotations on the pull request), else `text`."""
    return "github" if environ.get("GITHUB_ACTIONS", "").lower() == "true" else "text"


def execute(options: ValidateOptions) -> int:
    """Validate, print the report in the chosen format, and return the exit code."""
    try:
        result = validate_paths(list(options.paths), base=Path.cwd())
    except UnknownFileKindError as exc:
        raise click.BadParameter(str(exc), param_hint="PATH") from None
    if options.output_format == "json":
        click.echo(json_report(result, strict=options.strict), nl=False)
    elif options.output_format == "github":
        click.echo(github_report(result, strict=options.strict), nl=False)
    else:
        print_report(output_console(), text_report(result, strict=options.strict))
    return 1 if result.failed(strict=options.strict) else 0


@click.command("validate")
@click.argument(
    "paths",
    nargs=-1,
    type=click.Path(exists=True, path_type=Path),
    metavar="[PATH]...",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default=None,
    help="How to show the problems: text (default), json, or github "
    "(workflow annotations; the default when GITHUB_ACTIONS=true).",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def validate_command(paths: tuple[Path, ...], output_format: str | None, strict: bool) -> None:
    """Check the config, metadata, stats and agent-run files against their schemas.

    With no PATH, or a project folder, every file the project has of these kinds:
    .draftforge/config.yml, the metadata.yml of the manuscript folder,
    .draftforge/stats.json and .draftforge/agent-runs/*.json. With file paths, just
    those. Exit code 0 without errors (warnings pass unless --strict), 1 with errors.
    """
    options = ValidateOptions(
        paths=paths,
        output_format=output_format or default_format(os.environ),
        strict=strict,
    )
    code = execute(options)
    if code:
        raise click.exceptions.Exit(code)


validate = validate_command
"""The click command the CLI group registers (`main.add_command(validate)`)."""

__all__ = ["ValidateOptions", "default_format", "execute", "validate"]
