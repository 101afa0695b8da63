"""`draftforge action` (action/job.py), run as a GitHub runner runs it: real clones, a real bare
`origin` on disk, the runner's `GITHUB_*`/`INPUT_*` variables and files, and a real HTTP server on
127.0.0.1 as the DraftForge API. Nothing is mocked; only waiting is recorded instead of done.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from draftforge_stats.action.job import writing_day
from draftforge_stats.action.push import (
    auth_header,
)
from draftforge_stats.cli import main as cli_main
from draftforge_stats.webhook.signing import verify_webhook, webhook_id_for
from tests.builders import (
    API_TOKEN,
    CH1,
    CH2,
    CH3,
    CONFIG,
    FAILED_OUTPUTS,
    MARCH_LABELS,
    MESSAGE,
    NOW,
    REPO_ROOT,
    SECRET,
    TOKEN,
    World,
    assert_secrets_hidden,
    chart_labels,
    clone,
    git_in,
    head_of,
    history_entry,
    summary_stats,
)
from tests.gitutil import GitRepo
from tests.netutil import free_port

ZERO = "0" * 40
BOT = "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"


SUMMARY = """\
## Writing stats: Lighthouse

Committed the stats to main as `{sha}`.

| Measure | Value |
| --- | ---: |
| Words | 11 |
| Chapters | 2 |
| Characters | 57 |
| Written today (2025-03-10) | 4 |
| Added today | 4 |
| Deleted today | 0 |
| Current streak | 2 days |
| Longest streak | 2 days |

**Progress:** 11 of 100 words (11.0%)

`▓▓░░░░░░░░░░░░░░░░░░`

- Goal: 100 words (no deadline): 89 words to go.
- Recent pace: 0 words a writing day (last 14 days): no finish date to project.

### Words added, last 30 days

```mermaid
%%{{init: {{"themeVariables": {{"xyChart": {{"plotColorPalette": "#3a8e4f"}}}}}}}}%%
xychart-beta
    title "Words added per day, 2025-02-09 to 2025-03-10"
    x-axis [{labels}]
    y-axis "Words added" 0 --> 7
    bar [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 4]
```

### Chapters

