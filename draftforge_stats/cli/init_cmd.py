"""`draftforge init [PATH]`: start a project that is valid from its first commit.

Options not given are asked for on a terminal; with every option given, or when standard
input is not a terminal, nothing is asked (the defaults apply).
"""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path

import click

from ..errors import InitError
from ..names import DEFAULT_PROJECT_TYPE, PROJECT_TYPES
from ..scaffold import (
    TYPE_DEFAULTS,
    InitOptions,
    init_project,
    language_is_valid,
    max_target,
)
from ..wording import plural
from .console import output_console, print_line

# The option behind each value the new project's files are checked for.
_OPTION_OF = {
    "$.project.name": "--name",
    "$.title": "--name",
    "$.project.type": "--type",
    "$.project.target_word_count": "--target",
    "$.project.genre": "--genre",
    "$.project.language": "--language",
}


def _check_language(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not language_is_valid(value):
        raise click.BadParameter(f"`{value}` is not a language tag such as en, fr or pt-BR")
    return value


def _check_name(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise click.BadParameter("the name cannot be empty")
    return value.strip() if value is not None else None


def _prompt_language() -> str:
    while True:
        value = str(click.prompt("Language", default="en")).strip()
        if language_is_valid(value):
            return value
        click.echo(f"`{value}` is not a language tag such as en, fr or pt-BR.", err=True)


def _interactive() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False


@click.command("init")
@click.argument(
    "path",
    required=False,
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option("--name", callback=_check_name, help="Project name (default: the folder's name).")
@click.option(
    "--type",
    "project_type",
    type=click.Choice(PROJECT_TYPES),
    help="Kind of work (default: novel); the scaffold differs by type.",
)
@click.option(
    "--target",
    type=click.IntRange(min=1, max=max_target()),
    help="Target word count (default: depends on the type, 80000 for a novel).",
)
@click.option("--genre", help="Genre, such as fantasy (default: none).")
@click.option(
    "--language", callback=_check_language, help="Language tag such as en or pt-BR (default: en)."
)
def init(
    path: Path,
    name: str | None,
    project_type: str | None,
    target: int | None,
    genre: str | None,
    language: str | None,
) -> None:
    """Create a DraftForge project in PATH (default: here); existing files are left alone.

    Lays down .draftforge/config.yml (with the schemas, for editors), a first chapter,
    manuscript/metadata.yml and the GitHub workflow that keeps the stats up to date.
    """
    if path.exists() and not path.is_dir():
        raise click.BadParameter(f"{path} is not a folder", param_hint="PATH")
    folder_name = path.resolve().name or "My Project"
    if _interactive():
        if name is None:
            name = click.prompt("Project name", default=folder_name).strip() or folder_name
        if project_type is None:
            project_type = click.prompt(
                "Project type", type=click.Choice(PROJECT_TYPES), default=DEFAULT_PROJECT_TYPE
            )
        if target is None:
            target = click.prompt(
                "Target word count",
                type=click.IntRange(min=1, max=max_target()),
                default=TYPE_DEFAULTS[project_type].target,
            )
        if genre is None:
            genre = click.prompt("Genre (optional)", default="", show_default=False) or None
        if language is None:
            language = _prompt_language()
    options = InitOptions(
        name=name or folder_name,
        type=project_type or DEFAULT_PROJECT_TYPE,
        target=target,
        genre=genre.strip() if genre and genre.strip() else None,
        language=language or "en",
        year=_dt.date.today().year,
    )
    try:
        result = init_project(path, options)
    except InitError as exc:  # a value the schemas refuse (too long...): nothing was written
        said: dict[str, str] = {}  # one message per option (a name is also the title)
        for problem in exc.problems:
            said.setdefault(_OPTION_OF.get(problem.path, problem.path), problem.message)
        raise click.UsageError(
            "\n".join(
                f"Invalid value for '{option}': {message}" for option, message in said.items()
            )
        ) from None
    console = output_console()
    where = path.as_posix()
    if result.created:
        print_line(console, f"Created {len(result.created)} files in {where}:")
        for relative in result.created:
            print_line(console, f"  {relative}")
    if result.skipped:
        print_line(console, f"Left alone {plural(len(result.skipped), 'existing file')}:")
        for relative in result.skipped:
            print_line(console, f"  {relative}")
    if not result.created:
        print_line(console, "Nothing to do: every file is already there.")
        return
    print_line(
        console,
        "Next: check it with `draftforge validate`, then commit and push; the workflow in "
        ".github/workflows/draftforge-stats.yml keeps .draftforge/stats.json up to date.",
    )


__all__ = ["init"]
