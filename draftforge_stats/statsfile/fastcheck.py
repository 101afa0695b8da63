"""The stats schema's check without jsonschema, for data it can decide: valid, or not sure.

:func:`surely_valid` reads a shipped JSON Schema (2020-12) and answers True only when the
data is valid by it, as jsonschema with the package's format checks
(:data:`..validation.schemas.FORMAT_CHECKS`) would find it. It knows the keywords the stats
schema uses (`type`, `properties`, `required`, `additionalProperties`, `items`, `minimum`,
`maximum`, `minLength`, `pattern`, `format`, `enum`, `const`, `oneOf`, `$ref` within the
schema, `dependentRequired`, and the annotations); for anything else (another keyword, a
value that is not plain JSON data, a `$ref` elsewhere) it is not sure. Not sure, or not
valid, the caller runs jsonschema, which also words the errors: so the answer is always
jsonschema's, and loading jsonschema is left to the runs that need it (the push update
checks a valid file, and needs it not).

Library code: pure; reads nothing but its arguments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..validation.schemas import FORMAT_CHECKS

#: Keywords that say nothing about validity.
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "examples", "default"}
)


def surely_valid(data: Any, schema: Mapping[str, Any]) -> bool:
    """True only when `data` is valid by `schema` (see the module's docstring); False when
    it is not valid, or when this check cannot tell."""
    check = _Check(schema)
    try:
        valid = check.valid(data, schema)
    except RecursionError:
        return False
    return valid and not check.unsure


def _json_type(value: Any) -> str | None:
    """The JSON type of plain JSON data (int and float both are numbers); None for a value
    that is not plain JSON data."""
    if value is None:
        return "null"
    kind = type(value)
    if kind is bool:
        return "boolean"
    if kind is int or kind is float:
        return "number"
    if kind is str:
        return "string"
    if kind is list:
        return "array"
    if kind is dict:
        return "object"
    return None


_SCALARS = frozenset({"null", "boolean", "number", "string"})


class _Check:
    """One check of data against a schema. Where it cannot decide, it sets `unsure` (and
    answers False): the whole answer is then "not sure", whatever else was found."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.unsure = False
        self._keywords: dict[str, Callable[[Any, Any, Mapping[str, Any]], bool]] = {
            "type": self._type,
            "properties": self._properties,
            "required": self._required,
            "additionalProperties": self._additional,
            "items": self._items,
            "minimum": self._minimum,
            "maximum": self._maximum,
            "minLength": self._min_length,
            "pattern": self._pattern,
            "format": self._format,
            "enum": self._enum,
            "const": self._const,
            "oneOf": self._one_of,
            "$ref": self._ref,
            "dependentRequired": self._dependent_required,
        }

    def _not_sure(self) -> bool:
        self.unsure = True
        return False

    def _is_type(self, value: Any, name: str) -> bool:
        found = _json_type(value)
        if found is None:
            return self._not_sure()
        if name == "integer":
            return type(value) is int or (type(value) is float and value.is_integer())
        if name in {"null", "boolean", "number", "string", "array", "object"}:
            return found == name
        return self._not_sure()

    def _same(self, one: Any, two: Any) -> bool:
        """JSON equality of two scalars (`true` is not `1`); anything else is not decided."""
        kinds = {_json_type(one), _json_type(two)}
        if not kinds <= _SCALARS:
            return self._not_sure()
        return len(kinds) == 1 and one == two

    def valid(self, value: Any, schema: Any) -> bool:
        if schema is True:
            return True
        if schema is False:
            return False
        if not isinstance(schema, Mapping) or _json_type(value) is None:
            return self._not_sure()
        for keyword, argument in schema.items():
            if keyword in _ANNOTATIONS:
                continue
            check = self._keywords.get(keyword)
            if check is None:
                return self._not_sure()
            if not check(value, argument, schema):
                return False
        return True

    def _type(self, value: Any, names: Any, _: Mapping[str, Any]) -> bool:
        wanted = [names] if isinstance(names, str) else names
        return any(self._is_type(value, name) for name in wanted)

    def _properties(self, value: Any, properties: Any, _: Mapping[str, Any]) -> bool:
        if type(value) is not dict:
            return True
        return all(
            self.valid(value[key], subschema)
            for key, subschema in properties.items()
            if key in value
        )

    def _required(self, value: Any, names: Any, _: Mapping[str, Any]) -> bool:
        return type(value) is not dict or all(name in value for name in names)

    def _additional(self, value: Any, subschema: Any, schema: Mapping[str, Any]) -> bool:
        if type(value) is not dict:
            return True
        if "patternProperties" in schema:
            return self._not_sure()
        known = schema.get("properties", {})
        return all(self.valid(item, subschema) for key, item in value.items() if key not in known)

    def _items(self, value: Any, subschema: Any, schema: Mapping[str, Any]) -> bool:
        if type(value) is not list:
            return True
        if "prefixItems" in schema or not isinstance(subschema, (Mapping, bool)):
            return self._not_sure()
        return all(self.valid(item, subschema) for item in value)

    def _minimum(self, value: Any, limit: Any, _: Mapping[str, Any]) -> bool:
        return _json_type(value) != "number" or value >= limit

    def _maximum(self, value: Any, limit: Any, _: Mapping[str, Any]) -> bool:
        return _json_type(value) != "number" or value <= limit

    def _min_length(self, value: Any, limit: Any, _: Mapping[str, Any]) -> bool:
        return type(value) is not str or len(value) >= limit

    def _pattern(self, value: Any, pattern: Any, _: Mapping[str, Any]) -> bool:
        return type(value) is not str or re.search(pattern, value) is not None

    def _format(self, value: Any, name: Any, _: Mapping[str, Any]) -> bool:
        check = FORMAT_CHECKS.get(name)
        if check is None:
            return self._not_sure()  # jsonschema decides what an unknown format means
        return check(value)

    def _enum(self, value: Any, choices: Any, _: Mapping[str, Any]) -> bool:
        return any(self._same(value, choice) for choice in choices)

    def _const(self, value: Any, constant: Any, _: Mapping[str, Any]) -> bool:
        return self._same(value, constant)

    def _one_of(self, value: Any, subschemas: Any, _: Mapping[str, Any]) -> bool:
        return sum(1 for subschema in subschemas if self.valid(value, subschema)) == 1

    def _ref(self, value: Any, reference: Any, _: Mapping[str, Any]) -> bool:
        if not isinstance(reference, str) or not reference.startswith("#/$defs/"):
            return self._not_sure()
        name = reference.removeprefix("#/$defs/")
        target = self.root.get("$defs", {}).get(name)
        if target is None or "/" in name or "~" in name:
            return self._not_sure()
        return self.valid(value, target)

    def _dependent_required(self, value: Any, needs: Any, _: Mapping[str, Any]) -> bool:
        if type(value) is not dict:
            return True
        return all(
            all(name in value for name in names) for key, names in needs.items() if key in value
        )


__all__ = ["surely_valid"]
