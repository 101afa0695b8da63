"""The git side of the GitHub Action: what a push changed, where to commit, and pushing safely.

Library code: it takes the repository, the runner's context and the inputs, and returns plain
values or raises :class:`~draftforge_stats.errors.ActionError`; it never prints. Git is
reached only through :mod:`..gitrepo` (`Repository.git`, `run_git`). The token reaches git
only through ``GIT_CONFIG_*`` variables of the one command that needs it (never argv, never
`.git/config`).
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from ..errors import ActionError, GitError, PushRejectedError
from ..gitrepo import Repository, run_git
from ..names import DRAFTFORGE_DIR, is_own_path
from .runner import Inputs, Runner

ZERO_SHA = "0" * 40
OWN_FOLDER = DRAFTFORGE_DIR
PULL_REQUEST_EVENTS = frozenset({"pull_request", "pull_request_target"})
#: Push attempts in all when the branch keeps moving, and the waits between them (seconds).
PUSH_ATTEMPTS = 4
PUSH_BACKOFF = (2.0, 4.0, 8.0)
#: A push payload lists at most this many commits; a full list may be cut short.
EVENT_COMMITS_LIMIT = 2048


# ---------------------------------------------------------------------------------------------
# Git with the token


def auth_header(token: str) -> str:
    """The HTTP header git sends to GitHub for `token` (as actions/checkout does)."""
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return f"AUTHORIZATION: basic {basic}"


def auth_env(token: str, server_url: str, environ: Mapping[str, str]) -> dict[str, str]:
    """`GIT_CONFIG_*` variables that give one git command the token, and nothing else.

    The header is scoped to the server's URL. An empty value comes first: it resets any
    header actions/checkout persisted in `.git/config`, so GitHub never receives two. The
    entries go after any `GIT_CONFIG_*` entries already in `environ`.
    """
    if not token:
        return {}
    try:
        start = int(environ.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        start = 0
    key = f"http.{server_url.rstrip('/')}/.extraheader"
    env = {"GIT_CONFIG_COUNT": str(start + 2)}
    for index, value in enumerate(("", auth_header(token)), start=start):
        env[f"GIT_CONFIG_KEY_{index}"] = key
        env[f"GIT_CONFIG_VALUE_{index}"] = value
    return env


def mark_safe_directory(workspace: Path) -> bool:
    """Trust `workspace` in the global git config (the container's root runs git on a
    checkout owned by the runner's user). False when it was trusted already."""
    wanted = str(workspace.resolve())
    try:
        listed = run_git("config", "--global", "--get-all", "safe.directory", cwd=Path("/"))
    except GitError:  # exit code 1: no value yet
        listed = ""
    if {"*", wanted, str(workspace)} & set(listed.splitlines()):
        return False
    run_git("config", "--global", "--add", "safe.directory", wanted, cwd=Path("/"))
    return True


def changed_paths(repo: Repository, base: str, head: str) -> list[str]:
    """Paths that differ between two commits."""
    out = repo.git("diff", "--no-renames", "--name-only", "-z", base, head, "--")
    return [p for p in out.split("\0") if p]


def head_changes(repo: Repository) -> list[str]:
    """Paths HEAD changed against its first parent (all its files for a root or shallow HEAD)."""
    if repo.has_commit("HEAD^1"):
        return changed_paths(repo, "HEAD^1", "HEAD")
    out = repo.git("diff-tree", "--root", "--no-commit-id", "-r", "--name-only", "-z", "HEAD")
    return [p for p in out.split("\0") if p]


def event_changes(repo: Repository, runner: Runner) -> tuple[list[str], str] | None:
    """The files the pushed commits changed, and how that was found; None when unknown."""
    if runner.event_name != "push":
        return None
    before = str(runner.event.get("before") or "")
    after = str(runner.event.get("after") or runner.sha or "")
    known = before not in {"", ZERO_SHA} and after not in {"", ZERO_SHA}
    if known and repo.has_commit(before) and repo.has_commit(after):
        return changed_paths(repo, before, after), f"{before[:7]}..{after[:7]}"
    commits = runner.event.get("commits")
    if before == ZERO_SHA or not isinstance(commits, list) or not commits:
        return None  # a new branch: everything on it is new
    if len(commits) >= EVENT_COMMITS_LIMIT:
        return None
    paths: set[str] = set()
    for commit in commits:
        if not isinstance(commit, dict):
            return None
        for key in ("added", "removed", "modified"):
            listed = commit.get(key)
            if not isinstance(listed, list):
                return None
            paths.update(str(p) for p in listed)
    return sorted(paths), "the push event's commit list"


def skip_reason(repo: Repository, runner: Runner, project_prefix: str) -> str | None:
    """Why this run has nothing to do, or None: the pushed commits changed only the action's
    own files, so the stats are current and a new round must not start.

    What the push changed comes from its event; only when that is unknown (a new branch, an
    event without its commit list) is HEAD itself looked at. Only a push has pushed commits:
    any other event (`schedule`, `workflow_dispatch`) always computes, as the stats also
    depend on the day (a streak ends).
    """
    if runner.event_name != "push":
        return None
    folder = f"{project_prefix}{OWN_FOLDER}/"
    found = event_changes(repo, runner)
    if found is not None:
        paths, how = found
        what = f"The pushed commits ({how}) changed only {folder} files"
    elif repo.head() is not None:
        paths = head_changes(repo)
        what = f"HEAD changed only {folder} files (a stats commit)"
    else:
        return None
    if paths and all(is_own_path(p, project_prefix) for p in paths):
        return f"{what}: the stats are current; nothing to do."
    return None


def is_shallow(repo: Repository) -> bool:
    return repo.git("rev-parse", "--is-shallow-repository").strip() == "true"


def current_branch(repo: Repository) -> str | None:
    try:
        ref = repo.git("symbolic-ref", "-q", "HEAD").strip()
    except GitError:
        return None
    return ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None


def commit_target(
    inputs: Inputs, runner: Runner, branch: str | None
) -> tuple[str | None, str | None]:
    """The branch to push the stats commit to, or None and why nothing is committed."""
    if not inputs.commit:
        return None, "`commit` is false: the stats file was written but not committed."
    if runner.event_name in PULL_REQUEST_EVENTS:
        return None, (
            "This is a pull request: nothing is committed to it; the stats are committed on "
            "the branch once it is merged."
        )
    if runner.ref_type == "tag" or runner.ref.startswith("refs/tags/"):
        return None, f"This run is for the tag {runner.ref_name or runner.ref}: tags are not moved."
    if branch is None:
        return (
            None,
            "HEAD is detached (a commit, not a branch, is checked out): nothing to push to.",
        )
    return branch, None


def file_state(repo: Repository, relpaths: Sequence[str]) -> list[str]:
    """`git status --porcelain` lines for these files: none when they all match HEAD,
    `!! <path>` for a new one matched by a `.gitignore`."""
    out = repo.git(
        "status", "--porcelain", "--untracked-files=all", "--ignored=matching", "--", *relpaths
    )
    return [line for line in out.splitlines() if line.strip()]


def commit_stats(repo: Repository, relpaths: Sequence[str], inputs: Inputs, now: datetime) -> str:
    """Commit only `relpaths` (the stats file and the images) with the action's identity and
    message, in one commit; the new commit's id."""
    stamp = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
    identity = {
        "GIT_AUTHOR_NAME": inputs.commit_user_name,
        "GIT_AUTHOR_EMAIL": inputs.commit_user_email,
        "GIT_COMMITTER_NAME": inputs.commit_user_name,
        "GIT_COMMITTER_EMAIL": inputs.commit_user_email,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
    }
    repo.git("add", "--force", "--", *relpaths)  # even when a .gitignore matches them
    repo.git(
        "commit", "--quiet", "--no-verify", "--no-gpg-sign", "--only",
        "--message", inputs.commit_message, "--", *relpaths,
        env=identity,
    )  # fmt: skip
    return repo.git("rev-parse", "HEAD").strip()


_REJECTED = re.compile(r"^\s*!\s*\[rejected\]|\(fetch first\)|\(non-fast-forward\)", re.MULTILINE)


def push_hint(message: str) -> str:
    """What to do about a push that failed for another reason than a moved branch."""
    lowered = message.lower()
    if "protected branch" in lowered or "gh006" in lowered or "gh013" in lowered:
        return (
            "The branch is protected: let the workflow's token bypass the rule, or give the "
            "action a token of a user or app that may push (see the README's troubleshooting)."
        )
    if "403" in message or "permission" in lowered or "denied" in lowered:
        return (
            "The token may not push: give the workflow `permissions: contents: write`, or pass "
            "a token that may."
        )
    return ""


def push(repo: Repository, branch: str, env: Mapping[str, str]) -> None:
    """Push HEAD to `branch` on origin; :class:`PushRejectedError` when the branch moved."""
    try:
        repo.git("push", "--quiet", "origin", f"HEAD:refs/heads/{branch}", env=env)
    except GitError as exc:
        text = str(exc)
        if _REJECTED.search(text):
            raise PushRejectedError(text) from None
        # git's lines as they are (without the padding of `remote:` lines), the hint after them
        lines = [line.rstrip() for line in text.splitlines()]
        lines.append(push_hint(text))
        raise ActionError(
            f"Could not push the stats commit to {branch}: " + "\n".join(filter(None, lines))
        ) from None


def remote_branch_exists(repo: Repository, branch: str, env: Mapping[str, str]) -> bool:
    """True when `branch` is on origin (asked from origin itself, not from the clone)."""
    out = repo.git("ls-remote", "--heads", "origin", f"refs/heads/{branch}", env=env)
    return any(line.endswith(f"\trefs/heads/{branch}") for line in out.splitlines())


def deleted_branch_error(branch: str) -> ActionError:
    return ActionError(
        f"The branch {branch} no longer exists on the remote (it was deleted while the job "
        "ran): nothing was pushed, so that the branch is not made again. Run the workflow on "
        "a branch that exists."
    )


def _status_paths(repo: Repository, *args: str) -> list[tuple[str, str]]:
    """`git status --porcelain -z` entries as (code, path)."""
    out = repo.git("status", "--porcelain", "-z", "--no-renames", *args)
    return [(entry[:2], entry[3:]) for entry in out.split("\0") if entry]


def overwritten_untracked(repo: Repository, ref: str, keep: Sequence[str]) -> list[str]:
    """The untracked (or ignored) files of the work tree that checking out `ref` would
    overwrite or remove: `ref` has a file at that path, a folder there, or a file where the
    path has a folder. `keep` (the run's own files: the stats file, the images) is left out."""
    names = repo.git("ls-tree", "-r", "-z", "--name-only", "--full-tree", ref).split("\0")
    files = {name for name in names if name}
    folders = {parent for name in files for parent in _parents(name)}
    entries = _status_paths(repo, "--untracked-files=all", "--ignored=traditional")
    found = []
    for code, path in entries:
        if code not in {"??", "!!"} or path in keep:
            continue
        path = path.rstrip("/")
        if path in files or path in folders or any(p in files for p in _parents(path)):
            found.append(path)
    return sorted(found)


def _parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:index]) for index in range(1, len(parts))]


