"""Every workflow in the repository passes GitHub's schema and zizmor, and the release
workflow does what README "Releasing" says.

The workflows: .github/workflows/ (ours), examples/workflows/ (for authors to copy) and the
one `draftforge init` writes (rendered here from the package's scaffold). Both checkers run
offline: check-jsonschema's vendored GitHub schemas, `zizmor --offline` with
.github/zizmor.yml (where an accepted finding is explained).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from draftforge_stats.scaffold import InitOptions, render_project

ROOT = Path(__file__).resolve().parent.parent
INIT_WORKFLOW = ".github/workflows/draftforge-stats.yml"
SHA_PIN = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}")


def _tool(name: str) -> str:
    """The console script installed next to this Python (the test extra's)."""
    return str(Path(sys.executable).with_name(name))


@pytest.fixture(scope="module")
def workflows(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    rendered = tmp_path_factory.mktemp("init") / "draftforge-stats.yml"
    rendered.write_text(render_project(InitOptions(name="Book"))[INIT_WORKFLOW], "utf-8")
    found = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
    found += sorted((ROOT / "examples" / "workflows").glob("*.y*ml"))
    return [*found, rendered]


def test_the_workflows_checked_are_all_there_are(workflows: list[Path]) -> None:
    names = [p.relative_to(ROOT).as_posix() for p in workflows if p.is_relative_to(ROOT)]
    assert names == [".github/workflows/release.yml", "examples/workflows/draftforge-stats.yml"]
    assert len(workflows) == 3  # and the one `draftforge init` writes
    tracked = subprocess.run(
        ["git", "ls-files", "*.yml", "*.yaml", "*.yml.tmpl"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    with_jobs = [
        name for name in tracked if re.search(r"^jobs:", (ROOT / name).read_text("utf-8"), re.M)
    ]
    assert sorted(with_jobs) == sorted([*names, f"scaffolds/common/{INIT_WORKFLOW}.tmpl"])


def test_github_workflow_schema(workflows: list[Path]) -> None:
    command = [_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows"]
    result = subprocess.run(
        [*command, *map(str, workflows)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_github_action_schema() -> None:
    command = [_tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions"]
    result = subprocess.run(
        [*command, str(ROOT / "action.yml")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing(workflows: list[Path]) -> None:
    config = ROOT / ".github" / "zizmor.yml"
    result = subprocess.run(
        [_tool("zizmor"), "--offline", "--no-progress", "--config", str(config), *map(str, workflows)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def _load(path: Path) -> dict[str, Any]:
    # GitHub reads `on:` as a key; PyYAML 1.1 would read it as True.
    data: dict[str, Any] = yaml.load(path.read_text("utf-8"), Loader=yaml.BaseLoader)
    return data


RELEASE = ROOT / ".github" / "workflows" / "release.yml"


def test_release_runs_on_version_tags_only() -> None:
    workflow = _load(RELEASE)
    assert workflow["on"] == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {}  # each job asks for what it needs


def test_release_tests_then_builds_then_releases() -> None:
    jobs = _load(RELEASE)["jobs"]
    assert list(jobs) == ["test", "image", "release"]
    assert (jobs["image"]["needs"], jobs["release"]["needs"]) == ("test", "image")
    assert jobs["test"]["steps"][-1]["run"] == "bash .ci/run"
    assert jobs["test"]["permissions"] == {"contents": "read"}
    assert jobs["image"]["permissions"] == {"contents": "read", "packages": "write"}
    assert jobs["release"]["permissions"] == {"contents": "write"}


def test_release_pushes_both_platforms_to_ghcr() -> None:
    steps = _load(RELEASE)["jobs"]["image"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert uses[-4:] == [
        "docker/setup-qemu-action",
        "docker/setup-buildx-action",
        "docker/login-action",
        "docker/build-push-action",
    ]
    login, build = steps[-2]["with"], steps[-1]["with"]
    assert login["registry"] == "ghcr.io"
    assert build["platforms"] == "linux/amd64,linux/arm64"
    assert build["push"] == "true"
    assert build["tags"] == "${{ steps.name.outputs.image }}"
    naming = next(step for step in steps if step.get("id") == "name")["run"]
    assert 'scripts/release-action "$TAG" "$REPOSITORY"' in naming


def test_release_rewrites_action_yml_and_moves_the_tags() -> None:
    [step] = _load(RELEASE)["jobs"]["release"]["steps"][1:]
    lines = step["run"].splitlines()
    assert lines[0] == 'scripts/release-action "$TAG" "$REPOSITORY" action.yml'
    assert 'major="${TAG%%.*}"' in lines  # v1.2.3 -> v1
    assert 'git tag -f "$major"' in lines
    assert any(line.startswith("git push") and '"refs/tags/$major"' in line for line in lines)
    assert lines[-1].startswith('gh release create "$TAG" --verify-tag')


def test_our_workflows_pin_actions_by_commit() -> None:
    for path in sorted((ROOT / ".github" / "workflows").glob("*.y*ml")):
        for job in _load(path)["jobs"].values():
            for step in job["steps"]:
                if "uses" in step:
                    assert SHA_PIN.fullmatch(step["uses"]), (path.name, step["uses"])
