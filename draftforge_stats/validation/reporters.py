"""Show a :class:`~draftforge_stats.validation.ValidationResult`: text, JSON or GitHub.

Each reporter returns what to print (a rich renderable or a string); only the CLI prints.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from draftforge_stats.action.runner import escape_data, escape_property
from draftforge_stats.errors import Problem
from draftforge_stats.validation.files import ValidationResult
from draftforge_stats.wording import plural as _plural

__all__ = [
    "FORMATS",
    "github_report",
    "json_report",
    "summary_line",
    "text_report",
]

FORMATS = ("text", "json", "github")


def summary_line(result: ValidationResult, *, strict: bool = False) -> str:
    """One line: how many files, errors and warnings, and whether that passes."""
    files = len(result.files)
    errors, warnings = len(result.errors), len(result.warnings)
    checked = _plural(files, "file")
    if not errors and not warnings:
        return f"All good: {checked} checked, no problems." if files else "Nothing checked."
    counts = " and ".join(
        part
        for part in (
            _plural(errors, "error") if errors else "",
            _plural(warnings, "warning") if warnings else "",
        )
        if part
    )
    verdict = "failed" if result.failed(strict=strict) else "passed"
    tail = " (--strict: warnings fail)" if strict and warnings and not errors else ""
    if not files:  # only folders without any DraftForge file
        return f"{verdict.capitalize()}: {counts}, no DraftForge file found{tail}."
    bad = sum(1 for checked_file in result.files if checked_file.problems)
    empty = len({p.file for p in result.general})
    if empty:
        tail = f", and {_plural(empty, 'folder')} without DraftForge files{tail}"
    return f"{verdict.capitalize()}: {counts} in {bad} of {checked} checked{tail}."


# ---------------------------------------------------------------------------- text


def _where(problem: Problem) -> str:
    if problem.line is None:
        return "-"
    return f"{problem.line}:{problem.column}" if problem.column is not None else str(problem.line)


def _problem_table(problems: list[Problem]) -> Table:
    """One row per problem; long messages wrap inside their own column."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="dim")  # indent + line:column
    table.add_column(no_wrap=True)  # severity
    table.add_column(overflow="fold")  # path, message and hint
    for problem in problems:
        style = "bold red" if problem.severity == "error" else "yellow"
        text = Text()
        if problem.path != "$":
            text.append(problem.path, style="cyan")
            text.append(": ")
        text.append(problem.message)
        if problem.hint:
            text.append("\nhint: ", style="dim")
            text.append(problem.hint, style="dim")
        table.add_row(f"  {_where(problem)}", Text(problem.severity, style=style), text)
    return table


def text_report(result: ValidationResult, *, strict: bool = False) -> RenderableType:
    """Problems grouped by file (each file once, even when it has none), then a summary."""
    parts: list[RenderableType] = []
    for folder in dict.fromkeys(p.file for p in result.general):
        parts.append(Text(folder, style="bold"))
        parts.append(_problem_table([p for p in result.general if p.file == folder]))
    for checked in result.files:
        header = Text(checked.display, style="bold")
        if not checked.problems:
            header.append("  ok", style="green")
            parts.append(header)
            continue
        counts = []
        if checked.errors:
            counts.append(_plural(len(checked.errors), "error"))
        if checked.warnings:
            counts.append(_plural(len(checked.warnings), "warning"))
        header.append(f"  {', '.join(counts)}", style="red" if checked.errors else "yellow")
        parts.append(header)
        parts.append(_problem_table(checked.problems))
    verdict_style = "bold red" if result.failed(strict=strict) else "bold green"
    parts.append(Text(summary_line(result, strict=strict), style=verdict_style))
    return Group(*parts)


# ---------------------------------------------------------------------------- JSON


def _problem_data(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "line": problem.line,
        "column": problem.column,
        "path": problem.path,
        "severity": problem.severity,
        "message": problem.message,
        "hint": problem.hint,
    }


def json_report(result: ValidationResult, *, strict: bool = False) -> str:
    """A JSON object: ``valid``, counts, the files checked and every problem (with a newline)."""
    data = {
        "valid": not result.failed(strict=strict),
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "files": [
            {
                "file": checked.display,
                "kind": checked.kind.value,
                "errors": len(checked.errors),
                "warnings": len(checked.warnings),
            }
            for checked in result.files
        ],
        "problems": [_problem_data(p) for p in result.problems],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------- GitHub


def github_command(problem: Problem) -> str:
    """One workflow command, e.g. ``::error file=a.yml,line=4,col=9,title=…::message``."""
    command = "error" if problem.severity == "error" else "warning"
    properties = []
    if problem.file:
        properties.append(f"file={escape_property(problem.file)}")
        if problem.line is not None:
            properties.append(f"line={problem.line}")
            if problem.column is not None:
                properties.append(f"col={problem.column}")
    properties.append(f"title={escape_property('draftforge validate: ' + problem.path)}")
    message = problem.message
    if problem.hint:
        message += f"\nhint: {problem.hint}"
    return f"::{command} {','.join(properties)}::{escape_data(message)}"


def github_report(result: ValidationResult, *, strict: bool = False) -> str:
    """Workflow commands (annotations on the pull request), then the summary line."""
    lines = [github_command(p) for p in result.problems]
    lines.append(summary_line(result, strict=strict))
    return "\n".join(lines) + "\n"
