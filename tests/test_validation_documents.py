"""YAML and JSON loading with exact source positions, syntax errors and duplicate keys."""

from __future__ import annotations

import pytest

from draftforge_stats.errors import Problem, ProblemsError
from draftforge_stats.validation.documents import (
    Document,
    SourceError,
    json_path,
    load_json,
    load_yaml,
)

CONFIG = """\
version: "1.0"
project:
  name: My Novel
  type: novell
  target_word_count: 80000
agents:
  style: {enabled: true, checks: [tense, pov]}
formats:
  - epub
  - "pdf"
empty:
"""


def _problems(error: pytest.ExceptionInfo[SourceError]) -> list[Problem]:
    return error.value.problems


class TestYamlPositions:
    def test_data_is_plain_python(self) -> None:
        doc = load_yaml(CONFIG, "config.yml")
        assert doc.file == "config.yml"
        assert doc.data["project"]["type"] == "novell"
        assert doc.data["agents"]["style"]["checks"] == ["tense", "pov"]
        assert doc.data["empty"] is None

    @pytest.mark.parametrize(
        ("path", "expected"),
        [
            ((), (1, 1)),
            (("version",), (1, 10)),
            (("project",), (3, 3)),
            (("project", "type"), (4, 9)),
            (("project", "target_word_count"), (5, 22)),
            (("agents", "style"), (7, 10)),
            (("agents", "style", "enabled"), (7, 20)),
            (("agents", "style", "checks", 1), (7, 42)),
            (("formats", 0), (9, 5)),
            (("formats", 1), (10, 5)),
        ],
    )
    def test_locate_value(self, path: tuple[str | int, ...], expected: tuple[int, int]) -> None:
        assert load_yaml(CONFIG, "c.yml").locate(path) == expected

    @pytest.mark.parametrize(
        ("path", "expected"),
        [
            (("project", "type"), (4, 3)),
            (("agents", "style", "checks"), (7, 26)),
            (("formats", 1), (10, 5)),  # a list item has no key: its value
            ((), (1, 1)),
        ],
    )
    def test_locate_key(self, path: tuple[str | int, ...], expected: tuple[int, int]) -> None:
        assert load_yaml(CONFIG, "c.yml").locate_key(path) == expected

    def test_missing_path_falls_back_to_the_nearest_ancestor(self) -> None:
        doc = load_yaml(CONFIG, "c.yml")
        assert doc.locate(("project", "genre")) == (3, 3)
        assert doc.locate_key(("project", "genre")) == (3, 3)
        assert doc.locate(("formats", 7, "x")) == (9, 3)
        assert doc.locate(("nowhere", "at", "all")) == (1, 1)

    def test_empty_documents_give_none(self) -> None:
        for text in ("", "\n\n", "# just a comment\n", "---\n"):
            assert load_yaml(text, "e.yml").data is None
        assert load_yaml("", "e.yml").locate(("a",)) == (1, 1)

    def test_aliases_and_merge_keys(self) -> None:
        text = "base: &b {model: m, trigger: pr}\nstyle:\n  <<: *b\n  enabled: true\n"
        doc = load_yaml(text, "a.yml")
        assert doc.data["style"] == {"model": "m", "trigger": "pr", "enabled": True}
        assert doc.locate(("style", "enabled")) == (4, 12)
        assert doc.locate(("base", "trigger")) == (1, 30)
        # A value that contains itself never ends once expanded: refused at its place.
        with pytest.raises(SourceError) as error:
            load_yaml(text + "loop: &l [*l]\n", "a.yml")
        [problem] = _problems(error)
        assert (problem.line, problem.column) == (5, 7)

    def test_non_string_keys_are_located(self) -> None:
        doc = load_yaml("on:\n  push: {}\n2: two\n", "w.yml")
        assert doc.locate((True, "push")) == (2, 9)  # YAML 1.1 reads `on` as true
        assert doc.locate((2,)) == (3, 4)


