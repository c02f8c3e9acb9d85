"""Per-environment sizes and retention, chosen with ``-c env=dev|staging|prod``.

Defaults live here; ``cdk.json`` context ``flextime:environments`` may override any field per
environment (camelCase or snake_case keys), and ``-c account=... -c region=...`` pin the target.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

ENVIRONMENTS = ("dev", "staging", "prod")
DEFAULT_ACCOUNT = "111111111111"  # offline synth only; AZs for it are pinned in cdk.json
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class EnvironmentConfig:
    name: str
    account: str = DEFAULT_ACCOUNT
    region: str = DEFAULT_REGION
    # Aurora Serverless v2 capacity (ACU) and readers
    aurora_min_acu: float = 0.5
    aurora_max_acu: float = 4
    aurora_readers: int = 0
    backup_retention_days: int = 7
    deletion_protection: bool = False
    # CloudWatch log retention (days) for Lambda, Step Functions, ECS, API, VPC flow logs
    log_retention_days: int = 30
    # True: buckets, database snapshot and log groups survive `cdk destroy`
    retain_data: bool = False
    # S3 lifecycle (days)
    artifacts_infrequent_access_days: int = 30
    noncurrent_version_expiry_days: int = 30
    exports_expiry_days: int = 90
    access_logs_expiry_days: int = 90
    # Fargate solver task (CP-SAT wants several vCPUs and memory for big models)
    solver_cpu: int = 4096
    solver_memory_mib: int = 16384
    # HTTP API throttling (default route settings)
    api_rate_limit: int = 50
    api_burst_limit: int = 100
    # Nightly re-optimisation (EventBridge Scheduler); empty list: no schedules
    nightly_cron: str = "cron(0 7 * * ? *)"
    nightly_timezone: str = "America/Chicago"
    nightly_targets: list[dict[str, str]] = field(default_factory=list)
    event_archive_days: int = 7
    # Cognito: require MFA for local users; SAML federation when a metadata URL is given
    mfa_required: bool = False
    saml_provider_name: str = ""
    saml_metadata_url: str = ""
    # Where the SPA lives (OAuth callback / logout URLs); CloudFront's own domain is unknown
    # until deploy, so give the custom domain here once there is one.
    web_urls: list[str] = field(default_factory=lambda: ["http://localhost:8000"])
    alarm_email: str = ""
    auth_domain_prefix: str = ""

    @property
    def prefix(self) -> str:
        return f"flextime-{self.name}"

    @property
    def event_bus_name(self) -> str:
        return "flextime" if self.name == "prod" else f"flextime-{self.name}"


_DEFAULTS: dict[str, dict[str, Any]] = {
    "dev": {},
    "staging": {
        "aurora_max_acu": 8,
        "backup_retention_days": 14,
        "log_retention_days": 90,
        "event_archive_days": 14,
    },
    "prod": {
        "aurora_min_acu": 1,
        "aurora_max_acu": 32,
        "aurora_readers": 1,
        "backup_retention_days": 35,
        "deletion_protection": True,
        "log_retention_days": 365,
        "retain_data": True,
        "noncurrent_version_expiry_days": 365,
        "exports_expiry_days": 365,
        "access_logs_expiry_days": 365,
        "solver_cpu": 8192,
        "solver_memory_mib": 32768,
        "api_rate_limit": 200,
        "api_burst_limit": 400,
        "event_archive_days": 90,
        "mfa_required": True,
    },
}


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def load(name: str, overrides: dict[str, Any] | None = None) -> EnvironmentConfig:
    """The config of environment ``name`` with cdk.json/CLI overrides applied (unknown keys refused)."""
    if name not in ENVIRONMENTS:
        raise ValueError(f"unknown environment {name!r}: choose one of {', '.join(ENVIRONMENTS)}")
    values = dict(_DEFAULTS[name])
    known = {f.name for f in dataclasses.fields(EnvironmentConfig)}
    for key, value in (overrides or {}).items():
        snake = _snake(key)
        if snake not in known:
            raise ValueError(f"unknown setting {key!r} for environment {name!r}")
        values[snake] = value
    values.pop("name", None)
    return EnvironmentConfig(name=name, **values)


def log_retention(days: int):  # -> aws_logs.RetentionDays
    """CloudWatch's retention enum for a number of days (only the values CloudWatch accepts)."""
    from aws_cdk import aws_logs as logs

    values = {
        1: logs.RetentionDays.ONE_DAY, 3: logs.RetentionDays.THREE_DAYS, 5: logs.RetentionDays.FIVE_DAYS,
        7: logs.RetentionDays.ONE_WEEK, 14: logs.RetentionDays.TWO_WEEKS, 30: logs.RetentionDays.ONE_MONTH,
        60: logs.RetentionDays.TWO_MONTHS, 90: logs.RetentionDays.THREE_MONTHS,
        180: logs.RetentionDays.SIX_MONTHS, 365: logs.RetentionDays.ONE_YEAR,
        731: logs.RetentionDays.TWO_YEARS, 1827: logs.RetentionDays.FIVE_YEARS,
    }  # fmt: skip
    if days not in values:
        raise ValueError(f"log retention must be one of {sorted(values)} days, not {days}")
    return values[days]
