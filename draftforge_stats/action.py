"""The GitHub Action's job: compute the stats, commit them back safely, report, notify the API.

This is the Action's entry point (`draftforge action`, the Docker image's entry point). It is the
one module besides `cli/` that reads the environment and writes to the log: GitHub workflow
commands (``::warning::``, ``::add-mask::``), ``$GITHUB_OUTPUT`` and ``$GITHUB_STEP_SUMMARY``.
The decisions are plain functions of plain data, so they are tested without a runner; the job
itself (:func:`run_action`) runs against real clones and remotes in the tests, exactly as on a
runner, with only the waiting made injectable.

Secrets: the token, the API token and the webhook secret are masked first thing, and every
line this module writes goes through the same scrubber. The token reaches git only through
``GIT_CONFIG_*`` variables of the one command that needs it (never argv, never `.git/config`).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from .config import load_config
from .errors import DraftForgeError, GitError
from .gitrepo import Repository, run_git
from .models import Stats
from .notify import NotifyError, build_payload, send_stats
from .output import STATS_FILE
from .pipeline import find_project_root, run_stats
from .streaks import DayRule
from .summary import build_summary, words_today

ZERO_SHA = "0" * 40
OWN_FOLDER = ".draftforge"
#: Changes to these files inside `.draftforge/` do change the stats, so they are never "own".
NOT_OWN_FILES = frozenset({"config.yml"})
PULL_REQUEST_EVENTS = frozenset({"pull_request", "pull_request_target"})
#: Push attempts in all when the branch keeps moving, and the waits between them (seconds).
PUSH_ATTEMPTS = 4
PUSH_BACKOFF = (2.0, 4.0, 8.0)
#: A push payload lists at most this many commits; a full list may be cut short.
EVENT_COMMITS_LIMIT = 2048


class ActionError(DraftForgeError):
    """The job cannot do what it was asked; the message says why and what to do."""


class InputError(ActionError):
    """An input of the action has a value it cannot use (exit code 2)."""


class PushRejectedError(ActionError):
    """The branch moved on the remote since the checkout: fetch, recompute, try again."""


# ---------------------------------------------------------------------------------------------
# Inputs and the runner's context


@dataclass(frozen=True)
class Inputs:
    """The action's inputs (`action.yml`), with the same defaults."""

    path: str = "."
    token: str = ""
    commit: bool = True
    commit_message: str = "chore(stats): update writing stats [skip ci]"
    commit_user_name: str = "github-actions[bot]"
    commit_user_email: str = "41898282+github-actions[bot]@users.noreply.github.com"
    api_url: str = ""
    api_token: str = ""
    webhook_secret: str = ""
    fail_on_notify_error: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Inputs:
        """Read `INPUT_<NAME>` variables as the runner sets them (hyphens kept, upper case).

        An input that is missing or empty takes its default (the runner sends every input,
        empty when the workflow gave none and `action.yml` has no default).
        """
        defaults = cls()
        values: dict[str, Any] = {}
        for name, default in vars(defaults).items():
            raw = env.get(input_variable(name.replace("_", "-")), "")
            if isinstance(default, bool):
                values[name] = parse_boolean(name.replace("_", "-"), raw, default)
            elif name in {"token", "api_token", "webhook_secret"}:
                values[name] = raw.strip()
            else:
                values[name] = raw.strip() or default
        return cls(**values)

    def secrets(self) -> list[str]:
        return [s for s in (self.token, self.api_token, self.webhook_secret) if s]


def input_variable(name: str) -> str:
    """The variable the runner sets for input `name`: `INPUT_` + upper case, spaces as `_`."""
    return "INPUT_" + name.replace(" ", "_").upper()


def parse_boolean(name: str, raw: str, default: bool) -> bool:
    """A boolean input as GitHub's toolkit reads one (YAML 1.2 true/false); empty: `default`."""
    value = raw.strip()
    if not value:
        return default
    if value in {"true", "True", "TRUE"}:
        return True
    if value in {"false", "False", "FALSE"}:
        return False
    raise InputError(f"input `{name}` must be true or false, not {value!r}")