class TestYamlErrors:
    def test_syntax_error_has_line_column_and_no_traceback(self) -> None:
        with pytest.raises(SourceError) as error:
            load_yaml("project:\n  name: x\n  type: [novel\nother: 1\n", "config.yml")
        [problem] = _problems(error)
        assert (problem.file, problem.line, problem.column) == ("config.yml", 4, 6)
        assert problem.message.startswith("did not find expected ',' or ']'")
        assert "line 3, column 9" in problem.message
        assert "Traceback" not in str(error.value)
        assert isinstance(error.value, ProblemsError)

    def test_bad_indentation(self) -> None:
        with pytest.raises(SourceError) as error:
            load_yaml("project:\n  name: x\n type: novel\n", "c.yml")
        [problem] = _problems(error)
        assert (problem.line, problem.column) == (3, 2)

    def test_unterminated_quote(self) -> None:
        with pytest.raises(SourceError) as error:
            load_yaml('title: "The Long\n', "m.yml")
        [problem] = _problems(error)
        assert problem.line == 2
        assert "quoted scalar" in problem.message

    def test_tab_indentation(self) -> None:
        with pytest.raises(SourceError) as error:
            load_yaml("project:\n\tname: x\n", "c.yml")
        assert _problems(error)[0].line == 2

    def test_forbidden_character_is_located(self) -> None:
        with pytest.raises(SourceError) as error:
            load_yaml("a: 1\nb: ok\x01\n", "c.yml")
        [problem] = _problems(error)
        assert (problem.line, problem.column) == (2, 6)
        assert "'\\x01'" in problem.message

    def test_several_documents_are_refused(self) -> None:
        with pytest.raises(SourceError) as error:
            load_yaml("a: 1\n---\nb: 2\n", "c.yml")
        assert _problems(error)[0].line == 2

    def test_unsafe_tags_are_refused(self) -> None:
        with pytest.raises(SourceError) as error:
            load_yaml("a: !!python/object/apply:os.system ['true']\n", "c.yml")
        [problem] = _problems(error)
        assert problem.line == 1
        assert "python/object/apply" in problem.message

    def test_every_duplicate_key_is_reported(self) -> None:
        text = "project:\n  name: a\n  type: novel\n  name: b\nstats:\n  x: 1\nproject: {}\n"
        with pytest.raises(SourceError) as error:
            load_yaml(text, "config.yml")
        problems = _problems(error)
        assert [(p.line, p.column, p.path, p.message) for p in problems] == [
            (4, 3, "$.project.name", "duplicate key `name` (first at line 2)"),
            (7, 1, "$.project", "duplicate key `project` (first at line 1)"),
        ]
        assert "2 duplicate keys" in error.value.summary

    def test_duplicates_in_flow_mappings_and_lists(self) -> None:
        with pytest.raises(SourceError) as error:
            load_yaml("items:\n  - {a: 1, a: 2}\n", "c.yml")
        [problem] = _problems(error)
        assert (problem.line, problem.column, problem.path) == (2, 12, "$.items[0].a")


JSON_TEXT = """{
  "version": "1.0.0",
  "current": {"word_count": 12, "chapter_count": 2},
  "history": [
    {"date": "2025-01-02"},
    {"date": "2025-01-01", "commits": 3}
  ]
}
"""


