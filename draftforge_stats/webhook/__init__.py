"""The ``stats.updated`` webhook's contract with the DraftForge API.

:mod:`.payload` builds the payload (the same for the Action and ``draftforge notify``),
:mod:`.checkout` finds out what a local clone says about itself (for ``draftforge notify``),
:mod:`.deadline` holds a delivery to its time bound in wall time. Sending, retrying and
signing are :mod:`draftforge_stats.notify` and :mod:`draftforge_stats.webhooks`.
"""
