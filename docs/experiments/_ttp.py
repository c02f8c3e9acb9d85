"""What the experiment scripts share: a RobinX TTP instance, its distance matrix and a schedule;
CP-SAT parameters from the command line."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from flextime.domain import Instance
from flextime.formats import robinx
from flextime.paths import benchmarks_dir
from flextime.travel.improve import schedule_to_array, team_distance_matrix


def load(name: str, solution: str | Path | None = None) -> tuple[Instance, np.ndarray, np.ndarray | None]:
    """Instance ``name`` (e.g. NL10) from the benchmark folder, its distance matrix (int64) and,
    with ``solution`` (RobinX XML), that schedule in the kernel's encoding."""
    inst = robinx.read_instance(benchmarks_dir() / "ttp" / "instances_robinx" / f"{name}.xml")
    D = np.ascontiguousarray(team_distance_matrix(inst), dtype=np.int64)
    if solution is None:
        return inst, D, None
    S = schedule_to_array(inst, robinx.read_solution(solution))
    if S is None:
        raise SystemExit(f"{solution}: not a double round robin of {name}")
    return inst, D, S


def set_params(parameters: object, items: list[str]) -> None:
    """Set CP-SAT parameters from ``NAME=VALUE`` strings (``--param``), typed like the current value
    (ortools 9.15's parameter object has no protobuf descriptor)."""
    for item in items:
        name, value = item.split("=", 1)
        kind = type(getattr(parameters, name))
        setattr(parameters, name, value.lower() == "true" if kind is bool else kind(value))
