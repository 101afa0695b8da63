"""The Action never harms the workspace (action/workspace.py, action/push.py, action/job.py,
action/runner.py): it works only inside `GITHUB_WORKSPACE`, checks the runner's files before
changing anything, never overwrites what is not its own when the branch moved, never pushes a
deleted branch again, and says what is wrong (and what it pushed) when it fails.

Real clones, a real bare `origin`, the runner's variables and files; a non-root user where
permissions matter.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from draftforge_stats.action import job
from draftforge_stats.cli import main as cli_main
from tests.builders import CONFIG, FAILED_OUTPUTS, NOW, World, build_world, git_in, head_of
from tests.conftest import NOBODY
from tests.gitutil import GitRepo

STATS = ".draftforge/stats.json"
CH3 = "# Late\n\nNine ten.\n"  # 3 words


def global_safe_directories() -> list[str]:
    found = subprocess.run(
        ["git", "config", "--global", "--get-all", "safe.directory"],
        capture_output=True,
        text=True,
    )
    return found.stdout.splitlines()


def other_repository(tmp_path: Path) -> GitRepo:
    """A second repository next to the workspace, with a manuscript of its own."""
    other = GitRepo(tmp_path / "other")
    other.path.mkdir()
    other.git("init", "-q", "-b", "main")
    other.commit("Other book", files={"chapters/01.md": "Not yours.\n"})
    return other


# ------------------------------------------------------------------ `path` stays inside


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../other", "../other leads outside the workspace, to {other}"),
        ("{other}", "{other} leads outside the workspace, to {other}"),
        ("link", "link leads outside the workspace (through a symbolic link), to {other}"),
        ("chapters/../../other", "chapters/../../other leads outside the workspace, to {other}"),
    ],
)
def test_a_path_outside_the_workspace_changes_nothing(
    world: World, tmp_path: Path, given: str, shown: str
) -> None:
    other = other_repository(tmp_path)
    before = other.head()
    (world.workspace.path / "link").symlink_to(other.path)
    given = given.format(other=other.path)

    run = world.run(world.env(INPUT_PATH=given))

    assert run.code == 2
    assert run.lines()[-1] == (
        f"::error::input `path`: {shown.format(other=other.path.resolve())}: give the project's "
        "folder inside the repository, such as `.` or `book`."
    )
    assert other.head() == before
    assert not (other.path / ".draftforge").exists()
    assert other.git("status", "--porcelain") == ""
    assert head_of(world.origin) == world.pushed
    assert global_safe_directories() == []  # checked before the git config is touched
    assert run.output_values()["changed"] == "false"
    assert "leads outside the workspace" in run.summary
    assert run.summary.splitlines()[-1] == "Nothing was changed or pushed."


def test_path_three_levels_up_is_outside_not_a_missing_checkout(world: World) -> None:
    run = world.run(world.env(INPUT_PATH="../../.."))

    assert run.code == 2
    assert run.lines()[-1].startswith("::error::input `path`: ../../.. leads outside the workspace")
    assert "not a git checkout" not in run.stdout


def test_a_path_that_is_a_file_says_so(world: World) -> None:
    run = world.run(world.env(INPUT_PATH="chapters/01-start.md"))

    assert run.code == 2
    assert run.lines()[-1] == (
        "::error::input `path`: chapters/01-start.md is a file, not a folder: give the "
        "project's folder (the one with `.draftforge/`), such as `.` or `book`."
    )


def test_an_empty_path_is_the_workspace(world: World) -> None:
    run = world.run(world.env(INPUT_PATH=""))

    assert run.code == 0, run.stdout
    committed = git_in(world.origin, "show", "--format=", "--name-only", "main").splitlines()
    assert STATS in committed


def test_a_missing_workspace_is_named_and_no_git_config_is_touched(
    world: World, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-workspace"

    run = world.run(world.env(GITHUB_WORKSPACE=str(missing)))

    assert run.code == 1
    assert run.lines()[-1] == (
        f"::error::The workspace {missing} (GITHUB_WORKSPACE) does not exist: this action runs "
        "as a step of a GitHub Actions job, after actions/checkout has filled the workspace."
    )
    assert "input `path`" not in run.stdout
    assert global_safe_directories() == []


def test_a_workspace_that_is_a_plain_folder_inside_another_repository(
    world: World, tmp_path: Path
) -> None:
    """Not a checkout of its own: the repository around it is not the Action's to commit to."""
    outer = other_repository(tmp_path)
    inner = outer.path / "workspace"
    (inner / "chapters").mkdir(parents=True)
    (inner / "chapters/01.md").write_text("Words here.\n", "utf-8")
    before = outer.head()

    run = world.run(world.env(GITHUB_WORKSPACE=str(inner)))

    assert run.code == 1
    assert run.lines()[-1] == (
        f"::error::{inner} is not a git checkout (the repository around it is {outer.path}): "
        "run actions/checkout (with fetch-depth: 0) before this action."
    )
    assert outer.head() == before
    assert not (inner / ".draftforge").exists()


