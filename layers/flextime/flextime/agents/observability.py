"""Powertools Logger, Tracer and Metrics for every agent: one instance each, imported by handlers
and agents alike. The correlation id is the job id (handlers inject it from the event)."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

SERVICE = "flextime"

logger = Logger(service=SERVICE)
tracer = Tracer(service=SERVICE)
metrics = Metrics(namespace="FlexTime", service=SERVICE)

__all__ = ["MetricUnit", "logger", "metrics", "tracer"]
