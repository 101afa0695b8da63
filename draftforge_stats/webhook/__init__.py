"""The ``stats.updated`` webhook to the DraftForge API, one module per job.

:mod:`.payload` builds the payload that maps one to one onto the API's ``project_stats`` row
(the same bytes for the Action and ``draftforge notify``), :mod:`.notify` finds out by hand
what a local clone says about itself and which stats to send, :mod:`.delivery` sends it with
retries, each attempt held to its time in wall time by :mod:`.deadline`, and :mod:`.signing`
signs and verifies it (Standard Webhooks 1.0)."""
