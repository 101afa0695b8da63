"""The stats webhook to the DraftForge API: the payload and its delivery (:mod:`.delivery`) and
Standard Webhooks signing and verification (:mod:`.signing`)."""
