"""Typed records for the settings and the stats file: data classes with the few methods of
pydantic's models the package uses, so that a stats run does not load pydantic.

A :class:`Record` subclass is a keyword-only data class (``frozen=True`` in its class line
makes it immutable) with:

* :meth:`Record.model_validate`: a record from data already checked by the JSON Schema it
  follows (the config's, the stats file's); the values are converted to the annotated
  types as pydantic's lax mode does for such data (nested records, lists, tuples, an
  integral number to `int`, an `int` to `float`, an ISO date string to a date), and a key
  the record does not have, a missing required one or a value of another kind is a
  ValueError;
* :meth:`Record.model_dump`: the data again (``mode="json"``: lists and date strings), in
  field order, without the fields marked ``exclude`` and without what a record's
  :meth:`Record._dumped` leaves out;
* :meth:`Record.model_copy`: a copy with some fields replaced (not checked);
* :attr:`Record.model_fields`: each field's annotation, resolved.

The package's other data classes are made by :func:`dataclass`: the standard one, except
that comparison, hash and repr are functions shared by every class instead of methods
compiled for each class when its module is imported (records share them too).

Library code: pure.
"""

from __future__ import annotations

import dataclasses
import datetime
import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, Self, cast, dataclass_transform

__all__ = ["FieldInfo", "Record", "dataclass", "field"]

_T = typing.TypeVar("_T")


@dataclass_transform(field_specifiers=(dataclasses.field,))
def dataclass(cls: type[_T] | None = None, /, *, frozen: bool = False, slots: bool = False) -> Any:
    """:func:`dataclasses.dataclass` (with `frozen` and `slots`), made cheaper to define.

    The standard decorator compiles a few methods for each class when its module is
    imported (about 0.15 ms each), and a push update imports some 60 data classes, most of
    which it never makes. Here nothing is compiled then:

    * comparison, hash and repr are functions shared by every class, reading its fields;
    * a frozen class's guards against assignment are shared functions too;
    * `__init__`, the one method that must be fast, is compiled when the class is first
      made (:func:`_compiled_init`), as the standard one would have been.

    They behave as the generated ones do: equal to an instance of the same class whose
    compared fields are equal, a frozen class hashable by those fields and a mutable one
    not, the repr of the fields shown, `FrozenInstanceError` on assignment to a frozen
    instance (which pickles and copies still). A method the class defines itself is kept.
    """

    def wrap(cls: type[_T]) -> type[_T]:
        for name, method in (("__eq__", _eq), ("__repr__", _repr)):
            if name not in cls.__dict__:
                setattr(cls, name, method)
        if "__hash__" not in cls.__dict__:
            cls.__hash__ = _hash if frozen else None  # type: ignore[assignment]
        return _made(cls, frozen=frozen, slots=slots, kw_only=False)

    return wrap if cls is None else wrap(cls)


def _made(cls: type[_T], *, frozen: bool, slots: bool, kw_only: bool) -> type[_T]:
    """`cls` made a data class whose `__init__` is compiled on first use (see
    :func:`dataclass`; comparison, hash and repr are already set)."""
    for base in cls.__mro__[1:]:  # as dataclasses checks, for the guards set here
        if dataclasses.is_dataclass(base) and (base.__setattr__ is _frozen_setattr) != frozen:
            kinds = ("frozen", "non-frozen") if frozen else ("non-frozen", "frozen")
            raise TypeError(f"cannot inherit {kinds[0]} dataclass from a {kinds[1]} one")
    if frozen:
        for name in ("__setattr__", "__delattr__"):
            if name in cls.__dict__:
                raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
    if not cls.__dict__.get("__doc__"):
        # Else dataclasses writes one from the signature: slow, and the stub's.
        cls.__doc__ = f"The {cls.__name__} data class."
    made: type[_T] = dataclasses.dataclass(
        init=False, eq=False, repr=False, slots=slots, kw_only=kw_only
    )(cls)
    methods: dict[str, Any] = {}
    if "__init__" not in cls.__dict__:
        _check_init_fields(made)  # what the standard decorator refuses when it compiles
        methods["__init__"] = _first_init(made, frozen)
    if frozen:
        methods.update(__setattr__=_frozen_setattr, __delattr__=_frozen_delattr)
        if slots:  # no instance dictionary: pickle and copy set the fields through these
            methods.update(__getstate__=_slots_getstate, __setstate__=_slots_setstate)
    for name, method in methods.items():
        if name not in cls.__dict__:
            setattr(made, name, method)
    return made


def _check_init_fields(cls: type) -> None:
    """Refuse, when the class is defined, what :func:`_compiled_init` could not compile
    as the standard `__init__`: a positional field without a default after one with a
    default, and `InitVar` pseudo-fields (which no class here uses)."""
    defaulted = False
    for item in dataclasses.fields(cls):
        if not item.init or item.kw_only is True:
            continue
        has_default = (
            item.default is not dataclasses.MISSING
            or item.default_factory is not dataclasses.MISSING
        )
        if defaulted and not has_default:
            raise TypeError(f"non-default argument {item.name!r} follows default argument")
        defaulted = defaulted or has_default
    for name, item in cls.__dict__.get("__dataclass_fields__", {}).items():
        kind = item.type if isinstance(item.type, str) else type(item.type).__name__
        if "InitVar" in kind:
            raise TypeError(f"{cls.__name__}.{name}: InitVar fields are not supported here")


