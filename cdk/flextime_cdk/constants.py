"""Every name, path and size the constructs share, in one place.

The state machines' placeholder names come from :mod:`flextime.local.asl` (names only: that module
reads files and has no AWS or CDK dependency) so the local cloud and CDK fill the SAME ``${...}``
keys. Nothing else from the runtime package is imported here or anywhere under ``cdk/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flextime.local.asl import (
    EVENT_FUNCTIONS,
    FUNCTIONS,
    RESOURCE_PLACEHOLDERS,
    STATE_MACHINES,
    function_placeholder,
)

__all__ = [
    "EVENT_FUNCTIONS",
    "FUNCTIONS",
    "RESOURCE_PLACEHOLDERS",
    "STATE_MACHINES",
    "function_placeholder",
]

SERVICE = "flextime"
REPO_ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = REPO_ROOT / "functions"
STATE_MACHINES_DIR = REPO_ROOT / "state_machines"
LAYER_SOURCE_DIR = REPO_ROOT / "layers" / "flextime"
SOLVER_CONTAINER_DIR = REPO_ROOT / "solver_container"
MIGRATIONS_DIR = LAYER_SOURCE_DIR / "flextime" / "store" / "migrations"
WEB_DIST_DIR = REPO_ROOT / "web" / "dist"
CDK_DIR = REPO_ROOT / "cdk"
WEB_PLACEHOLDER_DIR = CDK_DIR / "web_placeholder"
MIGRATE_HANDLER_DIR = CDK_DIR / "handlers" / "migrate_database"
PYPROJECT = REPO_ROOT / "pyproject.toml"
CONSTRAINTS = REPO_ROOT / "constraints.txt"

# ---- Lambda ---------------------------------------------------------------------------------
LAMBDA_PYTHON = "python3.12"
LAMBDA_PYTHON_VERSION = "3.12"
HANDLER = "handler.handler"
API_FUNCTION_DIR = "api"  # functions/api/handler.py (Mangum over the FastAPI app)
# The pip platform tags of Lambda python3.12 on arm64 (Amazon Linux 2023, glibc 2.34).
LAYER_PIP_PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64", "manylinux_2_34_aarch64")
# pyproject extras that go into the layer (with the base dependencies); "api" only when defined.
LAYER_EXTRAS = ("aws", "store", "solver", "api")
# Distributions the Lambda runtime already provides, or that Lambda never uses (pgserver is the
# embedded PostgreSQL for laptops and tests): left out of the layer to stay under 250 MB unzipped.
LAYER_EXCLUDED_DISTRIBUTIONS = ("pgserver", "boto3", "botocore", "s3transfer", "jmespath")
LAYER_PRUNED_DIRS = ("tests", "__pycache__", "testing")


@dataclass(frozen=True)
class FunctionSpec:
    """Memory (MB) and timeout (s) of one agent Lambda; ``asynchronous`` ones get a DLQ."""

    memory_mb: int = 1024
    timeout_s: int = 120
    asynchronous: bool = False
    description: str = ""


# Keyed by the folder under functions/. A folder that appears later without an entry here gets
# the default spec, so a new agent deploys before anyone tunes it. Timeouts are >= the state's
# TimeoutSeconds in the ASL (asserted in tests/infrastructure).
FUNCTION_SPECS: dict[str, FunctionSpec] = {
    "create_scheduled_job": FunctionSpec(512, 60, description="Scheduler input -> QUEUED job"),
    "load_scenario": FunctionSpec(1024, 120, description="Import agent: scenario -> instance.json"),
    "check_constraints": FunctionSpec(2048, 300, description="Constraint agent: presolve checks"),
    "explain": FunctionSpec(2048, 300, description="Infeasibility explanation (assumption cores)"),
    "select_algorithm": FunctionSpec(512, 60, description="Selection agent: compute plan"),
    # CP-SAT scales with vCPUs and Lambda gives ~1 vCPU per 1769 MB: 4 GB buys 2+ workers.
    "solve": FunctionSpec(4096, 900, description="CP-SAT solve for small instances"),
    "collect_solution": FunctionSpec(1024, 60, description="Read the Fargate solver's result"),
    # 3,584 MB = 2 vCPUs: the travel improver's CP-SAT LNS finds its gains on its second worker
    "optimize_travel": FunctionSpec(3584, 300, description="Travel agent: post-solve improvement"),
    "check_venues": FunctionSpec(1024, 300, description="Venue agent: shared arenas"),
    "persist_schedule": FunctionSpec(1024, 120, description="Director: one transaction per version"),
    "mark_failed": FunctionSpec(512, 60, description="Director: job FAILED with cause"),
    "prepare_repair": FunctionSpec(1024, 120, description="Repair: locks and changes"),
    "notify": FunctionSpec(512, 30, asynchronous=True, description="Bus events -> notifications"),
    API_FUNCTION_DIR: FunctionSpec(1024, 29, description="HTTP API (FastAPI via Mangum)"),
}
DEFAULT_FUNCTION_SPEC = FunctionSpec()
MIGRATE_FUNCTION_SPEC = FunctionSpec(512, 300, description="Applies flextime.store migrations")

# ---- Database --------------------------------------------------------------------------------
DATABASE_NAME = "flextime"
DATABASE_ADMIN_USER = "flextime_owner"
AURORA_POSTGRES_VERSION = "VER_16_6"  # attribute of rds.AuroraPostgresEngineVersion

# ---- Solver (Fargate) ------------------------------------------------------------------------
SOLVER_CONTAINER_NAME = "solver"  # the ${SolverContainerName} the ASL overrides

# ---- Events ----------------------------------------------------------------------------------
EVENT_SOURCE = "flextime"
# detail-types (class names in flextime.domain.events) that the notify Lambda consumes
NOTIFY_DETAIL_TYPES = ("JobStatusChanged", "ScheduleGenerated", "SchedulePublished", "CommentAdded")

# ---- Web -------------------------------------------------------------------------------------
API_PATH_PATTERN = "/v1/*"  # the FastAPI routers live under /v1

# ---- Observability ---------------------------------------------------------------------------
METRICS_NAMESPACE = "FlexTime"
