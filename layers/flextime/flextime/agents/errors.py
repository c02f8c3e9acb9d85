"""Typed agent errors. Lambda reports the class name as the error type, and the state machines
route on it (Retry on TransientError, Catch InstanceInfeasible -> Explain, the rest -> MarkFailed)."""

from __future__ import annotations


class AgentError(Exception):
    """Base of the errors an agent raises on purpose."""


class TransientError(AgentError):
    """Worth retrying (a dropped connection, a throttled call): the state machine retries it."""


class JobInputError(AgentError):
    """The job's input snapshot is missing or not a valid instance."""


class InstanceInfeasible(AgentError):
    """The solver proved that the constraints cannot all hold."""


class NoScheduleFound(AgentError):
    """The time limit ran out before any schedule was found (feasibility unknown)."""


class VenueConflictsRemain(AgentError):
    """The venue check still finds conflicts after the one re-solve it is allowed."""


class SolverContainerFailed(AgentError):
    """The Fargate solver task stopped with a non-zero exit code."""
