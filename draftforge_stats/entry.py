"""The `draftforge` command's entry point: `--version` is answered before anything is loaded.

`draftforge --version` (or `-V`) on its own prints the version exactly as the click group
does, without importing click or the rest of the package; every other command line goes to
:func:`draftforge_stats.cli.main`. Part of the CLI: it talks to the user.
"""

import sys

from draftforge_stats import __version__

_VERSION_OPTIONS = (["--version"], ["-V"])


def main() -> None:
    """Run the `draftforge` command with the arguments in `sys.argv`."""
    if sys.argv[1:] in _VERSION_OPTIONS:
        sys.stdout.write(f"draftforge, version {__version__}\n")
        return
    from draftforge_stats.cli import main as cli

    cli()