def _first_init(cls: type, frozen: bool) -> Any:
    """An `__init__` that compiles the class's own on its first call and hands over to it."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        compiled = _compiled_init(cls, frozen)
        setattr(cls, "__init__", compiled)  # noqa: B010  # mypy: no method assignment
        compiled(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _compiled_init(cls: type, frozen: bool) -> Any:
    """The `__init__` :func:`dataclasses.dataclass` would have made for `cls`: the fields
    with `init` as parameters (keyword-only ones after a `*`), defaults and default
    factories, the fields without `init` set from theirs, then `__post_init__`."""
    namespace: dict[str, Any] = {"__set": object.__setattr__, "__factory": _FACTORY}
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    for item in dataclasses.fields(cls):
        name = item.name
        if item.default_factory is not dataclasses.MISSING:
            namespace[f"__make_{name}"] = item.default_factory
            default, made = "=__factory", f"__make_{name}()"
            value = f"{made} if {name} is __factory else {name}" if item.init else made
        elif item.default is not dataclasses.MISSING:
            namespace[f"__default_{name}"] = item.default
            default, value = f"=__default_{name}", name if item.init else f"__default_{name}"
        elif item.init:
            default, value = "", name
        else:
            continue  # set by __post_init__
        if item.init:
            (keyword if item.kw_only is True else positional).append(f"{name}{default}")
        assign = f"__set(__self, {name!r}, {value})" if frozen else f"__self.{name} = {value}"
        body.append(f"    {assign}\n")
    if hasattr(cls, "__post_init__"):
        body.append("    __self.__post_init__()\n")
    # `__self`: a field may be named `self`, as the standard `__init__` allows.
    parameters = ", ".join(["__self", *positional, *(["*", *keyword] if keyword else [])])
    source = f"def __init__({parameters}):\n" + ("".join(body) or "    pass\n")
    exec(source, namespace)  # what dataclasses does, on first use
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


class _Factory:
    """The default of a parameter whose field has a default factory."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _frozen(self: Any, name: str) -> bool:
    """Whether `name` of `self` is guarded: any attribute of a frozen data class, a field of
    one for a plain class under it (as the standard guards have it)."""
    cls = type(self)
    return "__dataclass_fields__" in cls.__dict__ or name in cls.__dataclass_fields__


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    if _frozen(self, name):
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)


def _frozen_delattr(self: Any, name: str) -> None:
    if _frozen(self, name):
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
    object.__delattr__(self, name)


def _slots_getstate(self: Any) -> list[Any]:
    return [getattr(self, item.name) for item in dataclasses.fields(self)]


def _slots_setstate(self: Any, state: list[Any]) -> None:
    for item, value in zip(dataclasses.fields(self), state, strict=True):
        object.__setattr__(self, item.name, value)


_COMPARED: dict[type, tuple[str, ...]] = {}
_SHOWN: dict[type, tuple[str, ...]] = {}


def _compared(cls: type) -> tuple[str, ...]:
    names = _COMPARED.get(cls)
    if names is None:
        names = _COMPARED[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.compare)
    return names


def _values(instance: Any) -> tuple[Any, ...]:
    return tuple(getattr(instance, name) for name in _compared(instance.__class__))


def _eq(self: Any, other: object) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _repr(self: Any) -> str:
    cls = self.__class__
    names = _SHOWN.get(cls)
    if names is None:
        names = _SHOWN[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.repr)
    values = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
    return f"{cls.__qualname__}({values})"


@dataclasses.dataclass(frozen=True)
class FieldInfo:
    """What :attr:`Record.model_fields` tells of a field."""

    annotation: Any
    exclude: bool = False


def field(*, default: Any = dataclasses.MISSING, default_factory: Any = dataclasses.MISSING,
          exclude: bool = False) -> Any:  # fmt: skip
    """A field with a default (or a factory of one); `exclude` leaves it out of dumps."""
    metadata = {"exclude": exclude}
    if default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    if default is not dataclasses.MISSING:
        return dataclasses.field(default=default, metadata=metadata)
    return dataclasses.field(metadata=metadata)


