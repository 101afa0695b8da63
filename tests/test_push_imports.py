"""The push update (`draftforge stats -q` after one new commit on top of a stored stats file
and a warm count cache) loads only what that commit needs: not GitPython, pydantic, jsonschema
(nor its referencing stack), rich, or PyYAML when there is no config or front matter; not
multiprocessing (one file to count), the zip readers of importlib.resources, nor the part of
`draftforge validate` that finds and checks files. Read from `sys.modules` at the end of a
real run, in a subprocess, on a real repository, so a module-level import that brings one
back fails here. The git processes it starts are counted from git's own trace.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from draftforge_stats.validation.schemas import validator_for
from tests.gitutil import GitRepo

#: Loaded by a push update no more (each was most of a second's start-up together).
NOT_LOADED = ("git", "gitdb", "jsonschema", "referencing", "rpds", "rich", "pydantic", "yaml")
#: Nor these, a few milliseconds each: the processes (multiprocessing, with pickle and
#: socket), the zip readers `importlib.resources.files` loads, shutil's `which` with its
#: archive modules only when tempfile wants them, and `draftforge validate`'s file finding.
NOT_LOADED_EITHER = (
    "multiprocessing",
    "draftforge_stats.pool",
    "zipfile",
    "importlib.resources",
    "importlib.readers",
    "draftforge_stats.validation.files",
)

_RUN_AND_LIST = """
import sys
from draftforge_stats.entry import main
sys.argv = ["draftforge", "stats", "-q", "."]
try:
    main()
finally:
    sys.stdout.write("\\n".join(sorted(sys.modules)))
"""


#: The same, also telling which word-rule patterns the run compiled.
_RUN_LIST_AND_PATTERNS = """
import sys
from draftforge_stats import counting
from draftforge_stats.entry import main
sys.argv = ["draftforge", "stats", "-q", "."]
try:
    main()
finally:
    whole = counting._word_pattern.cache_info().currsize
    sys.stdout.write("\\n".join(sorted(sys.modules)))
    sys.stdout.write(f"\\npatterns:whole={whole},western-plus={len(counting._extended)}")
"""


def _push_update(
    repo: GitRepo, env: dict[str, str] | None = None, script: str = _RUN_AND_LIST
) -> set[str]:
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=repo.path,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    return set(run.stdout.split())


def test_a_push_update_loads_no_git_library_no_pydantic_no_jsonschema_no_rich(
    git_repo: GitRepo,
) -> None:
    git_repo.commit("one", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": "One two.\n"})
    _push_update(git_repo)  # the backfill: the stats file and the count cache
    git_repo.commit(
        "two", "2025-03-02T10:00:00+00:00", files={"chapters/01.md": "One two three.\n"}
    )

    loaded = _push_update(git_repo)

    assert "draftforge_stats.pipeline" in loaded  # the run did happen in this process
    # the new version was counted (the history below) without the parser: plain paragraphs
    assert "markdown_it" not in loaded
    assert sorted(m for m in loaded if m.split(".")[0] in NOT_LOADED) == []
    assert "importlib.metadata" not in loaded  # the parser's version is read without it
    assert sorted(m for m in loaded if m in NOT_LOADED_EITHER) == []
    data = json.loads((git_repo.path / ".draftforge/stats.json").read_text(encoding="utf-8"))
    assert [(d["date"], d["word_count"]) for d in data["history"]] == [
        ("2025-03-02", 3),
        ("2025-03-01", 2),
    ]
    assert list(validator_for("stats.schema.json").iter_errors(data)) == []


def test_a_push_update_runs_seven_git_processes(git_repo: GitRepo, tmp_path: Path) -> None:
    """Each git process costs 1 to 4 ms: counted on a real push update from git's own
    trace (GIT_TRACE2_EVENT), one `start` event a process. Some are started in the
    background and run beside the next, so the order of their events is not theirs to
    keep: the processes are compared as a list sorted."""
    git_repo.commit("one", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": "One two.\n"})
    _push_update(git_repo)
    git_repo.commit(
        "two", "2025-03-02T10:00:00+00:00", files={"chapters/01.md": "One two three.\n"}
    )
    trace = tmp_path / "trace.json"

    _push_update(git_repo, {"GIT_TRACE2_EVENT": str(trace)})

    events = [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines()]
    commands = [
        next(arg for arg in e["argv"][1:] if not arg.startswith("-"))
        for e in events
        if e["event"] == "start"
    ]
    # Find the repository; the committed stats file (is it ours to replace? started at
    # once, read at the end); HEAD's commit and dates; HEAD's commit graph (which also says
    # that the stored commit is an ancestor: started before the new version is counted,
    # read by the walk after); the new commit's changes; the stored commit's tree (the
    # chapters' blobs before); one reader of every blob needed.
    expected = ["rev-parse", "ls-tree", "log", "log", "log", "ls-tree", "cat-file"]
    assert sorted(commands) == sorted(expected)


def test_a_push_update_that_draws_nothing_loads_no_image_module(git_repo: GitRepo) -> None:
    git_repo.write(".draftforge/config.yml", "stats:\n  images: false\n")
    git_repo.commit("one", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": "One two.\n"})
    _push_update(git_repo)
    git_repo.commit("two", "2025-03-02T10:00:00+00:00", files={"chapters/01.md": "One.\n"})

    loaded = _push_update(git_repo)

    assert "draftforge_stats.goals" in loaded  # the goal was worked out, words added and all
    assert sorted(m for m in loaded if m.startswith("draftforge_stats.images")) == []
    assert sorted(p.name for p in (git_repo.path / ".draftforge").iterdir()) == [
        "config.yml",
        "stats.json",
    ]


def test_a_push_update_of_a_project_with_a_config_and_symbols_loads_no_jsonschema(
    git_repo: GitRepo,
) -> None:
    """Most projects have a config (`draftforge init` writes one) and many a chapter with
    an arrow, an emoji or box drawing: a valid config is checked without jsonschema, and
    such a chapter is searched with the western word pattern plus what it holds, not the
    whole rule (some 150 ms to build)."""
    git_repo.write(
        ".draftforge/config.yml",
        "project: {name: Road, target_word_count: 9000}\n"
        "stats: {deadline: 2026-12-31, writing_days: [monday, friday], images: false,\n"
        "        chapter_targets: {chapters/01.md: 3000}}\n",
    )
    git_repo.commit("one", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": "One two.\n"})
    _push_update(git_repo)
    chapter = "One \u2192 two \u2764\ufe0f three \u251c\u2500\u2500 four \U0001f44d five.\n"
    git_repo.commit("two", "2025-03-02T10:00:00+00:00", files={"chapters/01.md": chapter})

    loaded = _push_update(git_repo, script=_RUN_LIST_AND_PATTERNS)

    assert "yaml" in loaded  # the config was read
    assert sorted(m for m in loaded if m.split(".")[0] in ("jsonschema", "referencing")) == []
    # The western pattern and one with U+FE0F added; not the whole rule's two patterns.
    assert "patterns:whole=1,western-plus=1" in loaded
    data = json.loads((git_repo.path / ".draftforge/stats.json").read_text(encoding="utf-8"))
    assert data["current"]["word_count"] == 5
    assert [(d["date"], d["word_count"]) for d in data["history"]] == [
        ("2025-03-02", 5),
        ("2025-03-01", 2),
    ]
