"""`python -m draftforge_stats`: the same as the `draftforge` command."""

from draftforge_stats.entry import main

main()
