"""A real PostgreSQL server for the tests, started in a temporary folder on a free port.

The server binaries are found with ``pg_config --bindir``, in Debian's
``/usr/lib/postgresql/<version>/bin`` or on PATH (``.ci/run`` installs Debian's
``postgresql`` when there is none). PostgreSQL refuses to run as root: as root, the cluster
belongs to the unprivileged ``nobody`` and the server runs as that user; as anyone else, as
themselves. Connections go over TCP to 127.0.0.1 with ``trust`` authentication, which is
only reachable from this machine and only while the tests run.

Outside CI a machine without PostgreSQL skips the tests that need it; in CI (``CI=true``,
read when this module is imported, before the tests clear the variable) it fails them.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.netutil import free_port

IN_CI = os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def find_bindir() -> Path | None:
    """The folder with `initdb` and `pg_ctl`, or None."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        if result.returncode == 0 and result.stdout.strip():
            candidates.append(Path(result.stdout.strip()))
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates += debian
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


@dataclass
class PostgresServer:
    bindir: Path
    folder: Path
    port: int
    run_as: dict[str, Any]

    @property
    def conninfo(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            check=False,
            cwd=self.folder,
            env={**os.environ, "LC_ALL": "C"},
            **self.run_as,
        )
        if result.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{args[0]} failed ({result.returncode}): {result.stderr.strip()}\n{tail}"
            )

    def start(self) -> None:
        data = self.folder / "data"
        self._run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-locale", "--no-sync")  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.folder / "server.log"),
                  "-w", "-t", "60", "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")


def _unprivileged() -> tuple[dict[str, Any], int, int]:
    """subprocess arguments to run as `nobody` when this process is root, and its ids."""
    if os.geteuid() != 0:
        return {}, -1, -1
    nobody = pwd.getpwnam("nobody")
    return (
        {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []},
        nobody.pw_uid,
        nobody.pw_gid,
    )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session (skipped outside CI when there is none)."""
    bindir = find_bindir()
    if bindir is None:
        message = (
            "PostgreSQL is not installed (no initdb/pg_ctl found via pg_config, "
            "/usr/lib/postgresql/*/bin or PATH): install Debian's `postgresql` package"
        )
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    run_as, uid, gid = _unprivileged()
    # Not under pytest's own temporary folder, which only root may enter.
    folder = Path(tempfile.mkdtemp(prefix="draftforge-pg-"))
    if uid >= 0:
        os.chown(folder, uid, gid)
    server = PostgresServer(bindir, folder, free_port(), run_as)
    try:
        server.start()
    except RuntimeError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"PostgreSQL could not be started: {exc}")
    try:
        yield server
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
