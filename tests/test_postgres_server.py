"""tests/postgres.py's promise: the receiver's tests run against a real server or fail in CI.

Each case runs pytest in a child process on a one-test project whose test needs the
``postgres_server`` fixture, with ``find_bindir`` replaced: no PostgreSQL at all, or a
"PostgreSQL" whose ``initdb`` cannot start. In CI (``CI=true``) both must fail the run, never
skip it; outside CI a missing server skips and a broken one fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CONFTEST = """\
import os
from pathlib import Path

import tests.postgres
from tests.postgres import postgres_server  # noqa: F401

_bindir = os.environ.get("FAKE_PG_BINDIR")
tests.postgres.find_bindir = lambda: Path(_bindir) if _bindir else None
"""

TEST = """\
def test_needs_the_server(postgres_server):
    assert postgres_server.port > 0
"""


@pytest.fixture
def broken_bindir() -> Iterator[Path]:
    """An `initdb` and a `pg_ctl` that fail, where the unprivileged user may run them too."""
    folder = Path(tempfile.mkdtemp(prefix="draftforge-fake-pg-"))
    try:
        folder.chmod(0o755)
        for name in ("initdb", "pg_ctl"):
            tool = folder / name
            tool.write_text("#!/bin/sh\necho 'could not create directory' >&2\nexit 1\n")
            tool.chmod(0o755)
        yield folder
    finally:
        for tool in folder.iterdir():
            tool.unlink()
        folder.rmdir()


def run_child(tmp_path: Path, *, ci: bool, bindir: Path | None) -> tuple[int, str]:
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (tmp_path / "test_needs_server.py").write_text(TEST, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "FAKE_PG_BINDIR"}}
    env["PYTHONPATH"] = str(ROOT)
    if ci:
        env["CI"] = "true"
    if bindir is not None:
        env["FAKE_PG_BINDIR"] = str(bindir)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rsE", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), str(tmp_path / "test_needs_server.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return result.returncode, result.stdout


def test_in_ci_a_missing_postgresql_fails_the_run(tmp_path: Path) -> None:
    code, out = run_child(tmp_path, ci=True, bindir=None)

    assert code == 1, out
    summary = out.splitlines()[-1]
    assert "1 error" in summary and "skipped" not in summary and "passed" not in summary
    assert "PostgreSQL is not installed" in out
    assert "install Debian's `postgresql` package" in out


def test_outside_ci_a_missing_postgresql_skips(tmp_path: Path) -> None:
    code, out = run_child(tmp_path, ci=False, bindir=None)

    assert code == 0, out
    assert "1 skipped" in out.splitlines()[-1]


@pytest.mark.parametrize("ci", [True, False])
def test_a_server_that_cannot_start_fails_the_run(
    tmp_path: Path, broken_bindir: Path, ci: bool
) -> None:
    code, out = run_child(tmp_path, ci=ci, bindir=broken_bindir)

    assert code == 1, out
    summary = out.splitlines()[-1]
    assert "1 error" in summary and "skipped" not in summary and "passed" not in summary
    assert "PostgreSQL could not be started: initdb failed (1): could not create directory" in out


def test_ci_installs_postgresql_before_the_suite_and_runs_it_as_ci() -> None:
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    guard = lines.index(
        "if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl "
        ">/dev/null 2>&1; then"
    )
    install = next(i for i, line in enumerate(lines) if "apt-get install" in line)
    ci = lines.index('export CI="${CI:-true}"')
    first_pytest = next(i for i, line in enumerate(lines) if "python -m pytest" in line)

    assert lines[install].split()[-2:] == ["postgresql", ">/dev/null"]
    assert guard < install < ci < first_pytest
