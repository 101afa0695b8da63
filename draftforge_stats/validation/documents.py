"""Load YAML and JSON documents and remember where every key and value is in the source.

Both loaders return a :class:`Document`: the plain data plus a map from key paths to
1-based ``(line, column)`` positions, so that a problem found later (by a schema or a
semantic check) can point at the exact spot in the file. Anything wrong with the text
itself (a syntax error, a duplicate key, a value YAML cannot build such as the date
2024-13-45, nesting deeper than :data:`MAX_DEPTH`) raises :class:`SourceError` carrying
every problem found, with its place and, for the usual slips, how to fix it: never a
traceback.

YAML is read with PyYAML's safe loader only (the C one when libyaml is there): the node
tree is composed first, for its marks, then constructed into Python data.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Hashable, Sequence
from dataclasses import field
from typing import TYPE_CHECKING, Any, Literal

from draftforge_stats.errors import Problem, SourceError
from draftforge_stats.records import dataclass
from draftforge_stats.validation.nesting import (
    MAX_DEPTH,
    TOO_DEEP,
    TOO_DEEP_HINT,
    json_too_deep,
    yaml_too_deep,
)
from draftforge_stats.wording import plural

if TYPE_CHECKING:
    import yaml

__all__ = [
    "MAX_DEPTH",
    "MAX_VALUES",
    "Document",
    "Position",
    "SourceError",
    "check_expansion",
    "check_nesting",
    "decode_utf8",
    "load_json",
    "load_shipped_yaml",
    "load_text",
    "load_yaml",
]

Position = tuple[int, int]
"""A 1-based ``(line, column)`` in the source text; the column counts characters."""

_Key = tuple[Hashable, ...]

MAX_VALUES = 100_000
"""A YAML document may hold at most this many values (keys, scalars, lists and mappings)
once its aliases are expanded. Aliases (`*name`) reuse a value without copying it, so a
few hundred bytes can stand for billions of values ("billion laughs"), which every later
step (the schema check, the settings) would walk one by one. A real config or metadata
file holds a few hundred."""


_YamlLoader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] | None = None
"""The YAML loader to read with; None: PyYAML's safe loader, the C one when PyYAML was
built with libyaml (PyYAML is loaded only when YAML is read)."""


def _yaml_loader() -> type[yaml.SafeLoader] | type[yaml.CSafeLoader]:
    if _YamlLoader is not None:
        return _YamlLoader
    import yaml

    loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


@dataclass
class Document:
    """Data loaded from a YAML or JSON file, and where each part of it is in the source."""

    file: str
    """The display name the caller gave (used in every problem about this document)."""
    data: Any
    syntax: Literal["yaml", "json"] = "yaml"
    _values: dict[_Key, Position] = field(default_factory=dict, repr=False, compare=False)
    _keys: dict[_Key, Position] = field(default_factory=dict, repr=False, compare=False)
    _written: dict[_Key, str] = field(default_factory=dict, repr=False, compare=False)

    def locate(self, path: Sequence[str | int]) -> Position | None:
        """Where the value at ``path`` starts; the nearest existing ancestor if it is absent.

        The root (empty path) is the start of the document. ``None`` only for a document
        made by hand with no positions.
        """
        return self._nearest(tuple(path), self._values)

    def locate_key(self, path: Sequence[str | int]) -> Position | None:
        """Where the mapping key at the end of ``path`` is written (falls back like locate).

        For a list item (the path ends with an index) or the root this is the value's
        position, as there is no key to point at.
        """
        key = tuple(path)
        if key in self._keys:
            return self._keys[key]
        if key in self._values:
            return self._values[key]
        return self._nearest(key, self._values)

    def written(self, path: Sequence[str | int]) -> str | None:
        """A scalar exactly as written, when it is not a quoted string: a plain YAML
        scalar (`no` for the False it became) or a JSON number (`1e999`, not inf).

        None for quoted scalars, collections, JSON strings and literals, absent paths.
        """
        return self._written.get(tuple(path))

    @staticmethod
    def _nearest(path: _Key, table: dict[_Key, Position]) -> Position | None:
        for end in range(len(path), -1, -1):
            found = table.get(path[:end])
            if found is not None:
                return found
        return None


def _position(text: str, index: int) -> Position:
    """The 1-based line and column of ``text[index]``."""
    line_start = text.rfind("\n", 0, index) + 1
    return (text.count("\n", 0, index) + 1, index - line_start + 1)


def decode_utf8(raw: bytes, file: str) -> str:
    """The text of a file's bytes as UTF-8 (a leading BOM dropped).

    Raises :class:`SourceError` naming the first byte that is not UTF-8, with its line
    and column.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", "replace")) + 1
        problem = Problem(
            file=file,
            message=f"byte {exc.start} (0x{raw[exc.start]:02x}) is not valid UTF-8",
            line=before.count(b"\n") + 1,
            column=column,
            hint="save the file as UTF-8",
        )
        raise SourceError(f"{file} is not valid UTF-8", [problem]) from None


