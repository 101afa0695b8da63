"""`draftforge notify`: send the current stats to the DraftForge API by hand.

The same signed `stats.updated` webhook the GitHub Action sends (byte for byte, for the same
data), for a first sync, a test of the API settings, or a re-send. The command parses its
options into a :class:`NotifyOptions`; :func:`execute` calls the library
(:func:`draftforge_stats.webhook.notify.prepare_payload`, which builds the payload as the
Action does, then :func:`draftforge_stats.webhook.delivery.send_stats`) and prints.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import click

from ..errors import NotifyError
from ..names import NOTIFY_BRANCHES
from ..records import dataclass
from ..webhook.delivery import check_api_url, check_secret, send_stats
from ..webhook.notify import prepare_payload
from ..wording import plural
from .arguments import project_path, run_time
from .console import error_console

API_URL_VARIABLE = "DRAFTFORGE_API_URL"


@dataclass(frozen=True)
class NotifyOptions:
    """The options of `draftforge notify`."""

    path: Path
    api_url: str | None
    api_token: str | None
    webhook_secret: str | None
    repository: str | None
    repository_id: str | None
    ref: str | None
    default_branch: str | None
    branches: str
    dry_run: bool
    max_attempts: int
    event_path: Path | None = None
    event_name: str = ""


def execute(options: NotifyOptions, *, now: datetime | None = None) -> int:
    """Send (or with `dry_run`, print) the webhook; the exit code."""
    payload, notes = prepare_payload(
        options.path,
        repository=options.repository,
        repository_id=options.repository_id,
        ref=options.ref,
        now=now or run_time(),
        default_branch=options.default_branch,
        branches=options.branches,
        event_path=options.event_path,
        event_name=options.event_name,
    )
    errors = error_console()
    for note in notes:
        errors.print(f"note: {note}", markup=False, highlight=False)
    if options.dry_run:
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    assert options.api_url is not None  # checked by the command
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
    attempts = plural(delivery.attempts, "attempt")
    data = payload["data"]
    click.echo(
        f"Delivered the stats of {data['repository']['full_name']} ({data['ref']}, "
        f"{data['project_stats']['word_count']:,} words) in {attempts}; webhook-id "
        f"{delivery.webhook_id}."
    )
    return 0


def _check_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    try:
        check_api_url(value)
    except NotifyError as exc:
        raise click.BadParameter(str(exc)) from None
    return value.strip()


def _check_secret(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    try:
        return check_secret(value.strip() if value else None)
    except NotifyError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@project_path
@click.option(
    "--api-url",
    envvar=API_URL_VARIABLE,
    default=None,
    callback=_check_url,
    help=f"The API endpoint (https; http only for loopback). Env: {API_URL_VARIABLE}.",
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
    callback=_check_secret,
    help="Signing secret (whsec_ + base64 of 24-64 bytes). Env: DRAFTFORGE_WEBHOOK_SECRET. "
    "None: unsigned.",
)
@click.option(
    "--repository",
    envvar="GITHUB_REPOSITORY",
    metavar="OWNER/NAME",
    default=None,
    help="Default: $GITHUB_REPOSITORY, else from the `origin` remote's URL.",
)
@click.option(
    "--repository-id",
    envvar="GITHUB_REPOSITORY_ID",
    metavar="ID",
    default=None,
    help="GitHub's numeric id of the repository, which the API finds the project by. "
    "Env: GITHUB_REPOSITORY_ID.",
)
@click.option(
    "--ref",
    envvar="GITHUB_REF",
    default=None,
    help="Default: $GITHUB_REF, else the current branch.",
)
@click.option(
    "--default-branch",
    metavar="NAME",
    default=None,
    help="The repository's default branch. Default: from $GITHUB_EVENT_PATH, else origin/HEAD.",
)
@click.option(
    "--branches",
    type=click.Choice(NOTIFY_BRANCHES),
    default="default",
    show_default=True,
    help="Send only from the default branch, or from any branch.",
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
    api_url: str | None,
    api_token: str | None,
    webhook_secret: str | None,
    repository: str | None,
    repository_id: str | None,
    ref: str | None,
    default_branch: str | None,
    branches: str,
    max_attempts: int,
    dry_run: bool,
) -> None:
    """Send the current stats of the project at PATH to the DraftForge API (signed webhook).

    The API's address comes from --api-url or the DRAFTFORGE_API_URL variable.
    """
    if api_url is None and not dry_run:
        raise click.UsageError(
            f"no API address: set the {API_URL_VARIABLE} variable or pass --api-url URL "
            "(or use --dry-run to see the webhook without sending it)"
        )
    event_path = os.environ.get("GITHUB_EVENT_PATH", "").strip()
    options = NotifyOptions(
        path=path,
        api_url=api_url,
        api_token=api_token or None,
        webhook_secret=webhook_secret or None,
        repository=repository or None,
        repository_id=repository_id or None,
        ref=ref or None,
        default_branch=default_branch or None,
        branches=branches,
        dry_run=dry_run,
        max_attempts=max_attempts,
        event_path=Path(event_path) if event_path else None,
        event_name=os.environ.get("GITHUB_EVENT_NAME", "").strip(),
    )
    code = execute(options)
    if code:
        raise click.exceptions.Exit(code)


__all__ = ["NotifyOptions", "execute", "notify"]
