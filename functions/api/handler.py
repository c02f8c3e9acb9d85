"""The HTTP API on Lambda: API Gateway HTTP API (payload v2) -> Mangum -> the FastAPI app.

The app is built on the first invocation (settings read then, not at import) and reused while
the instance is warm. The correlation id is the request id; job routes add the job id."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from mangum import Mangum

from flextime.agents.observability import logger

_adapter: Mangum | None = None


def _app() -> Mangum:
    global _adapter
    if _adapter is None:
        from flextime.api.app import create_app

        _adapter = Mangum(create_app(), lifespan="off")
    return _adapter


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return _app()(event, context)