def load_shipped_yaml(text: str) -> Any:
    """The data of a YAML file this package ships (a schema, tested to load as
    :func:`load_yaml` loads it): without the positions and checks a writer's file needs, in
    a quarter of the time (4 ms against 14 ms for the config schema)."""
    import yaml  # late: loaded only when YAML is read

    return yaml.load(text, Loader=_yaml_loader())  # a safe loader


def load_text(text: str, file: str) -> Document:
    """Load ``text`` as JSON when ``file`` ends with ``.json``, as YAML otherwise."""
    if file.lower().endswith(".json"):
        return load_json(text, file)
    return load_yaml(text, file)


# ---------------------------------------------------------------------------- YAML


def load_yaml(text: str, file: str) -> Document:
    """Parse one YAML document safely; an empty document gives ``data=None``.

    Raises :class:`SourceError` for a syntax error (one problem, with line and column),
    for nesting deeper than :data:`MAX_DEPTH`, or for duplicate keys and numbers too
    long to read (one problem each).
    """
    import yaml  # late: loaded only when YAML is read

    loader: Any = _yaml_loader()(text)  # PyYAML's stubs type its methods unevenly
    try:
        try:
            check_nesting(text, file)
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            raise SourceError(
                f"{file} is not valid YAML", [_yaml_syntax_problem(exc, text, file)]
            ) from None
        except yaml.YAMLError as exc:
            raise SourceError(
                f"{file} is not valid YAML", [_plain_yaml_problem(exc, text, file)]
            ) from None
        doc = Document(file=file, data=None, syntax="yaml")
        if node is None:
            doc._values[()] = (1, 1)
            return doc
        check_expansion(node, file)
        problems: list[Problem] = []
        _walk_yaml(loader, node, (), doc, problems, set())
        if problems:
            problems.sort(key=lambda p: (p.line or 0, p.column or 0))
            count = len(problems)
            if all(p.message.startswith("duplicate key") for p in problems):
                summary = f"{file} has {plural(count, 'duplicate key')}"
            else:
                summary = f"{file} cannot be read"
            raise SourceError(summary, problems)
        try:
            doc.data = loader.construct_document(node)
        except yaml.MarkedYAMLError as exc:
            raise SourceError(
                f"{file} is not valid YAML", [_yaml_syntax_problem(exc, text, file)]
            ) from None
        except Exception as exc:  # a collection the safe constructors cannot build
            raise SourceError(
                f"{file} is not valid YAML",
                [Problem(file=file, message=f"cannot read the document: {exc}")],
            ) from None
        return doc
    finally:
        loader.dispose()