def move_to_remote_head(
    repo: Repository, branch: str, relpaths: Sequence[str], env: Mapping[str, str]
) -> str:
    """Fetch `branch` and put the checkout on its new head (our unpushed commit is dropped).

    Refuses when anything but the run's own files (`relpaths`) would be lost: tracked files
    with uncommitted changes, or untracked and ignored files the new head has (a hard reset
    would overwrite them). Returns the new head's id.
    """
    remote_ref = f"refs/remotes/origin/{branch}"
    if not remote_branch_exists(repo, branch, env):
        raise deleted_branch_error(branch)
    repo.git(
        "fetch", "--quiet", "--no-tags", "origin", f"+refs/heads/{branch}:{remote_ref}", env=env
    )
    own = set(relpaths)
    changed = _status_paths(repo, "--untracked-files=no")
    others = sorted({path for _, path in changed if path not in own})
    if others:
        raise ActionError(
            f"{branch} moved on the remote, and moving onto its new head would discard "
            f"uncommitted changes to {', '.join(others)}: commit them in an earlier step or "
            "run this action before changing files."
        )
    untracked = overwritten_untracked(repo, remote_ref, relpaths)
    if untracked:
        raise ActionError(
            f"{branch} moved on the remote, and its new head has files at the paths of "
            f"untracked files here: {', '.join(untracked)}. Moving onto it would overwrite "
            "them, so nothing was pushed: remove or commit them in an earlier step, or run "
            "this action before making files."
        )
    repo.git("reset", "--quiet", "--hard", remote_ref)
    return repo.git("rev-parse", "HEAD").strip()


