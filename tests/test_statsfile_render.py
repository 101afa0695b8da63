"""The stats file's render: the bytes of `json.dumps(data, indent=2, ensure_ascii=False)`,
written by the C encoder (see :func:`draftforge_stats.statsfile.render_data`).

Compared byte for byte with the `json` module's own indented output on every stats file of
the test data and on seeded random data full of what could go wrong: strings holding the
separators the render relies on, escapes, line separators, characters past U+FFFF, lone
surrogates, empty objects and arrays at every level, arrays of objects with one that is not
flat, numbers at their limits, keys that are not strings.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from draftforge_stats.statsfile import render_data

DATA = Path(__file__).parent / "data"


def _stdlib(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _json_files() -> list[Path]:
    """Every JSON file of the test data: stats files (the golden one, the schema cases, valid
    and not), schemas, other documents."""
    return sorted(path for path in DATA.rglob("*.json") if path.is_file())


@pytest.mark.parametrize("path", _json_files(), ids=lambda p: p.relative_to(DATA).as_posix())
def test_every_json_file_of_the_test_data_renders_as_the_json_module_does(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert render_data(data) == _stdlib(data)


def test_a_large_manuscript_renders_without_the_pure_python_encoder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """10,000 chapter entries and 30 history entries: the render never calls the `json`
    module's pure-Python indenting encoder, and gives its bytes."""
    data = json.loads((DATA / "golden_stats.json").read_text(encoding="utf-8"))
    entry = data["breakdown"]["chapters"][0]
    data["breakdown"]["chapters"] = [{**entry, "file": f"ch/{n:05d}.md"} for n in range(10_000)]
    data["history"] = [dict(data["history"][0], words_added=n) for n in range(30)]
    expected = _stdlib(data)

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the pure-Python encoder was used")

    monkeypatch.setattr(json.encoder, "_make_iterencode", refused)
    text = render_data(data)
    assert text == expected
    assert text.count("\n") == expected.count("\n")


_ODD = [
    "",
    " ",
    '"',
    "\\",
    '\\"',
    "},\n      {",
    '}, {"a": 1',
    "],\n  [",
    ",\n",
    ": ",
    "\n",
    "\r\n",
    "\t\x00\x01\x1f\x7f",
    "\u2028\u2029",
    "café naïve",
    "\U0001f600 \U0001d518\U0001d52b",  # past U+FFFF
    "\ud800",  # a lone surrogate: written as it is, like the json module does
    "\ufeff",
    "  ",
]
_NUMBERS: list[Any] = [
    0,
    -1,
    2**70,
    -(2**63),
    0.0,
    -0.0,
    0.1,
    1e16,
    1e-7,
    1.7976931348623157e308,
    float("inf"),
    float("-inf"),
    float("nan"),
    True,
    False,
    None,
]


def _leaf(rng: random.Random) -> Any:
    return rng.choice(_ODD) if rng.random() < 0.5 else rng.choice(_NUMBERS)


def _flat_object(rng: random.Random) -> dict[str, Any]:
    return {rng.choice(_ODD) + str(n): _leaf(rng) for n in range(rng.randint(1, 5))}


def _value(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth >= 4 or roll < 0.3:
        return _leaf(rng)
    if roll < 0.45:
        return {} if rng.random() < 0.5 else []
    if roll < 0.6:  # an array of flat objects, sometimes with one that is not
        items: list[Any] = [_flat_object(rng) for _ in range(rng.randint(1, 6))]
        if rng.random() < 0.4:
            items.insert(rng.randrange(len(items) + 1), rng.choice([{}, [], _leaf(rng)]))
        if rng.random() < 0.2:
            items.append({"nested": _flat_object(rng)})
        return items
    if roll < 0.8:
        return [_value(rng, depth + 1) for _ in range(rng.randint(1, 4))]
    return {f"{rng.choice(_ODD)}{n}": _value(rng, depth + 1) for n in range(rng.randint(1, 4))}


@pytest.mark.parametrize("seed", range(300))
def test_random_data_renders_as_the_json_module_does(seed: int) -> None:
    data = _value(random.Random(seed), 0)
    assert render_data(data) == _stdlib(data)


@pytest.mark.parametrize(
    "data",
    [
        {1: "a", "b": [{"c": 1}]},  # keys that are not strings: the json module's own text
        {"a": {2.5: None, True: 1, None: [1]}},
        [{"a": 1}, {3: 2}],
        ({"a": (1, 2)}, ()),  # tuples are arrays
        "only a string",
        17,
        None,
    ],
)
def test_other_data_renders_as_the_json_module_does(data: Any) -> None:
    assert render_data(data) == _stdlib(data)


def test_what_json_cannot_write_fails_as_the_json_module_fails() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        render_data({"a": [{"b": object()}]})
    with pytest.raises(TypeError, match="not JSON serializable"):
        render_data([{"b": {1, 2}}])
