"""A partial clone (`git clone --filter=blob:none`, actions/checkout's `filter: blob:none`)
holds HEAD's files but not the chapters' earlier versions. git fetches a missing blob when
it is read, one fetch for each: a round trip to the server for every version of every
chapter. The history gets them all in one fetch first; when git cannot fetch them, the
run stops with a message that names the partial clone and the fix, and writes nothing.

Real clones of a real bare remote over file://, with git's own trace counting the fetches.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.gitutil import GitRepo

_DAYS = ("2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04", "2025-03-05")


def _book(git_repo: GitRepo) -> None:
    """Five versions of one chapter, one a day (1 to 5 words), and a second chapter."""
    words = ["One", "two", "three", "four", "five"]
    for count, day in enumerate(_DAYS, start=1):
        files: dict[str, str | None] = {"chapters/01.md": " ".join(words[:count]) + ".\n"}
        if count == 1:
            files["chapters/02.md"] = "Six seven.\n"
        git_repo.commit(f"day {count}", f"{day}T10:00:00+00:00", files=files)


def _clone(source: GitRepo, where: Path, *, partial: bool) -> tuple[Path, Path]:
    """A bare remote of `source` that serves filtered clones, and a clone of it in
    `where/book` (the same project name whatever the clone)."""
    remote = where / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(source.path), str(remote)], check=True)
    subprocess.run(
        ["git", "-C", str(remote), "config", "uploadpack.allowFilter", "true"], check=True
    )
    clone = where / "book"
    options = ["--filter=blob:none"] if partial else []
    subprocess.run(["git", "clone", "-q", *options, f"file://{remote}", str(clone)], check=True)
    return remote, clone


def _stats(clone: Path, trace: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "draftforge_stats", "stats", "-q"],
        cwd=clone,
        # The run's time pinned (2025-03-06T00:00Z): two runs write the same bytes.
        env={**os.environ, "GIT_TRACE2_EVENT": str(trace), "SOURCE_DATE_EPOCH": "1741219200"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _fetches(trace: Path) -> int:
    events = [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines()]
    return sum(1 for e in events if e["event"] == "start" and "fetch" in e["argv"][1:4])


def test_a_partial_clone_gets_every_missing_version_in_one_fetch(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    _book(git_repo)
    _, whole = _clone(git_repo, tmp_path / "whole", partial=False)
    _, partial = _clone(git_repo, tmp_path / "partial", partial=True)
    missing = subprocess.run(
        ["git", "rev-list", "--objects", "--all", "--missing=print"],
        cwd=partial, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert sum(1 for line in missing if line.startswith("?")) == 4  # 01.md's first four

    run = _stats(partial, tmp_path / "partial.trace")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert _stats(whole, tmp_path / "whole.trace").returncode == 0

    assert _fetches(tmp_path / "partial.trace") == 1  # git alone would have run 4
    assert _fetches(tmp_path / "whole.trace") == 0
    written = (partial / ".draftforge" / "stats.json").read_bytes()
    assert written == (whole / ".draftforge" / "stats.json").read_bytes()
    data = json.loads(written)
    assert [(d["date"], d["word_count"]) for d in data["history"]] == [
        ("2025-03-05", 7),
        ("2025-03-04", 6),
        ("2025-03-03", 5),
        ("2025-03-02", 4),
        ("2025-03-01", 3),
    ]
    # A second run has every version: nothing more to fetch.
    (partial / ".draftforge" / "stats.json").unlink()
    shutil.rmtree(partial / ".git" / "draftforge-stats")
    assert _stats(partial, tmp_path / "again.trace").returncode == 0
    assert _fetches(tmp_path / "again.trace") == 0


def test_a_partial_clone_that_cannot_fetch_stops_with_the_fix_and_writes_nothing(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    _book(git_repo)
    remote, partial = _clone(git_repo, tmp_path, partial=True)
    shutil.rmtree(remote)  # the server is out of reach

    run = _stats(partial, tmp_path / "trace")

    assert run.returncode == 1
    message = run.stderr.strip()
    assert message.startswith("error: this clone is partial (made with `--filter`) and lacks 4")
    assert "`git fetch` from `origin` could not get them" in message
    assert message.endswith(
        "or clone the whole repository (in actions/checkout, remove `filter:`)."
    )
    assert "Traceback" not in run.stderr
    assert not (partial / ".draftforge" / "stats.json").exists()
    assert _fetches(tmp_path / "trace") == 1