class TestJson:
    def test_positions(self) -> None:
        doc = load_json(JSON_TEXT, "stats.json")
        assert doc.syntax == "json"
        assert doc.data["history"][1]["commits"] == 3
        assert doc.locate(()) == (1, 1)
        assert doc.locate(("version",)) == (2, 14)
        assert doc.locate(("current", "chapter_count")) == (3, 50)
        assert doc.locate(("history", 1)) == (6, 5)
        assert doc.locate(("history", 1, "commits")) == (6, 39)
        assert doc.locate_key(("history", 1, "commits")) == (6, 28)
        assert doc.locate(("history", 1, "missing")) == (6, 5)

    def test_empty_text_gives_none(self) -> None:
        assert load_json(" \n", "x.json").data is None

    @pytest.mark.parametrize(
        ("text", "line", "column", "start"),
        [
            ('{\n  "a": 1\n  "b": 2\n}', 3, 3, "expecting ',' delimiter"),
            ("[1, 2", 1, 6, "expecting"),
            ('{"a": 1} {"b": 2}', 1, 10, "extra data"),
            ("{'a': 1}", 1, 2, "expecting property name"),
        ],
    )
    def test_syntax_errors(self, text: str, line: int, column: int, start: str) -> None:
        with pytest.raises(SourceError) as error:
            load_json(text, "x.json")
        [problem] = _problems(error)
        assert (problem.line, problem.column) == (line, column)
        assert problem.message.startswith(start) or start in problem.message
        assert "Traceback" not in str(error.value)

    def test_every_duplicate_key_is_reported(self) -> None:
        text = '{\n  "a": 1,\n  "b": {"x": 1, "x": 2},\n  "a": 3\n}\n'
        with pytest.raises(SourceError) as error:
            load_json(text, "run.json")
        assert [(p.line, p.column, p.path, p.message) for p in _problems(error)] == [
            (3, 17, "$.b.x", "duplicate key `x` (first at line 3)"),
            (4, 3, "$.a", "duplicate key `a` (first at line 2)"),
        ]

    @pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
    def test_non_standard_numbers_are_refused(self, constant: str) -> None:
        with pytest.raises(SourceError) as error:
            load_json('{"cost": ' + constant + "}", "run.json")
        [problem] = _problems(error)
        assert (problem.line, problem.column, problem.path) == (1, 10, "$.cost")

    def test_unicode_columns_count_characters(self) -> None:
        doc = load_json('{"é": "ü", "n": 1}', "u.json")
        assert doc.locate(("n",)) == (1, 17)


def test_json_path() -> None:
    assert json_path(()) == "$"
    assert json_path(("project", "type")) == "$.project.type"
    assert json_path(("history", 0, "date")) == "$.history[0].date"
    assert json_path(("a b", True)) == '$["a b"]["True"]'


def test_hand_made_document_has_no_positions() -> None:
    doc = Document(file="x", data={})
    assert doc.locate(("a",)) is None
    assert doc.locate_key(()) is None


class TestHostileInput:
    """Input that used to crash the loaders (a traceback, or worse) instead of a problem."""

    def test_moderate_yaml_nesting_is_fine(self) -> None:
        doc = load_yaml("a: " + "[" * 60 + "]" * 60 + "\n", "c.yml")
        assert doc.locate(("a",)) == (1, 4)

    def test_huge_json_integer(self) -> None:
        with pytest.raises(SourceError) as error:
            load_json('{\n  "word_count": ' + "9" * 5000 + "\n}", "stats.json")
        [problem] = _problems(error)
        assert (problem.line, problem.column, problem.path) == (2, 17, "$.word_count")
        assert problem.message == "the number has 5000 digits, too many to read"
        doc = load_json('{"a": 1.5e3, "b": -3, "c": ' + "1" * 600 + ".5}", "x.json")
        assert doc.data["b"] == -3

    @pytest.mark.parametrize(
        ("text", "column", "path", "message"),
        [
            ("published: 2024-13-45\n", 12, "$.published", "`2024-13-45` is not a real date"),
            ("a: !!timestamp soon\n", 4, "$.a", "`soon` is not a date"),
            ("a: !!int abc\n", 4, "$.a", "`abc` is not a whole number"),
            ("a: !!float x\n", 4, "$.a", "`x` is not a number"),
            ("a: !!bool maybe\n", 4, "$.a", "`maybe` is not true or false"),
            ("2024-02-30: x\n", 1, "$", "`2024-02-30` is not a real date"),
        ],
    )
    def test_values_yaml_cannot_build_are_located(
        self, text: str, column: int, path: str, message: str
    ) -> None:
        """They used to say "cannot read the document: month must be in 1..12", nowhere,
        or end in a traceback (`!!timestamp soon`)."""
        with pytest.raises(SourceError) as error:
            load_yaml("title: T\n" + text, "m.yml")
        [problem] = _problems(error)
        assert (problem.line, problem.column, problem.path) == (2, column, path)
        assert problem.message == message

    def test_huge_yaml_integer(self) -> None:
        with pytest.raises(SourceError) as error:
            load_yaml("project:\n  target_word_count: " + "9" * 5000 + "\n", "c.yml")
        [problem] = _problems(error)
        assert (problem.line, problem.column) == (2, 22)
        assert problem.path == "$.project.target_word_count"
        assert problem.message == "the number has 5000 digits, too many to read"


