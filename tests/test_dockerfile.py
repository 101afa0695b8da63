"""Static checks of the Action's image (this machine has no Docker engine to build it).

The Dockerfile is read as a list of instructions (continuation lines joined), and each rule of
the image is checked on them: a slim official Python base of a named Python and Debian release,
git from apt without recommends or lists, the locked dependencies installed with hash checking
before any source is copied, the package built without a download, no setting given twice, and
`draftforge action` as the exec-form entry point. scripts/build-image builds it for real.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, comments dropped and `\\` continuations joined."""
    text = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n", " ", "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#")
    ))  # fmt: skip
    result = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            result.append((keyword.upper(), " ".join(rest.split())))
    return result


def of(keyword: str) -> list[str]:
    return [args for name, args in instructions() if name == keyword]


def run_commands() -> list[list[str]]:
    """Every shell command of every RUN, split at `&&`."""
    commands = []
    for args in of("RUN"):
        commands += [shlex.split(part) for part in args.split("&&")]
    return commands


BASE = re.compile(r"python:3\.11\.(\d+)-slim-bookworm(@sha256:[0-9a-f]{64})?")


def test_base_names_a_python_and_a_debian_release() -> None:
    """Not `python:3.11-slim`, which moves to each new 3.11.x and each new Debian."""
    [base] = of("FROM")
    assert BASE.fullmatch(base), base
    assert instructions()[0][0] == "FROM"


def test_the_build_script_stands_in_for_the_same_base() -> None:
    script = (REPO_ROOT / "scripts" / "build-image").read_text(encoding="utf-8")
    [base] = of("FROM")
    assert f'BASE="docker.io/library/{base.partition("@")[0]}"' in script.splitlines()


def test_git_is_installed_without_recommends_and_lists_are_removed() -> None:
    commands = run_commands()
    install = [c for c in commands if c[:2] == ["apt-get", "install"]]
    assert install == [["apt-get", "install", "-y", "--no-install-recommends", "git"]]
    position = commands.index(install[0])
    assert commands[position - 1] == ["apt-get", "update"]
    assert commands[position + 1] == ["rm", "-rf", "/var/lib/apt/lists/*"]
    # Update, install and clean-up in one layer, so the lists never reach the image.
    assert len([args for args in of("RUN") if "apt-get" in args]) == 1


def test_locked_dependencies_are_installed_with_hashes_before_the_source() -> None:
    copies = [args.split() for args in of("COPY")]
    assert copies == [
        ["docker/requirements.lock", "/tmp/requirements.lock"],
        ["pyproject.toml", "README.md", "./"],
        ["draftforge_stats", "./draftforge_stats"],
        ["schemas", "./schemas"],
        ["scaffolds", "./scaffolds"],
    ]
    pip = [c for c in run_commands() if c[:2] == ["pip", "install"]]
    assert pip == [
        ["pip", "install", "--require-hashes", "--no-deps", "-r", "/tmp/requirements.lock"],
        # The package alone, with the locked setuptools: nothing downloaded unlocked.
        ["pip", "install", "--no-deps", "--no-build-isolation", "."],
    ]
    order = [(name, args) for name, args in instructions() if name in {"COPY", "RUN"}]
    lock_installed = next(i for i, (n, a) in enumerate(order) if "--require-hashes" in a)
    first_source = next(i for i, (n, a) in enumerate(order) if a.startswith("pyproject.toml"))
    assert order[lock_installed - 1] == ("COPY", "docker/requirements.lock /tmp/requirements.lock")
    assert lock_installed < first_source
    # No compilers: nothing but git comes from apt, and no build tools are installed.
    joined = " ".join(of("RUN"))
    for tool in ("gcc", "build-essential", "g++", "make "):
        assert tool not in joined


def test_no_setting_is_given_twice() -> None:
    """PIP_NO_CACHE_DIR=1 is the one place pip's cache is turned off (no --no-cache-dir)."""
    settings = [pair.split("=")[0] for args in of("ENV") for pair in args.split()]
    assert sorted(settings) == [
        "PIP_DISABLE_PIP_VERSION_CHECK",
        "PIP_NO_CACHE_DIR",
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONUNBUFFERED",
    ]
    flags = {"--no-cache-dir": "PIP_NO_CACHE_DIR", "--disable-pip-version-check": "PIP_DISABLE"}
    for command in run_commands():
        assert not set(command) & set(flags), command
    assert len(of("ENV")) == 1
    assert len(of("ENTRYPOINT")) == 1


def test_what_the_image_copies_exists_and_the_context_is_small() -> None:
    for name in (
        "docker/requirements.lock",
        "pyproject.toml",
        "README.md",
        "draftforge_stats",
        "schemas",
        "scaffolds",
    ):
        assert (REPO_ROOT / name).exists(), name
    ignore = (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    rules = [line for line in ignore if line and not line.startswith("#")]
    assert rules[0] == "*"  # everything out, then only what the image needs back in
    assert set(rules[1:7]) == {
        "!docker/requirements.lock",
        "!pyproject.toml",
        "!README.md",
        "!draftforge_stats/",
        "!schemas/",
        "!scaffolds/",
    }


def test_the_entry_point_is_draftforge_action_in_exec_form() -> None:
    assert [json.loads(args) for args in of("ENTRYPOINT")] == [["draftforge", "action"]]
    assert of("CMD") == []
    assert instructions()[-1][0] == "ENTRYPOINT"


def test_the_entry_point_is_a_console_script_of_the_package() -> None:
    pyproject = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    # The entry point answers `--version` itself and hands everything else to the click group.
    assert 'draftforge = "draftforge_stats.entry:main"' in pyproject
    import click

    from draftforge_stats.cli import main
    from draftforge_stats.cli.action_cmd import action

    assert main.get_command(click.Context(main), "action") is action


@pytest.mark.parametrize("key", ["using", "image"])
def test_action_yml_runs_this_dockerfile(key: str) -> None:
    runs = yaml.safe_load((REPO_ROOT / "action.yml").read_text(encoding="utf-8"))["runs"]
    assert runs[key] == {"using": "docker", "image": "Dockerfile"}[key]
