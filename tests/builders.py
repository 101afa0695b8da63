"""Builders shared by the tests: `Stats` objects (totals always agree with the chapters), and
remotes with clones and the runner's world for the Action's tests (real bare repositories)."""

from __future__ import annotations

import base64
import io
import json
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from draftforge_stats.action import job
from draftforge_stats.action.push import (
    auth_header,
)
from draftforge_stats.statsfile import (
    Breakdown,
    ChapterEntry,
    Current,
    HistoryEntry,
    ProjectInfo,
    Stats,
    Streaks,
    chapter_totals,
)
from tests.gitutil import GitRepo

STAMP = "2025-10-29T14:30:00Z"


def chapter(file: str, title: str, words: int, characters: int, no_spaces: int) -> ChapterEntry:
    return ChapterEntry(
        file=file,
        title=title,
        word_count=words,
        character_count=characters,
        character_count_no_spaces=no_spaces,
    )


def make_stats(
    chapters: Sequence[ChapterEntry],
    *,
    name: str = "Book",
    target: int | None = None,
    history: Sequence[HistoryEntry] = (),
    streaks: Streaks | None = None,
    stamp: str = STAMP,
    last_commit_sha: str | None = None,
) -> Stats:
    """A stats object whose current totals are the sums of `chapters`."""
    return Stats(
        project=ProjectInfo(name=name, type="novel", target_word_count=target),
        current=Current(
            **chapter_totals(chapters),
            last_updated=stamp,
            last_commit_sha=last_commit_sha,
        ),
        breakdown=Breakdown(chapters=list(chapters)),
        history=list(history),
        streaks=streaks or Streaks(),
        generated_at=stamp,
    )


# ---------------------------------------------------------------- remotes and runner worlds

REPO_ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
MESSAGE = "chore(stats): update writing stats [skip ci]"
TOKEN = "ghs_TOKENMARKER0a1b2c3d4e5f"
API_TOKEN = "dfk_APITOKENMARKER9z8y7x"
SECRET = "whsec_" + base64.b64encode(b"SECRETMARKER-32-bytes-of-key!!!!").decode()
# The event payload's repository, as GitHub sends it (trimmed to what the action reads).
REPOSITORY: dict[str, Any] = {
    "id": 812345678,
    "full_name": "author/lighthouse",
    "default_branch": "main",
}
CONFIG = 'version: "1.0"\nproject:\n  name: Lighthouse\n  target_word_count: 100\n'
CH1 = "# The Start\n\nOne two three four five.\n"  # 7 words, 34 characters
CH2 = "# Middle\n\nSix seven eight.\n"  # 4 words, 23 characters
CH3 = "# Late\n\nNine ten.\n"  # 3 words, 14 characters


# What a failed job still writes: every output, no counts, nothing changed, pushed or sent.
FAILED_OUTPUTS = {
    "word-count": "", "chapter-count": "", "character-count": "", "words-written-today": "",
    "words-added-today": "", "words-per-day-needed": "", "projected-finish": "",
    "current-streak": "", "changed": "false", "commit-sha": "", "notified": "false",
}  # fmt: skip


def clone(source: Path | str, target: Path, *args: str) -> GitRepo:
    subprocess.run(["git", "clone", "-q", *args, str(source), str(target)], check=True)
    return GitRepo(target)


def head_of(origin: Path, ref: str = "main") -> str:
    return subprocess.run(
        ["git", "--git-dir", str(origin), "rev-parse", ref],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def git_in(origin: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(origin), *args], check=True, capture_output=True, text=True
    ).stdout


@dataclass
class Run:
    code: int
    stdout: str
    outputs: str
    summary: str
    sleeps: list[float]

    def output_values(self) -> dict[str, str]:
        return dict(line.split("=", 1) for line in self.outputs.splitlines())

    def lines(self) -> list[str]:
        return self.stdout.splitlines()

    def unmasked(self) -> list[str]:
        """The log without the `::add-mask::` commands that hide the token."""
        return [line for line in self.lines() if not line.startswith("::add-mask::")]