@dataclass(frozen=True)
class Runner:
    """What the runner tells the job about itself (its `GITHUB_*` variables)."""

    workspace: Path
    repository: str = ""
    ref: str = ""
    ref_name: str = ""
    ref_type: str = ""
    event_name: str = ""
    event: Mapping[str, Any] = field(default_factory=dict)
    sha: str = ""
    server_url: str = "https://github.com"
    output_path: Path | None = None
    summary_path: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Runner:
        def path_of(name: str) -> Path | None:
            value = env.get(name, "").strip()
            return Path(value) if value else None

        return cls(
            workspace=path_of("GITHUB_WORKSPACE") or Path.cwd(),
            repository=env.get("GITHUB_REPOSITORY", ""),
            ref=env.get("GITHUB_REF", ""),
            ref_name=env.get("GITHUB_REF_NAME", ""),
            ref_type=env.get("GITHUB_REF_TYPE", ""),
            event_name=env.get("GITHUB_EVENT_NAME", ""),
            event=read_event(path_of("GITHUB_EVENT_PATH")),
            sha=env.get("GITHUB_SHA", ""),
            server_url=(env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/"),
            output_path=path_of("GITHUB_OUTPUT"),
            summary_path=path_of("GITHUB_STEP_SUMMARY"),
        )


def read_event(path: Path | None) -> dict[str, Any]:
    """The event payload; empty when there is none or it cannot be read."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# ---------------------------------------------------------------------------------------------
# The log: workflow commands, with every secret scrubbed


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's toolkit does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


class Log:
    """Writes the job's lines and workflow commands; no secret ever gets through."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._secrets: list[str] = []

    def mask(self, value: str) -> None:
        """Tell the runner to hide `value` in the log, and scrub it from all later lines."""
        if not value or value in self._secrets:
            return
        self._stream.write(f"::add-mask::{escape_data(value)}\n")
        self._stream.flush()
        self._secrets.append(value)
        self._secrets.sort(key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _command(self, command: str, message: str) -> None:
        self._stream.write(f"::{command}::{escape_data(self.scrub(message))}\n")
        self._stream.flush()

    def info(self, message: str) -> None:
        self._stream.write(self.scrub(message) + "\n")
        self._stream.flush()

    def notice(self, message: str) -> None:
        self._command("notice", message)

    def warning(self, message: str) -> None:
        self._command("warning", message)

    def error(self, message: str) -> None:
        self._command("error", message)

    @contextlib.contextmanager
    def group(self, title: str) -> Iterator[None]:
        self._command("group", title)
        try:
            yield
        finally:
            self._stream.write("::endgroup::\n")
            self._stream.flush()


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


def commit_exists(repo: Repository, sha: str) -> bool:
    try:
        repo.git("cat-file", "-e", f"{sha}^{{commit}}")
    except GitError:
        return False
    return True


def head_changes(repo: Repository) -> list[str]:
    """Paths HEAD changed against its first parent (all its files for a root or shallow HEAD)."""
    if commit_exists(repo, "HEAD^1"):
        return changed_paths(repo, "HEAD^1", "HEAD")
    out = repo.git("diff-tree", "--root", "--no-commit-id", "-r", "--name-only", "-z", "HEAD")
    return [p for p in out.split("\0") if p]


def is_own_path(path: str, project_prefix: str) -> bool:
    """True for a file the action itself maintains: inside the project's `.draftforge/`,
    except the config (which changes what the stats say)."""
    folder = f"{project_prefix}{OWN_FOLDER}/"
    return path.startswith(folder) and path[len(folder) :] not in NOT_OWN_FILES


def event_changes(repo: Repository, runner: Runner) -> tuple[list[str], str] | None:
    """The files the pushed commits changed, and how that was found; None when unknown."""
    if runner.event_name != "push":
        return None
    before = str(runner.event.get("before") or "")
    after = str(runner.event.get("after") or runner.sha or "")
    known = before not in {"", ZERO_SHA} and after not in {"", ZERO_SHA}
    if known and commit_exists(repo, before) and commit_exists(repo, after):
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
    """Why this run has nothing to do, or None: the pushed commits (or HEAD itself) changed
    only the action's own files, so the stats are current and a new round must not start."""
    found = event_changes(repo, runner)
    if found is not None:
        paths, how = found
        if paths and all(is_own_path(p, project_prefix) for p in paths):
            return (
                f"The pushed commits ({how}) changed only {project_prefix}{OWN_FOLDER}/ files: "
                "the stats are current; nothing to do."
            )
    if repo.head() is None:
        return None
    paths = head_changes(repo)
    if paths and all(is_own_path(p, project_prefix) for p in paths):
        return (
            f"HEAD changed only {project_prefix}{OWN_FOLDER}/ files (a stats commit): the stats "
            "are current; nothing to do."
        )
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


def file_state(repo: Repository, relpath: str) -> str:
    """`git status --porcelain` for one file: empty when it matches HEAD."""
    return repo.git("status", "--porcelain", "--untracked-files=all", "--", relpath).strip()


def commit_stats(repo: Repository, relpath: str, inputs: Inputs, now: datetime) -> str:
    """Commit only `relpath` with the action's identity and message; the new commit's id."""
    stamp = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
    identity = {
        "GIT_AUTHOR_NAME": inputs.commit_user_name,
        "GIT_AUTHOR_EMAIL": inputs.commit_user_email,
        "GIT_COMMITTER_NAME": inputs.commit_user_name,
        "GIT_COMMITTER_EMAIL": inputs.commit_user_email,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
    }
    repo.git("add", "--", relpath)
    repo.git(
        "commit", "--quiet", "--no-verify", "--no-gpg-sign", "--only",
        "--message", inputs.commit_message, "--", relpath,
        env=identity,
    )  # fmt: skip
    return repo.git("rev-parse", "HEAD").strip()


_REJECTED = re.compile(r"^\s*!\s*\[rejected\]|\(fetch first\)|\(non-fast-forward\)", re.MULTILINE)


def push_hint(message: str) -> str:
    """What to do about a push that failed for another reason than a moved branch."""
    lowered = message.lower()
    if "protected branch" in lowered or "gh006" in lowered or "gh013" in lowered:
        return (
            " The branch is protected: let the workflow's token bypass the rule, or give the "
            "action a token of a user or app that may push (see the README's troubleshooting)."
        )
    if "403" in message or "permission" in lowered or "denied" in lowered:
        return (
            " The token may not push: give the workflow `permissions: contents: write`, or pass "
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
        raise ActionError(
            f"Could not push the stats commit to {branch}: {text}{push_hint(text)}"
        ) from None


def move_to_remote_head(repo: Repository, branch: str, relpath: str, env: Mapping[str, str]) -> str:
    """Fetch `branch` and put the checkout on its new head (our unpushed commit is dropped).

    Refuses when tracked files other than the stats file have uncommitted changes: a hard
    reset would destroy them. Returns the new head's id.
    """
    remote_ref = f"refs/remotes/origin/{branch}"
    repo.git(
        "fetch", "--quiet", "--no-tags", "origin", f"+refs/heads/{branch}:{remote_ref}", env=env
    )
    status = repo.git("status", "--porcelain", "-z", "--no-renames", "--untracked-files=no").split(
        "\0"
    )
    others = sorted({entry[3:] for entry in status if entry and entry[3:] != relpath})
    if others:
        raise ActionError(
            f"{branch} moved on the remote, and moving onto its new head would discard "
            f"uncommitted changes to {', '.join(others)}: commit them in an earlier step or "
            "run this action before changing files."
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


# ---------------------------------------------------------------------------------------------
# Outputs


def writing_day(
    repo: Repository, stats: Stats | None, zone: tzinfo | None, day_starts_at: int, now: datetime
) -> str:
    """Today's writing day (YYYY-MM-DD), by the history's own day rule.

    With `stats.timezone`, `now` in that zone; without one, in the UTC offset of the newest
    history entry's commit (the author's latest known clock), else UTC.
    """
    rule = DayRule(zone, day_starts_at)
    offset: tzinfo | None = None
    if zone is None and stats is not None and stats.history:
        try:
            stamp = repo.git("log", "-1", "--format=%aI", stats.history[0].commit_sha).strip()
            offset = datetime.fromisoformat(stamp).tzinfo
        except (GitError, ValueError):
            offset = None
    return rule.today(now, offset).isoformat()


def action_outputs(
    stats: Stats | None, *, today: str, changed: bool, commit_sha: str, notified: bool
) -> dict[str, str]:
    """The action's outputs (all strings; counts empty when there are no stats)."""

    def count(value: int | None) -> str:
        return "" if value is None else str(value)

    return {
        "word-count": count(stats.current.word_count if stats else None),
        "chapter-count": count(stats.current.chapter_count if stats else None),
        "character-count": count(stats.current.character_count if stats else None),
        "words-written-today": count(words_today(stats, today) if stats else None),
        "current-streak": count(stats.streaks.current_days if stats else None),
        "changed": "true" if changed else "false",
        "commit-sha": commit_sha,
        "notified": "true" if notified else "false",
    }


def format_outputs(outputs: Mapping[str, str]) -> str:
    """`$GITHUB_OUTPUT` lines: `name=value`, or a heredoc for a value with line breaks."""
    lines: list[str] = []
    for name, value in outputs.items():
        if "\n" in value or "\r" in value:
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
            lines += [f"{name}<<{delimiter}", value, delimiter]
        else:
            lines.append(f"{name}={value}")
    return "\n".join(lines) + "\n"


def append_text(path: Path, text: str) -> None:
    """Append to a runner file (`$GITHUB_OUTPUT`, `$GITHUB_STEP_SUMMARY`), never truncating."""
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def load_stored(path: Path) -> Stats | None:
    try:
        return Stats.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# The job


@dataclass
class Outcome:
    """What the job did: its outputs, its summary and the exit code."""

    exit_code: int
    outputs: dict[str, str] = field(default_factory=dict)
    summary: str | None = None


def run_action(
    inputs: Inputs,
    runner: Runner,
    log: Log,
    *,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
    before_push: Callable[[int], None] | None = None,
) -> Outcome:
    """The whole job. Raises :class:`ActionError` (and other `DraftForgeError`) on failure.

    `sleep` is used for every wait (push backoff, webhook retries); `before_push(attempt)` is
    called right before each push, so tests can move the branch in between (a real race).
    """
    now = now or datetime.now(UTC)
    workspace = runner.workspace.resolve()
    if mark_safe_directory(workspace):
        log.info(f"Marked {workspace} as a safe git directory.")
    if not (workspace / inputs.path).is_dir():
        raise InputError(f"input `path`: {inputs.path} is not a folder of the workspace")
    root, repo = find_project_root(workspace / inputs.path)
    if repo is None:
        raise ActionError(
            f"{workspace} is not a git checkout: run actions/checkout (with fetch-depth: 0) "
            "before this action."
        )
    job = _Job(
        inputs=inputs,
        runner=runner,
        log=log,
        repo=repo,
        root=root,
        prefix="" if root == repo.root else root.relative_to(repo.root).as_posix() + "/",
        git_env=auth_env(inputs.token, runner.server_url, os.environ),
        now=now,
        sleep=sleep,
        before_push=before_push,
    )

    reason = skip_reason(repo, runner, job.prefix)
    if reason is not None:
        log.notice(reason)
        job.stats = load_stored(root / STATS_FILE)
        job.status = reason
        return job.finish(notify=False, branch=None)

    owned = [root / STATS_FILE]
    if not (root / OWN_FOLDER).exists():
        owned.append(root / OWN_FOLDER)
    try:
        if is_shallow(repo):
            job.unshallow()
        target, why_not = commit_target(inputs, runner, current_branch(repo))
        job.compute("Computing the stats")
        if target is None:
            log.notice(why_not or "Nothing committed.")
            job.status = (
                f"The stats {'changed' if job.changed else 'did not change'}; nothing was "
                f"committed. {why_not}"
            )
        else:
            job.commit_and_push(target)
    finally:
        try:
            restore_ownership(workspace, owned)
        except OSError as exc:
            log.warning(f"Could not give the stats file back to the workspace's owner: {exc}")
    notify = runner.event_name not in PULL_REQUEST_EVENTS
    if not notify and inputs.api_url:
        job.notes.append("The DraftForge API is not notified of pull requests.")
    return job.finish(notify=notify, branch=target)


@dataclass
class _Job:
    """One run of the job: what it was given, and what it found out and did so far."""

    inputs: Inputs
    runner: Runner
    log: Log
    repo: Repository
    root: Path
    prefix: str  # the project folder inside the repository, "" or ending in "/"
    git_env: Mapping[str, str]
    now: datetime
    sleep: Callable[[float], None]
    before_push: Callable[[int], None] | None
    stats: Stats | None = None
    commit_sha: str = ""
    changed: bool = False
    status: str = ""
    notes: list[str] = field(default_factory=list)
    today: str | None = None  # the writing day the pipeline counted the streaks to

    @property
    def stats_rel(self) -> str:
        return self.prefix + STATS_FILE.as_posix()

    def unshallow(self) -> None:
        """Fetch the whole history; on failure go on with what there is, and say so."""
        ref = self.runner.ref
        if ref.startswith("refs/heads/"):
            refspec = f"+{ref}:refs/remotes/origin/{ref.removeprefix('refs/heads/')}"
        else:
            refspec = ref
        args = ["fetch", "--quiet", "--unshallow", "--no-tags", "origin"]
        if refspec:
            args.append(refspec)
        with self.log.group("Fetching the full history (the clone is shallow)"):
            try:
                self.repo.git(*args, env=self.git_env)
            except GitError as exc:
                self.log.warning(
                    f"The clone is shallow and fetching the full history failed ({exc}); "
                    "going on with the commits there are and the history stored in the stats "
                    "file (nothing in it is lost). Use actions/checkout with `fetch-depth: 0`."
                )
                self.notes.append(
                    "The clone was shallow and its full history could not be fetched."
                )
                return
        if is_shallow(self.repo):
            self.log.warning("The clone is still shallow after fetching: use `fetch-depth: 0`.")
        else:
            self.log.info("Fetched the full history.")

    def compute(self, title: str) -> None:
        with self.log.group(title):
            run = run_stats(self.root, now=self.now, write=True)
            for warning in run.warnings:
                self.log.warning(warning)
            for note in run.notes:
                self.log.info(f"note: {note}")
            current = run.stats.current
            self.log.info(
                f"{_plural(current.word_count, 'word')} in "
                f"{_plural(current.chapter_count, 'chapter')}; the stats "
                f"{'changed' if run.changed else 'did not change'}."
            )
        self.stats = run.stats
        self.changed = run.changed
        self.today = run.today.isoformat() if run.today is not None else None

    def commit_and_push(self, branch: str) -> None:
        """Commit the stats file and push it; when the branch moved, move onto it and redo."""
        for attempt in range(1, PUSH_ATTEMPTS + 1):
            if not file_state(self.repo, self.stats_rel):
                self.status = "The stats file is up to date; nothing to commit."
                self.log.info(self.status)
                return
            sha = commit_stats(self.repo, self.stats_rel, self.inputs, self.now)
            if self.before_push is not None:
                self.before_push(attempt)
            try:
                push(self.repo, branch, self.git_env)
            except PushRejectedError:
                if attempt == PUSH_ATTEMPTS:
                    raise ActionError(
                        f"Gave up pushing the stats to {branch} after {PUSH_ATTEMPTS} attempts: "
                        "the branch kept moving. Give the workflow a `concurrency` group, and "
                        "run it again."
                    ) from None
                wait = PUSH_BACKOFF[min(attempt, len(PUSH_BACKOFF)) - 1]
                self.log.info(
                    f"{branch} moved on the remote since the checkout; moving onto its new "
                    f"head in {wait:g} s (attempt {attempt + 1} of {PUSH_ATTEMPTS})."
                )
                self.sleep(wait)
                head = move_to_remote_head(self.repo, branch, self.stats_rel, self.git_env)
                paths = head_changes(self.repo)
                if paths and all(is_own_path(p, self.prefix) for p in paths):
                    self.stats = load_stored(self.root / STATS_FILE) or self.stats
                    self.changed = False
                    self.status = (
                        f"{branch} moved to {head[:7]}, a stats commit: the stats there are "
                        "current; nothing to commit."
                    )
                    self.log.notice(self.status)
                    return
                self.compute(f"Recomputing the stats on {head[:7]}")
                continue
            self.commit_sha = sha
            self.changed = True
            self.status = f"Committed the stats to {branch} as `{sha[:7]}`."
            self.log.notice(f"Committed the stats to {branch} as {sha[:7]} and pushed.")
            return

    def notify(self, branch: str | None) -> bool:
        """Send the webhook; True when delivered. A failure is a warning, or (with
        `fail-on-notify-error`) an :class:`ActionError`."""
        assert self.stats is not None
        inputs = self.inputs
        try:
            payload = build_payload(
                self.stats.model_dump(mode="json"),
                repository=self.runner.repository,
                ref=f"refs/heads/{branch}" if branch else self.runner.ref,
                stats_commit_sha=self.commit_sha or None,
            )
            delivery = send_stats(
                inputs.api_url,
                payload,
                secret=inputs.webhook_secret or None,
                token=inputs.api_token or None,
                sleep=self.sleep,
            )
        except NotifyError as exc:
            problem = str(exc)
        else:
            if delivery.delivered:
                attempts = (
                    "1 attempt" if delivery.attempts == 1 else f"{delivery.attempts} attempts"
                )
                self.log.info(f"Notified the DraftForge API ({delivery.webhook_id}, {attempts}).")
                return True
            problem = delivery.error or "not delivered"
        message = f"The DraftForge API was not notified: {problem}"
        if inputs.fail_on_notify_error:
            raise ActionError(message)
        self.log.warning(message)
        self.notes.append("The DraftForge API could not be notified (see the warning).")
        return False

    def finish(self, *, notify: bool, branch: str | None) -> Outcome:
        """Notify (when asked to and configured), then the outputs and the summary."""
        today = self.today
        if today is None:  # nothing computed in this run: the same day rule as the pipeline
            settings = load_config(self.root).stats
            today = writing_day(
                self.repo, self.stats, settings.zone(), settings.day_starts_at, self.now
            )
        notified = False
        failure: ActionError | None = None
        if notify and self.inputs.api_url and self.stats is not None:
            try:
                notified = self.notify(branch)
            except ActionError as exc:  # fail-on-notify-error: still give outputs and summary
                failure = exc
                self.notes.append("The DraftForge API could not be notified.")
        outputs = action_outputs(
            self.stats,
            today=today,
            changed=self.changed,
            commit_sha=self.commit_sha,
            notified=notified,
        )
        summary = None
        if self.stats is not None:
            summary = build_summary(self.stats, today=today, status=self.status, notes=self.notes)
        if failure is not None:
            self.log.error(str(failure))
        return Outcome(exit_code=1 if failure else 0, outputs=outputs, summary=summary)


def main(
    env: Mapping[str, str],
    stream: TextIO,
    *,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
    before_push: Callable[[int], None] | None = None,
) -> int:
    """Run the job as the runner starts it, from its environment; the exit code.

    Secrets are masked before anything else is written. Errors become ``::error::`` lines
    (exit 1; 2 for an unusable input); the outputs and the summary go to the runner's files.
    """
    log = Log(stream)
    for name in ("token", "api-token", "webhook-secret"):
        value = env.get(input_variable(name), "").strip()
        if value:
            log.mask(value)
            if name == "token":
                log.mask(auth_header(value).partition("basic ")[2])
    try:
        inputs = Inputs.from_env(env)
        runner = Runner.from_env(env)
        outcome = run_action(inputs, runner, log, now=now, sleep=sleep, before_push=before_push)
    except InputError as exc:
        log.error(str(exc))
        return 2
    except DraftForgeError as exc:
        log.error(str(exc))
        return 1
    if runner.output_path is not None:
        append_text(runner.output_path, log.scrub(format_outputs(outcome.outputs)))
    else:
        for name, value in outcome.outputs.items():
            log.info(f"{name}={value}")
    if outcome.summary is not None and runner.summary_path is not None:
        append_text(runner.summary_path, log.scrub(outcome.summary))
    return outcome.exit_code


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


__all__ = [
    "ActionError",
    "InputError",
    "Inputs",
    "Log",
    "Outcome",
    "Runner",
    "action_outputs",
    "auth_env",
    "auth_header",
    "commit_target",
    "escape_data",
    "format_outputs",
    "is_own_path",
    "main",
    "parse_boolean",
    "restore_ownership",
    "run_action",
    "skip_reason",
    "writing_day",
]