| # | Chapter | File | Words |
| ---: | --- | --- | ---: |
| 1 | The Start | `chapters/01-start.md` | 7 |
| 2 | Middle | `chapters/02-middle.md` | 4 |
| | **Total** | | **11** |
"""


def stats_at(origin: Path, ref: str = "main") -> dict[str, Any]:
    data: dict[str, Any] = json.loads(git_in(origin, "show", f"{ref}:.draftforge/stats.json"))
    return data


# ---------------------------------------------------------------------------------------------
# The job, end to end


def test_push_of_the_manuscript_commits_the_stats_back(world: World) -> None:
    run = world.run()

    assert run.code == 0, run.stdout
    stats_sha = head_of(world.origin)
    assert git_in(world.origin, "rev-parse", "main~1").strip() == world.pushed
    assert git_in(world.origin, "log", "-1", "--format=%an <%ae>%n%cn <%ce>%n%B", "main") == (
        f"{BOT}\n{BOT}\n{MESSAGE}\n\n"
    )
    assert git_in(world.origin, "show", "--format=", "--name-only", "main") == (
        ".draftforge/calendar.svg\n.draftforge/progress.svg\n.draftforge/stats.json\n"
    )
    on_origin = git_in(world.origin, "show", "main:.draftforge/stats.json")
    assert on_origin == (world.workspace.path / ".draftforge/stats.json").read_text("utf-8")
    stats = json.loads(on_origin)
    assert stats["current"]["last_commit_sha"] == world.pushed
    assert (stats["current"]["word_count"], stats["current"]["chapter_count"]) == (11, 2)
    assert stats["history"] == world.history()
    assert run.output_values() == {
        "word-count": "11",
        "chapter-count": "2",
        "character-count": "57",
        "words-written-today": "4",
        "words-added-today": "4",
        "words-per-day-needed": "",
        "projected-finish": "",
        "current-streak": "2",
        "changed": "true",
        "commit-sha": stats_sha,
        "notified": "false",
    }
    assert f"::notice::Committed the stats to main as {stats_sha[:7]} and pushed." in run.lines()
    assert "11 words in 2 chapters; the stats changed." in run.lines()
    assert run.summary == SUMMARY.format(sha=stats_sha[:7], labels=chart_labels(MARCH_LABELS))
    # The token went nowhere: not into .git/config, not into any output.
    config_text = (world.workspace.path / ".git/config").read_text("utf-8")
    assert "extraheader" not in config_text
    assert_secrets_hidden(run, config_text)
    assert run.lines()[:2] == [
        f"::add-mask::{TOKEN}",
        f"::add-mask::{auth_header(TOKEN).removeprefix('AUTHORIZATION: basic ')}",
    ]
    # The workspace is marked safe in the global git configuration.
    safe = subprocess.run(
        ["git", "config", "--global", "--get-all", "safe.directory"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert safe == [str(world.workspace.path.resolve())]


def test_the_cli_command_runs_the_same_job(world: World) -> None:
    env = world.env(INPUT_COMMIT="false")
    result = CliRunner().invoke(cli_main, ["action"], env=env)

    assert result.exit_code == 0, result.output
    assert head_of(world.origin) == world.pushed  # nothing pushed: commit is false
    assert (
        "::notice::`commit` is false: the stats file was written but not committed."
        in result.output.splitlines()
    )
    outputs = Path(env["GITHUB_OUTPUT"]).read_text("utf-8").splitlines()
    assert outputs[0] == "word-count=11"
    assert outputs[-3:] == ["changed=true", "commit-sha=", "notified=false"]
    assert (world.workspace.path / ".draftforge/stats.json").is_file()


def test_a_second_run_with_nothing_new_commits_nothing(world: World) -> None:
    first = world.run()
    assert first.code == 0, first.stdout
    stats_sha = head_of(world.origin)

    again = world.run()  # the same event again, on the same workspace (now at the stats commit)

    assert again.code == 0, again.stdout
    assert head_of(world.origin) == stats_sha
    assert again.output_values() == {
        "word-count": "11",
        "chapter-count": "2",
        "character-count": "57",
        "words-written-today": "4",
        "words-added-today": "4",
        "words-per-day-needed": "",
        "projected-finish": "",
        "current-streak": "2",
        "changed": "false",
        "commit-sha": "",
        "notified": "false",
    }
    # The pushed commits changed the manuscript: computed again, on the stats commit, and
    # the same stats come out.
    assert "11 words in 2 chapters; the stats did not change." in again.lines()
    assert "The stats file is up to date; nothing to commit." in again.lines()


def test_a_rerun_of_the_same_push_on_a_fresh_checkout_commits_nothing(world: World) -> None:
    assert world.run().code == 0
    stats_sha = head_of(world.origin)
    # "Re-run jobs": a new checkout of the same GITHUB_SHA, while main is already further.
    rerun = clone(world.origin, world.tmp / "rerun")
    rerun.git("reset", "-q", "--hard", world.pushed)
    world.workspace = rerun

    run = world.run(now=NOW + timedelta(minutes=5))

    assert run.code == 0, run.stdout
    assert head_of(world.origin) == stats_sha
    assert run.sleeps == [2.0], run.stdout
    assert run.output_values()["changed"] == "false"
    assert run.output_values()["commit-sha"] == ""
    assert (
        f"::notice::main moved to {stats_sha[:7]}, a stats commit: the stats there are "
        "current; nothing to commit." in run.lines()
    )
    assert rerun.head() == stats_sha


def test_the_actions_own_commit_returns_at_once(world: World) -> None:
    assert world.run().code == 0
    stats_sha = head_of(world.origin)
    world.workspace.git("pull", "-q")
    event = world.event("push", before=world.pushed, after=stats_sha, ref="refs/heads/main")

    run = world.run(world.env(event, GITHUB_SHA=stats_sha))

    assert run.code == 0
    assert head_of(world.origin) == stats_sha
    notice = (
        f"::notice::The pushed commits ({world.pushed[:7]}..{stats_sha[:7]}) changed only "
        ".draftforge/ files: the stats are current; nothing to do."
    )
    # The notice is all the log says: no stats are computed, no group is opened.
    assert run.unmasked() == [notice]
    assert run.output_values()["changed"] == "false"


def test_own_commits_are_recognised_from_the_event_when_before_is_unknown(world: World) -> None:
    assert world.run().code == 0
    world.workspace.git("pull", "-q")
    event = world.event(
        "push",
        before="1" * 40,  # not in this clone (a shallow checkout, say)
        after=world.workspace.head(),
        commits=[{"added": [], "removed": [], "modified": [".draftforge/stats.json"]}],
    )

    run = world.run(world.env(event))

    assert run.code == 0
    assert (
        "::notice::The pushed commits (the push event's commit list) changed only .draftforge/ "
        "files: the stats are current; nothing to do." in run.lines()
    )


def test_words_written_today_is_the_projects_writing_day_not_utcs(
    tmp_path: Path, bare_remote: Path
) -> None:
    # Auckland is at UTC+13 in March (daylight saving time until April).
    config = CONFIG + "stats:\n  timezone: Pacific/Auckland\n"
    author = clone(bare_remote, tmp_path / "author")
    base = author.commit(  # 10:00 on Monday 10 March in Auckland
        "Start the novel",
        "2025-03-09T21:00:00+00:00",
        files={".draftforge/config.yml": config, "chapters/01-start.md": CH1},
    )
    pushed = author.commit(  # 09:00 on Tuesday 11 March in Auckland, still the 10th in UTC
        "Chapter two", "2025-03-10T20:00:00+00:00", files={"chapters/02-middle.md": CH2}
    )
    author.git("push", "-q", "origin", "main")
    workspace = clone(bare_remote, tmp_path / "workspace")
    world = World(tmp_path, bare_remote, author, workspace, base, pushed)
    now = datetime(2025, 3, 10, 22, 0, tzinfo=UTC)  # 11:00 on the 11th in Auckland

    run = world.run(now=now)

    assert run.code == 0, run.stdout
    stats = stats_at(world.origin)
    assert [(day["date"], day["words_written"]) for day in stats["history"]] == [
        ("2025-03-11", 4),
        ("2025-03-10", 7),
    ]
    assert stats["streaks"]["current_days"] == 2
    # The writing day of the run is the 11th, as for the streak: the 4 words of chapter two.
    # (In UTC it is still the 10th, which has no history entry of its own: 0 words.)
    assert run.output_values()["words-written-today"] == "4"
    assert run.output_values()["current-streak"] == "2"
    assert "| Written today (2025-03-11) | 4 |" in run.summary.splitlines()

    # The push of the stats commit: nothing is computed, and the day is still the project's.
    stats_sha = head_of(world.origin)
    event = world.event("push", before=pushed, after=stats_sha, ref="refs/heads/main")
    again = world.run(world.env(event, GITHUB_SHA=stats_sha), now=now)

    assert again.code == 0, again.stdout
    assert (
        again.unmasked()
        == [  # nothing computed: the notice is the whole log
            f"::notice::The pushed commits ({pushed[:7]}..{stats_sha[:7]}) changed only "
            ".draftforge/ files: the stats are current; nothing to do."
        ]
    )
    assert again.output_values()["words-written-today"] == "4"
    assert again.output_values()["current-streak"] == "2"
    assert "| Written today (2025-03-11) | 4 |" in again.summary.splitlines()


# ---------------------------------------------------------------------------------------------
# The branch moved while the job ran


def test_a_workspace_behind_origin_moves_onto_the_new_head_and_pushes(world: World) -> None:
    # Another push lands after the runner's checkout: the first push is rejected for real.
    other = world.author.commit(
        "Chapter three", "2025-03-10T10:00:00+00:00", files={"chapters/03-late.md": CH3}
    )
    world.author.git("push", "-q", "origin", "main")

    run = world.run()

    assert run.code == 0, run.stdout
    assert run.sleeps == [2.0]
    assert git_in(world.origin, "rev-parse", "main~1").strip() == other
    assert git_in(world.origin, "show", "--format=", "--name-only", "main") == (
        ".draftforge/calendar.svg\n.draftforge/progress.svg\n.draftforge/stats.json\n"
    )
    stats = stats_at(world.origin)
    assert stats["current"]["last_commit_sha"] == other
    assert (stats["current"]["word_count"], stats["current"]["chapter_count"]) == (14, 3)
    assert stats["history"][0] == {
        "date": "2025-03-10",
        "word_count": 14,
        "chapter_count": 3,
        "commits": 2,
        "words_written": 7,
        "words_added": 7,  # two new chapters, 4 + 3 words
        "words_deleted": 0,
        "commit_sha": other,
    }
    assert run.output_values()["word-count"] == "14"
    assert run.output_values()["words-written-today"] == "7"
    assert run.output_values()["commit-sha"] == head_of(world.origin)
    assert any(
        line.startswith("main moved on the remote since the checkout") for line in run.lines()
    )


def test_a_branch_that_keeps_moving_fails_clearly(world: World) -> None:
    def push_another(attempt: int) -> None:
        world.author.git("pull", "-q", "--rebase")
        world.author.commit(
            f"More words {attempt}",
            "2025-03-10T11:00:00+00:00",
            files={"chapters/03-late.md": CH3 + f"Extra {attempt}.\n"},
        )
        world.author.git("push", "-q", "origin", "main")

    run = world.run(before_push=push_another)

    assert run.code == 1
    assert run.sleeps == [2.0, 4.0, 8.0]
    assert run.lines()[-1] == (
        "::error::Gave up pushing the stats to main after 4 attempts: the branch kept moving. "
        "Give the workflow a `concurrency` group, and run it again."
    )
    assert git_in(world.origin, "log", "-1", "--format=%s", "main") == "More words 4\n"
    assert run.output_values() == FAILED_OUTPUTS
    assert run.summary.splitlines()[-1] == "Nothing was pushed."


def test_uncommitted_changes_are_never_discarded(world: World) -> None:
    world.author.commit("Elsewhere", files={"notes.md": "x\n"})
    world.author.git("push", "-q", "origin", "main")
    (world.workspace.path / "chapters/01-start.md").write_text(CH1 + "Draft.\n", "utf-8")

    run = world.run()

    assert run.code == 1
    assert run.lines()[-1] == (
        "::error::main moved on the remote, and moving onto its new head would discard "
        "uncommitted changes to chapters/01-start.md: commit them in an earlier step or run "
        "this action before changing files."
    )
    assert (world.workspace.path / "chapters/01-start.md").read_text("utf-8") == CH1 + "Draft.\n"


# ---------------------------------------------------------------------------------------------
# Shallow clones, pull requests, tags


def test_a_shallow_clone_is_deepened_before_counting(world: World, tmp_path: Path) -> None:
    world.workspace = clone(f"file://{world.origin}", tmp_path / "shallow", "--depth", "1")
    assert world.workspace.git("rev-parse", "--is-shallow-repository") == "true"

    run = world.run()

    assert run.code == 0, run.stdout
    assert world.workspace.git("rev-parse", "--is-shallow-repository") == "false"
    assert "Fetched the full history." in run.lines()
    assert git_in(world.origin, "rev-parse", "main~1").strip() == world.pushed
    assert stats_at(world.origin)["history"] == world.history()
    assert run.output_values()["current-streak"] == "2"


def test_a_shallow_clone_that_cannot_fetch_goes_on(world: World, tmp_path: Path) -> None:
    world.workspace = clone(f"file://{world.origin}", tmp_path / "shallow", "--depth", "1")
    world.workspace.git("remote", "set-url", "origin", str(tmp_path / "gone.git"))
    event = world.event("pull_request", number=1)

    run = world.run(world.env(event, GITHUB_REF="refs/pull/1/merge", GITHUB_REF_NAME="1/merge"))

    assert run.code == 0, run.stdout
    warning = next(line for line in run.lines() if line.startswith("::warning::"))
    assert warning.startswith("::warning::The clone is shallow and fetching the full history ")
    assert warning.endswith(
        "going on with the commits there are and the history stored in the stats file. If "
        "the new stats would drop a stored day, the job fails and pushes nothing (unless "
        "`allow-shorter-history: true`). Use actions/checkout with `fetch-depth: 0`."
    )
    assert run.output_values()["word-count"] == "11"
    assert "- The clone was shallow and its full history could not be fetched." in run.summary


def test_a_pull_request_commits_nothing_and_says_why(world: World, httpserver: HTTPServer) -> None:
    world.workspace.git("checkout", "-q", "--detach")
    event = world.event("pull_request", number=7)
    env = world.env(
        event,
        GITHUB_REF="refs/pull/7/merge",
        GITHUB_REF_NAME="7/merge",
        **{"INPUT_API-URL": httpserver.url_for("/hook")},
    )

    run = world.run(env)

    assert run.code == 0, run.stdout
    assert head_of(world.origin) == world.pushed
    assert (
        "::notice::This is a pull request: nothing is committed to it; the stats are committed "
        "on the branch once it is merged." in run.lines()
    )
    assert run.output_values()["changed"] == "true"
    assert run.output_values()["commit-sha"] == ""
    assert run.output_values()["notified"] == "false"
    assert httpserver.log == []
    assert (world.workspace.path / ".draftforge/stats.json").is_file()
    assert "- The DraftForge API is not notified of pull requests." in run.summary


# ---------------------------------------------------------------------------------------------
# The webhook


def test_the_api_answering_500_twice_then_200_gets_one_signed_delivery(
    world: World, httpserver: HTTPServer
) -> None:
    received: list[tuple[bytes, dict[str, str]]] = []
    answers = iter([500, 500, 200])

    def handler(request: Request) -> Response:
        received.append((request.get_data(), dict(request.headers)))
        return Response("ok", status=next(answers))

    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    world.inputs = {
        "INPUT_API-URL": httpserver.url_for("/hook"),
        "INPUT_API-TOKEN": API_TOKEN,
        "INPUT_WEBHOOK-SECRET": SECRET,
    }

    run = world.run()

    assert run.code == 0, run.stdout
    assert len(received) == 3
    assert len(run.sleeps) == 2  # the webhook's two backoffs
    body, headers = received[-1]
    payload = verify_webhook(body, headers, SECRET)
    assert headers["Authorization"] == f"Bearer {API_TOKEN}"
    assert headers["Webhook-Id"] == webhook_id_for(body)
    assert {received[0][1]["Webhook-Id"], received[1][1]["Webhook-Id"]} == {headers["Webhook-Id"]}
    assert {received[0][0], received[1][0]} == {body}
    generated_at = stats_at(world.origin)["generated_at"]
    assert payload == {
        "type": "stats.updated",
        "timestamp": generated_at,
        "data": {
            "repository": {"id": 812345678, "full_name": "author/lighthouse"},
            "ref": "refs/heads/main",
            "default_branch": "main",
            "is_default_branch": True,
            "order": {"last_commit_at": "2025-03-10T09:00:00Z", "generated_at": generated_at},
            "project_stats": {
                "word_count": 11,
                "chapter_count": 2,
                "character_count": 57,
                "last_commit_sha": world.pushed,
                "last_commit_at": "2025-03-10T09:00:00Z",
                "total_commits": 2,
                "current_streak_days": 2,
                "longest_streak_days": 2,
                "last_write_date": "2025-03-10",
                "stats_history": [
                    {"date": "2025-03-10", "word_count": 11, "chapter_count": 2,
                     "words_written_today": 4, "commits": 1},
                    {"date": "2025-03-09", "word_count": 7, "chapter_count": 1,
                     "words_written_today": 7, "commits": 1},
                ],
            },
        },
    }  # fmt: skip
    assert generated_at == "2025-03-10T12:00:00Z"  # NOW, the run that made the file
    assert run.output_values()["notified"] == "true"
    assert f"Notified the DraftForge API ({headers['Webhook-Id']}, 3 attempts)." in run.lines()
    assert run.lines()[:4] == [
        f"::add-mask::{TOKEN}",
        f"::add-mask::{auth_header(TOKEN).removeprefix('AUTHORIZATION: basic ')}",
        f"::add-mask::{API_TOKEN}",
        f"::add-mask::{SECRET}",
    ]
    assert_secrets_hidden(run, (world.workspace.path / ".git/config").read_text("utf-8"))


def test_the_api_down_is_a_warning(world: World) -> None:
    url = f"http://127.0.0.1:{free_port()}/hook"
    world.inputs = {
        "INPUT_API-URL": url,
        "INPUT_API-TOKEN": API_TOKEN,
        "INPUT_WEBHOOK-SECRET": SECRET,
    }

    run = world.run()

    assert run.code == 0, run.stdout
    assert head_of(world.origin) == run.output_values()["commit-sha"]  # the stats are pushed
    warnings = [line for line in run.lines() if line.startswith("::warning::")]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "::warning::The DraftForge API was not notified: gave up after 5 attempts: could not "
        f"connect to {url}"
    )
    assert run.output_values()["notified"] == "false"
    assert len(run.sleeps) == 4
    assert "- The DraftForge API could not be notified (see the warning)." in run.summary
    assert_secrets_hidden(run)


def test_the_api_down_fails_the_job_with_fail_on_notify_error(world: World) -> None:
    world.inputs = {
        "INPUT_API-URL": f"http://127.0.0.1:{free_port()}/hook",
        "INPUT_WEBHOOK-SECRET": SECRET,
        "INPUT_FAIL-ON-NOTIFY-ERROR": "true",
    }

    run = world.run()

    assert run.code == 1
    assert run.lines()[-1].startswith(
        "::error::The DraftForge API was not notified: gave up after 5 attempts"
    )
    assert not any(line.startswith("::warning::") for line in run.lines())
    assert run.output_values()["notified"] == "false"
    assert run.output_values()["commit-sha"] == head_of(world.origin)
    assert_secrets_hidden(run)


def test_a_plain_http_api_url_is_refused(world: World) -> None:
    world.inputs = {"INPUT_API-URL": "http://api.example.com/hook", "INPUT_API-TOKEN": API_TOKEN}

    run = world.run()

    assert run.code == 0
    warning = next(line for line in run.lines() if line.startswith("::warning::"))
    assert warning.startswith(
        "::warning::The DraftForge API was not notified: api-url http://api.example.com/hook "
        "uses plain http://"
    )
    assert_secrets_hidden(run)


# ---------------------------------------------------------------------------------------------
# Ownership, errors, inputs


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give files to another user")
def test_files_are_left_to_the_workspace_owner(world: World) -> None:
    # As on a runner: the checkout belongs to the runner's user, the container runs as root,
    # and git refuses a repository of another user until it is marked safe.
    subprocess.run(["chown", "-R", "4242:4243", str(world.workspace.path)], check=True)

    run = world.run()

    assert run.code == 0, run.stdout
    stats_file = world.workspace.path / ".draftforge/stats.json"
    assert (stats_file.stat().st_uid, stats_file.stat().st_gid) == (4242, 4243)
    folder = stats_file.parent.stat()
    assert (folder.st_uid, folder.st_gid) == (4242, 4243)
    root_owned = [
        path for path in (world.workspace.path / ".git").rglob("*") if path.lstat().st_uid != 4242
    ]
    assert root_owned == []


def test_not_a_git_checkout_is_an_error(world: World, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    run = world.run(world.env(GITHUB_WORKSPACE=str(empty)))

    assert run.code == 1
    assert run.lines()[-1] == (
        f"::error::{empty} is not a git checkout: run actions/checkout (with fetch-depth: 0) "
        "before this action."
    )


def test_a_bad_boolean_input_is_a_usage_error(world: World) -> None:
    run = world.run(world.env(INPUT_COMMIT="yes"))

    assert run.code == 2
    assert run.lines()[-1] == "::error::input `commit` must be true or false, not 'yes'"
    assert head_of(world.origin) == world.pushed


def test_a_missing_project_folder_is_a_usage_error(world: World) -> None:
    run = world.run(world.env(INPUT_PATH="novel"))

    assert run.code == 2
    assert run.lines()[-1] == "::error::input `path`: novel is not a folder of the workspace"


def test_a_project_in_a_subfolder(world: World) -> None:
    world.author.git("mv", "chapters", "novel-chapters")
    world.author.git("mv", ".draftforge", "novel-config")
    world.author.git("commit", "-q", "-m", "Move")
    (world.author.path / "novel").mkdir()
    world.author.git("mv", "novel-chapters", "novel/chapters")
    world.author.git("mv", "novel-config", "novel/.draftforge")
    moved = world.author.commit("Into novel/", "2025-03-10T10:00:00+00:00")
    world.author.git("push", "-q", "origin", "main")
    world.workspace.git("pull", "-q")
    event = world.event("push", before=world.pushed, after=moved)

    run = world.run(world.env(event, GITHUB_SHA=moved, INPUT_PATH="novel"))

    assert run.code == 0, run.stdout
    assert git_in(world.origin, "show", "--format=", "--name-only", "main") == (
        "novel/.draftforge/calendar.svg\nnovel/.draftforge/progress.svg\n"
        "novel/.draftforge/stats.json\n"
    )
    assert run.output_values()["word-count"] == "11"


def test_writing_day_follows_the_history_day_rule(git_repo: GitRepo) -> None:
    from zoneinfo import ZoneInfo

    from draftforge_stats.gitrepo import Repository

    sha = git_repo.commit("Late", "2025-03-10T20:00:00-08:00", files={"a.md": "a\n"})
    repo = Repository.find(git_repo.path)
    assert repo is not None
    stats = summary_stats([history_entry("2025-03-10", 250, 50, sha)])
    late = datetime(2025, 3, 11, 5, 30, tzinfo=UTC)  # 21:30 in the author's -08:00
    assert writing_day(repo, None, None, 0, late) == "2025-03-11"
    assert writing_day(repo, stats, None, 0, late) == "2025-03-10"
    assert writing_day(repo, stats, ZoneInfo("Europe/Paris"), 0, late) == "2025-03-11"
    assert writing_day(repo, stats, ZoneInfo("Europe/Paris"), 7, late) == "2025-03-10"


# ---------------------------------------------------------------------------------------------
# The metadata against GitHub's published schemas


def _load_yaml(path: Path) -> Any:
    """YAML as GitHub reads it: `on` is a key, not YAML 1.1's boolean True."""
    data = yaml.safe_load(path.read_text("utf-8"))
    if isinstance(data, dict) and True in data:
        data["on"] = data.pop(True)
    return data


