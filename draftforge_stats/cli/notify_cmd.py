"""`draftforge notify`: send the current stats to the DraftForge API by hand.

The same signed `stats.updated` webhook the GitHub Action sends, for a first sync, a test of the
API settings, or a repository that is not on GitHub. The command parses its options into a
:class:`NotifyOptions` and hands it to :func:`execute`, which does the work.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from ..action.push import head_changes, is_own_path
from ..discover import project_prefix
from ..errors import GitError
from ..gitrepo import Repository
from ..names import STATS_FILE
from ..pipeline import find_project_root, run_stats
from ..statsfile import Stats, load_stats
from ..webhook.delivery import NotifyError, build_payload, check_api_url, send_stats
from .arguments import project_path
from .console import error_console
from .stats_cmd import run_time

_REMOTE = re.compile(r"[:/](?P<owner>[^/:]+)/(?P<name>[^/]+?)(?:\.git)?/?$")


@dataclass(frozen=True)
class NotifyOptions:
    path: Path
    api_url: str
    api_token: str | None
    webhook_secret: str | None
    repository: str | None
    ref: str | None
    dry_run: bool
    max_attempts: int


def repository_from_url(url: str) -> str | None:
    """`owner/name` from a remote URL (https, ssh or scp-like), or None."""
    match = _REMOTE.search(url.strip())
    return f"{match['owner']}/{match['name']}" if match else None


def _git(repo: Repository, *args: str) -> str | None:
    try:
        return repo.git(*args).strip()
    except GitError:
        return None


def _committed_stats(root: Path, repo: Repository) -> tuple[Stats, str] | None:
    """The stored stats and HEAD's id when HEAD is a stats commit with a clean stats file.

    Such stats describe the manuscript as it is (HEAD changed nothing else), while stats
    computed now would describe the stats commit itself.
    """
    if repo.head() is None:
        return None
    prefix = project_prefix(root, repo.root)
    relative = prefix + STATS_FILE.as_posix()
    changes = head_changes(repo)
    if not changes or not all(is_own_path(p, prefix) for p in changes):
        return None
    if relative not in changes or _git(repo, "status", "--porcelain", "--", relative):
        return None
    stats = load_stats(root / STATS_FILE)
    head = repo.head()
    return (stats, head.sha) if stats is not None and head is not None else None


def prepare(options: NotifyOptions, now: datetime) -> tuple[dict[str, Any], list[str]]:
    """The webhook payload for the project at `options.path`, and notes for the user.

    When HEAD is a stats commit (one that changed only `.draftforge/` files), the committed
    stats are sent, naming that commit; otherwise the stats are computed now (nothing is
    written) and name no stats commit. Raises :class:`click.UsageError` when the repository
    or ref cannot be found out.
    """
    root, repo = find_project_root(options.path)
    notes: list[str] = []
    repository = options.repository
    if not repository and repo is not None:
        url = _git(repo, "remote", "get-url", "origin")
        repository = repository_from_url(url) if url else None
    if not repository:
        raise click.UsageError(
            "cannot tell the repository's name from an `origin` remote: pass "
            "--repository OWNER/NAME"
        )
    ref = options.ref
    if not ref and repo is not None:
        ref = _git(repo, "symbolic-ref", "-q", "HEAD")
    if not ref:
        raise click.UsageError("HEAD is not on a branch: pass --ref (for example refs/heads/main)")

    committed = _committed_stats(root, repo) if repo is not None else None
    if committed is not None:
        stats, stats_commit = committed
        notes.append(f"sending the stats committed in {stats_commit[:7]}")
    else:
        result = run_stats(root, now=now, write=False)
        notes.extend(result.warnings)
        stats, stats_commit = result.stats, None
        notes.append("sending the stats computed now; they are not committed")
    try:
        payload = build_payload(
            stats.model_dump(mode="json"),
            repository=repository,
            ref=ref,
            stats_commit_sha=stats_commit,
        )
    except NotifyError as exc:
        raise click.UsageError(str(exc)) from None
    return payload, notes


def execute(options: NotifyOptions, *, now: datetime | None = None) -> int:
    """Send (or with `dry_run`, print) the webhook; the exit code."""
    payload, notes = prepare(options, now or run_time())
    errors = error_console()
    for note in notes:
        errors.print(f"note: {note}", highlight=False)
    if options.dry_run:
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    delivery = send_stats(
        options.api_url,
        payload,
        secret=options.webhook_secret,
        token=options.api_token,
        max_attempts=options.max_attempts,
    )
    if not delivery.delivered:
        errors.print(
            f"[bold red]error:[/] not delivered: {delivery.error}", markup=True, highlight=False
        )
        return 1
    attempts = "1 attempt" if delivery.attempts == 1 else f"{delivery.attempts} attempts"
    click.echo(
        f"Delivered the stats of {payload['repository']} ({payload['ref']}, "
        f"{payload['project_stats']['word_count']:,} words) in {attempts}; webhook-id "
        f"{delivery.webhook_id}."
    )
    return 0


def _check_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        check_api_url(value)
    except NotifyError as exc:
        raise click.BadParameter(str(exc)) from None
    return value.strip()


@click.command()
@project_path
@click.option(
    "--api-url",
    envvar="DRAFTFORGE_API_URL",
    required=True,
    callback=_check_url,
    help="The API endpoint (https; http only for loopback). Env: DRAFTFORGE_API_URL.",
)
@click.option(
    "--api-token",
    envvar="DRAFTFORGE_API_TOKEN",
    default=None,
    help="Bearer token for the API. Env: DRAFTFORGE_API_TOKEN (better than the option).",
)
@click.option(
    "--webhook-secret",
    envvar="DRAFTFORGE_WEBHOOK_SECRET",
    default=None,
    help="Signing secret (whsec_...). Env: DRAFTFORGE_WEBHOOK_SECRET. None: unsigned.",
)
@click.option(
    "--repository",
    envvar="GITHUB_REPOSITORY",
    metavar="OWNER/NAME",
    default=None,
    help="Default: $GITHUB_REPOSITORY, else from the `origin` remote's URL.",
)
@click.option(
    "--ref",
    envvar="GITHUB_REF",
    default=None,
    help="Default: $GITHUB_REF, else the current branch.",
)
@click.option(
    "--max-attempts",
    type=click.IntRange(1, 10),
    default=5,
    show_default=True,
    help="Attempts in all when the API is down or answers 5xx/429.",
)
@click.option("--dry-run", is_flag=True, help="Print the webhook's JSON; send nothing.")
def notify(
    path: Path,
    api_url: str,
    api_token: str | None,
    webhook_secret: str | None,
    repository: str | None,
    ref: str | None,
    max_attempts: int,
    dry_run: bool,
) -> None:
    """Send the current stats of the project at PATH to the DraftForge API (signed webhook)."""
    options = NotifyOptions(
        path=path,
        api_url=api_url,
        api_token=api_token or None,
        webhook_secret=webhook_secret or None,
        repository=repository or None,
        ref=ref or None,
        dry_run=dry_run,
        max_attempts=max_attempts,
    )
    code = execute(options)
    if code:
        raise click.exceptions.Exit(code)


__all__ = ["NotifyOptions", "execute", "notify", "prepare", "repository_from_url"]
