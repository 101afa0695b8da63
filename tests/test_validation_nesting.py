"""The nesting guard: one message and one position whichever parser stops first.

libyaml (PyYAML's C loader) refuses 1,000 levels with its own message, and in flow style
reads far ahead before it does; the pure-Python loader has no limit; our guard stops at
the 101st level. Every case runs with both loaders, and every position below is worked
out by hand from the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from draftforge_stats.config import load_config
from draftforge_stats.counting import count_markdown
from draftforge_stats.errors import ConfigError, Problem, SourceError
from draftforge_stats.validation import FileKind, documents, validate_file
from draftforge_stats.validation.documents import load_json, load_yaml

MESSAGE = "the document is nested too deeply (more than 100 levels)"
HINT = (
    "no DraftForge file needs more than a few levels: look for brackets or indentation "
    "that never close, or flatten the data"
)

LOADERS = [pytest.param(yaml.SafeLoader, id="python")]
if hasattr(yaml, "CSafeLoader"):  # pragma: no branch - the wheels ship libyaml
    LOADERS.append(pytest.param(yaml.CSafeLoader, id="libyaml"))


@pytest.fixture(params=LOADERS)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[type]:
    """Read YAML with this PyYAML loader, as a machine with (or without) libyaml does."""
    monkeypatch.setattr(documents, "_YamlLoader", request.param)
    yield request.param


def _flow_sequences(depth: int) -> str:
    # `a:` is level 1; the k-th `[` (level k + 1) is at column 3 + k.
    return "a: " + "[" * depth + "]" * depth + "\n"


def _flow_mappings(depth: int) -> str:
    # `a:` is level 1; the k-th `{x: ` (level k + 1) is at column 4 + 4 * (k - 1).
    return "a: " + "{x: " * depth + "}" * depth + "\n"


def _block_mappings(depth: int) -> str:
    # Level i + 1 is the mapping whose key `k` is on line i + 1, column 2 * i + 1.
    return "".join("  " * i + "k:\n" for i in range(depth)) + "  " * depth + "end\n"


def _block_sequences(depth: int) -> str:
    # `- - - x`: level k starts at its `-`, column 2 * k - 1.
    return "- " * depth + "x\n"


SHAPES = {
    # shape: (text maker, where level 101 starts)
    "flow-sequences": (_flow_sequences, (1, 103)),
    "flow-mappings": (_flow_mappings, (1, 400)),
    "block-mappings": (_block_mappings, (101, 201)),
    "block-sequences": (_block_sequences, (1, 201)),
}


def _only(error: pytest.ExceptionInfo[SourceError]) -> Problem:
    [problem] = error.value.problems
    return problem


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("depth", [101, 999, 1_000, 1_001, 3_000])
def test_too_deep_yaml_gives_one_problem_at_level_101(loader: type, shape: str, depth: int) -> None:
    """libyaml stops by itself at 1,000 levels (and in flow style reads ahead to the
    1,000th bracket before giving any event): the problem is still ours, at level 101."""
    make, where = SHAPES[shape]
    extra = 1 if shape.startswith("flow") else 0  # `a:` is a level of its own
    with pytest.raises(SourceError) as error:
        load_yaml(make(depth - extra), "c.yml")
    assert _only(error) == Problem(
        file="c.yml", message=MESSAGE, line=where[0], column=where[1], hint=HINT
    )
    assert error.value.summary == "c.yml is not valid YAML"


@pytest.mark.parametrize("shape", ["flow-sequences", "flow-mappings", "block-sequences"])
def test_far_too_deep_yaml_is_refused_in_bounded_work(loader: type, shape: str) -> None:
    """200,000 levels crashed libyaml's composer (a segmentation fault, no message)."""
    make, where = SHAPES[shape]
    with pytest.raises(SourceError) as error:
        load_yaml(make(200_000), "c.yml")
    assert (_only(error).line, _only(error).column, _only(error).message) == (*where, MESSAGE)


@pytest.mark.parametrize("shape", SHAPES)
def test_exactly_100_levels_are_read(loader: type, shape: str) -> None:
    make, _ = SHAPES[shape]
    extra = 1 if shape.startswith("flow") else 0
    data = load_yaml(make(100 - extra), "c.yml").data
    levels = 0
    while isinstance(data, dict | list):
        levels += 1
        if not data:
            break
        data = next(iter(data.values())) if isinstance(data, dict) else data[0]
    assert levels == 100


def test_a_syntax_error_before_the_depth_is_a_syntax_error(loader: type) -> None:
    """Only nesting is this message: an unclosed quote at line 2 stays a syntax error."""
    text = 'a: "open\nb: ' + "[" * 2_000 + "\n"
    with pytest.raises(SourceError) as error:
        load_yaml(text, "c.yml")
    problem = _only(error)
    assert problem.message != MESSAGE
    assert problem.line is not None and problem.line >= 1


def test_a_libyaml_syntax_error_after_legal_nesting_is_a_syntax_error(loader: type) -> None:
    """50 levels then a stray `]`: not too deep, so the parser's error at 1:105 stands."""
    text = "a: " + "[" * 50 + "]" * 51 + "\n"
    with pytest.raises(SourceError) as error:
        load_yaml(text, "c.yml")
    problem = _only(error)
    assert problem.message != MESSAGE
    assert (problem.line, problem.column) == (1, 104)


def test_config_file(loader: type, tmp_path: Path) -> None:
    # `project:` is level 1, so level 101 is the 100th `[`: column 10 + 99.
    path = tmp_path / ".draftforge" / "config.yml"
    path.parent.mkdir()
    path.write_text("project: " + "[" * 5_000 + "]" * 5_000 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path)
    assert error.value.problems == [
        Problem(file=".draftforge/config.yml", message=MESSAGE, line=1, column=109, hint=HINT)
    ]


def test_metadata_file(loader: type, tmp_path: Path) -> None:
    path = tmp_path / "metadata.yml"
    path.write_text("title: T\nseries:\n  name: " + "{a: " * 1_500 + "\n", encoding="utf-8")
    result = validate_file(path, FileKind.METADATA, display="manuscript/metadata.yml")
    # level 1 the root, 2 `series`, 3 the first `{` at 3:9, level k at column 9 + 4 * (k - 3)
    assert [(p.line, p.column, p.message, p.hint) for p in result.errors] == [
        (3, 401, MESSAGE, HINT)
    ]


@pytest.mark.parametrize("depth", [101, 1_000, 100_000])
def test_json_has_the_same_contract(depth: int) -> None:
    """Brackets inside strings do not count; the 101st `[` is at column 1 + 100 + 13."""
    text = '{"a": "[[[[{{", "b": ' + "[" * depth + "]" * depth + "}"
    with pytest.raises(SourceError) as error:
        load_json(text, "stats.json")
    assert _only(error) == Problem(
        file="stats.json", message=MESSAGE, line=1, column=121, hint=HINT
    )


def test_json_at_100_levels_is_read() -> None:
    doc = load_json("\n" + "[" * 100 + "]" * 100, "deep.json")
    assert doc.locate([0] * 99) == (2, 100)


@pytest.mark.parametrize("depth", [5_000, 200_000])
def test_front_matter_too_deep_has_no_title(loader: type, depth: int) -> None:
    doc = "---\ntitle: " + "[" * depth + "]" * depth + "\n---\n# Heading\n"
    counts = count_markdown(doc)
    assert (counts.title, counts.words) == ("Heading", 1)