# ---------------------------------------------------------------------------------------------
# File ownership


def restore_ownership(workspace: Path, paths: Iterable[Path], *, euid: int | None = None) -> int:
    """Give `paths` (and what root created in the workspace's `.git`) back to the owner of
    `workspace`, when this process is root and the workspace is someone else's.

    The container runs as root on a checkout owned by the runner's user: files root leaves
    behind would stop later steps from editing the stats or committing. Returns how many
    entries changed owner.
    """
    euid = os.geteuid() if euid is None else euid
    owner = workspace.stat()
    if euid != 0 or owner.st_uid == 0:
        return 0
    uid, gid = owner.st_uid, owner.st_gid

    def fix(path: Path) -> int:
        try:
            info = path.lstat()
        except FileNotFoundError:
            return 0
        if info.st_uid == uid and info.st_gid == gid:
            return 0
        os.lchown(path, uid, gid)
        return 1

    changed = sum(fix(path) for path in paths)
    git_dir = workspace / ".git"
    if git_dir.is_dir() and not git_dir.is_symlink():
        for folder, dirs, files in os.walk(git_dir):
            base = Path(folder)
            for name in (*dirs, *files):
                entry = base / name
                if entry.lstat().st_uid == 0:
                    changed += fix(entry)
    return changed


__all__ = [
    "EVENT_COMMITS_LIMIT",
    "OWN_FOLDER",
    "PULL_REQUEST_EVENTS",
    "PUSH_ATTEMPTS",
    "PUSH_BACKOFF",
    "ZERO_SHA",
    "PushRejectedError",
    "auth_env",
    "auth_header",
    "changed_paths",
    "commit_stats",
    "commit_target",
    "current_branch",
    "deleted_branch_error",
    "event_changes",
    "file_state",
    "head_changes",
    "is_own_path",
    "is_shallow",
    "mark_safe_directory",
    "move_to_remote_head",
    "overwritten_untracked",
    "push",
    "push_hint",
    "remote_branch_exists",
    "restore_ownership",
    "skip_reason",
]
