"""`draftforge notify`: send the current stats to the DraftForge API by hand.

The same signed `stats.updated` webhook the GitHub Action sends, for a first sync, a test of the
API settings, or a repository that is not on GitHub. The command parses its options into a
:class:`NotifyOptions`; :func:`execute` calls the library
(:func:`draftforge_stats.webhook.notify.prepare_payload`, then
:func:`draftforge_stats.webhook.delivery.send_stats`) and prints.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import click

from ..errors import NotifyError
from ..webhook.delivery import check_api_url, send_stats
from ..webhook.notify import prepare_payload
from .arguments import project_path, run_time
from .console import error_console


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


def execute(options: NotifyOptions, *, now: datetime | None = None) -> int:
    """Send (or with `dry_run`, print) the webhook; the exit code."""
    payload, notes = prepare_payload(
        options.path, repository=options.repository, ref=options.ref, now=now or run_time()
    )
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


__all__ = ["NotifyOptions", "execute", "notify"]
