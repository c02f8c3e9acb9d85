"""cdk-nag (v3, CDK policy validation) helpers: every acknowledgment carries its reason.

cdk-nag v3 matches granular findings (``AwsSolutions-IAM5[Resource::<Bucket.Arn>/*]``) exactly, and
those strings contain logical ids. :data:`GRANULAR` keeps the allowed findings as patterns with a
reason each; :func:`acknowledge_granular` runs the pack once over the tree and acknowledges only
the findings that match, on the resource that produced them. Anything else stays a violation and
fails the synth."""

from __future__ import annotations

import re
from collections.abc import Iterable

from aws_cdk import Acknowledgment, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

_ARN = r"arn:(aws|<AWS::Partition>):"
_REGION_ACCOUNT = r"[^:]*:[^:]*:"
_MANAGED = "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"

GRANULAR: list[tuple[str, str]] = [
    (
        rf"AwsSolutions-IAM4\[{re.escape(_MANAGED)}AWSLambda(Basic|VPCAccess)ExecutionRole\]",
        "AWS managed Lambda execution policies: logs and VPC ENIs only, nothing on data resources.",
    ),
    (
        r"AwsSolutions-IAM5\[Resource::\*\]",
        "Actions without resource-level permissions: X-Ray PutTraceSegments/PutTelemetryRecords, "
        "CloudWatch Logs delivery for Step Functions, ec2 ENI management for VPC Lambdas.",
    ),
    (
        r"AwsSolutions-IAM5\[Action::(s3:(GetObject|GetBucket|List|DeleteObject|Abort)|kms:(GenerateDataKey|ReEncrypt))\*\]",
        "Action families from CDK grant helpers (read/write objects, KMS data keys); scoped to our "
        "own buckets and keys, never a service-wide '*'.",
    ),
    (
        r"AwsSolutions-IAM5\[Resource::<[A-Za-z0-9]+\.Arn>/\*\]",
        "Object keys inside one of our own buckets (tenant/season/job prefixes are dynamic).",
    ),
    (
        r"AwsSolutions-IAM5\[Resource::<[A-Za-z0-9]+\.Arn>:\*\]",
        "Versions and aliases of one of our own Lambda functions (lambda:InvokeFunction).",
    ),
    (
        rf"AwsSolutions-IAM5\[Resource::{_ARN}ecs:{_REGION_ACCOUNT}task/<[A-Za-z0-9]+>/\*\]",
        "Solver tasks in our own cluster (ecs:StopTask/DescribeTasks for runTask.sync).",
    ),
    (
        rf"AwsSolutions-IAM5\[Resource::{_ARN}states:{_REGION_ACCOUNT}execution:.*:\*\]",
        "Executions of one of our own state machines (describe/stop by the API).",
    ),
    (
        rf"AwsSolutions-IAM5\[Resource::{_ARN}s3:::cdk-[a-z0-9]+-assets-[^/]+/\*\]",
        "The CDK bootstrap asset bucket read by the bucket deployment handler.",
    ),
]


def acknowledge(scope: IConstruct, rule_id: str, reason: str, findings: Iterable[str] = ()) -> None:
    """Acknowledge ``rule_id`` (or only the listed granular findings of it) on ``scope`` and below."""
    ids = [f"{rule_id}[{finding}]" for finding in findings] or [rule_id]
    Validations.of(scope).acknowledge(*(Acknowledgment(id=i, reason=reason) for i in ids))


def acknowledge_granular(root: IConstruct, patterns: list[tuple[str, str]] = GRANULAR) -> int:
    """Acknowledge the granular findings under ``root`` that match a pattern. Returns how many."""
    by_path = {c.node.path: c for c in root.node.find_all()}
    report = AwsSolutionsChecks().validate_scope(root)
    count = 0
    for violation in report.violations:
        reason = next((r for rx, r in patterns if re.fullmatch(rx, violation.rule_name)), None)
        if reason is None:
            continue
        for resource in violation.violating_resources:
            node = by_path.get(resource.construct_path)
            if node is not None:
                Validations.of(node).acknowledge(Acknowledgment(id=violation.rule_name, reason=reason))
                count += 1
    return count
