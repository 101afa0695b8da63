"""Chapter targets: `target_words` in a chapter's front matter, `stats.chapter_targets` in the
config, which one a chapter gets, and what is wrong with either.

Pure: text and settings in, targets and :class:`TargetIssue` values out (a line, a column, a
message and its fix). No files, no printing: `draftforge stats` turns the issues into
warnings (the run goes on without that target) and `draftforge validate` into errors.

The rules (the README's "Goals and pace" says the same):

* a target is a whole number of words from 1 to :data:`MAX_TARGET` (as
  `project.target_word_count` and the config schema's `chapter_targets`; `3000.0` is 3000,
  as JSON Schema's integers include it); anything else
  (a string, a decimal number, a boolean, a list, an empty value, 0, a negative or a huge
  number) is an issue, and the chapter has no target from it;
* front matter is the YAML between a `---` line at the very start of the file and the next
  `---` line; front matter YAML that cannot be read gives an issue only when it has a
  `target_words` line (otherwise it is no concern of the targets);
* when both give a target, `stats.chapter_targets` wins, and a warning says so when they
  differ;
* `stats.chapter_targets` naming a file that is not a chapter of the project is a warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .errors import SourceError
from .records import dataclass

__all__ = [
    "FRONT_MATTER_LIMIT",
    "KEY",
    "MAX_TARGET",
    "FrontTarget",
    "TargetIssue",
    "chosen_targets",
    "front_issues",
    "front_target",
    "not_a_chapter",
    "target_value_problem",
]

KEY = "target_words"
"""The front matter key of a chapter's own target."""

MAX_TARGET = 100_000_000
"""The largest target (the config schema's bound on `project.target_word_count` too)."""

FRONT_MATTER_LIMIT = 64 * 1024
"""Front matter is looked for in a chapter's first 64 KiB."""

