"""The `draftforge` command line. Only this package (and the Action entry point) talks to the user.

Exit codes: 0 ok, 1 the check or job failed, 2 usage error, 3 a bug, 130 interrupted.
"""

from __future__ import annotations

import sys
import traceback
from typing import Any

import click

from .. import __version__
from ..errors import DraftForgeError
from .console import error_console


class DraftForgeGroup(click.Group):
    """A click group that turns our errors into messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except DraftForgeError as exc:
            error_console().print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
            ctx.exit(1)
        except KeyboardInterrupt:
            error_console().print("Interrupted.")
            ctx.exit(130)
        except Exception:
            console = error_console()
            console.print(
                "[bold red]draftforge hit a bug[/] (this is not your fault). Please report it "
                "with the lines below.",
                markup=True,
            )
            console.print(traceback.format_exc(), markup=False, highlight=False)
            ctx.exit(3)


@click.group(cls=DraftForgeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="draftforge")
def main() -> None:
    """DraftForge Stats: word counts, history and writing streaks for a manuscript in git."""


def _register() -> None:
    from .stats_cmd import stats

    main.add_command(stats)
    for module, name in (
        ("validate_cmd", "validate"),
        ("init_cmd", "init"),
        ("notify_cmd", "notify"),
        ("action_cmd", "action"),
    ):
        try:
            imported = __import__(f"{__name__}.{module}", fromlist=[name])
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{module}":
                raise
            continue
        main.add_command(getattr(imported, name))


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
