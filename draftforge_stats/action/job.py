"""The GitHub Action's job: compute the stats, commit them back safely, report, notify the API.

This is the Action's entry point (`draftforge action`, the Docker image's entry point) and its
orchestration, top to bottom: :func:`main` reads the runner's environment, :func:`run_action`
runs the job, :class:`_Job` holds one run's state. It is the one module besides `cli/` that
reads the environment; the runner's side (inputs, log, output files) is :mod:`.runner`, the
git side (what changed, committing, pushing) :mod:`.push`. The decisions are plain
functions of plain data, so they are tested without a runner; the job itself
(:func:`run_action`) runs against real clones and remotes in the tests, exactly as on a
runner, with only the waiting made injectable.

Secrets: the token, the API token and the webhook secret are masked first thing, and every
line the job writes goes through the same scrubber.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import field, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TextIO

from ..config import load_config
from ..discover import project_prefix
from ..errors import (
    ActionError,
    DraftForgeError,
    GitError,
    InputError,
    NotifyError,
    Problem,
    ProblemsError,
)
from ..gitrepo import Repository
from ..goaltext import today_changes
from ..history import DayRule
from ..names import IMAGE_FILES, STATS_FILE
from ..pipeline import find_project_root, run_stats
from ..records import dataclass
from ..statsfile import Stats, load_stats
from ..validation.reporters import github_command
from ..webhook.delivery import check_secret, send_stats
from ..webhook.payload import make_identity, payload_for
from ..wording import plural as _plural
from .push import (
    OWN_FOLDER,
    PULL_REQUEST_EVENTS,
    PUSH_ATTEMPTS,
    PUSH_BACKOFF,
    PushRejectedError,
    auth_env,
    auth_header,
    commit_stats,
    commit_target,
    current_branch,
    deleted_branch_error,
    file_state,
    head_changes,
    is_own_path,
    is_shallow,
    mark_safe_directory,
    move_to_remote_head,
    push,
    remote_branch_exists,
    restore_ownership,
    skip_reason,
)
from .runner import (
    Inputs,
    Log,
    Runner,
    append_text,
    check_runner_files,
    format_outputs,
    input_variable,
)
from .summary import build_summary, failure_summary, words_today
from .workspace import checked_workspace, own_repository, project_path

# ---------------------------------------------------------------------------------------------
# The job


@dataclass
class Outcome:
    """What the job did: its outputs, its summary and the exit code."""

    exit_code: int
    outputs: dict[str, str] = field(default_factory=dict)
    summary: str | None = None
    status: str = ""  # what the run did (what it pushed), for a message when reporting fails


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
        _check_webhook_secret(inputs)
        runner = Runner.from_env(env)
    except InputError as exc:
        log.error(str(exc))
        return 2
    try:
        check_runner_files(runner)
    except ActionError as exc:  # no outputs or summary can be given: only the log
        log.error(str(exc))
        return 1
    try:
        outcome = run_action(inputs, runner, log, now=now, sleep=sleep, before_push=before_push)
    except DraftForgeError as exc:  # before the job had changed anything
        outcome = failed(exc, log, status="Nothing was changed or pushed.")
    return report(outcome, runner, log)


def failed(
    exc: DraftForgeError, log: Log, *, status: str, prefix: str = "", pushed: str = ""
) -> Outcome:
    """The outcome of a job that failed with `exc`: the error in the log (one annotation per
    problem of a file, at its line and column, as `validate --format github` shows them),
    outputs without counts, and a summary that says what is wrong and what was done
    (`status`). `prefix` is the project's folder in the repository, for the file names;
    `pushed` the stats commit the run pushed before it failed, if any."""
    problems: list[Problem] = []
    log.info(status)
    if isinstance(exc, ProblemsError):
        problems = [replace(p, file=prefix + p.file) for p in exc.problems]
        for problem in problems:
            log.annotation(github_command(problem))
        log.info(exc.summary)
    else:
        log.error(str(exc))
    outputs = action_outputs(
        None, today="", changed=bool(pushed), commit_sha=pushed, notified=False
    )
    return Outcome(
        exit_code=exc.exit_code,
        outputs=outputs,
        summary=failure_summary(str(exc), problems, status),
        status=status,
    )


def report(outcome: Outcome, runner: Runner, log: Log) -> int:
    """Write the outputs and the summary to the runner's files; the job's exit code (1 when a
    file could not be written: the message then says what the job did)."""
    code = outcome.exit_code
    if runner.output_path is None:
        for name, value in outcome.outputs.items():
            log.info(f"{name}={value}")
    files = [(runner.output_path, format_outputs(outcome.outputs), "outputs")]
    if outcome.summary is not None:
        files.append((runner.summary_path, outcome.summary, "job summary"))
    for path, text, what in files:
        if path is None:
            continue
        try:
            append_text(path, log.scrub(text))
        except OSError as exc:
            log.error(
                f"Could not write the {what} to {path} ({exc.strerror or exc}). "
                f"{outcome.status or 'Nothing was pushed.'}"
            )
            code = max(code, 1)
    return code


def _check_webhook_secret(inputs: Inputs) -> None:
    """An unusable `webhook-secret` is an input error before any work is done."""
    try:
        check_secret(inputs.webhook_secret or None)
    except NotifyError as exc:
        raise InputError(f"input `webhook-secret`: {exc}") from None


def run_action(
    inputs: Inputs,
    runner: Runner,
    log: Log,
    *,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
    before_push: Callable[[int], None] | None = None,
) -> Outcome:
    """The whole job. Raises :class:`ActionError` (and other `DraftForgeError`) when it cannot
    start (the workspace, `path` or the checkout are unusable: nothing was changed); once it
    has started, a failure is an outcome (see :func:`failed`) that says what was pushed.

    `sleep` is used for every wait (push backoff, webhook retries); `before_push(attempt)` is
    called right before each push, so tests can move the branch in between (a real race).
    """
    now = now or datetime.now(UTC)
    workspace = checked_workspace(runner.workspace)
    project = project_path(workspace, inputs.path)
    if mark_safe_directory(workspace):
        log.info(f"Marked {workspace} as a safe git directory.")
    root, found = find_project_root(project)
    repo = own_repository(workspace, found)
    job = _Job(
        inputs=inputs,
        runner=runner,
        log=log,
        repo=repo,
        root=root,
        prefix=project_prefix(root, repo.root),
        git_env=auth_env(inputs.token, runner.server_url, os.environ),
        now=now,
        sleep=sleep,
        before_push=before_push,
    )

    try:
        return job.run(workspace)
    except DraftForgeError as exc:
        return failed(
            exc, log, status=job.pushed_status(), prefix=job.prefix, pushed=job.commit_sha
        )
    except Exception:  # a bug (exit 3, with its traceback): still say what was pushed
        log.error(f"DraftForge Stats hit a bug. {job.pushed_status()}")
        raise


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
    files: list[str] = field(default_factory=list)  # the run's own files, from the repo's top

    @property
    def stats_rel(self) -> str:
        return self.prefix + STATS_FILE.as_posix()

    def pushed_status(self) -> str:
        """What this run pushed so far, in words."""
        if self.commit_sha:
            return f"The stats commit `{self.commit_sha[:7]}` was pushed before the failure."
        return "Nothing was pushed."

    def run(self, workspace: Path) -> Outcome:
        """The job, once its workspace, project and repository are known."""
        inputs, runner, log, repo, root = self.inputs, self.runner, self.log, self.repo, self.root
        reason = skip_reason(repo, runner, self.prefix)
        if reason is not None:
            log.notice(reason)
            self.stats = load_stats(root / STATS_FILE, within=root)
            self.status = reason
            return self.finish(notify=False, branch=None)

        owned = [root / STATS_FILE]
        if not (root / OWN_FOLDER).exists():
            owned.append(root / OWN_FOLDER)
        owned += [root / image for image in IMAGE_FILES]
        try:
            if is_shallow(repo):
                self.unshallow()
            target, why_not = commit_target(inputs, runner, current_branch(repo))
            self.compute("Computing the stats")
            if target is None:
                log.notice(why_not or "Nothing committed.")
                self.status = (
                    f"The stats {'changed' if self.changed else 'did not change'}; nothing was "
                    f"committed. {why_not}"
                )
            else:
                self.commit_and_push(target)
        finally:
            try:
                restore_ownership(workspace, owned)
            except OSError as exc:
                log.warning(f"Could not give the stats file back to the workspace's owner: {exc}")
        notify = runner.event_name not in PULL_REQUEST_EVENTS
        if not notify and inputs.api_url:
            self.notes.append("The DraftForge API is not notified of pull requests.")
        return self.finish(notify=notify, branch=target)

    @property
    def own_files(self) -> list[str]:
        """The files the run maintains (the stats file and the images), committed together."""
        return self.files or [self.stats_rel]

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
                    "file. If the new stats would drop a stored day, the job fails and pushes "
                    "nothing (unless `allow-shorter-history: true`). Use actions/checkout "
                    "with `fetch-depth: 0`."
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
            run = run_stats(
                self.root,
                now=self.now,
                write=True,
                allow_shorter_history=self.inputs.allow_shorter_history,
            )
            for warning in run.warnings:
                self.log.warning(warning)
            if run.backup is not None:
                self.log.warning(
                    f"The backup {run.backup.relative_to(self.root).as_posix()} is not "
                    "committed: it goes with the runner when the job ends."
                )
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
        self.files = [self.prefix + rel for rel in run.files]
        self.today = run.today.isoformat() if run.today is not None else None

    def commit_and_push(self, branch: str) -> None:
        """Commit the stats file and push it; when the branch moved, move onto it and redo."""
        for attempt in range(1, PUSH_ATTEMPTS + 1):
            state = file_state(self.repo, self.own_files)
            if not state:
                self.status = "The stats file is up to date; nothing to commit."
                self.log.info(self.status)
                return
            for line in state:
                if line.startswith("!!"):
                    self.log.warning(
                        f"{line[3:]} is ignored by a .gitignore; it is committed anyway "
                        "(set `commit: false` to keep it out of git)."
                    )
            sha = commit_stats(self.repo, self.own_files, self.inputs, self.now)
            if self.before_push is not None:
                self.before_push(attempt)
            if not remote_branch_exists(self.repo, branch, self.git_env):
                raise deleted_branch_error(branch)
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
                head = move_to_remote_head(self.repo, branch, self.own_files, self.git_env)
                paths = head_changes(self.repo)
                if paths and all(is_own_path(p, self.prefix) for p in paths):
                    self.stats = load_stats(self.root / STATS_FILE, within=self.root) or self.stats
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
        runner = self.runner
        try:
            identity = make_identity(
                repository=runner.repository,
                repository_id=runner.repository_id,
                ref=f"refs/heads/{branch}" if branch else runner.ref,
                event=runner.event,
                event_name=runner.event_name,
            )
            if inputs.notify_branches == "default" and not identity.is_default_branch:
                default = identity.default_branch or "unknown: the event has no repository"
                self.log.info(
                    f"The DraftForge API is notified for the default branch only ({default}); "
                    f"this run is for {identity.ref}. Set `notify-branches: all` to change that."
                )
                self.notes.append("The DraftForge API is notified for the default branch only.")
                return False
            payload = payload_for(self.repo, self.stats, identity)
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
        return Outcome(
            exit_code=1 if failure else 0, outputs=outputs, summary=summary, status=self.status
        )


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
        authored = repo.author_date(stats.history[0].commit_sha)
        offset = authored.tzinfo if authored is not None else None
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
        "words-added-today": count(_added_today(stats, today)),
        "words-per-day-needed": count(
            stats.goal.words_per_day_needed if stats and stats.goal else None
        ),
        "projected-finish": (stats.goal.projected_finish or "") if stats and stats.goal else "",
        "current-streak": count(stats.streaks.current_days if stats else None),
        "changed": "true" if changed else "false",
        "commit-sha": commit_sha,
        "notified": "true" if notified else "false",
    }


def _added_today(stats: Stats | None, today: str) -> int | None:
    changes = today_changes(stats, today) if stats is not None else None
    return changes[0] if changes is not None else None


__all__ = [
    "Outcome",
    "action_outputs",
    "failed",
    "main",
    "report",
    "run_action",
    "writing_day",
]