class TestSyntaxHints:
    @pytest.mark.parametrize(
        "text",
        ["project:\n\tname: x\n", "project:\n  name: x\n  \ttype: novel\n"],
    )
    def test_tabs_in_yaml_indentation(self, text: str) -> None:
        with pytest.raises(SourceError) as error:
            load_yaml(text, "c.yml")
        [problem] = _problems(error)
        assert problem.hint == "YAML does not allow tabs for indentation: indent with spaces"

    @pytest.mark.parametrize(
        ("text", "hint"),
        [
            (
                "title: Chapter 1: Beginnings\n",
                'if the value has ": " in it, put it in quotes; otherwise check the indentation',
            ),
            ("title: @home\n", "a value cannot start with `@` unless it is in quotes"),
            ("title: `x`\n", "a value cannot start with `` ` `` unless it is in quotes"),
        ],
    )
    def test_common_yaml_slips(self, text: str, hint: str) -> None:
        with pytest.raises(SourceError) as error:
            load_yaml(text, "m.yml")
        [problem] = _problems(error)
        assert problem.hint == hint

    @pytest.mark.parametrize(
        ("text", "line", "column"),
        [
            ('{\n  "a": 1,\n}\n', 2, 9),
            ('{"a": [1, 2, ],\n "b": 2}', 1, 12),
        ],
    )
    def test_trailing_comma_in_json(self, text: str, line: int, column: int) -> None:
        with pytest.raises(SourceError) as error:
            load_json(text, "x.json")
        [problem] = _problems(error)
        assert (problem.line, problem.column) == (line, column)
        assert problem.message == "a comma after the last item"
        assert problem.hint == "JSON allows no comma before `]` or `}`: remove it"

    def test_comment_in_json(self) -> None:
        with pytest.raises(SourceError) as error:
            load_json('{\n  "a": 1 // one\n}', "x.json")
        [problem] = _problems(error)
        assert (problem.line, problem.column) == (2, 10)
        assert problem.hint == "JSON has no comments: remove it"


def test_yaml_scalars_as_written() -> None:
    doc = load_yaml("language: no\nname: 0x1F\nversion: 1.10\nquoted: 'no'\nlist: [Yes]\n", "c.yml")
    assert doc.data == {
        "language": False,
        "name": 31,
        "version": 1.1,
        "quoted": "no",
        "list": [True],
    }
    assert doc.written(("language",)) == "no"
    assert doc.written(("name",)) == "0x1F"
    assert doc.written(("version",)) == "1.10"
    assert doc.written(("list", 0)) == "Yes"
    assert doc.written(("quoted",)) is None  # quoted: a string, shown as a string
    assert doc.written(("missing",)) is None
    doc = load_json('{"a": 1.0e999, "b": "1", "c": true}', "x.json")
    assert (doc.data["a"], doc.written(("a",))) == (float("inf"), "1.0e999")
    assert doc.written(("b",)) is None
    assert doc.written(("c",)) is None
