"""Packaging: a build with no warnings, an sdist that holds its tests, one repository name,
and the license pyproject.toml names.

`.ci/run` installs the sdist built here into a fresh environment with the image's locked
dependencies and runs the sdist's own counting tests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.requirements import pyproject

ROOT = Path(__file__).resolve().parent.parent
REPOSITORY = "draftforge/stats-action"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The sdist and wheel of this tree, and everything `python -m build` printed."""
    out = tmp_path_factory.mktemp("dist")
    # PYTHONDONTWRITEBYTECODE makes setuptools warn that it skips byte-compiling: not ours.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    result = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return out, result.stdout + result.stderr


def _tracked(*folders: str) -> set[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--", *folders], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return set(listed.split())


def test_the_build_gives_no_warning(built: tuple[Path, str]) -> None:
    """Each scaffold folder setuptools would warn about is listed in `packages`."""
    _, output = built
    assert [line for line in output.splitlines() if "warning" in line.lower()] == []


def test_the_sdist_holds_what_its_tests_need(built: tuple[Path, str]) -> None:
    out, _ = built
    [sdist] = out.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    needed = _tracked("tests", "examples", "benchmarks", "schemas", "scaffolds", "docker")
    needed |= {"LICENSE", "pyproject.toml", "README.md", "action.yml", "Dockerfile", ".ci/run"}
    assert sorted(needed - names) == []
    assert {"tests/conftest.py", "tests/gitutil.py", "tests/data/counting_vectors.yml"} <= names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_the_wheel_ships_the_scaffolds_and_the_license(built: tuple[Path, str]) -> None:
    out, _ = built
    [wheel] = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        text = archive.read(metadata).decode()
    shipped = {n.split("scaffold_files/", 1)[1] for n in names if "/scaffold_files/" in n}
    expected = {p.removeprefix("scaffolds/") for p in _tracked("scaffolds")}
    assert shipped == expected
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "License-Expression: MIT" in text.splitlines()
    assert f"Project-URL: Source, https://github.com/{REPOSITORY}" in text.splitlines()


def test_the_license_is_the_mit_license_of_draftforge() -> None:
    text = (ROOT / "LICENSE").read_text("utf-8")
    assert text.splitlines()[0] == "MIT License"
    assert re.search(r"^Copyright \(c\) \d{4} DraftForge$", text, re.MULTILINE)
    project = pyproject()["project"]
    assert isinstance(project, dict) and project["license"] == "MIT"


# One repository holds the action and the hooks: every place that names it agrees.
_NAMED = re.compile(
    r"(?:github\.com/|uses:\s*)draftforge/([A-Za-z0-9_.-]+?)(?:\.git)?(?=[@/\s`'\")]|$)"
)


def test_one_repository_name_everywhere() -> None:
    places = _tracked(".")
    found: dict[str, set[str]] = {}
    for name in sorted(places):
        path = ROOT / name
        if path.suffix in {".lock", ".whl"} or not path.is_file():
            continue
        try:
            text = path.read_text("utf-8")
        except UnicodeDecodeError:
            continue
        for match in _NAMED.finditer(text):
            found.setdefault(match[1], set()).add(name)
    assert set(found) == {"stats-action"}, found
    # ... and it is named where an author or a tool looks for it:
    assert {
        "README.md",
        ".pre-commit-hooks.yaml",
        "pyproject.toml",
        "examples/workflows/draftforge-stats.yml",
        "scaffolds/common/.github/workflows/draftforge-stats.yml.tmpl",
    } <= found["stats-action"]
    urls = pyproject()["project"]["urls"]  # type: ignore[index]
    assert all(url.startswith(f"https://github.com/{REPOSITORY}") for url in urls.values())
    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"  - repo: https://github.com/{REPOSITORY}\n" in readme
