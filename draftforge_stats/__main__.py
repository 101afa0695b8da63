"""`python -m draftforge_stats`: the same as the `draftforge` command."""

from draftforge_stats.cli import main

main()