_FRONT_MATTER = re.compile(r"\ufeff?---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_KEY_LINE = re.compile(rf"^[ \t]*['\"]?{KEY}['\"]?[ \t]*:", re.MULTILINE)

FIX = f"write a whole number of words from 1 to {MAX_TARGET:,}, such as `{KEY}: 3000`"


@dataclass(frozen=True)
class TargetIssue:
    """What is wrong with a target, and where (1-based, in the chapter file)."""

    line: int
    column: int
    message: str
    hint: str = FIX
    bad_value: bool = True
    """The value cannot be used (`validate`: an error); else a setting without effect (a
    warning)."""


@dataclass(frozen=True)
class FrontTarget:
    """A chapter's own target: the number, or what is wrong with it (neither: none set)."""

    value: int | None = None
    issue: TargetIssue | None = None
    line: int = 1
    column: int = 1
    """Where the value is in the file."""


def target_value_problem(value: object, written: str | None = None) -> str | None:
    """What is wrong with `value` as a target (None: it is a good one). `written` is the
    value as the author wrote it, when it is a plain YAML scalar (`2.5e3`, `yes`)."""
    shown = f"`{written}`" if written is not None else _shown(value)
    if isinstance(value, bool):
        return f"is {shown}, a boolean, not a number of words"
    if isinstance(value, int):
        if value < 1:
            return f"must be at least 1, got {value}"
        if value > MAX_TARGET:
            return f"must be at most {MAX_TARGET:,}, got {shown}"
        return None
    if isinstance(value, float):
        if value.is_integer():  # `3000.0`: as the config schema, whose integers include it
            return target_value_problem(int(value), written)
        return f"is {shown}, not a whole number"
    if isinstance(value, str):
        if written is None:  # quoted
            return f"is the string {shown}, not a number (write it without quotes)"
        return f"is {shown}, not a number of words"
    if value is None:
        return "has no value"
    kind = (
        "a list"
        if isinstance(value, list)
        else "a mapping"
        if isinstance(value, Mapping)
        else (f"a {type(value).__name__}")
    )
    return f"is {kind}, not a number of words"


def _shown(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return f"`{text if len(text) <= 40 else text[:39] + '…'}`"


def front_target(text: str) -> FrontTarget:
    """`target_words` of the YAML front matter at the start of `text` (a decoded chapter)."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return FrontTarget()
    source = match.group(1)
    key_line = _KEY_LINE.search(source)
    if key_line is None:  # the usual case: no target here, and no YAML to read
        return FrontTarget()
    offset = 1  # the front matter starts on the file's second line
    from .validation.documents import load_yaml  # late: only front matter with a target

    try:
        doc = load_yaml(source, "front matter")
    except SourceError as exc:
        first = exc.problems[0] if exc.problems else None
        line = (first.line if first and first.line else 1) + offset
        column = first.column if first and first.column else 1
        reason = first.message if first else str(exc)
        if first is not None and first.path == f"$.{KEY}":  # a number too long, a duplicate
            issue = TargetIssue(line, column, f"`{KEY}`: {reason}", first.hint or FIX)
            return FrontTarget(issue=issue)
        return FrontTarget(
            issue=TargetIssue(
                line,
                column,
                f"the front matter is not valid YAML ({reason}), so `{KEY}` is not read",
                "fix the YAML between the two `---` lines",
            )
        )
    data: Any = doc.data
    if not isinstance(data, Mapping) or KEY not in data:
        return FrontTarget()
    value = data[KEY]
    problem = target_value_problem(value, doc.written((KEY,)))
    line, column = doc.locate((KEY,)) or (1, 1)
    line += offset
    if problem is None:
        return FrontTarget(value=int(value), line=line, column=column)
    issue = TargetIssue(line, column, f"`{KEY}` {problem}")
    return FrontTarget(issue=issue, line=line, column=column)


def front_issues(
    front: FrontTarget, *, chapter: bool, configured: int | None, config: str
) -> list[TargetIssue]:
    """What to say about a file's `target_words`: `chapter` tells whether the file is a
    chapter, `configured` is its target in `stats.chapter_targets` (in the file `config`)."""
    if front.value is None and front.issue is None:
        return []
    if not chapter:
        return [
            TargetIssue(
                front.line,
                front.column,
                f"`{KEY}` has no effect in a manuscript file: only chapters have targets",
                f"remove it, or give a chapter its target in `{config}`",
                bad_value=False,
            )
        ]
    if front.issue is not None:
        return [front.issue]
    if configured is not None and configured != front.value:
        return [
            TargetIssue(
                front.line,
                front.column,
                f"`{KEY}: {front.value}` gives way to `stats.chapter_targets` in {config} "
                f"({configured}), which wins",
                "remove one of the two",
                bad_value=False,
            )
        ]
    return []


def not_a_chapter(file: str, *, kind: str | None, exists: bool, chapters_directory: str) -> str:
    """Why `stats.chapter_targets` naming `file` gives no chapter a target: `kind` is how the
    project's file rules classify the path (`chapter`, `manuscript` or None), `exists`
    whether there is a file there."""
    if not exists:
        return f"`{file}` is not a file of the project"
    if kind == "manuscript":
        return f"`{file}` is a manuscript file, not a chapter: only chapters have targets"
    if kind == "chapter":
        return f"`{file}` is a chapter that was not counted (see the warning about it)"
    folder = chapters_directory or "the project folder"
    return (
        f"`{file}` is not a chapter: chapters are the Markdown files under `{folder}` that "
        "`stats.include` and `stats.exclude` let through"
    )


def chosen_targets(
    chapters: Sequence[str], configured: Mapping[str, int], fronts: Mapping[str, int]
) -> dict[str, int]:
    """Each chapter's target: `stats.chapter_targets`, else `target_words` of its front
    matter."""
    targets: dict[str, int] = {}
    for rel in chapters:
        if rel in configured:
            targets[rel] = configured[rel]
        elif rel in fronts:
            targets[rel] = fronts[rel]
    return targets
