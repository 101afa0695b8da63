"""Records: the settings and the stats file as data classes with pydantic's few methods the
package uses, giving what pydantic's lax mode gave for schema-checked data."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import inspect
import json
import pickle
from pathlib import Path

import pytest

from draftforge_stats.config import Config, StatsSettings
from draftforge_stats.records import dataclass
from draftforge_stats.statsfile import ChapterEntry, HistoryEntry, Stats, TargetInfo, render

GOLDEN = Path(__file__).parent / "data" / "golden_stats.json"


def test_a_stored_stats_file_reads_and_dumps_to_the_same_data_and_text() -> None:
    text = GOLDEN.read_text(encoding="utf-8")
    data = json.loads(text)

    stats = Stats.model_validate(data)

    assert stats.model_dump(mode="json") == data
    assert render(stats) == text


def test_numbers_are_converted_as_the_annotations_say() -> None:
    target = TargetInfo.model_validate({"words": 3000.0, "percent": 50, "overrun": False})

    assert (target.words, type(target.words)) == (3000, int)
    assert (target.percent, type(target.percent)) == (50.0, float)
    with pytest.raises(ValueError):
        TargetInfo.model_validate({"words": 2.5, "percent": 50, "overrun": False})
    with pytest.raises(ValueError):
        TargetInfo.model_validate({"words": True, "percent": 50, "overrun": False})


def test_settings_take_dates_and_lists_as_yaml_gives_them() -> None:
    settings = StatsSettings.model_validate(
        {"deadline": "2026-01-31", "include": ["a/*.md"], "chapter_targets": {"a.md": 10}}
    )
    dated = StatsSettings.model_validate({"deadline": datetime.date(2026, 1, 31)})

    assert settings.deadline == dated.deadline == datetime.date(2026, 1, 31)
    assert settings.include == ("a/*.md",)
    assert settings.model_dump(mode="json")["deadline"] == "2026-01-31"
    assert settings.model_dump()["include"] == ("a/*.md",)
    assert settings.model_dump(mode="json")["include"] == ["a/*.md"]


def test_unknown_and_missing_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="has no field 'colour'"):
        Config.model_validate({"colour": "red"})
    with pytest.raises(ValueError, match="needs the field 'overrun'"):
        TargetInfo.model_validate({"words": 1, "percent": 1.0})
    with pytest.raises(ValueError):
        Stats.model_validate({"version": "9.0.0"})


def test_settings_are_frozen_and_copied_with_changes() -> None:
    config = Config()
    copied = config.model_copy(update={"source": ".draftforge/config.yml"})

    with pytest.raises(AttributeError):
        config.source = "x"  # type: ignore[misc]
    assert (config.source, copied.source) == ("defaults", ".draftforge/config.yml")
    assert "source" not in copied.model_dump()  # where the settings came from is not data
    assert copied.stats is config.stats


def test_entries_leave_out_what_the_file_does_not_write() -> None:
    chapter = ChapterEntry(
        file="a.md", title="A", word_count=1, character_count=1, character_count_no_spaces=1
    )
    day = HistoryEntry(
        date="2025-01-01", word_count=1, chapter_count=1, commits=1, words_written=1,
        commit_sha="0" * 40,
    )  # fmt: skip

    assert list(chapter.model_dump()) == [
        "file", "title", "word_count", "character_count", "character_count_no_spaces",
        "last_modified",
    ]  # fmt: skip
    assert "words_added" not in day.model_dump() and "words_deleted" not in day.model_dump()
    assert day.model_dump(exclude={"commit_sha"}) == {
        "date": "2025-01-01", "word_count": 1, "chapter_count": 1, "commits": 1,
        "words_written": 1,
    }  # fmt: skip


# ------------------------------------------------------------ the package's data classes


@dataclass(frozen=True, slots=True)
class _Point:
    """A frozen data class with slots, at module level so that it pickles."""

    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


@dataclass
class _Tally:
    name: str
    seen: list[str] = dataclasses.field(default_factory=list)
    total: int = dataclasses.field(init=False, default=0)
    upper: str = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.upper = self.name.upper()


def test_a_data_class_is_made_as_the_standard_decorator_makes_it() -> None:
    """`__init__` is compiled on the first instance; it takes what the standard one takes."""
    point = _Point(1)
    tally = _Tally("ink")

    assert (point.x, point.y, point.tags) == (1, 0, ())
    assert _Point(2, 3, ("a",)) == _Point(x=2, y=3, tags=("a",)) != _Point(2, 3)
    assert str(inspect.signature(_Point)) == "(x, y=0, tags=())"
    assert (tally.name, tally.seen, tally.total, tally.upper) == ("ink", [], 0, "INK")
    assert _Tally("ink").seen is not tally.seen  # a new list from the factory each time
    assert str(inspect.signature(_Tally)) == "(name, seen=<factory>)"
    assert repr(tally) == "_Tally(name='ink', seen=[], total=0)"
    assert _Tally("ink") == tally and tally != _Tally("pen")
    with pytest.raises(TypeError):
        _Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Tally("ink", total=3)  # type: ignore[call-arg]
    assert _Tally.__doc__ == "The _Tally data class."  # not read from the signature


def test_a_frozen_data_class_refuses_changes_and_still_copies_and_pickles() -> None:
    point = _Point(1, 2, ("a",))

    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 5  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del point.y
    assert copy.copy(point) == point
    assert copy.deepcopy(point) == point
    assert pickle.loads(pickle.dumps(point)) == point
    assert dataclasses.replace(point, y=7) == _Point(1, 7, ("a",))
    assert {_Point(1, 2): "a"}[_Point(1, 2)] == "a"
    with pytest.raises(TypeError):
        hash(_Tally("ink"))  # a mutable data class is not hashable


def test_frozen_and_mutable_data_classes_do_not_inherit_from_each_other() -> None:
    """As the standard decorator refuses it: a mutable class under a frozen one would
    inherit its guards (and the other way round lose them)."""
    with pytest.raises(TypeError, match="cannot inherit non-frozen dataclass from a frozen"):

        @dataclass
        class _Mutable(_Point):  # type: ignore[misc]
            z: int = 0

    with pytest.raises(TypeError, match="cannot inherit frozen dataclass from a non-frozen"):

        @dataclass(frozen=True)
        class _Frozen(_Tally):  # type: ignore[misc]
            z: int = 0


def test_what_the_standard_decorator_refuses_is_refused_when_the_class_is_defined() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):

        @dataclass
        class _Order:
            a: int = 0
            b: int  # type: ignore[misc]

    with pytest.raises(TypeError, match="InitVar fields are not supported"):

        @dataclass
        class _Init:
            scale: dataclasses.InitVar[int] = 1

    with pytest.raises(TypeError, match="Cannot overwrite attribute __setattr__"):

        @dataclass(frozen=True)
        class _Own:
            a: int = 0

            def __setattr__(self, name: str, value: object) -> None:
                object.__setattr__(self, name, value)


@dataclass(frozen=True)
class _Named:
    self: int
    other: int = 2


def test_a_field_may_be_named_self_and_a_plain_subclass_keeps_its_own_attributes() -> None:
    assert (_Named(1).self, _Named(self=3).other) == (1, 2)

    class _Plain(_Named):  # not a data class itself
        note: str

    plain = _Plain(1)
    plain.note = "kept"  # not a field: a plain subclass may set it, as with the standard guard
    assert plain.note == "kept"
    with pytest.raises(dataclasses.FrozenInstanceError):
        plain.other = 5  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        _Named(1).note = "x"  # type: ignore[attr-defined]