def _vendored_schema(name: str) -> dict[str, Any]:
    text = (resources.files("check_jsonschema.builtin_schemas.vendor") / name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@pytest.mark.parametrize(
    ("document", "schema"),
    [
        ("action.yml", "github-actions.json"),
        ("examples/workflows/draftforge-stats.yml", "github-workflows.json"),
    ],
)
def test_metadata_validates_against_githubs_schemas(document: str, schema: str) -> None:
    data = _load_yaml(REPO_ROOT / document)
    schema_data = _vendored_schema(schema)
    validator_class = jsonschema.validators.validator_for(schema_data)
    errors = sorted(validator_class(schema_data).iter_errors(data), key=str)
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []


def test_the_example_workflow_is_safe_to_copy() -> None:
    workflow = _load_yaml(REPO_ROOT / "examples/workflows/draftforge-stats.yml")
    job = next(iter(workflow["jobs"].values()))
    assert workflow["permissions"] == {"contents": "write"}
    assert "group" in workflow["concurrency"]
    checkout = job["steps"][0]
    assert checkout == {
        "uses": "actions/checkout@v5",
        "with": {"persist-credentials": False, "fetch-depth": 0},
    }
    assert job["steps"][1]["uses"] == "draftforge/stats-action@v1"


# ---------------------------------------------------------------------------------------------
# Events, inputs and files the runner can hand the job


@pytest.mark.parametrize("event", ["schedule", "workflow_dispatch"])
def test_a_run_without_pushed_commits_computes_even_on_a_stats_commit(
    world: World, event: str
) -> None:
    # No commits were pushed, so there is nothing to return early for; and days later the
    # streak has ended: the stats change although no file did.
    assert world.run().code == 0
    stats_sha = head_of(world.origin)

    run = world.run(
        world.env(world.event(event), GITHUB_SHA=stats_sha), now=NOW + timedelta(days=5)
    )

    assert run.code == 0, run.stdout
    assert "11 words in 2 chapters; the stats changed." in run.lines()
    assert git_in(world.origin, "rev-parse", "main~1").strip() == stats_sha
    assert stats_at(world.origin)["streaks"] == {
        "current_days": 0,
        "longest_days": 2,
        "last_write_date": "2025-03-10",
        "total_writing_days": 2,
    }
    assert run.output_values() == {
        "word-count": "11",
        "chapter-count": "2",
        "character-count": "57",
        "words-written-today": "0",
        "words-added-today": "0",
        "words-per-day-needed": "",
        "projected-finish": "",
        "current-streak": "0",
        "changed": "true",
        "commit-sha": head_of(world.origin),
        "notified": "false",
    }


def test_a_push_that_changed_the_manuscript_is_counted_even_if_head_is_a_stats_commit(
    world: World,
) -> None:
    # The author fixes chapter two *beneath* the stats commit (an interactive rebase) and
    # force-pushes: HEAD is a stats-only commit again, but its stats are stale.
    assert world.run().code == 0
    old_stats = head_of(world.origin)
    world.author.git("pull", "-q")
    world.author.git("reset", "-q", "--hard", world.base)
    world.author.git("cherry-pick", world.pushed)
    world.author.write("chapters/02-middle.md", "# Middle\n\nSix.\n")  # 4 words -> 2
    world.author.git("commit", "-q", "-a", "--amend", "--no-edit")
    fixed = world.author.head()
    world.author.git("cherry-pick", old_stats)
    world.author.git("push", "-q", "--force", "origin", "main")
    world.workspace = clone(world.origin, world.tmp / "forced")  # has no `before`
    event = world.event(
        "push",
        before=old_stats,
        after=world.author.head(),
        forced=True,
        commits=[
            {"added": [], "removed": [], "modified": ["chapters/02-middle.md"]},
            {"added": [], "removed": [], "modified": [".draftforge/stats.json"]},
        ],
    )

    run = world.run(world.env(event, GITHUB_SHA=world.author.head()))

    assert run.code == 0, run.stdout
    assert "9 words in 2 chapters; the stats changed." in run.lines()
    stats = stats_at(world.origin)
    assert stats["current"]["last_commit_sha"] == fixed
    assert stats["history"][0]["commit_sha"] == fixed
    assert stats["history"][0]["word_count"] == 9


def test_a_new_branch_from_a_stats_commit_returns_at_once(world: World) -> None:
    assert world.run().code == 0
    stats_sha = head_of(world.origin)
    world.workspace.git("checkout", "-q", "-b", "draft")
    world.workspace.git("push", "-q", "origin", "draft")
    event = world.event("push", before=ZERO, after=stats_sha, ref="refs/heads/draft", created=True)
    env = world.env(event, GITHUB_REF="refs/heads/draft", GITHUB_REF_NAME="draft")

    run = world.run(env)

    assert run.code == 0, run.stdout
    assert (
        "::notice::HEAD changed only .draftforge/ files (a stats commit): the stats are "
        "current; nothing to do." in run.lines()
    )
    assert head_of(world.origin, "draft") == stats_sha
    assert run.output_values()["changed"] == "false"


def test_a_new_branch_with_new_writing_gets_its_own_stats_commit(world: World) -> None:
    world.author.git("checkout", "-q", "-b", "draft")
    late = world.author.commit(
        "Chapter three", "2025-03-10T10:00:00+00:00", files={"chapters/03-late.md": CH3}
    )
    world.author.git("push", "-q", "origin", "draft")
    world.workspace.git("fetch", "-q")
    world.workspace.git("checkout", "-q", "draft")
    event = world.event("push", before=ZERO, after=late, ref="refs/heads/draft", created=True)
    env = world.env(event, GITHUB_REF="refs/heads/draft", GITHUB_REF_NAME="draft", GITHUB_SHA=late)

    run = world.run(env)

    assert run.code == 0, run.stdout
    assert head_of(world.origin) == world.pushed  # main untouched
    assert git_in(world.origin, "rev-parse", "draft~1").strip() == late
    assert stats_at(world.origin, "draft")["current"]["word_count"] == 14
    assert run.output_values()["commit-sha"] == head_of(world.origin, "draft")


def test_a_tag_push_commits_nothing_and_says_why(world: World) -> None:
    world.author.git("tag", "-a", "-m", "First draft", "v1")
    world.author.git("push", "-q", "origin", "v1")
    world.workspace.git("fetch", "-q", "--tags")
    world.workspace.git("checkout", "-q", "v1")
    tag = git_in(world.origin, "rev-parse", "v1").strip()  # the tag object, not the commit
    event = world.event("push", before=ZERO, after=tag, ref="refs/tags/v1", created=True)
    env = world.env(event, GITHUB_REF="refs/tags/v1", GITHUB_REF_NAME="v1", GITHUB_REF_TYPE="tag")

    run = world.run(env)

    assert run.code == 0, run.stdout
    assert "::notice::This run is for the tag v1: tags are not moved." in run.lines()
    assert git_in(world.origin, "for-each-ref", "--format=%(refname) %(objectname)") == (
        f"refs/heads/main {world.pushed}\nrefs/tags/v1 {tag}\n"
    )
    assert run.output_values()["commit-sha"] == ""
    assert run.output_values()["word-count"] == "11"
    assert "This run is for the tag v1: tags are not moved." in run.summary


def test_an_ignored_stats_file_is_still_committed(world: World) -> None:
    # `.draftforge/` in a .gitignore: `git status` does not show the new file at all.
    ignored = world.author.commit(
        "Ignore", "2025-03-10T10:00:00+00:00", files={".gitignore": ".draftforge/\n"}
    )
    world.author.git("push", "-q", "origin", "main")
    world.workspace.git("pull", "-q")
    event = world.event("push", before=world.base, after=ignored)

    run = world.run(world.env(event, GITHUB_SHA=ignored))

    assert run.code == 0, run.stdout
    assert git_in(world.origin, "show", "--format=", "--name-only", "main") == (
        ".draftforge/calendar.svg\n.draftforge/progress.svg\n.draftforge/stats.json\n"
    )
    assert git_in(world.origin, "rev-parse", "main~1").strip() == ignored
    assert (
        "::warning::.draftforge/stats.json is ignored by a .gitignore; it is committed anyway "
        "(set `commit: false` to keep it out of git)." in run.lines()
    )
    assert run.output_values()["commit-sha"] == head_of(world.origin)


def test_the_early_return_looks_at_the_projects_own_folder(world: World) -> None:
    # The project in book/; the repository root has a .draftforge/ of something else.
    world.author.git("mv", "chapters", "book-chapters")
    world.author.git("mv", ".draftforge", "book-config")
    (world.author.path / "book").mkdir()
    world.author.git("mv", "book-chapters", "book/chapters")
    world.author.git("mv", "book-config", "book/.draftforge")
    moved = world.author.commit("Into book/", "2025-03-10T10:00:00+00:00")
    world.author.git("push", "-q", "origin", "main")
    world.workspace.git("pull", "-q")
    event = world.event("push", before=world.pushed, after=moved)
    assert world.run(world.env(event, GITHUB_SHA=moved, INPUT_PATH="book")).code == 0
    stats_sha = head_of(world.origin)
    assert git_in(world.origin, "show", "--format=", "--name-only", "main") == (
        "book/.draftforge/calendar.svg\nbook/.draftforge/progress.svg\n"
        "book/.draftforge/stats.json\n"
    )
    world.author.git("pull", "-q")

    # The action's own commit, pushed: returns at once, naming the project's folder.
    own = world.event("push", before=moved, after=stats_sha)
    run = world.run(world.env(own, GITHUB_SHA=stats_sha, INPUT_PATH="book"))
    assert run.code == 0, run.stdout
    assert (
        f"::notice::The pushed commits ({moved[:7]}..{stats_sha[:7]}) changed only "
        "book/.draftforge/ files: the stats are current; nothing to do." in run.lines()
    )

    # A change to the root's .draftforge/ is not the project's own: a commit like any other.
    other = world.author.commit(
        "Other", "2025-03-10T11:00:00+00:00", files={".draftforge/stats.json": "{}\n"}
    )
    world.author.git("push", "-q", "origin", "main")
    world.workspace.git("pull", "-q")
    event = world.event("push", before=stats_sha, after=other)
    run = world.run(world.env(event, GITHUB_SHA=other, INPUT_PATH="book"))
    assert run.code == 0, run.stdout
    assert "11 words in 2 chapters; the stats changed." in run.lines()
    assert git_in(world.origin, "rev-parse", "main~1").strip() == other
    stats = json.loads(git_in(world.origin, "show", "main:book/.draftforge/stats.json"))
    assert stats["current"]["last_commit_sha"] == other


def test_a_push_that_also_changed_the_stats_file_is_recomputed_not_merged(world: World) -> None:
    # While the job ran, someone pushed chapter three with a stats file of their own making.
    other = world.author.commit(
        "Chapter three",
        "2025-03-10T10:00:00+00:00",
        files={"chapters/03-late.md": CH3, ".draftforge/stats.json": '{"word_count": 99}\n'},
    )
    world.author.git("push", "-q", "origin", "main")

    run = world.run()

    assert run.code == 0, run.stdout
    assert run.sleeps == [2.0]
    assert git_in(world.origin, "rev-parse", "main~1").strip() == other
    stats = stats_at(world.origin)
    assert "word_count" not in {k for k in stats if k != "current"}
    assert (stats["current"]["word_count"], stats["current"]["last_commit_sha"]) == (14, other)
    assert any(
        line.startswith("::warning::.draftforge/stats.json is not a valid stats file")
        for line in run.lines()
    )
    assert run.output_values()["word-count"] == "14"


def test_a_run_that_commits_nothing_still_notifies(world: World, httpserver: HTTPServer) -> None:
    # Decision: every run that computed the stats of the default branch notifies (the
    # webhook-id is the body's, so the API can drop repeats); pull requests, other branches
    # (unless `notify-branches: all`) and the early return for the action's own commits do not.
    received: list[bytes] = []

    def handler(request: Request) -> Response:
        received.append(request.get_data())
        return Response("", status=204)

    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    world.inputs = {"INPUT_API-URL": httpserver.url_for("/hook"), "INPUT_COMMIT": "false"}

    run = world.run()

    assert run.code == 0, run.stdout
    assert head_of(world.origin) == world.pushed
    assert len(received) == 1
    data = json.loads(received[0])["data"]
    assert data["project_stats"]["last_commit_sha"] == world.pushed
    assert data["ref"] == "refs/heads/main"
    assert list(data["project_stats"]) == [
        "word_count", "chapter_count", "character_count", "last_commit_sha", "last_commit_at",
        "total_commits", "current_streak_days", "longest_streak_days", "last_write_date",
        "stats_history",
    ]  # fmt: skip
    assert run.output_values()["notified"] == "true"
    assert run.output_values()["commit-sha"] == ""


def test_a_plain_http_api_url_fails_the_job_naming_the_input(world: World) -> None:
    world.inputs = {
        "INPUT_API-URL": "http://api.example.com/hook",
        "INPUT_API-TOKEN": API_TOKEN,
        "INPUT_FAIL-ON-NOTIFY-ERROR": "true",
    }

    run = world.run()

    assert run.code == 1
    assert run.lines()[-1] == (
        "::error::The DraftForge API was not notified: api-url http://api.example.com/hook uses "
        "plain http://, which would send the token and the stats unencrypted: change it to "
        "https://. (http:// is only allowed for loopback addresses — 127.0.0.0/8, ::1, "
        "localhost — for local testing.)"
    )
    assert run.output_values()["commit-sha"] == head_of(world.origin)  # the stats are pushed
    assert run.output_values()["notified"] == "false"
    assert_secrets_hidden(run)
