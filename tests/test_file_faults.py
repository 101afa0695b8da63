"""What a working tree or a commit can hold that is not a plain chapter: symbolic links (in
loops, to nothing, out of the project), named pipes, sockets, devices, huge files, files and
folders this user may not read or write. Each is skipped with a warning naming it, or is one
clear error naming the folder and the fix; never a traceback, never a hang, never a write
outside the project. Checked through the CLI and the Action's entry point.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from draftforge_stats.reading import MAX_FILE_BYTES
from tests.builders import FAILED_OUTPUTS, head_of
from tests.faultkit import (
    action_world,
    as_nobody,
    can_drop_privileges,
    cli,
    give_away,
    nobody_folder,
    run_action,
)
from tests.gitutil import GitRepo

CHAPTER = "# One\n\nOne two three.\n"  # 4 words (the heading's word counts)
DAY = "2025-03-01T10:00:00+00:00"


def book(repo: GitRepo) -> str:
    """A project with one real chapter, committed (the chapters folder may exist)."""
    return repo.commit("Start", DAY, files={"chapters/01-one.md": CHAPTER})


def warnings_of(stderr: str) -> list[str]:
    return [line for line in stderr.replace("\n  ", " ").splitlines() if line.startswith("warn")]


def counted(result_stdout: str) -> tuple[int, list[str]]:
    data = json.loads(result_stdout)
    return data["current"]["word_count"], [c["file"] for c in data["breakdown"]["chapters"]]


def _loop_of_two(chapters: Path) -> None:
    (chapters / "a.md").symlink_to("b.md")
    (chapters / "b.md").symlink_to("a.md")


LINKS: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    # name: (make the link in the chapters folder, given it and a folder outside; the warning)
    "to itself": (
        lambda ch, out: (ch / "loop.md").symlink_to("loop.md"),
        "chapters/loop.md: symbolic link in a loop (following it never reaches a file); "
        "not counted",
    ),
    "a loop of two": (
        lambda ch, out: _loop_of_two(ch),
        "chapters/a.md: symbolic link in a loop (following it never reaches a file); not counted",
    ),
    "to nothing": (
        lambda ch, out: (ch / "gone.md").symlink_to("missing.md"),
        "chapters/gone.md: symbolic link to nothing (its target does not exist); not counted",
    ),
    "to a file outside": (
        lambda ch, out: (ch / "far.md").symlink_to(out / "far.md"),
        "chapters/far.md: symbolic link to a file outside the project folder; not counted",
    ),
    "named .md, to a folder outside": (
        lambda ch, out: (ch / "folder.md").symlink_to(out),
        "chapters/folder.md: symbolic link to a folder; not followed, its files are not counted",
    ),
    "into .git": (
        lambda ch, out: (ch / "config.md").symlink_to("../.git/config"),
        "chapters/config.md: symbolic link to a hidden file (such as one in `.git`); not counted",
    ),
    "a folder outside": (
        lambda ch, out: (ch / "part").symlink_to(out),
        "chapters/part: symbolic link to a folder; not followed, its files are not counted",
    ),
    "a folder loop": (
        lambda ch, out: (ch / "again").symlink_to(".."),
        "chapters/again: symbolic link to a folder; not followed, its files are not counted",
    ),
}


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "far.md").write_text("Many words live outside the book.\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("case", sorted(LINKS))
def test_a_committed_symbolic_link_is_skipped_with_a_warning(
    git_repo: GitRepo, outside: Path, case: str
) -> None:
    make, warning = LINKS[case]
    first = book(git_repo)
    make(git_repo.path / "chapters", outside)
    second = git_repo.commit("Add a link", "2025-03-02T10:00:00+00:00")
    assert git_repo.git("ls-tree", "-r", "HEAD", "chapters").count("120000 blob") >= 1

    result = cli("stats", str(git_repo.path), "--json", "--no-write", "--today", "2025-03-02")

    assert result.exit_code == 0, result.output
    assert warning in warnings_of(result.stderr)[0]
    assert counted(result.stdout) == (4, ["chapters/01-one.md"])
    # In git the link is a blob of mode 120000: not a chapter, so the history is the file's.
    history = json.loads(result.stdout)["history"]
    assert [(e["date"], e["word_count"], e["commits"]) for e in history] == [("2025-03-01", 4, 1)]
    assert history[0]["commit_sha"] == first != second


def test_the_action_warns_about_links_pipes_and_writes_its_outputs(
    tmp_path: Path, bare_remote: Path, git_repo: GitRepo, outside: Path
) -> None:
    book(git_repo)
    (git_repo.path / "chapters/loop.md").symlink_to("loop.md")
    (git_repo.path / "chapters/part").symlink_to(outside)
    git_repo.commit("Links", "2025-03-02T10:00:00+00:00")
    world = action_world(tmp_path, bare_remote, git_repo)
    os.mkfifo(world.workspace.path / "chapters/02-pipe.md")

    run = run_action(world)

    assert run.code == 0, run.stdout
    assert [line for line in run.lines() if line.startswith("::warning::")] == [
        "::warning::chapters/part: symbolic link to a folder; not followed, its files are not "
        "counted",
        "::warning::chapters/loop.md: symbolic link in a loop (following it never reaches a "
        "file); not counted",
        "::warning::chapters/02-pipe.md: a named pipe (FIFO), not a file; not counted",
    ]
    values = run.output_values()
    assert (values["word-count"], values["chapter-count"], values["changed"]) == ("4", "1", "true")


# ------------------------------------------------------------------ not regular files


def test_a_named_pipe_a_socket_and_a_device_are_skipped_not_read(tmp_path: Path) -> None:
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters/01-one.md").write_text(CHAPTER, encoding="utf-8")
    os.mkfifo(tmp_path / "chapters/02-pipe.md")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "chapters/03-socket.md"))
        expected = [
            "warning: chapters/02-pipe.md: a named pipe (FIFO), not a file; not counted",
            "warning: chapters/03-socket.md: a socket, not a file; not counted",
        ]
        try:
            os.mknod(tmp_path / "chapters/04-device.md", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
            expected.append(
                "warning: chapters/04-device.md: a character device, not a file; not counted"
            )
        except PermissionError:  # creating devices needs CAP_MKNOD
            pass

        result = cli("stats", str(tmp_path), "--json", "--no-write")

    assert result.exit_code == 0, result.output
    assert warnings_of(result.stderr) == expected
    assert counted(result.stdout) == (4, ["chapters/01-one.md"])


def test_a_file_past_the_size_bound_is_skipped_in_the_tree_and_in_git(git_repo: GitRepo) -> None:
    book(git_repo)
    huge = "word " * (MAX_FILE_BYTES // 5) + "x\n"  # MAX_FILE_BYTES + 2 bytes
    git_repo.commit("Huge", "2025-03-02T10:00:00+00:00", files={"chapters/02-huge.md": huge})

    result = cli("stats", str(git_repo.path), "--json", "--no-write", "--today", "2025-03-02")

    assert result.exit_code == 0, result.output
    assert warnings_of(result.stderr) == [
        "warning: chapters/02-huge.md: 5,000,002 bytes, more than the 5,000,000 a file may "
        "have (split it); not counted",
        "warning: 1 version of manuscript files in the git history is larger than 5,000,000 "
        "bytes (the largest 5,000,002) and counted as 0 words: split such files.",
    ]
    assert counted(result.stdout) == (4, ["chapters/01-one.md"])
    history = json.loads(result.stdout)["history"]
    assert [(e["date"], e["word_count"], e["chapter_count"]) for e in history] == [
        ("2025-03-02", 4, 2),
        ("2025-03-01", 4, 1),
    ]


# ------------------------------------------------------------- links out of the project


def test_a_chapters_folder_linked_outside_the_project_is_an_error(
    git_repo: GitRepo, outside: Path, tmp_path: Path, bare_remote: Path
) -> None:
    (git_repo.path / "chapters").symlink_to(outside)
    git_repo.commit("Linked chapters", DAY)

    result = cli("stats", str(git_repo.path), "--json", "--no-write")

    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert message.startswith(
        f"error: The chapters directory `chapters` is a symbolic link to {outside}, outside the "
        f"project folder {git_repo.path}; DraftForge does not follow links out of the project."
    )
    assert "set `structure.chapters_directory` in .draftforge/config.yml" in message
    assert "Traceback" not in result.output

    world = action_world(tmp_path, bare_remote, git_repo)
    run = run_action(world)
    assert run.code == 1
    assert run.lines()[-1].startswith(
        "::error::The chapters directory `chapters` is a symbolic link to "
    )
    assert run.output_values() == FAILED_OUTPUTS
    assert head_of(bare_remote) == git_repo.head()  # nothing pushed


def test_a_manuscript_folder_linked_outside_is_skipped(git_repo: GitRepo, outside: Path) -> None:
    book(git_repo)
    (git_repo.path / "manuscript").symlink_to(outside)

    result = cli("stats", str(git_repo.path), "--json", "--no-write")

    assert result.exit_code == 0
    assert warnings_of(result.stderr) == [
        f"warning: manuscript: the manuscript folder is a symbolic link to {outside}, outside "
        "the project folder; not followed, its files are not counted"
    ]
    assert json.loads(result.stdout)["breakdown"]["manuscript"] == []


def test_a_draftforge_folder_linked_outside_is_never_written_through(
    git_repo: GitRepo, outside: Path, tmp_path: Path, bare_remote: Path
) -> None:
    book(git_repo)
    (git_repo.path / ".draftforge").symlink_to(outside)
    before = sorted(p.name for p in outside.iterdir())

    result = cli("stats", str(git_repo.path))

    assert result.exit_code == 1
    assert " ".join(result.stderr.split()) == (
        f"error: {git_repo.path}/.draftforge is a symbolic link to {outside}, outside the "
        "project folder: DraftForge writes only inside the project. Replace the link with a "
        "folder (`rm .draftforge && mkdir .draftforge`, then move the files it held into it)."
    )
    assert sorted(p.name for p in outside.iterdir()) == before
    # Counting without writing still works.
    assert cli("stats", str(git_repo.path), "--no-write", "--quiet").exit_code == 0

    git_repo.commit("Link", "2025-03-02T10:00:00+00:00")
    world = action_world(tmp_path, bare_remote, git_repo)
    run = run_action(world)
    assert run.code == 1
    assert run.output_values() == FAILED_OUTPUTS
    assert run.summary.startswith("## Writing stats: the job failed\n\n")
    assert any(
        line.startswith(f"::error::{world.workspace.path}/.draftforge is a symbolic link to ")
        for line in run.lines()
    )
    assert sorted(p.name for p in outside.iterdir()) == before


# ---------------------------------------------------------------- as an unprivileged user


@pytest.fixture
def as_user() -> Iterator[Callable[[Path], Path]]:
    """Copies of folders for commands run without privileges (see `faultkit.Unprivileged`),
    removed afterwards."""
    if not can_drop_privileges():
        pytest.skip("cannot run draftforge without privileges here (needs root and setpriv)")
    made: list[Path] = []

    def copy(source: Path) -> Path:
        target = nobody_folder(source)
        made.append(target.parent)
        return target

    yield copy
    for folder in made:
        shutil.rmtree(folder, ignore_errors=True)


def test_an_unreadable_chapter_is_skipped_with_a_warning(
    git_repo: GitRepo, as_user: Callable[[Path], Path]
) -> None:
    book(git_repo)
    git_repo.commit(
        "Two", "2025-03-02T10:00:00+00:00", files={"chapters/02-two.md": "Four five.\n"}
    )
    project = as_user(git_repo.path)
    (project / "chapters/02-two.md").chmod(0)

    run = as_nobody("stats", "--json", "--no-write", "--today", "2025-03-02", cwd=project)

    assert run.returncode == 0, run.stderr
    assert warnings_of(run.stderr) == [
        "warning: chapters/02-two.md: cannot be read: permission denied (make it readable: "
        "`chmod a+r`); not counted"
    ]
    assert counted(run.stdout) == (4, ["chapters/01-one.md"])
    # The history comes from git, which has the chapter: it is not lost.
    assert json.loads(run.stdout)["history"][0]["word_count"] == 6


def test_an_unreadable_folder_is_reported(
    git_repo: GitRepo, as_user: Callable[[Path], Path]
) -> None:
    book(git_repo)
    git_repo.commit("Part", DAY, files={"chapters/part-2/01.md": "Four five.\n"})
    project = as_user(git_repo.path)
    (project / "chapters/part-2").chmod(0)

    run = as_nobody("stats", "--json", "--no-write", cwd=project)

    assert run.returncode == 0, run.stderr
    assert warnings_of(run.stderr) == [
        "warning: chapters/part-2: the folder cannot be read (Permission denied); its files "
        "are not counted"
    ]


def test_a_read_only_draftforge_folder_is_one_clear_error(
    git_repo: GitRepo, as_user: Callable[[Path], Path]
) -> None:
    book(git_repo)
    git_repo.write(".draftforge/config.yml", 'version: "1.0"\n')
    git_repo.commit("Config", "2025-03-02T10:00:00+00:00")
    project = as_user(git_repo.path)
    (project / ".draftforge").chmod(0o555)

    run = as_nobody("stats", cwd=project)

    assert run.returncode == 1, run.stderr
    assert " ".join(run.stderr.split()) == (
        "error: Cannot write .draftforge/stats.json (Permission denied): make the folder "
        f"{project}/.draftforge writable for this user (for example `chmod u+w .draftforge`), "
        "or count without writing (`draftforge stats --no-write`)."
    )
    assert sorted(p.name for p in (project / ".draftforge").iterdir()) == ["config.yml"]
    assert as_nobody("stats", "--no-write", "--quiet", cwd=project).returncode == 0


# ----------------------------------------------------- the author's other files, the same


def draftforge(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """In a subprocess with a timeout: a hang fails the test instead of stopping the suite."""
    return subprocess.run(
        [sys.executable, "-m", "draftforge_stats", *args],
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_a_pipe_as_config_or_stats_file_is_never_read(git_repo: GitRepo) -> None:
    book(git_repo)
    (git_repo.path / ".draftforge").mkdir()
    os.mkfifo(git_repo.path / ".draftforge/stats.json")

    run = draftforge("stats", "--no-write", "--quiet", cwd=git_repo.path)

    assert run.returncode == 0, run.stderr
    assert (
        "(it cannot be used: a named pipe (FIFO), not a file); it would be made again (nothing "
        "written now)."
    ) in " ".join(run.stderr.split())

    os.mkfifo(git_repo.path / ".draftforge/config.yml")
    run = draftforge("stats", "--no-write", cwd=git_repo.path)

    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        "error: .draftforge/config.yml cannot be read",
        "  .draftforge/config.yml: $: cannot use the file: a named pipe (FIFO), not a file",
    ]


def test_validate_never_reads_a_pipe(tmp_path: Path) -> None:
    (tmp_path / "manuscript").mkdir()
    os.mkfifo(tmp_path / "manuscript/metadata.yml")

    run = draftforge("validate", "manuscript/metadata.yml", "--format", "json", cwd=tmp_path)

    assert run.returncode == 1
    problems = json.loads(run.stdout)["problems"]
    assert [p["message"] for p in problems] == [
        "cannot use the file: a named pipe (FIFO), not a file"
    ]


def test_validate_reports_links_in_loops_instead_of_crashing(tmp_path: Path) -> None:
    for folder in (".draftforge", "chapters", "manuscript"):
        (tmp_path / folder).mkdir()
    (tmp_path / ".draftforge/config.yml").symlink_to("config.yml")
    (tmp_path / "manuscript/cover.jpg").symlink_to("cover.jpg")
    (tmp_path / "manuscript/metadata.yml").write_text(
        "title: T\ncategories: [Fiction]\ncover_image: cover.jpg\n", encoding="utf-8"
    )

    checked = draftforge("validate", "--format", "json", cwd=tmp_path)
    counted = draftforge("stats", "--no-write", cwd=tmp_path)

    assert checked.returncode == 1, checked.stderr
    problems = json.loads(checked.stdout)["problems"]
    assert [(p["file"], p["message"]) for p in problems] == [
        (".draftforge/config.yml", "cannot use the file: a symbolic link in a loop (following "
         "it never reaches a file)"),
        ("manuscript/metadata.yml", "the cover image `cover.jpg` does not exist"),
    ]  # fmt: skip
    assert counted.returncode == 1
    assert counted.stderr.splitlines()[0] == "error: .draftforge/config.yml cannot be read"


def test_a_file_name_that_is_not_utf8_is_skipped_in_the_tree_and_in_git(
    git_repo: GitRepo, tmp_path: Path, bare_remote: Path
) -> None:
    book(git_repo)
    (git_repo.path / os.fsdecode(b"chapters/02-caf\xe9.md")).write_text("Lost.\n", "utf-8")
    (git_repo.path / os.fsdecode(b"chapters/\xff-part")).mkdir()
    (git_repo.path / os.fsdecode(b"chapters/\xff-part/03.md")).write_text("Lost too.\n", "utf-8")
    git_repo.commit("Odd names", "2025-03-02T10:00:00+00:00")

    result = cli("stats", str(git_repo.path), "--today", "2025-03-02")

    assert result.exit_code == 0, result.output
    assert warnings_of(result.stderr) == [
        "warning: chapters/02-caf\\xe9.md: the name is not valid UTF-8; not counted (rename the "
        "file)",
        "warning: chapters/\\xff-part/03.md: the name is not valid UTF-8; not counted (rename "
        "the file)",
    ]
    data = json.loads((git_repo.path / ".draftforge/stats.json").read_text("utf-8"))
    assert [c["file"] for c in data["breakdown"]["chapters"]] == ["chapters/01-one.md"]
    # The history applies the same rule: the commit of those files wrote no words.
    assert [(e["date"], e["word_count"]) for e in data["history"]] == [("2025-03-01", 4)]

    world = action_world(tmp_path, bare_remote, git_repo)
    run = run_action(world)
    assert run.code == 0, run.stdout
    assert "::warning::chapters/02-caf\\xe9.md: the name is not valid UTF-8" in run.stdout


def test_a_chapters_folder_that_is_a_link_to_nowhere_says_so(git_repo: GitRepo) -> None:
    (git_repo.path / "chapters").symlink_to("chapters")

    result = cli("stats", str(git_repo.path), "--no-write")

    assert result.exit_code == 1
    assert " ".join(result.stderr.split()).startswith(
        "error: The chapters directory `chapters` is a symbolic link that leads to no folder "
        "(to nothing, or in a loop) in "
    )


@pytest.fixture
def deep_repo() -> Iterator[GitRepo]:
    """A repository whose `chapters/d/d/.../d` is 1,500 levels deep, made and removed one
    level at a time (pathlib's `mkdir(parents=True)` and `shutil.rmtree` recurse, and so
    does pytest's clean-up of its temporary folders: this one is kept out of them)."""
    repo = GitRepo(Path(tempfile.mkdtemp(prefix="draftforge-deep-")))
    repo.git("init", "-q", "-b", "main")
    top = repo.path / "chapters"
    top.mkdir()
    deep = top
    for _ in range(1500):
        deep = deep / "d"
        deep.mkdir()
    try:
        yield repo
    finally:
        level = deep
        while level != top:
            for entry in level.iterdir():
                entry.unlink()
            level.rmdir()
            level = level.parent
        shutil.rmtree(repo.path)


def test_a_folder_nested_1500_deep_is_walked_without_recursion(deep_repo: GitRepo) -> None:
    git_repo = deep_repo
    book(git_repo)
    deep = git_repo.path / ("chapters" + "/d" * 1500)
    (deep / "x.md").write_text("Deep words.\n", encoding="utf-8")
    git_repo.commit("Deep", "2025-03-02T10:00:00+00:00")

    result = cli("stats", str(git_repo.path), "--json", "--no-write", "--today", "2025-03-02")

    assert result.exit_code == 0, result.output
    assert counted(result.stdout) == (6, ["chapters/01-one.md", "chapters/" + "d/" * 1500 + "x.md"])
    history = json.loads(result.stdout)["history"]
    assert [(e["date"], e["word_count"]) for e in history] == [("2025-03-02", 6), ("2025-03-01", 4)]


@pytest.mark.parametrize("fault", ["an unreadable chapter", "a read-only .draftforge"])
def test_the_action_as_an_unprivileged_user(
    tmp_path: Path, git_repo: GitRepo, as_user: Callable[[Path], Path], fault: str
) -> None:
    book(git_repo)
    git_repo.commit(
        "Two", "2025-03-02T10:00:00+00:00",
        files={"chapters/02-two.md": "Four five.\n", ".draftforge/config.yml": 'version: "1.0"\n'},
    )  # fmt: skip
    world_dir = tmp_path / "world"
    world_dir.mkdir()
    origin = world_dir / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    world = action_world(world_dir, origin, git_repo)
    event = world.event("workflow_dispatch", ref="refs/heads/main")
    copy = as_user(world_dir)  # origin, workspace and event, owned by `nobody`
    as_nobody("-C", str(copy / "workspace"), "remote", "set-url", "origin",
              str(copy / "origin.git"), cwd=copy, program="git")  # fmt: skip
    if fault == "an unreadable chapter":
        (copy / "workspace/chapters/02-two.md").chmod(0)
    else:
        (copy / "workspace/.draftforge").chmod(0o555)
    env = world.env(
        event,
        GITHUB_WORKSPACE=str(copy / "workspace"),
        GITHUB_EVENT_PATH=str(copy / Path(event["GITHUB_EVENT_PATH"]).name),
        GITHUB_OUTPUT=str(copy / "github_output"),
        GITHUB_STEP_SUMMARY=str(copy / "step_summary.md"),
    )
    (copy / "gitconfig").write_text("", encoding="utf-8")
    give_away(copy / "gitconfig")

    run = as_nobody("action", cwd=copy, extra={**env, "GIT_CONFIG_GLOBAL": str(copy / "gitconfig")})

    outputs = dict(
        line.split("=", 1) for line in (copy / "github_output").read_text("utf-8").splitlines()
    )
    if fault == "an unreadable chapter":
        assert run.returncode == 0, run.stdout + run.stderr
        assert (
            "::warning::chapters/02-two.md: cannot be read: permission denied (make it readable: "
            "`chmod a+r`); not counted"
        ) in run.stdout.splitlines()
        assert (outputs["word-count"], outputs["changed"]) == ("4", "true")
        assert outputs["commit-sha"] == head_of(copy / "origin.git")
    else:
        assert run.returncode == 1, run.stdout + run.stderr
        assert run.stdout.splitlines()[-1].startswith(
            "::error::Cannot write .draftforge/stats.json (Permission denied): make the folder "
        )
        assert outputs == FAILED_OUTPUTS
        assert head_of(copy / "origin.git") == git_repo.head()  # nothing pushed


def test_a_pipe_where_an_image_goes_is_left_alone_not_read(git_repo: GitRepo) -> None:
    book(git_repo)
    (git_repo.path / ".draftforge").mkdir()
    os.mkfifo(git_repo.path / ".draftforge/progress.svg")

    run = draftforge("stats", "--quiet", cwd=git_repo.path)

    assert run.returncode == 0, run.stderr
    assert " ".join(run.stderr.split()).startswith(
        "warning: .draftforge/progress.svg was not written by DraftForge Stats; it is left as it is"
    )
    assert stat.S_ISFIFO((git_repo.path / ".draftforge/progress.svg").lstat().st_mode)
    assert (git_repo.path / ".draftforge/stats.json").is_file()