def test_a_detached_head_on_a_push_commits_nothing_and_says_why(world: World) -> None:
    world.workspace.git("checkout", "-q", "--detach")

    run = world.run()

    assert run.code == 0, run.stdout
    assert (
        "::notice::HEAD is detached (a commit, not a branch, is checked out): nothing to push to."
        in run.lines()
    )
    assert head_of(world.origin) == world.pushed


# ------------------------------------------------------------------ the runner's files


def test_an_output_file_that_cannot_be_written_stops_the_job_before_it_pushes(
    world: World, tmp_path: Path
) -> None:
    output = tmp_path / "no-such-folder" / "github_output"
    env = world.env(GITHUB_OUTPUT=str(output))

    code, stdout = run_main(env)

    assert code == 1
    assert stdout.splitlines()[-1] == (
        f"::error::$GITHUB_OUTPUT ({output}) cannot be written (No such file or directory); the "
        "job stops before changing anything, as it could not give its results. The runner sets "
        "this file: run the action as a step of a GitHub Actions job, and do not change the "
        "variable or the file in an earlier step."
    )
    assert head_of(world.origin) == world.pushed
    assert not (world.workspace.path / STATS).exists()


def test_a_summary_file_that_is_a_folder_stops_the_job_before_it_pushes(
    world: World, tmp_path: Path
) -> None:
    summary = tmp_path / "summary-folder"
    summary.mkdir()

    code, stdout = run_main(world.env(GITHUB_STEP_SUMMARY=str(summary)))

    assert code == 1
    assert stdout.splitlines()[-1].startswith(
        f"::error::$GITHUB_STEP_SUMMARY ({summary}) cannot be written (Is a directory)"
    )
    assert head_of(world.origin) == world.pushed


def test_an_output_file_lost_after_the_push_says_what_was_pushed(world: World) -> None:
    env = world.env()
    output = Path(env["GITHUB_OUTPUT"])

    def lose_the_output_file(attempt: int) -> None:  # another step replaces it meanwhile
        output.unlink(missing_ok=True)
        output.mkdir()

    code, stdout = run_main(env, before_push=lose_the_output_file)

    assert code == 1
    pushed = head_of(world.origin)
    assert pushed != world.pushed
    assert stdout.splitlines()[-1] == (
        f"::error::Could not write the outputs to {output} (Is a directory). Committed the stats "
        f"to main as `{pushed[:7]}`."
    )
    assert "Committed the stats" in Path(env["GITHUB_STEP_SUMMARY"]).read_text("utf-8")


