"""Read pyproject.toml's requirements and pip's requirement files, for the tests of both
ends of the version ranges (no third-party parser: the files keep to a simple form)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_REQUIREMENT = re.compile(
    r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(?P<spec>[^;]*)(?:;(?P<marker>.*))?"
)
_PIN = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")


def canonical(name: str) -> str:
    """A project name as PyPI compares them: `PyYAML`, `pyyaml` and `py_yaml` are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def version_key(version: str) -> tuple[int, ...]:
    """`2024.1` -> (2024, 1); enough for the release numbers these projects use."""
    return tuple(int(part) for part in re.findall(r"\d+", version.split("+")[0]))


def same_version(a: str, b: str) -> bool:
    """`1.10` and `1.10.0` are one version."""
    x, y = list(version_key(a)), list(version_key(b))
    width = max(len(x), len(y))
    return x + [0] * (width - len(x)) == y + [0] * (width - len(y))


@dataclass(frozen=True)
class Requirement:
    name: str  # canonical
    lower: str | None  # the `>=` bound
    upper: str | None  # a `<` bound, if any

    def allows(self, version: str) -> bool:
        key = version_key(version)
        if self.lower is not None and key < version_key(self.lower):
            return False
        return self.upper is None or key < version_key(self.upper)


def parse_requirement(text: str) -> Requirement:
    match = _REQUIREMENT.fullmatch(text.strip())
    assert match is not None, text
    lower = upper = None
    for clause in filter(None, (c.strip() for c in match["spec"].split(","))):
        operator, version = re.fullmatch(r"(>=|<|==|~=|!=|<=|>)\s*(\S+)", clause).groups()  # type: ignore[union-attr]
        if operator == ">=":
            lower = version
        elif operator == "<":
            upper = version
        else:
            raise AssertionError(f"{text}: only >= and < are used in pyproject.toml")
    return Requirement(canonical(match["name"]), lower, upper)


def pyproject() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)


def runtime_requirements() -> list[Requirement]:
    project = pyproject()["project"]
    assert isinstance(project, dict)
    return [parse_requirement(text) for text in project["dependencies"]]


def extra_requirements() -> list[Requirement]:
    project = pyproject()["project"]
    assert isinstance(project, dict)
    return [parse_requirement(text) for text in project["optional-dependencies"]["test"]]


def build_requirements() -> list[Requirement]:
    build = pyproject()["build-system"]
    assert isinstance(build, dict)
    return [parse_requirement(text) for text in build["requires"]]


def pins(path: Path) -> dict[str, str]:
    """`name==version` lines of a requirements or constraints file (hash lines skipped)."""
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match:
            name = canonical(match["name"])
            assert name not in found, f"{path.name}: {name} pinned twice"
            found[name] = match["version"]
    return found
