"""collect_solution: thin handler over flextime.agents.solver.collect_solution."""

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from flextime.agents import solver
from flextime.agents.observability import logger, metrics, tracer
from flextime.agents.state import JobState


@logger.inject_lambda_context(correlation_id_path="job_id")
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_parser(model=JobState)
def handler(event: JobState, context: LambdaContext) -> dict[str, Any]:
    return solver.collect_solution(event).out()