def check_expansion(root: yaml.Node, file: str, limit: int = MAX_VALUES) -> None:
    """Refuse a composed YAML document whose aliases expand to more than `limit` values, to
    more than :data:`MAX_DEPTH` levels (an alias reuses a deep value inside another deep
    one), or that contains itself (`&a [*a]`). Raises :class:`SourceError` at the smallest
    value that is too large or too deep.

    Each distinct node is sized once (aliases share nodes), without recursion, so the
    check costs time in proportion to the text, not to the expansion.
    """
    import yaml  # late: loaded only when YAML is read

    sizes: dict[int, tuple[int, int]] = {}  # node -> (values, depth) once expanded
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = _children(node)
        if finished:
            open_nodes.discard(key)
            total = 1 + sum(sizes[id(child)][0] for child in children)
            inner = max((sizes[id(child)][1] for child in children), default=0)
            depth = inner + (0 if isinstance(node, yaml.ScalarNode) else 1)  # collections
            if total > limit or depth > MAX_DEPTH:
                line, column = _mark(node)
                message = (
                    f"with its aliases expanded, this value holds more than {limit:,} values"
                    if total > limit
                    else "with its aliases expanded, this value is nested more than "
                    f"{MAX_DEPTH} levels deep"
                )
                problem = Problem(
                    file=file,
                    message=message,
                    line=line,
                    column=column,
                    hint="write the values out, or reuse fewer values through aliases like `*name`",
                )
                raise SourceError(f"{file} is too large to read", [problem])
            sizes[key] = (total, depth)
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            line, column = _mark(node)
            problem = Problem(
                file=file,
                message="an alias refers to a value that contains it, so the value never ends",
                line=line,
                column=column,
                hint="remove the alias (`*name`) from inside the value it names (`&name`)",
            )
            raise SourceError(f"{file} cannot be read", [problem])
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children)


def _children(node: yaml.Node) -> list[yaml.Node]:
    import yaml  # late: loaded only when YAML is read

    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def check_nesting(text: str, file: str) -> None:
    """Refuse YAML nested deeper than :data:`MAX_DEPTH`, from the parser's events alone.

    Raises :class:`SourceError` (too deep: the same problem whichever parser stops
    first, see :mod:`draftforge_stats.validation.nesting`) or a ``yaml.YAMLError`` (bad syntax).
    """
    problem = yaml_too_deep(text, file, _yaml_loader())
    if problem is not None:
        raise SourceError(f"{file} is not valid YAML", [problem])


