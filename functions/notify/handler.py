"""notify: ScheduleGenerated / JobStatusChanged from the bus -> in-app notifications."""

from typing import Any

from aws_lambda_powertools.utilities.parser import envelopes, event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from flextime.agents import notifier
from flextime.agents.observability import logger, metrics, tracer


@logger.inject_lambda_context(correlation_id_path="detail.job_id")
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_parser(model=notifier.NotifiableDetail, envelope=envelopes.EventBridgeEnvelope)
def handler(event: notifier.NotifiableDetail, context: LambdaContext) -> dict[str, Any]:
    return {"recorded": notifier.notify(event)}
