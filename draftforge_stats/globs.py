"""The globs of `stats.include` and `stats.exclude`, matched in linear time.

A glob is relative to the project folder: `*` is any run of characters within a folder
name, `?` one such character, `[abc]`, `[a-z]`, `[!abc]` one of (or none of) a set, `**`
as a whole folder name any number of folders (none too), and `**` inside a name any run of
characters, folders included. A pattern that names a folder matches everything below it.
A leading `./` and `.` folders are dropped (`./chapters/./a.md` is `chapters/a.md`); a
pattern that starts with `/` or has a `..` folder could only name files outside the
project, so :func:`glob_problem` reports it (the config check refuses it) and it matches
nothing.

Matching never backtracks: a pattern is read into a short list of steps and a path is
matched by keeping the set of steps reached after each character (a Thompson-style
simulation). Time is at most the path's length times the pattern's, whatever the pattern:
`**/**/**/**/**/**/**/**/**/**/y.md` or `*a*a*a*a*a*a*b` cost no more than `*.md`.

Pure functions: strings in, booleans out.
"""

from __future__ import annotations

import functools
from enum import Enum

from .records import dataclass

__all__ = ["Glob", "compile_glob", "glob_problem", "normalize_glob"]


class _Kind(Enum):
    CHAR = "char"  # one given character
    ONE = "one"  # `?`: one character, not `/`
    SET = "set"  # `[...]`: one character of (or not of) a set, not `/`
    STAR = "star"  # `*`: any run of characters without `/`
    ANY = "any"  # `**` inside a name: any run of characters
    FOLDERS = "folders"  # `**/`: any number of whole folders (none too)


@dataclass(frozen=True)
class _Step:
    """One step of a compiled glob: a character, a class of them, or a wildcard."""

    kind: _Kind
    char: str = ""
    ranges: tuple[tuple[str, str], ...] = ()
    negated: bool = False

    def accepts(self, char: str) -> bool:
        """Whether this step can consume `char` (for the repeating steps: and stay)."""
        kind = self.kind
        if kind is _Kind.CHAR:
            return char == self.char
        if kind is _Kind.ANY:
            return True
        if char == "/":
            return False
        if kind is _Kind.SET:
            inside = any(low <= char <= high for low, high in self.ranges)
            return inside is not self.negated
        return True  # ONE, STAR


def normalize_glob(pattern: str) -> str:
    """The pattern without surrounding blanks, leading `./` and `.` folders."""
    parts = [part for part in pattern.strip().split("/") if part not in (".",)]
    leading = pattern.strip().startswith("/")
    text = "/".join(part for part in parts if part)
    return "/" + text if leading else text


def glob_problem(pattern: str) -> str | None:
    """Why `pattern` can never match a file of the project, or None when it can."""
    text = pattern.strip()
    if text.startswith("/"):
        return (
            "globs are relative to the project folder: write it without the leading `/` "
            f"(`{text.lstrip('/')}`)"
        )
    if ".." in text.split("/"):
        return "a glob cannot leave the project folder: remove the `..`"
    if not normalize_glob(text):
        return "the glob is empty"
    return None


def _steps(pattern: str) -> tuple[_Step, ...]:
    steps: list[_Step] = []
    i, size = 0, len(pattern)
    while i < size:
        char = pattern[i]
        at_name_start = i == 0 or pattern[i - 1] == "/"
        if pattern.startswith("**", i):
            end = i
            while pattern.startswith("**", end):  # `***` is `**`
                end += 2
            while end < size and pattern[end] == "*":
                end += 1
            whole = at_name_start and (end == size or pattern[end] == "/")
            if whole and end < size:
                if not (steps and steps[-1].kind is _Kind.FOLDERS):  # `**/**/` is `**/`
                    steps.append(_Step(_Kind.FOLDERS))
                i = end + 1
            else:
                steps.append(_Step(_Kind.ANY))
                i = end
        elif char == "*":
            steps.append(_Step(_Kind.STAR))
            i += 1
        elif char == "?":
            steps.append(_Step(_Kind.ONE))
            i += 1
        elif char == "[" and (close := pattern.find("]", i + 2)) != -1:
            body = pattern[i + 1 : close]
            negated = body[:1] in ("!", "^")
            if negated:
                body = body[1:]
            ranges: list[tuple[str, str]] = []
            j = 0
            while j < len(body):
                if j + 2 < len(body) and body[j + 1] == "-":
                    ranges.append((body[j], body[j + 2]))
                    j += 3
                else:
                    ranges.append((body[j], body[j]))
                    j += 1
            steps.append(_Step(_Kind.SET, ranges=tuple(ranges), negated=negated))
            i = close + 1
        else:
            steps.append(_Step(_Kind.CHAR, char=char))
            i += 1
    return tuple(steps)


@dataclass(frozen=True)
class Glob:
    """One compiled glob."""

    pattern: str
    steps: tuple[_Step, ...]
    valid: bool

    def _closure(self, states: set[int]) -> set[int]:
        """The states reachable without reading a character: past each repeating step
        (`*`, `**`, `**/` may match nothing). A state is the number of steps matched; a
        negative state `-1 - n` is "inside a folder name of the `**/` step n"."""
        todo = [state for state in states if state >= 0]
        reached = set(states)
        last = len(self.steps)
        while todo:
            state = todo.pop()
            if state < last and self.steps[state].kind in _REPEATING and state + 1 not in reached:
                reached.add(state + 1)
                todo.append(state + 1)
        return reached

    def matches(self, path: str) -> bool:
        """Whether the project-relative POSIX `path` (or a folder above it) matches."""
        if not self.valid:
            return False
        steps, last = self.steps, len(self.steps)
        states = self._closure({0})
        for char in path:
            if char == "/" and last in states:
                return True  # the pattern named a folder above the path
            advanced: set[int] = set()
            for state in states:
                if state < 0:  # inside a folder name of a `**/`: until its `/`
                    advanced.add(-1 - state if char == "/" else state)
                    continue
                if state == last:
                    continue
                step = steps[state]
                if step.kind is _Kind.FOLDERS:
                    if char != "/":
                        advanced.add(-1 - state)
                elif step.accepts(char):
                    advanced.add(state if step.kind in _REPEATING else state + 1)
            states = self._closure(advanced)
            if not states:
                return False
        return last in states


_REPEATING = frozenset({_Kind.STAR, _Kind.ANY, _Kind.FOLDERS})


@functools.lru_cache(maxsize=256)
def compile_glob(pattern: str) -> Glob:
    """The compiled form of `pattern` (see the module's documentation)."""
    valid = glob_problem(pattern) is None
    return Glob(pattern, _steps(normalize_glob(pattern)) if valid else (), valid)
