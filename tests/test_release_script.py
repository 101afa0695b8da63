"""scripts/release-action: action.yml at a release tag pulls the released image."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from draftforge_stats import __version__

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "release-action"
TAG = f"v{__version__}"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


@pytest.fixture
def action_yml(tmp_path: Path) -> Path:
    copy = tmp_path / "action.yml"
    shutil.copy(ROOT / "action.yml", copy)
    return copy


def test_the_image_line_is_rewritten_and_nothing_else(action_yml: Path) -> None:
    before = action_yml.read_text("utf-8")
    result = run(TAG, "DraftForge/stats-action", str(action_yml))
    image = f"docker://ghcr.io/draftforge/stats-action:{__version__}"  # registry: lower case
    assert (result.returncode, result.stdout, result.stderr) == (0, image + "\n", "")
    after = action_yml.read_text("utf-8")
    assert after == before.replace("  image: Dockerfile\n", f"  image: {image}\n")
    assert after.count("\n") == before.count("\n")
    assert yaml.safe_load(after)["runs"] == {"using": "docker", "image": image}


def test_main_keeps_the_dockerfile() -> None:
    assert yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))["runs"]["image"] == "Dockerfile"


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("v1", "tag `v1` is not a release tag: use v<major>.<minor>.<patch>"),
        ("1.2.3", "tag `1.2.3` is not a release tag: use v<major>.<minor>.<patch>"),
        ("v1.2.3-rc1", "tag `v1.2.3-rc1` is not a release tag: use v<major>.<minor>.<patch>"),
        (
            "v999.0.0",
            f"tag `v999.0.0` does not match the package version {__version__}: set __version__ "
            "in draftforge_stats/__init__.py to 999.0.0, commit, and tag that commit",
        ),
    ],
)
def test_a_tag_that_is_not_the_package_version_is_refused(
    action_yml: Path, tag: str, message: str
) -> None:
    before = action_yml.read_text("utf-8")
    result = run(tag, "draftforge/stats-action", str(action_yml))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"release-action: {message}\n"
    assert action_yml.read_text("utf-8") == before  # nothing written


def test_an_action_yml_already_released_is_refused(action_yml: Path) -> None:
    assert run(TAG, "draftforge/stats-action", str(action_yml)).returncode == 0
    again = run(TAG, "draftforge/stats-action", str(action_yml))
    assert again.returncode == 1
    assert again.stderr == (
        "release-action: action.yml's image is "
        f"`docker://ghcr.io/draftforge/stats-action:{__version__}`, expected `Dockerfile`\n"
    )


def test_a_bad_repository_is_refused(action_yml: Path) -> None:
    result = run(TAG, "stats-action", str(action_yml))
    assert (result.returncode, result.stderr) == (
        1,
        "release-action: `stats-action` is not an owner/name repository\n",
    )


def test_usage() -> None:
    result = run()
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "    scripts/release-action TAG REPOSITORY [ACTION_YML]"
