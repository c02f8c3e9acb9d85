"""The constraint agent: pre-solve conflict checks (CheckConstraints) and, when the instance
cannot be satisfied, the explanation (Explain) that ends the job FAILED_INFEASIBLE.

Both delegate to the engine's explanation module (``flextime.engine.explain``); this agent only
moves ids, keys and reports around."""

from __future__ import annotations

import importlib
from typing import Any

from flextime.agents import director, runtime
from flextime.agents.observability import logger
from flextime.agents.settings import get_settings
from flextime.agents.state import JobState
from flextime.domain import Instance


def _explain_module() -> Any:
    try:
        return importlib.import_module("flextime.engine.explain")
    except ImportError:  # the engine ships without explanations: nothing to check before solving
        return None


def _plain(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def check_constraints(state: JobState) -> JobState:
    instance = Instance.model_validate(runtime.read_json(state.instance_key or ""))
    module = _explain_module()
    conflicts = list(module.presolve_conflicts(instance)) if module else []
    runtime.write_json(state.key("reports", "presolve.json"), {"conflicts": _plain(conflicts)})
    logger.info("presolve checked", extra={"conflicts": len(conflicts)})
    return state.model_copy(update={"conflicts": len(conflicts)})


def explain(state: JobState) -> JobState:
    """Explain why the instance is infeasible; store it (S3 + job row); job FAILED_INFEASIBLE."""
    instance = Instance.model_validate(runtime.read_json(state.instance_key or ""))
    module = _explain_module()
    if module is None:
        explanation: dict[str, Any] = {
            "text": "The solver proved the constraints infeasible.",
            "constraint_ids": [],
        }
    else:
        found = module.explain_infeasibility(instance, time_budget_s=get_settings().explain_budget_s)
        explanation = _plain(found)
        if not isinstance(explanation, dict):
            explanation = {"text": str(found)}
    text = _text(explanation)
    runtime.write_json(state.key("reports", "explanation.json"), explanation)
    director.finish_infeasible(state, explanation, text)
    return state


def _text(explanation: dict[str, Any]) -> str:
    for field in ("text", "summary", "message"):
        if isinstance(explanation.get(field), str) and explanation[field]:
            return str(explanation[field])
    return "The constraints cannot all hold."
