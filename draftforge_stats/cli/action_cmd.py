"""`draftforge action`: the GitHub Action's job, run from the runner's environment.

The Docker image's entry point. It takes no options: like any action it reads its inputs from
the `INPUT_*` variables and its context from the `GITHUB_*` ones, so the very same command runs
inside the container, on a runner without it, or in a test.
"""

from __future__ import annotations

import os
import sys

import click

from ..action.job import main as run_job


@click.command()
def action() -> None:
    """Run the GitHub Action: compute, commit and push the stats, then notify the API.

    Reads the runner's environment: INPUT_PATH, INPUT_TOKEN, INPUT_COMMIT, INPUT_COMMIT-MESSAGE,
    INPUT_API-URL, ... and GITHUB_WORKSPACE, GITHUB_EVENT_PATH, GITHUB_OUTPUT, ...
    """
    code = run_job(os.environ, sys.stdout)
    if code:
        raise click.exceptions.Exit(code)