def _yaml_syntax_problem(exc: yaml.MarkedYAMLError, text: str, file: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    message = exc.problem or exc.context or "invalid YAML"
    if exc.problem and exc.context:
        where = ""
        if exc.context_mark is not None and exc.context_mark != exc.problem_mark:
            where = f" started at line {exc.context_mark.line + 1}"
            where += f", column {exc.context_mark.column + 1}"
        message = f"{exc.problem} ({exc.context}{where})"
    line = column = None
    char = ""
    if mark is not None:
        line, column = mark.line + 1, mark.column + 1
        lines = text.split("\n")
        if mark.line < len(lines):
            char = lines[mark.line][mark.column : mark.column + 1]
    return Problem(
        file=file, message=message, line=line, column=column, hint=_yaml_hint(message, char)
    )


def _yaml_hint(message: str, char: str) -> str | None:
    """How to fix the usual slips, from the parser's message and the character it is at."""
    if char == "\t" or "tab character" in message:
        return "YAML does not allow tabs for indentation: indent with spaces"
    if message.startswith("mapping values are not allowed"):
        return 'if the value has ": " in it, put it in quotes; otherwise check the indentation'
    reserved = char in ("@", "`", "%")  # YAML's reserved indicators, and directives
    if reserved and message.startswith("found character that cannot start any token"):
        shown = "`` ` ``" if char == "`" else f"`{char}`"
        return f"a value cannot start with {shown} unless it is in quotes"
    return None


def _plain_yaml_problem(exc: yaml.YAMLError, text: str, file: str) -> Problem:
    # ReaderError (a character YAML does not allow) has a position but no mark.
    import yaml  # late: loaded only when YAML is read

    line = column = None
    if isinstance(exc, yaml.reader.ReaderError):
        character = exc.character
        if isinstance(character, int):
            character = chr(character)
        message = f"the character {character!r} is not allowed in YAML"
        if isinstance(exc.position, int) and 0 <= exc.position <= len(text):
            line, column = _position(text, exc.position)
    else:
        message = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
    return Problem(file=file, message=message, line=line, column=column)


def _mark(node: yaml.Node | yaml.Event) -> Position:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _yaml_key(loader: Any, key_node: yaml.Node) -> Hashable | None:
    """The Python value a mapping key becomes, or None when it is not a plain scalar."""
    import yaml  # late: loaded only when YAML is read

    if not isinstance(key_node, yaml.ScalarNode):
        return None
    try:
        value = loader.construct_object(key_node)
    except (yaml.YAMLError, TypeError, ValueError):
        return None
    return value if isinstance(value, Hashable) else None


def _walk_yaml(
    loader: Any,
    node: yaml.Node,
    path: _Key,
    doc: Document,
    problems: list[Problem],
    seen: set[int],
) -> None:
    """Record where everything is; collect duplicate keys and values that cannot be built."""
    import yaml  # late: loaded only when YAML is read

    doc._values.setdefault(path, _mark(node))
    if isinstance(node, yaml.ScalarNode):
        if not node.style:  # plain: None from PyYAML, "" from libyaml
            doc._written.setdefault(path, node.value)
        problem = _scalar_problem(loader, node, path, doc.file)
        if problem is not None:
            problems.append(problem)
        return
    if id(node) in seen:  # an alias already walked: do not walk it again (or forever)
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[Hashable, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            if isinstance(key_node, yaml.ScalarNode):
                problem = _scalar_problem(loader, key_node, path, doc.file)
                if problem is not None:
                    problems.append(problem)
                    continue
            key = _yaml_key(loader, key_node)
            if key is None:
                continue
            try:
                earlier = first.get(key)
            except TypeError:  # pragma: no cover - defensive, key is Hashable
                continue
            if earlier is not None:
                line, column = _mark(key_node)
                problems.append(
                    Problem(
                        file=doc.file,
                        message=f"duplicate key `{key}` (first at line {_mark(earlier)[0]})",
                        line=line,
                        column=column,
                        path=json_path((*path, key)),
                        hint="a YAML reader keeps only the last one: remove or rename one",
                    )
                )
                continue
            first[key] = key_node
            doc._keys.setdefault((*path, key), _mark(key_node))
            _walk_yaml(loader, value_node, (*path, key), doc, problems, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk_yaml(loader, item, (*path, index), doc, problems, seen)


_CORE_TAG = "tag:yaml.org,2002:"
_KINDS = {"int": "a whole number", "float": "a number", "bool": "true or false"}


def _scalar_problem(loader: Any, node: yaml.ScalarNode, path: _Key, file: str) -> Problem | None:
    """Why a scalar cannot be built (`2024-13-45`, a 5,000-digit number), or None.

    What is built here is kept by the loader and reused when the whole document is.
    """
    import yaml  # late: loaded only when YAML is read

    try:
        loader.construct_object(node)
    except yaml.MarkedYAMLError as exc:  # e.g. base64 that is not
        mark = exc.problem_mark or node.start_mark
        return Problem(
            file=file,
            message=str(exc.problem or exc),
            line=mark.line + 1,
            column=mark.column + 1,
            path=json_path(path),
        )
    except Exception as exc:  # the constructors raise many kinds: KeyError for !!bool maybe
        line, column = _mark(node)
        value, tag = node.value, node.tag.removeprefix(_CORE_TAG)
        if tag == "int" and "digits" in str(exc):  # more than sys.int_max_str_digits
            return _too_long(file, value, line, column, path)
        if tag == "timestamp":
            real = "a real date" if re.match(r"\d{4}-\d\d?-\d\d?", value) else "a date"
            message, hint = f"`{value}` is not {real}", "write a date as YYYY-MM-DD"
        elif tag in _KINDS:
            message, hint = f"`{value}` is not {_KINDS[tag]}", None
        else:
            message, hint = f"`{value}` cannot be read as `{tag}`: {exc}", None
        return Problem(
            file=file, message=message, line=line, column=column, path=json_path(path), hint=hint
        )
    return None


def _too_long(file: str, number: str, line: int, column: int, path: _Key) -> Problem:
    digits = sum(char.isdigit() for char in number)
    return Problem(
        file=file,
        message=f"the number has {digits} digits, too many to read",
        line=line,
        column=column,
        path=json_path(path),
        hint="write a smaller number",
    )


# ---------------------------------------------------------------------------- JSON

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_CONSTANTS = ("NaN", "Infinity", "-Infinity")


def load_json(text: str, file: str) -> Document:
    """Parse a JSON document; an empty (all-whitespace) text gives ``data=None``.

    Raises :class:`SourceError` for a syntax error (with line and column), for duplicate
    keys (every one of them) and for the non-standard ``NaN`` / ``Infinity``.
    """
    doc = Document(file=file, data=None, syntax="json")
    if not text.strip():
        doc._values[()] = (1, 1)
        return doc
    too_deep = json_too_deep(text, file)
    if too_deep is not None:
        raise SourceError(f"{file} is not valid JSON", [too_deep])
    try:
        data = json.loads(text, object_pairs_hook=_pairs_to_dict, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{file} is not valid JSON", [_json_syntax_problem(exc, text, file)]
        ) from None
    except RecursionError:  # pragma: no cover - json_too_deep refused it first
        raise SourceError(
            f"{file} is not valid JSON",
            [Problem(file=file, message=TOO_DEEP, hint=TOO_DEEP_HINT)],
        ) from None
    scanner = _JsonScanner(text, doc)
    try:
        scanner.value(_skip(text, 0), ())
    except RecursionError:  # pragma: no cover - json_too_deep refused it first
        raise SourceError(
            f"{file} is not valid JSON",
            [Problem(file=file, message=TOO_DEEP, hint=TOO_DEEP_HINT)],
        ) from None
    if scanner.problems:
        problems = sorted(scanner.problems, key=lambda p: (p.line or 0, p.column or 0))
        raise SourceError(f"{file} is not valid JSON", problems)
    doc.data = data
    return doc


def _pairs_to_dict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return dict(pairs)


def _parse_int(literal: str) -> int | float:
    try:
        return int(literal)
    except ValueError:  # more digits than int() accepts: the scanner reports it
        return math.inf


def _json_syntax_problem(exc: json.JSONDecodeError, text: str, file: str) -> Problem:
    """The standard library's message (not capitalised), or a plainer one for the usual
    slips: a comma after the last item, a comment."""
    index = exc.pos
    message = exc.msg[:1].lower() + exc.msg[1:] if exc.msg else "invalid JSON"
    hint = None
    comma = _trailing_comma(text, index, exc.msg)
    if comma is not None:
        index = comma
        message = "a comma after the last item"
        hint = "JSON allows no comma before `]` or `}`: remove it"
    elif text.startswith(("//", "/*"), index):
        message = "a comment"
        hint = "JSON has no comments: remove it"
    line, column = _position(text, index)
    return Problem(file=file, message=message, line=line, column=column, hint=hint)


def _trailing_comma(text: str, index: int, msg: str) -> int | None:
    """Where the comma is when the error at ``index`` is a comma before `]` or `}`."""
    if text[index : index + 1] in ("]", "}"):  # Python < 3.13: the error is at the bracket
        before = text[:index].rstrip(" \t\r\n")
        return len(before) - 1 if before.endswith(",") else None
    if text[index : index + 1] == "," and "comma" in msg.lower():  # 3.13: at the comma
        return index
    return None


def _skip(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    return match.end() if match else index


class _JsonScanner:
    """Walk text already known to be valid JSON and record where each value starts."""

    def __init__(self, text: str, doc: Document) -> None:
        self.text = text
        self.doc = doc
        self.problems: list[Problem] = []
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, index: int) -> Position:
        low, high = 0, len(self._line_starts) - 1
        while low < high:  # the last line start <= index
            middle = (low + high + 1) // 2
            if self._line_starts[middle] <= index:
                low = middle
            else:
                high = middle - 1
        return (low + 1, index - self._line_starts[low] + 1)

    def value(self, index: int, path: _Key) -> int:
        """Record the value at ``index`` (and everything in it); return the index after it."""
        text = self.text
        self.doc._values.setdefault(path, self.position(index))
        char = text[index]
        if char == "{":
            return self._object(index + 1, path)
        if char == "[":
            return self._array(index + 1, path)
        if char == '"':
            return int(json.decoder.scanstring(text, index + 1)[1])  # type: ignore[attr-defined]
        for literal in ("true", "false", "null"):
            if text.startswith(literal, index):
                return index + len(literal)
        for constant in _CONSTANTS:
            if text.startswith(constant, index):
                line, column = self.position(index)
                self.problems.append(
                    Problem(
                        file=self.doc.file,
                        message=f"`{constant}` is not a JSON number",
                        line=line,
                        column=column,
                        path=json_path(path),
                    )
                )
                return index + len(constant)
        match = _NUMBER.match(text, index)
        if match is None:  # pragma: no cover - json.loads accepted the text
            raise ValueError(f"unexpected character at {index}")
        literal = match.group()
        self.doc._written.setdefault(path, literal)
        if literal.lstrip("-").isdigit() and _parse_int(literal) == math.inf:
            line, column = self.position(index)
            self.problems.append(_too_long(self.doc.file, literal, line, column, path))
        return match.end()

    def _object(self, index: int, path: _Key) -> int:
        text = self.text
        first: dict[str, Position] = {}
        index = _skip(text, index)
        if text[index] == "}":
            return index + 1
        while True:
            key_position = self.position(index)
            key, index = json.decoder.scanstring(text, index + 1)  # type: ignore[attr-defined]
            index = _skip(text, index)  # then ':'
            index = _skip(text, index + 1)
            if key in first:
                self.problems.append(
                    Problem(
                        file=self.doc.file,
                        message=f"duplicate key `{key}` (first at line {first[key][0]})",
                        line=key_position[0],
                        column=key_position[1],
                        path=json_path((*path, key)),
                        hint="a JSON reader keeps only the last one: remove or rename one",
                    )
                )
            else:
                first[key] = key_position
                self.doc._keys[(*path, key)] = key_position
            # A duplicate's value is still walked (for its own duplicates), but the
            # first occurrence keeps its recorded positions.
            index = _skip(text, self.value(index, (*path, key)))
            if text[index] == "}":
                return index + 1
            index = _skip(text, index + 1)  # after ','

    def _array(self, index: int, path: _Key) -> int:
        text = self.text
        index = _skip(text, index)
        if text[index] == "]":
            return index + 1
        item = 0
        while True:
            index = _skip(text, self.value(index, (*path, item)))
            item += 1
            if text[index] == "]":
                return index + 1
            index = _skip(text, index + 1)


# ---------------------------------------------------------------------------- paths

_SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def json_path(path: Sequence[Hashable]) -> str:
    """``("project", "type")`` -> ``$.project.type``; list indexes as ``[2]``."""
    text = "$"
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        elif isinstance(part, str) and _SIMPLE_KEY.fullmatch(part):
            text += f".{part}"
        else:
            text += "[" + json.dumps(str(part) if not isinstance(part, str) else part) + "]"
    return text
