"""The GitHub Action: the job (:mod:`.job`), the runner's I/O (:mod:`.runner`), where it may
work (:mod:`.workspace`), committing and pushing (:mod:`.push`) and the job summary
(:mod:`.summary`). The entry point is
:func:`draftforge_stats.action.job.main` (`draftforge action`)."""