@dataclass
class World:
    """An author's clone that pushed a manuscript to `origin`, and the runner's workspace."""

    tmp: Path
    origin: Path
    author: GitRepo
    workspace: GitRepo
    base: str  # the commit before the push
    pushed: str  # the pushed commit (GITHUB_SHA)
    inputs: dict[str, str] = field(default_factory=dict)

    def history(self) -> list[dict[str, Any]]:
        """The history the pushed manuscript has: two writing days."""
        return [
            {"date": "2025-03-10", "word_count": 11, "chapter_count": 2, "commits": 1,
             "words_written": 4, "words_added": 4, "words_deleted": 0, "commit_sha": self.pushed},
            {"date": "2025-03-09", "word_count": 7, "chapter_count": 1, "commits": 1,
             "words_written": 7, "words_added": 7, "words_deleted": 0, "commit_sha": self.base},
        ]  # fmt: skip

    def event(self, name: str = "push", **payload: Any) -> dict[str, str]:
        if name == "push" and not payload:
            payload = {"before": self.base, "after": self.pushed, "ref": "refs/heads/main"}
        if name != "schedule":  # a scheduled run's payload has no repository
            payload.setdefault("repository", REPOSITORY)
        path = self.tmp / f"event-{name}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        return {"GITHUB_EVENT_NAME": name, "GITHUB_EVENT_PATH": str(path)}

    def env(self, event: dict[str, str] | None = None, **overrides: str) -> dict[str, str]:
        env = {
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace.path),
            "GITHUB_REPOSITORY": "author/lighthouse",
            "GITHUB_REPOSITORY_ID": str(REPOSITORY["id"]),
            "GITHUB_REF": "refs/heads/main",
            "GITHUB_REF_NAME": "main",
            "GITHUB_REF_TYPE": "branch",
            "GITHUB_SHA": self.pushed,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_OUTPUT": str(self.tmp / "github_output"),
            "GITHUB_STEP_SUMMARY": str(self.tmp / "step_summary.md"),
            "INPUT_PATH": ".",
            "INPUT_TOKEN": TOKEN,
            "INPUT_COMMIT": "true",
            "INPUT_COMMIT-MESSAGE": MESSAGE,
            "INPUT_COMMIT-USER-NAME": "github-actions[bot]",
            "INPUT_COMMIT-USER-EMAIL": "41898282+github-actions[bot]@users.noreply.github.com",
            "INPUT_API-URL": "",
            "INPUT_API-TOKEN": "",
            "INPUT_WEBHOOK-SECRET": "",
            "INPUT_FAIL-ON-NOTIFY-ERROR": "false",
        }
        env.update(event if event is not None else self.event())
        env.update(self.inputs)
        env.update(overrides)
        return env

    def run(
        self,
        env: dict[str, str] | None = None,
        *,
        before_push: Callable[[int], None] | None = None,
        now: datetime = NOW,
    ) -> Run:
        env = env if env is not None else self.env()
        for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
            Path(env[name]).unlink(missing_ok=True)
        stream = io.StringIO()
        sleeps: list[float] = []
        code = job.main(env, stream, now=now, sleep=sleeps.append, before_push=before_push)
        output_file = Path(env["GITHUB_OUTPUT"])
        summary_file = Path(env["GITHUB_STEP_SUMMARY"])
        return Run(
            code=code,
            stdout=stream.getvalue(),
            outputs=output_file.read_text(encoding="utf-8") if output_file.exists() else "",
            summary=summary_file.read_text(encoding="utf-8") if summary_file.exists() else "",
            sleeps=sleeps,
        )


@pytest.fixture
def world(tmp_path: Path, bare_remote: Path) -> World:
    return build_world(tmp_path, bare_remote)


def build_world(tmp_path: Path, bare_remote: Path) -> World:
    """Two days of writing pushed to `bare_remote`, and the runner's full clone of it."""
    author = clone(bare_remote, tmp_path / "author")
    base = author.commit(
        "Start the novel",
        "2025-03-09T10:00:00+00:00",
        files={".draftforge/config.yml": CONFIG, "chapters/01-start.md": CH1},
    )
    pushed = author.commit(
        "Chapter two", "2025-03-10T09:00:00+00:00", files={"chapters/02-middle.md": CH2}
    )
    author.git("push", "-q", "origin", "main")
    workspace = clone(bare_remote, tmp_path / "workspace")
    return World(tmp_path, bare_remote, author, workspace, base, pushed)


def on_branch(world: World, branch: str) -> dict[str, str]:
    """The author pushes `branch` with one more chapter; the workspace checks it out. The
    runner's environment for that push."""
    world.author.git("checkout", "-q", "-b", branch)
    pushed = world.author.commit(
        "Late chapter", "2025-03-10T10:00:00+00:00", files={"chapters/03-late.md": CH3}
    )
    world.author.git("push", "-q", "origin", branch)
    world.workspace.git("fetch", "-q", "origin")
    world.workspace.git("checkout", "-q", "-b", branch, f"origin/{branch}")
    event = world.event("push", before=world.pushed, after=pushed, ref=f"refs/heads/{branch}")
    return world.env(
        event,
        GITHUB_REF=f"refs/heads/{branch}",
        GITHUB_REF_NAME=branch,
        GITHUB_SHA=pushed,
    )


def assert_secrets_hidden(run: Run, *places: str) -> None:
    """The secrets appear nowhere but in `::add-mask::` lines."""
    texts = [
        "\n".join(line for line in run.lines() if not line.startswith("::add-mask::")),
        run.outputs,
        run.summary,
        *places,
    ]
    for text in texts:
        for secret in (TOKEN, basic(TOKEN).removeprefix("basic "), API_TOKEN, SECRET):
            assert secret not in text


#: The job summary's chart of the 30 days ending on 10 March 2025 (from 9 February): a date on
#: every fifth day counted back from the last, by index.
MARCH_LABELS = {4: "Feb 13", 9: "Feb 18", 14: "Feb 23", 19: "Feb 28", 24: "Mar 5", 29: "Mar 10"}


def chart_labels(shown: dict[int, str]) -> str:
    """The chart's x axis of 30 labels: the dates shown, and distinct invisible ones (i + 1
    zero-width spaces) for the other days."""
    return ", ".join(f'"{shown.get(i, chr(0x200B) * (i + 1))}"' for i in range(30))


def summary_stats(history: list[HistoryEntry], target: int | None = 1000) -> Stats:
    return make_stats(
        [
            chapter("chapters/01.md", "One | <Two>", 200, 1100, 900),
            chapter("chapters/02.md", "Three", 50, 300, 250),
        ],
        name="A | B",
        target=target,
        history=history,
        streaks=Streaks(current_days=2, longest_days=5, last_write_date="2025-03-10"),
        stamp="2025-03-10T12:00:00Z",
        last_commit_sha="a" * 40,
    )


def history_entry(date: str, words: int, written: int, sha: str = "b" * 40) -> HistoryEntry:
    return HistoryEntry(
        date=date,
        word_count=words,
        chapter_count=2,
        commits=1,
        words_written=written,
        commit_sha=sha,
    )


def basic(token: str) -> str:
    return auth_header(token).removeprefix("AUTHORIZATION: ")
