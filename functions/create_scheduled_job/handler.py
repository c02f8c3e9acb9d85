"""CreateScheduledJob: the first state of a scheduled (nightly) execution creates its job row."""

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from flextime.agents import director
from flextime.agents.observability import logger, metrics, tracer
from flextime.agents.state import ScheduledRequest


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_parser(model=ScheduledRequest)
def handler(event: ScheduledRequest, context: LambdaContext) -> dict[str, Any]:
    return director.create_scheduled_job(event).out()
