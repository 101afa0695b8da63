"""Plain-language problems against the shipped schemas.

:func:`schema_problems` validates a :class:`~draftforge_stats.validation.documents.Document` with
JSON Schema 2020-12 (:mod:`.schemas`) and turns *every* validation error into a
:class:`Problem` that says what is wrong in a few words, where (line, column and
``$.key.path``) and, where it helps, how to fix it (close matches for unknown keys, the
allowed values of an enum). Pure: no I/O beyond reading the shipped schemas.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import json
import re
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any, cast

from jsonschema.exceptions import ValidationError, best_match

from draftforge_stats.errors import Problem
from draftforge_stats.validation.documents import Document, json_path
from draftforge_stats.validation.schemas import load_schema, validator_for

__all__ = ["schema_problems"]


def schema_problems(doc: Document, schema_name: str) -> list[Problem]:
    """Every way ``doc`` breaks the schema, as plain-language problems sorted by position."""
    validator = validator_for(schema_name)
    schema = load_schema(schema_name)
    data = doc.data
    if data is None and schema.get("type") == "object":
        if schema.get("required"):
            return [
                Problem(
                    file=doc.file,
                    message="the file is empty",
                    line=1,
                    column=1,
                    hint="it needs at least " + _names(schema["required"]),
                )
            ]
        return []  # an empty file where everything is optional: all defaults
    translator = _Translator(doc, schema)
    problems: list[Problem] = []
    for error in _without_shadowed(list(validator.iter_errors(data))):
        problems.extend(translator.problems(error))
    unique = list(dict.fromkeys(problems))
    unique.sort(key=lambda p: (p.line or 0, p.column or 0, p.path, p.message))
    return unique


def _keyword(error: ValidationError) -> str:
    """The schema keyword that failed (`type`, `enum`...); the type stubs of jsonschema
    have typed this attribute differently over the releases this package allows."""
    return str(error.validator)


def _without_shadowed(errors: list[ValidationError]) -> list[ValidationError]:
    """One problem per value is enough: drop what a value of the wrong type also fails
    (`type: Yes` is a boolean, so not also "not a project type"), and a `pattern` error
    where the same value fails its `format`."""
    types = {tuple(e.absolute_path) for e in errors if _keyword(e) == "type"}
    formats = {tuple(e.absolute_path) for e in errors if _keyword(e) == "format"}

    def shadowed(error: ValidationError) -> bool:
        path = tuple(error.absolute_path)
        if _keyword(error) != "type" and path in types:
            return True
        return _keyword(error) == "pattern" and path in formats

    return [e for e in errors if not shadowed(e)]


_TYPE_NAMES = {
    "integer": "a whole number",
    "number": "a number",
    "string": "a string",
    "boolean": "true or false",
    "null": "nothing (null)",
    "array": "a list",
    "object": "a mapping",
}

_FORMAT_NAMES = {
    "date": ("date", "write it as YYYY-MM-DD, like 2025-10-29"),
    "date-time": (
        "date and time",
        "write it as RFC 3339 with a time zone, like 2025-10-29T14:30:00Z",
    ),
    "email": ("email address", "like author@example.com"),
    "uri": ("URL", "a full address with its scheme, like https://example.com"),
}


def _expected(type_name: str, syntax: str) -> str:
    if type_name == "object" and syntax == "json":
        return "an object"
    return _TYPE_NAMES.get(type_name, type_name)


def _kind(value: object, syntax: str) -> str:
    if value is None:
        return "an empty value" if syntax == "yaml" else "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a mapping" if syntax == "yaml" else "an object"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, _dt.datetime):
        return "a date and time"
    if isinstance(value, _dt.date):  # YAML reads an unquoted 2025-10-29 as a date
        return "a date"
    if isinstance(value, bytes):
        return "binary data"
    return type(value).__name__


def show(value: object, limit: int = 40) -> str:
    """A short rendering of a value for a message: strings quoted, long ones cut."""
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, _dt.date):
        text = value.isoformat()
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            text = repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _plain(value: object) -> str:
    """A value as the author would write it (no quotes), for enum lists and hints."""
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def _code(value: object) -> str:
    """A value in backticks as the author wrote it: `novell`, `80k`, `[1, 2]`."""
    if isinstance(value, str):
        return f"`{value if len(value) <= 40 else value[:39] + '…'}`"
    return f"`{show(value)}`"


def _sentence(text: str | None) -> str | None:
    """A description as a hint: without its final full stop."""
    return text.strip().removesuffix(".") if text else text


def _names(names: Iterable[object]) -> str:
    return ", ".join(f"`{_plain(name)}`" for name in names)


def _article(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _lower_first(text: str) -> str:
    # "Output format" -> "output format", but keep "URL", "IANA", "ISBN" as written.
    first = text.split(" ", 1)[0]
    if first.isupper() and len(first) > 1:
        return text
    return text[:1].lower() + text[1:]


_SCHEMA_GROUPS = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "allOf",
        "anyOf",
        "oneOf",
        "prefixItems",
    }
)
"""Keywords whose value holds schemas by name or index (not a schema itself)."""

_COMBINATORS = frozenset({"allOf", "anyOf", "oneOf", "not", "if", "then", "else"})
"""Keywords whose subschemas describe the same value as the schema they are in."""


class _Translator:
    """Turns jsonschema's errors into Problems for one document."""

    def __init__(self, doc: Document, schema: dict[str, Any]) -> None:
        self.doc = doc
        self.schema = schema

    # -- where the schema says something about the failing value

    def _resolve(self, ref: str) -> Any:
        if not ref.startswith("#"):
            return None
        node: Any = self.schema
        for part in ref[1:].split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node

    def _annotations(self, error: ValidationError) -> tuple[str | None, str | None]:
        """The title and description of the subschema holding the failing keyword.

        A property's own words win over those of a shared ``$ref`` definition (the
        schema path runs straight through a ``$ref``, as if the definition were inline).
        """
        node: Any = self.schema
        title, description = node.get("title"), node.get("description")
        named = False  # the next part is a property name or an index, not a keyword
        group = ""  # the keyword `named` refers to

        def follow_refs() -> None:
            nonlocal node, title, description
            for _ in range(16):
                if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                    return
                node = self._resolve(node["$ref"])
                if isinstance(node, dict):
                    title = title or node.get("title")
                    description = description or node.get("description")

        for part in list(error.absolute_schema_path)[:-1]:  # the keyword itself is last
            if not named and isinstance(node, dict) and part not in node:
                follow_refs()
            found = (isinstance(node, dict) and part in node) or (
                isinstance(node, list) and isinstance(part, int) and part < len(node)
            )
            if not found:
                break
            node = node[part]
            if not named and part in _SCHEMA_GROUPS:
                named = True
                group = str(part)
                continue
            inherit = (named and group in _COMBINATORS) or (not named and part in _COMBINATORS)
            named = False
            if isinstance(node, dict):
                if inherit:  # a branch of anyOf/oneOf/...: the outer words still apply
                    title = node.get("title", title)
                    description = node.get("description", description)
                else:
                    title, description = node.get("title"), node.get("description")
        follow_refs()
        return (
            str(title) if title is not None else None,
            str(description) if description is not None else None,
        )

    def _property_index(self) -> dict[str, list[str]]:
        """Every property name the schema knows -> the key paths where it belongs."""
        index: dict[str, list[str]] = {}

        def walk(node: Any, where: tuple[str, ...], depth: int) -> None:
            if depth > 8 or not isinstance(node, dict):
                return
            if "$ref" in node:
                walk(self._resolve(str(node["$ref"])), where, depth + 1)
            for name, sub in (node.get("properties") or {}).items():
                index.setdefault(name, []).append(json_path((*where, name)))
                walk(sub, (*where, name), depth + 1)

        walk(self.schema, (), 0)
        return index

    # -- locating

    def _as_written(self, path: Sequence[Hashable], value: object) -> str:
        """A value as the author wrote it: `no` rather than the false YAML made of it."""
        if not isinstance(value, str):
            written = self.doc.written(cast(Sequence[str | int], path))
            if written is not None:
                return written
        return _plain(value)

    def _problem(
        self,
        path: Sequence[Hashable],
        message: str,
        hint: str | None = None,
        *,
        at_key: bool = False,
    ) -> Problem:
        keys = cast(Sequence[str | int], path)
        position = self.doc.locate_key(keys) if at_key else self.doc.locate(keys)
        line, column = position if position is not None else (None, None)
        return Problem(
            file=self.doc.file,
            message=message,
            line=line,
            column=column,
            path=json_path(path),
            hint=hint,
        )

    # -- the translation itself

    def problems(self, error: ValidationError) -> Iterator[Problem]:
        path = tuple(error.absolute_path)
        keyword = _keyword(error)
        value: Any = error.validator_value
        instance: Any = error.instance

        if keyword == "additionalProperties" and isinstance(instance, Mapping):
            yield from self._unknown_keys(error, path)
            return
        if keyword in {"anyOf", "oneOf"}:
            yield from self._alternatives(error, path)
            return

        title, description = self._annotations(error)
        noun = _lower_first(title) if title else None

        if keyword == "type":
            yield self._type(path, value, instance)
        elif keyword == "enum":
            allowed = list(value)
            what = _article(noun) if noun else "one of the allowed values"
            message = f"`{self._as_written(path, instance)}` is not {what}"
            hint = "allowed: " + ", ".join(_plain(v) for v in allowed)
            if isinstance(instance, str):
                close = difflib.get_close_matches(
                    instance, [str(v) for v in allowed], n=1, cutoff=0.6
                )
                if close:
                    hint = f"did you mean `{close[0]}`? {hint}"
            yield self._problem(path, message, hint)
        elif keyword == "const":
            yield self._problem(path, f"must be `{_plain(value)}`, got {_code(instance)}")
        elif keyword == "required":
            missing = [name for name in value if name not in instance]
            for name in missing or list(value):
                yield self._problem(
                    path, f"missing required key `{name}`", self._required_hint(error, name)
                )
        elif keyword == "minimum":
            yield self._problem(path, f"must be at least {value}, got {show(instance)}")
        elif keyword == "maximum":
            yield self._problem(path, f"must be at most {value}, got {show(instance)}")
        elif keyword == "exclusiveMinimum":
            yield self._problem(path, f"must be more than {value}, got {show(instance)}")
        elif keyword == "exclusiveMaximum":
            yield self._problem(path, f"must be less than {value}, got {show(instance)}")
        elif keyword == "multipleOf":
            yield self._problem(path, f"must be a multiple of {value}, got {show(instance)}")
        elif keyword == "minLength":
            if value == 1:
                yield self._problem(path, "must not be empty")
            else:
                yield self._problem(
                    path,
                    f"must be at least {value} characters long, got {len(instance)}",
                )
        elif keyword == "maxLength":
            yield self._problem(
                path, f"must be at most {value} characters long, got {len(instance)}"
            )
        elif keyword == "pattern":
            what = f"a valid {noun}" if noun else "in the expected form"
            yield self._problem(path, f"{_code(instance)} is not {what}", _sentence(description))
        elif keyword == "format":
            name, how = _FORMAT_NAMES.get(str(value), (str(value), None))
            yield self._problem(path, f"{_code(instance)} is not a valid {name}", how)
        elif keyword == "minItems":
            message = (
                "must not be empty"
                if value == 1
                else f"must have at least {value} items, got {len(instance)}"
            )
            yield self._problem(path, message, description)
        elif keyword == "maxItems":
            yield self._problem(path, f"must have at most {value} items, got {len(instance)}")
        elif keyword == "uniqueItems":
            yield self._duplicate_item(path, instance)
        elif keyword == "minProperties":
            message = "must not be empty" if value == 1 else f"must have at least {value} keys"
            yield self._problem(path, message, description)
        elif keyword == "maxProperties":
            yield self._problem(path, f"must have at most {value} keys")
        elif keyword == "dependentRequired" and isinstance(instance, Mapping):
            for name, needed in value.items():
                if name in instance:
                    for other in needed:
                        if other not in instance:
                            yield self._problem(path, f"`{name}` needs `{other}` too", at_key=False)
        elif keyword == "not":
            yield self._problem(
                path, f"{_code(instance)} is not allowed here", _sentence(description)
            )
        elif keyword in {None, "false"} or error.schema is False:
            yield self._problem(path, "is not allowed here", at_key=True)
        else:
            yield self._problem(path, _lower_first(error.message))

    def _type(self, path: tuple[Hashable, ...], value: Any, instance: Any) -> Problem:
        syntax = self.doc.syntax
        wanted = [value] if isinstance(value, str) else list(value)
        expected = " or ".join(_expected(str(name), syntax) for name in wanted)
        message = f"expected {expected}, got {_kind(instance, syntax)}"
        written = (
            None if isinstance(instance, str) else self.doc.written(cast(Sequence[str | int], path))
        )
        if instance is not None and not isinstance(instance, Mapping | list):
            message += f" (`{written if written is not None else show(instance)}`)"
        hint = None
        if "string" in wanted and isinstance(instance, int | float | bool | _dt.date):
            if written is not None:
                source = written
            elif isinstance(instance, _dt.date):
                source = instance.isoformat()
            else:
                source = _plain(instance)
            hint = f'put it in quotes: "{source}"'
        elif {"integer", "number"} & set(wanted) and isinstance(instance, str):
            digits = re.sub(r"[\s,_']", "", instance)
            if re.fullmatch(r"-?\d+(\.\d+)?", digits):
                hint = f"write the number without quotes or separators: {digits}"
            elif re.fullmatch(r"\d+(\.\d+)?\s*[kK]", instance.strip()):
                number = float(instance.strip()[:-1].strip()) * 1000
                hint = f"write the number in full: {int(number)}"
        elif "boolean" in wanted and isinstance(instance, str):
            if instance.strip().lower() in {"true", "false", "yes", "no", "on", "off"}:
                hint = "write true or false, without quotes"
        elif instance is None and syntax == "yaml":
            hint = "give it a value, or remove the key to use the default"
        return self._problem(path, message, hint)

    def _unknown_keys(
        self, error: ValidationError, path: tuple[Hashable, ...]
    ) -> Iterator[Problem]:
        schema = error.schema if isinstance(error.schema, dict) else {}
        allowed = list(schema.get("properties", {}))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        index: dict[str, list[str]] | None = None
        instance: Any = error.instance
        for key in instance:
            if key in allowed or any(p.search(str(key)) for p in patterns):
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            if close:
                hint = f"did you mean `{close[0]}`?"
            else:
                if index is None:
                    index = self._property_index()
                elsewhere = [
                    where for where in index.get(str(key), []) if where != json_path((*path, key))
                ]
                if elsewhere:
                    parent = elsewhere[0].rsplit(".", 1)[0].removeprefix("$").lstrip(".")
                    hint = (
                        f"`{key}` belongs under `{parent}`"
                        if parent
                        else f"`{key}` belongs at the top level"
                    )
                elif allowed:
                    hint = "allowed keys: " + ", ".join(allowed)
                else:
                    hint = "no keys are allowed here"
            yield self._problem((*path, key), f"unknown key `{key}`", hint, at_key=True)

    def _alternatives(
        self, error: ValidationError, path: tuple[Hashable, ...]
    ) -> Iterator[Problem]:
        """anyOf / oneOf: explain the alternative the value was meant to be."""
        context = list(error.context or [])
        if not context:  # oneOf where more than one alternative matched
            yield self._problem(path, "matches more than one of the allowed forms")
            return
        branches: dict[object, list[ValidationError]] = {}
        for sub in context:
            branch = sub.relative_schema_path[0] if sub.relative_schema_path else None
            branches.setdefault(branch, []).append(sub)

        def wrong_type(errors: list[ValidationError]) -> bool:
            return (
                len(errors) == 1
                and _keyword(errors[0]) == "type"
                and tuple(errors[0].absolute_path) == path
            )

        missed = [errors[0] for errors in branches.values() if wrong_type(errors)]
        other_types: list[str] = []
        for sub in missed:
            names: Any = sub.validator_value
            for name in [names] if isinstance(names, str) else list(names):
                if name not in other_types:
                    other_types.append(str(name))
        if len(missed) == len(branches):
            yield self._type(path, other_types, error.instance)
            return
        meant = [errors for errors in branches.values() if not wrong_type(errors)]
        if len(meant) == 1:
            chosen = _without_shadowed(meant[0])
        else:
            best = best_match([e for errors in meant for e in errors])
            chosen = [best] if best is not None else []
        found = [p for sub in chosen for p in self.problems(sub)]
        if not found:
            found = [self._problem(path, "does not match any of the allowed forms")]
        if other_types:
            alternative = " or ".join(
                "null" if n == "null" else _expected(n, self.doc.syntax) for n in other_types
            )
            found = [
                replace(p, hint=f"{p.hint}; or {alternative}" if p.hint else f"or {alternative}")
                if p.path == json_path(path)
                else p
                for p in found
            ]
        yield from found

    def _required_hint(self, error: ValidationError, name: str) -> str | None:
        schema = error.schema if isinstance(error.schema, dict) else {}
        sub = (schema.get("properties") or {}).get(name)
        if isinstance(sub, dict) and "$ref" in sub and "description" not in sub:
            sub = self._resolve(str(sub["$ref"]))
        if isinstance(sub, dict) and sub.get("description"):
            return str(sub["description"])
        return None

    def _duplicate_item(self, path: tuple[Hashable, ...], items: Any) -> Problem:
        seen: list[str] = []
        for index, item in enumerate(items):
            key = json.dumps(item, sort_keys=True, default=str)
            if key in seen:
                return self._problem(
                    (*path, index),
                    f"{_code(item)} is listed more than once",
                    "each item may appear only once",
                )
            seen.append(key)
        return self._problem(path, "has duplicate items")  # pragma: no cover
