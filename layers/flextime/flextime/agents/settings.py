"""The agents' settings: one pydantic-settings model, read when first asked for (never at import)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class AgentSettings(BaseSettings):
    """Environment of the agent Lambdas, the solver container and the local cloud (prefix FLEXTIME_)."""

    model_config = SettingsConfigDict(env_prefix="FLEXTIME_", extra="ignore")

    bucket: str = "flextime-artifacts"
    event_bus: str = "flextime"
    event_source: str = "flextime"
    state_machine_arn: str | None = None
    repair_state_machine_arn: str | None = None
    # Where solves may run: "auto" lets the selection rules decide; the local cloud forces lambda
    # (moto cannot run ECS tasks).
    compute: Literal["auto", "lambda", "fargate"] = "auto"
    # Seconds of a Lambda solve's 900 s budget kept for loading, writing and the handler itself.
    lambda_solve_ceiling_s: float = 780.0
    explain_budget_s: float = 20.0
    # The travel improver gets this share of the solve's time limit, at most travel_budget_s
    # (in the OptimizeTravel Lambda) or fargate_travel_budget_s (in the Fargate solver task, after
    # the solve: the container has numba, so the beam search runs there).
    travel_share: float = 0.1
    travel_budget_s: float = 10.0
    fargate_travel_budget_s: float = 300.0
    progress_min_interval_s: float = 1.0


@lru_cache(maxsize=1)
def get_settings() -> AgentSettings:
    return AgentSettings()


def reset_settings() -> None:
    """Forget the cached settings (tests and the local cloud change the environment)."""
    get_settings.cache_clear()
