"""The nesting guard: YAML and JSON nested deeper than :data:`MAX_DEPTH` levels.

One contract whichever part stops first: PyYAML's C parser (libyaml refuses 1,000 levels
with its own message, and sometimes reads far ahead before it does), PyYAML's
pure-Python parser, or this guard. The problem is always :data:`TOO_DEEP` with the hint
:data:`TOO_DEEP_HINT`, at the line and column where the collection that opens level
``MAX_DEPTH + 1`` starts (``[``, ``{``, ``-`` or the first key of a block mapping).

Pure functions of the text: no I/O. Work is bounded: the event walk stops at the first
collection too deep, and the pure-Python re-check after a libyaml error reads no further
than where libyaml stopped.
"""

from __future__ import annotations

import re
from typing import Any

from draftforge_stats.errors import Problem

__all__ = ["MAX_DEPTH", "TOO_DEEP", "TOO_DEEP_HINT", "json_too_deep", "yaml_too_deep"]

MAX_DEPTH = 100
"""YAML and JSON collections nested deeper than this are refused before they are built:
deeper nesting runs into Python's recursion limit, libyaml refuses 1,000 levels, and far
deeper (some 100,000 levels) crashed libyaml's recursive composer, taking the whole
process with it. No DraftForge file needs more than a few levels."""

TOO_DEEP = f"the document is nested too deeply (more than {MAX_DEPTH} levels)"
TOO_DEEP_HINT = (
    "no DraftForge file needs more than a few levels: look for brackets or indentation "
    "that never close, or flatten the data"
)

_Position = tuple[int, int]


def _problem(file: str, position: _Position) -> Problem:
    line, column = position
    return Problem(file=file, message=TOO_DEEP, line=line, column=column, hint=TOO_DEEP_HINT)


def _deepest(loader: Any, stop: _Position | None) -> _Position | None:
    """Where the first collection deeper than MAX_DEPTH starts, walking ``loader``'s
    events; None when there is none (up to ``stop``, a 1-based position, when given).

    Raises ``yaml.YAMLError`` when the parser stops on bad syntax first.
    """
    import yaml  # late: loaded only when YAML is read

    depth = 0
    while not loader.check_event(yaml.StreamEndEvent):
        event = loader.get_event()
        mark = event.start_mark
        where = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        if stop is not None and where > stop:
            return None
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return where
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def yaml_too_deep(text: str, file: str, loader_class: Any) -> Problem | None:
    """The nesting problem of a YAML text, or None when it is nested within MAX_DEPTH.

    ``loader_class`` is the PyYAML loader the caller reads with (``CSafeLoader`` or
    ``SafeLoader``). Raises ``yaml.YAMLError`` for bad syntax met before any nesting
    problem.
    """
    import yaml  # late: loaded only when YAML is read

    loader: Any = loader_class(text)
    try:
        found = _deepest(loader, None)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if loader_class is yaml.SafeLoader or mark is None:
            raise
        # libyaml may stop (on its own nesting limit, or on anything else) before it
        # has handed over the event that is too deep: walk the same text again with the
        # pure-Python parser, as far as the place libyaml stopped at.
        found = _python_recheck(text, (mark.line + 1, mark.column + 1))
        if found is None:
            raise
    finally:
        loader.dispose()
    return None if found is None else _problem(file, found)


def _python_recheck(text: str, stop: _Position) -> _Position | None:
    import yaml  # late: loaded only when YAML is read

    loader: Any = yaml.SafeLoader(text)
    try:
        return _deepest(loader, stop)
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()


_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[\[\]{}]')


def json_too_deep(text: str, file: str) -> Problem | None:
    """The nesting problem of a JSON text (strings skipped), or None; one linear pass."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                index = match.start()
                line_start = text.rfind("\n", 0, index) + 1
                return _problem(file, (text.count("\n", 0, index) + 1, index - line_start + 1))
        elif char in "]}":
            depth -= 1
    return None
