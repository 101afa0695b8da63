"""The shipped schemas' check without jsonschema, for data it can decide: valid, or not sure.

:func:`surely_valid` reads a shipped JSON Schema (2020-12) and answers True only when the
data is valid by it, as jsonschema with the package's format checks
(:data:`.schemas.FORMAT_CHECKS`) would find it. It knows the keywords the stats and config
schemas use (`type`, `properties`, `required`, `additionalProperties`, `propertyNames`,
`items`, `minItems`, `uniqueItems`, `minimum`, `maximum`, `minLength`, `maxLength`,
`pattern`, `format`, `enum`, `const`, `oneOf`, `anyOf`, `not`, `$ref` within the schema,
`dependentRequired`, and the annotations) and the dates YAML reads from unquoted values
(none of the JSON types, as for jsonschema); for anything else (another keyword, a value
that is not plain JSON data, a `$ref` elsewhere) it is not sure. Not sure, or not valid,
the caller runs jsonschema, which also words the errors: so the answer is always
jsonschema's, and loading jsonschema (some 50 ms) is left to the runs that need it (a push
update checks a valid config and a valid stats file, and needs it not).

Library code: pure; reads nothing but its arguments.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from typing import Any

from .schemas import FORMAT_CHECKS

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


#: What :func:`_json_type` calls a date or time YAML read from an unquoted value
#: (`deadline: 2026-03-31`): none of the JSON types, as jsonschema finds it too.
_YAML_DATE = "a YAML date"


def _json_type(value: Any) -> str | None:
    """The JSON type of plain JSON data (int and float both are numbers), or
    :data:`_YAML_DATE`; None for any other value (a YAML set or binary)."""
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
    if kind is dict:  # a key that is not a string (YAML's `1:`) is checked as jsonschema does
        return "object"
    if kind is datetime.date or kind is datetime.datetime:
        return _YAML_DATE
    return None


_SCALARS = frozenset({"null", "boolean", "number", "string"})
_TYPES = frozenset({"null", "boolean", "number", "string", "array", "object", "integer"})


class _Check:
    """One check of data against a schema. Where it cannot decide, it sets `unsure` (and
    answers False): the whole answer is then "not sure", whatever else was found."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.unsure = False
        self._made: dict[int, tuple[Any, Callable[[Any], bool]]] = {}
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
            "propertyNames": self._property_names,
            "minItems": self._min_items,
            "uniqueItems": self._unique_items,
            "maxLength": self._max_length,
            "anyOf": self._any_of,
            "not": self._not,
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
        return self._compiled(schema)(value)

    def _compiled(self, schema: Any) -> Callable[[Any], bool]:
        """The check of `schema` as one function, made once per schema object: a stats file
        with 10,000 chapter entries checks the same few schemas 10,000 times."""
        known = self._made.get(id(schema))
        if known is not None and known[0] is schema:
            return known[1]
        made = self._compile(schema)
        self._made[id(schema)] = (schema, made)  # the schema is kept, so its id stays its own
        return made

    def _compile(self, schema: Any) -> Callable[[Any], bool]:
        """The function that answers :meth:`valid` for `schema`: the keywords in the schema's
        order, each answering as its method would (an unknown keyword: not sure, when
        reached)."""
        if schema is True or schema is False:
            answer: bool = schema
            return lambda _: answer
        if not isinstance(schema, Mapping):
            return lambda _: self._not_sure()
        checks: list[Callable[[Any], bool]] = []
        for keyword, argument in schema.items():
            if keyword in _ANNOTATIONS:
                continue
            checks.append(self._keyword(keyword, argument, schema))
        json_type = _json_type
        if len(checks) == 1:  # most schemas of an entry's values: `type`, or a `$ref`
            only = checks[0]

            def check_one(value: Any) -> bool:
                if json_type(value) is None:
                    return self._not_sure()
                return only(value)

            return check_one

        def check(value: Any) -> bool:
            if json_type(value) is None:
                return self._not_sure()
            return all(one(value) for one in checks)

        return check

    def _keyword(
        self, keyword: str, argument: Any, schema: Mapping[str, Any]
    ) -> Callable[[Any], bool]:
        """One keyword's check, specialised for the keywords every entry meets."""
        fast = self._fast(keyword, argument, schema)
        if fast is not None:
            return fast
        method = self._keywords.get(keyword)
        if method is None:
            return lambda _: self._not_sure()
        return lambda value: method(value, argument, schema)

    def _fast(
        self, keyword: str, argument: Any, schema: Mapping[str, Any]
    ) -> Callable[[Any], bool] | None:
        """A faster function for the common forms of `type`, `properties`,
        `additionalProperties`, `items`, `$ref` and `oneOf` (None: use the method)."""
        if keyword == "type":
            names = [argument] if isinstance(argument, str) else argument
            if not isinstance(names, list) or not all(name in _TYPES for name in names):
                return None
            plain = frozenset(name for name in names if name != "integer")
            integer = "integer" in names

            def of_type(value: Any) -> bool:
                if _json_type(value) in plain:
                    return True
                return integer and (
                    type(value) is int or (type(value) is float and value.is_integer())
                )

            return of_type
        if keyword == "properties" and isinstance(argument, Mapping):
            pairs = [(key, self._compiled(sub)) for key, sub in argument.items()]

            def properties(value: Any) -> bool:
                if type(value) is not dict:
                    return True
                return all(sub(value[key]) for key, sub in pairs if key in value)

            return properties
        if keyword == "additionalProperties" and "patternProperties" not in schema:
            named = schema.get("properties", {})
            others = self._compiled(argument)

            def additional(value: Any) -> bool:
                if type(value) is not dict:
                    return True
                return all(others(item) for key, item in value.items() if key not in named)

            return additional
        if keyword == "items" and "prefixItems" not in schema and isinstance(argument, Mapping):
            each = self._compiled(argument)

            def items(value: Any) -> bool:
                return type(value) is not list or all(each(item) for item in value)

            return items
        if keyword == "$ref" and isinstance(argument, str) and argument.startswith("#/$defs/"):
            name = argument.removeprefix("#/$defs/")
            target = self.root.get("$defs", {}).get(name)
            if target is None or "/" in name or "~" in name:
                return None
            return lambda value: self._compiled(target)(value)  # late: a schema may recurse
        if keyword == "oneOf" and isinstance(argument, list):
            choices = [self._compiled(sub) for sub in argument]
            return lambda value: sum(1 for choice in choices if choice(value)) == 1
        return None

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
        if "prefixItems" in schema or not isinstance(subschema, Mapping | bool):
            return self._not_sure()
        return all(self.valid(item, subschema) for item in value)

    def _minimum(self, value: Any, limit: Any, _: Mapping[str, Any]) -> bool:
        return _json_type(value) != "number" or value >= limit

    def _maximum(self, value: Any, limit: Any, _: Mapping[str, Any]) -> bool:
        return _json_type(value) != "number" or value <= limit

    def _min_length(self, value: Any, limit: Any, _: Mapping[str, Any]) -> bool:
        return type(value) is not str or len(value) >= limit

    def _max_length(self, value: Any, limit: Any, _: Mapping[str, Any]) -> bool:
        return type(value) is not str or len(value) <= limit

    def _min_items(self, value: Any, limit: Any, _: Mapping[str, Any]) -> bool:
        return type(value) is not list or len(value) >= limit

    def _unique_items(self, value: Any, unique: Any, _: Mapping[str, Any]) -> bool:
        if type(value) is not list or unique is not True:
            return True
        kinds = [_json_type(item) for item in value]
        if not set(kinds) <= _SCALARS:
            return self._not_sure()
        # JSON equality: `true` is not `1`, but `1` is `1.0` (equal numbers hash alike).
        return len(set(zip(kinds, value, strict=True))) == len(value)

    def _property_names(self, value: Any, subschema: Any, _: Mapping[str, Any]) -> bool:
        return type(value) is not dict or all(self.valid(key, subschema) for key in value)

    def _any_of(self, value: Any, subschemas: Any, _: Mapping[str, Any]) -> bool:
        return any(self.valid(value, subschema) for subschema in subschemas)

    def _not(self, value: Any, subschema: Any, _: Mapping[str, Any]) -> bool:
        # A subschema it was not sure of answers False: the whole answer is then not sure.
        return not self.valid(value, subschema)

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