@dataclass_transform(kw_only_default=True, field_specifiers=(field, dataclasses.field))
class Record:
    """The base of the records (see the module's docstring)."""

    model_fields: ClassVar[dict[str, FieldInfo]]

    def __init_subclass__(cls, *, frozen: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Comparison, hash and repr are shared, and `__init__` is compiled on first use
        # (see :func:`dataclass`).
        _made(cls, frozen=frozen, slots=False, kw_only=True)
        if not frozen:
            cls.__hash__ = None  # type: ignore[assignment]  # mutable: unhashable, as a dataclass

    # The comparison, hash and repr every record shares (see :func:`dataclass`).
    __eq__ = _eq
    __hash__ = _hash
    __repr__ = _repr

    # ------------------------------------------------------------------ building

    @classmethod
    def model_validate(cls, data: Any) -> Self:
        """The record for `data` (a mapping, or a record of this class)."""
        if isinstance(data, cls):
            return data
        converted = _convert(cls, data)
        assert isinstance(converted, cls)
        return converted

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> Self:
        copied: Self = dataclasses.replace(cast(Any, self), **dict(update or {}))
        return copied

    # ------------------------------------------------------------------ dumping

    def model_dump(
        self, *, mode: str = "python", exclude: set[str] | None = None
    ) -> dict[str, Any]:
        """The record's data, in field order (see the module's docstring)."""
        json = mode == "json"
        data: dict[str, Any] = {}
        for name in _dumped_names(type(self)):
            if not (exclude and name in exclude):
                data[name] = _dump(getattr(self, name), json)
        return self._dumped(data)

    def _dumped(self, data: dict[str, Any]) -> dict[str, Any]:
        """`data` as it is dumped: a record leaves out here what it does not write."""
        return data


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _dump(value: Any, json: bool) -> Any:
    if type(value) in _PLAIN:  # most values: first, and at once
        return value
    if isinstance(value, Record):
        return value.model_dump(mode="json" if json else "python")
    if isinstance(value, list):
        return [_dump(item, json) for item in value]
    if isinstance(value, tuple):
        items = [_dump(item, json) for item in value]
        return items if json else tuple(items)
    if isinstance(value, dict):
        return {key: _dump(item, json) for key, item in value.items()}
    if json and isinstance(value, datetime.date):
        return value.isoformat()
    return value


_HINTS: dict[type[Record], dict[str, Any]] = {}
_DUMPED: dict[type[Record], tuple[str, ...]] = {}


def _dumped_names(cls: type[Record]) -> tuple[str, ...]:
    """The names of the fields a record class dumps, in order (read once per class)."""
    names = _DUMPED.get(cls)
    if names is None:
        fields = dataclasses.fields(cast(Any, cls))
        names = _DUMPED[cls] = tuple(f.name for f in fields if not f.metadata.get("exclude"))
    return names


def _hints(cls: type[Record]) -> dict[str, Any]:
    """The resolved annotations of a record class (read once per class)."""
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def _fields(cls: type[Record]) -> dict[str, FieldInfo]:
    hints = _hints(cls)
    return {
        item.name: FieldInfo(hints[item.name], bool(item.metadata.get("exclude")))
        for item in dataclasses.fields(cast(Any, cls))
    }


class _Fields:
    """`Record.model_fields`, resolved on first use (the annotations are strings until
    then)."""

    def __get__(self, instance: object, owner: type[Record]) -> dict[str, FieldInfo]:
        return _fields(owner)


Record.model_fields = _Fields()  # type: ignore[assignment]


def _wrong(value: Any, kind: Any) -> ValueError:
    return ValueError(f"{value!r} is not a valid {getattr(kind, '__name__', kind)}")


def _convert(kind: Any, value: Any) -> Any:
    """`value` as the annotated type `kind` (see the module's docstring)."""
    origin = typing.get_origin(kind)
    if kind is Any:
        return value
    if isinstance(kind, type) and issubclass(kind, Record):
        if isinstance(value, kind):
            return value
        if not isinstance(value, Mapping):
            raise _wrong(value, kind)
        hints = _hints(kind)
        names = {item.name for item in dataclasses.fields(cast(Any, kind))}
        unknown = set(value) - names
        if unknown:
            raise ValueError(f"{kind.__name__} has no field {sorted(map(str, unknown))[0]!r}")
        missing = [
            item.name
            for item in dataclasses.fields(cast(Any, kind))
            if item.name not in value
            and item.default is dataclasses.MISSING
            and item.default_factory is dataclasses.MISSING
        ]
        if missing:
            raise ValueError(f"{kind.__name__} needs the field {missing[0]!r}")
        return kind(**{name: _convert(hints[name], item) for name, item in value.items()})
    if origin is typing.Union or origin is types.UnionType:
        options = typing.get_args(kind)
        if value is None and type(None) in options:
            return None
        for option in options:
            if option is type(None):
                continue
            try:
                return _convert(option, value)
            except ValueError:
                continue
        raise _wrong(value, kind)
    if origin is typing.Literal:
        if value in typing.get_args(kind) and isinstance(value, str):
            return value
        raise _wrong(value, kind)
    if origin is list or origin is tuple:
        if not isinstance(value, list | tuple):
            raise _wrong(value, kind)
        (item_kind, *_) = typing.get_args(kind)
        items = [_convert(item_kind, item) for item in value]
        return items if origin is list else tuple(items)
    if origin is dict:
        key_kind, item_kind = typing.get_args(kind)
        if not isinstance(value, Mapping):
            raise _wrong(value, kind)
        return {_convert(key_kind, k): _convert(item_kind, v) for k, v in value.items()}
    return _scalar(kind, value)


def _scalar(kind: Any, value: Any) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
    elif kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif kind is str:
        if isinstance(value, str):
            return value
    elif kind is datetime.date:
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
    raise _wrong(value, kind)
