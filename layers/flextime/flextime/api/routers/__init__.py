"""One router per resource, all under /v1 (joined in ``flextime.api.app``)."""
