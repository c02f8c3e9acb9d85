"""Custom resource handler (CDK provider framework): apply the packaged SQL migrations.

Runs in the VPC with the shared layer. Reads the cluster's master secret (JSON with host, port,
username, password, dbname), builds a libpq URL and calls ``flextime.store.migrate.upgrade``,
which is idempotent and serialised by an advisory lock. Delete does nothing: data outlives stacks.
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import quote

import boto3

from flextime.store import migrate


def _database_url() -> str:
    secret = boto3.client("secretsmanager").get_secret_value(
        SecretId=os.environ["FLEXTIME_DATABASE_SECRET_ARN"]
    )
    values = json.loads(secret["SecretString"])
    user, password = quote(values["username"], safe=""), quote(values["password"], safe="")
    return (
        f"postgresql://{user}:{password}@{values['host']}:{values['port']}/{values.get('dbname', 'flextime')}"
        "?sslmode=require&connect_timeout=10"
    )


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    physical_id = event.get("PhysicalResourceId") or "flextime-migrations"
    if event["RequestType"] == "Delete":
        return {"PhysicalResourceId": physical_id}
    applied = migrate.upgrade(_database_url())
    labels = [m.label for m in applied]
    print(json.dumps({"message": "migrations applied", "applied": labels}))
    return {"PhysicalResourceId": physical_id, "Data": {"Applied": ",".join(labels) or "none"}}