def test_a_read_only_output_file_as_the_runners_user(nobodys_folder: Path) -> None:
    """As on a runner (not root): a read-only `$GITHUB_OUTPUT` is found before the push."""
    origin = nobodys_folder / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    world = build_world(nobodys_folder, origin)
    home = nobodys_folder / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tname = N\n\temail = n@example.com\n", "utf-8")
    env = world.env()
    Path(env["GITHUB_OUTPUT"]).write_text("", "utf-8")
    subprocess.run(["chown", "-R", "65534:65534", str(nobodys_folder)], check=True)
    os.chmod(env["GITHUB_OUTPUT"], 0o444)
    env.update(HOME=str(home), GIT_CONFIG_GLOBAL=str(home / ".gitconfig"))

    result = subprocess.run(
        [*NOBODY, sys.executable, "-m", "draftforge_stats", "action"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith(
        f"::error::$GITHUB_OUTPUT ({env['GITHUB_OUTPUT']}) cannot be written (Permission denied)"
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert head_of(origin) == world.pushed
    assert not (world.workspace.path / STATS).exists()


def run_main(env: dict[str, str], **kwargs: object) -> tuple[int, str]:
    """`job.main` without the World's clean-up of the runner files (they are the subject)."""
    stream = io.StringIO()
    code = job.main(env, stream, now=NOW, sleep=lambda _: None, **kwargs)  # type: ignore[arg-type]
    return code, stream.getvalue()


# ------------------------------------------------------------------ the branch moved


def test_race_recovery_never_overwrites_an_untracked_file(world: World) -> None:
    world.author.commit("Notes", files={"notes.md": "The author's notes.\n"})
    world.author.git("push", "-q", "origin", "main")
    mine = world.workspace.path / "notes.md"
    mine.write_text("An earlier step's notes.\n", "utf-8")
    moved = head_of(world.origin)

    run = world.run()

    assert run.code == 1
    assert run.lines()[-1] == (
        "::error::main moved on the remote, and its new head has files at the paths of "
        "untracked files here: notes.md. Moving onto it would overwrite them, so nothing was "
        "pushed: remove or commit them in an earlier step, or run this action before making "
        "files."
    )
    assert mine.read_text("utf-8") == "An earlier step's notes.\n"
    assert head_of(world.origin) == moved
    assert run.summary.splitlines()[-1] == "Nothing was pushed."


def test_race_recovery_never_overwrites_an_ignored_file_or_a_file_where_a_folder_comes(
    world: World,
) -> None:
    world.author.write("build/report.txt", "committed report\n")
    world.author.git("add", "-f", "build/report.txt")
    world.author.commit("Report and notes", files={"notes/today.md": "notes\n"})
    world.author.git("push", "-q", "origin", "main")
    (world.workspace.path / ".git/info/exclude").write_text("build/\n", "utf-8")
    (world.workspace.path / "build").mkdir()
    (world.workspace.path / "build/report.txt").write_text("local report\n", "utf-8")
    (world.workspace.path / "build/other.txt").write_text("mine alone\n", "utf-8")
    (world.workspace.path / "notes").write_text("a file where origin has a folder\n", "utf-8")

    run = world.run()

    assert run.code == 1
    assert "untracked files here: build/report.txt, notes. Moving onto it" in run.lines()[-1]
    assert (world.workspace.path / "build/report.txt").read_text("utf-8") == "local report\n"
    assert (world.workspace.path / "notes").is_file()


def test_race_recovery_with_untracked_files_the_new_head_does_not_have(world: World) -> None:
    world.author.commit("Chapter three", files={"chapters/03-late.md": CH3})
    world.author.git("push", "-q", "origin", "main")
    (world.workspace.path / "scratch.txt").write_text("left alone\n", "utf-8")

    run = world.run()

    assert run.code == 0, run.stdout
    assert (world.workspace.path / "scratch.txt").read_text("utf-8") == "left alone\n"
    assert json.loads(git_in(world.origin, "show", f"main:{STATS}"))["current"]["word_count"] == 14


def test_a_branch_deleted_on_the_remote_is_not_pushed_again(world: World) -> None:
    def delete_the_branch(attempt: int) -> None:
        git_in(world.origin, "update-ref", "-d", "refs/heads/main")

    run = world.run(before_push=delete_the_branch)

    assert run.code == 1
    assert run.lines()[-1] == (
        "::error::The branch main no longer exists on the remote (it was deleted while the job "
        "ran): nothing was pushed, so that the branch is not made again. Run the workflow on a "
        "branch that exists."
    )
    assert git_in(world.origin, "for-each-ref", "refs/heads/") == ""


# ------------------------------------------------------------------ what a failure says


def test_a_broken_config_is_one_annotation_per_problem_with_outputs_and_summary(
    world: World,
) -> None:
    broken = CONFIG + "  type: novell\nstats:\n  timezone: Mars/Base\n"
    world.author.commit("Break the config", files={".draftforge/config.yml": broken})
    world.author.git("push", "-q", "origin", "main")
    world.workspace.git("pull", "-q")
    before = head_of(world.origin)
    event = world.event("push", before=world.pushed, after=before)

    run = world.run(world.env(event, GITHUB_SHA=before))

    assert run.code == 1
    lines = run.lines()
    annotations = [line for line in lines if line.startswith("::error")]
    assert annotations == [
        "::error file=.draftforge/config.yml,line=5,col=9,title=draftforge validate%3A "
        "$.project.type::`novell` is not a project type%0Ahint: did you mean `novel`? allowed: "
        "novel, screenplay, technical-book, non-fiction, poetry, short-story",
        "::error file=.draftforge/config.yml,line=7,col=13,title=draftforge validate%3A "
        "$.stats.timezone::`Mars/Base` is not a known time zone%0Ahint: use an IANA name such "
        "as `Europe/Paris` or `America/New_York`, or `UTC`",
    ]
    assert lines[-1] == ".draftforge/config.yml is not a valid DraftForge config:"
    assert run.output_values() == FAILED_OUTPUTS
    assert run.summary.splitlines()[:6] == [
        "## Writing stats: the job failed",
        "",
        ".draftforge/config.yml is not a valid DraftForge config:",
        "",
        "| File | Line | Key | Problem |",
        "| --- | ---: | --- | --- |",
    ]
    assert run.summary.splitlines()[6] == (
        "| `.draftforge/config.yml` | 5:9 | `$.project.type` | \\`novell\\` is not a project "
        "type (did you mean \\`novel\\`? allowed: novel, screenplay, technical-book, "
        "non-fiction, poetry, short-story) |"
    )
    assert run.summary.splitlines()[-1] == "Nothing was pushed."
    assert head_of(world.origin) == before


def test_a_chapters_folder_that_is_a_file_is_called_a_file(world: World) -> None:
    world.author.git("rm", "-q", "-r", "chapters")
    world.author.commit("Chapters as one file", files={"chapters": "All in one.\n"})
    world.author.git("push", "-q", "origin", "main")
    world.workspace.git("pull", "-q")

    run = world.run()

    assert run.code == 1
    assert run.lines()[-1] == (
        f"::error::The chapters directory `chapters` is a file, not a folder, in "
        f"{world.workspace.path}. Create it, or set `structure.chapters_directory` in "
        ".draftforge/config.yml to the folder that holds your chapters."
    )
    validated = CliRunner().invoke(
        cli_main, ["validate", "--format", "json", str(world.workspace.path)]
    )
    problems = json.loads(validated.output)["problems"]
    assert [p["message"] for p in problems if p["severity"] == "error"] == [
        "the chapters folder `chapters` is a file, not a folder"
    ]


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("http://127.0.0.1:{port}/my hook", "http://127.0.0.1:{port}/my hook"),
        ("http://127.0.0.1:{port}/my%20hook?key=s3cr3t", "http://127.0.0.1:{port}/my%20hook?…"),
        ("http://user:pw@127.0.0.1:{port}/hook", "http://127.0.0.1:{port}/hook"),
    ],
)
def test_the_api_url_is_shown_as_given_without_secrets(
    world: World, given: str, shown: str
) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    world.inputs = {"INPUT_API-URL": given.format(port=port)}

    run = world.run()

    warnings = [line for line in run.lines() if line.startswith("::warning::")]
    assert len(warnings) == 1, run.stdout
    # what GitHub shows: the workflow command's own escapes undone (`%25` is `%`)
    seen = warnings[0].replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
    assert f" {shown.format(port=port)}" in seen
    assert "s3cr3t" not in seen and "pw@" not in seen


def test_a_bug_during_the_job_still_says_what_was_pushed(world: World) -> None:
    def a_bug(attempt: int) -> None:
        raise RuntimeError("a bug in the job")

    stream = io.StringIO()
    with pytest.raises(RuntimeError, match="a bug in the job"):
        job.main(world.env(), stream, now=NOW, sleep=lambda _: None, before_push=a_bug)

    assert stream.getvalue().splitlines()[-1] == (
        "::error::DraftForge Stats hit a bug. Nothing was pushed."
    )
    assert head_of(world.origin) == world.pushed
