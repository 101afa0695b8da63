"""The `draftforge` command line. Only this package (and the Action entry point) talks to the user.

Exit codes: 0 ok, 1 the check or job failed, 2 usage error, 3 a bug, 130 interrupted; a
library error carries its own (:data:`draftforge_stats.errors.EXIT_CODES`), turned into the
exit here, in the one handler.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

import click

from .. import __version__
from ..errors import EXIT_USAGE, DraftForgeError

if TYPE_CHECKING:
    from rich.console import Console

# Subcommands are imported only when used, so `draftforge --version` starts fast (and so
# is rich, which only an error message needs here).
SUBCOMMANDS = {
    "stats": "stats_cmd",
    "validate": "validate_cmd",
    "init": "init_cmd",
    "notify": "notify_cmd",
    "action": "action_cmd",
}


class DraftForgeGroup(click.Group):
    """A click group with lazily loaded subcommands that turns our errors into exit codes."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in SUBCOMMANDS if self._load(name) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    def _load(self, name: str) -> click.Command | None:
        module_name = SUBCOMMANDS.get(name)
        if module_name is None:
            return None
        try:
            module = importlib.import_module(f"{__name__}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{module_name}":
                return None  # not part of this build
            raise
        command = getattr(module, name)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException):
            raise
        except click.Abort:  # Ctrl-C (or end of input) at a prompt
            _error_console().print("Interrupted.")
            ctx.exit(130)
        except DraftForgeError as exc:
            if exc.exit_code == EXIT_USAGE:  # shown as click shows a usage error
                raise click.UsageError(str(exc)) from None
            from rich.markup import escape

            _error_console().print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            _error_console().print("Interrupted.")
            ctx.exit(130)
        except Exception:
            import traceback

            console = _error_console()
            console.print(
                "[bold red]draftforge hit a bug[/] (this is not your fault). Please report it "
                "with the lines below."
            )
            console.print(traceback.format_exc(), markup=False, highlight=False)
            ctx.exit(3)


def _error_console() -> Console:
    """The console for messages (rich is imported only when there is one to show)."""
    from .console import error_console

    return error_console()


@click.group(cls=DraftForgeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="draftforge")
def main() -> None:
    """DraftForge Stats: word counts, history and writing streaks for a manuscript in git."""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
