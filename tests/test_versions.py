"""Both ends of the version ranges: .ci/lowest-constraints.txt pins every lower bound.

`.ci/run` runs the suite with the newest releases (the README's command) and once more with
these constraints, so a lower bound that stops working fails CI instead of an author.
"""

from __future__ import annotations

from tests.requirements import (
    ROOT,
    extra_requirements,
    parse_requirement,
    pins,
    runtime_requirements,
    same_version,
)

CONSTRAINTS = ROOT / ".ci" / "lowest-constraints.txt"


def test_every_dependency_has_a_lower_bound() -> None:
    unbounded = [r.name for r in runtime_requirements() + extra_requirements() if r.lower is None]
    assert unbounded == []


def test_the_constraints_pin_exactly_the_lower_bounds() -> None:
    declared = {r.name: r.lower for r in runtime_requirements() + extra_requirements()}
    pinned = pins(CONSTRAINTS)
    assert sorted(pinned) == sorted(declared)
    assert {n: v for n, v in pinned.items() if not same_version(v, declared[n] or "")} == {}


def test_ci_installs_the_constraints_in_a_fresh_environment() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert (
        'python -m pip install -c .ci/lowest-constraints.txt -e ".[test]" && python -m pytest'
        in script.splitlines()
    )


def test_requirement_parsing() -> None:
    """The reader the two tests above rely on, on the forms pyproject.toml may use."""
    assert parse_requirement("PyYAML>=6.0") == parse_requirement("pyyaml >= 6.0")
    requirement = parse_requirement("mdit_py_plugins[x]>=0.4.1,<1; python_version >= '3.11'")
    assert (requirement.name, requirement.lower, requirement.upper) == (
        "mdit-py-plugins",
        "0.4.1",
        "1",
    )
    assert requirement.allows("0.4.1") and requirement.allows("0.10.0")
    assert not requirement.allows("0.4.0") and not requirement.allows("1.0")
