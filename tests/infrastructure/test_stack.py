"""Assertions on the synthesized FlexTime template (synthesized once: see conftest.synth).

Agents and state machines are discovered from functions/*/handler.py and state_machines/*.asl.json,
so these tests stay true as agents are added."""

from __future__ import annotations

import collections
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.infrastructure.conftest import REPO_ROOT, Synth

SNAPSHOT = Path(__file__).with_name("resource_counts.json")
PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
DATA_SERVICES = (
    "s3",
    "rds",
    "rds-data",
    "secretsmanager",
    "dynamodb",
    "kms",
    "sqs",
    "sns",
    "states",
    "events",
)


def agent_folders() -> list[str]:
    return sorted(p.parent.name for p in (REPO_ROOT / "functions").glob("*/handler.py"))


def asl_files() -> list[Path]:
    return sorted((REPO_ROOT / "state_machines").glob("*.asl.json"))


def refs(value: Any) -> set[str]:
    """Logical ids referenced (Ref / Fn::GetAtt) anywhere inside a template value."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str) and not inner.startswith("AWS::"):
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(inner[0] if isinstance(inner, list) else inner.split(".")[0])
            else:
                found |= refs(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= refs(inner)
    return found


def function_by_folder(synth: Synth) -> dict[str, tuple[str, dict[str, Any]]]:
    out = {}
    for logical_id, resource in synth.resources("AWS::Lambda::Function").items():
        service = (
            resource["Properties"].get("Environment", {}).get("Variables", {}).get("POWERTOOLS_SERVICE_NAME")
        )
        if service and service.startswith("flextime-"):
            out[service.removeprefix("flextime-").replace("-", "_")] = (logical_id, resource)
    return out


def asset_dir(synth: Synth, logical_id: str) -> Path:
    key = synth.template["Resources"][logical_id]["Properties"]["Code"]["S3Key"]
    return synth.outdir / f"asset.{key.removesuffix('.zip')}"


# ---- Lambdas ------------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", agent_folders())
def test_every_agent_has_a_lambda_with_its_handler(synth: Synth, folder: str) -> None:
    # Given the functions/<folder>/handler.py on disk
    # When the app is synthesized
    functions = function_by_folder(synth)
    # Then one Lambda runs exactly that handler file, on python3.12/arm64, with the shared layer
    assert folder in functions, f"no Lambda for functions/{folder}"
    logical_id, resource = functions[folder]
    props = resource["Properties"]
    assert props["Handler"] == "handler.handler"
    assert props["Runtime"] == "python3.12"
    assert props["Architectures"] == ["arm64"]
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert props["Layers"], "the shared flextime layer is attached"
    assert props["VpcConfig"]["SubnetIds"], "runs in the private subnets"
    staged = asset_dir(synth, logical_id) / "handler.py"
    assert staged.read_text() == (REPO_ROOT / "functions" / folder / "handler.py").read_text()


def test_asynchronous_lambdas_have_a_dead_letter_queue(synth: Synth) -> None:
    functions = function_by_folder(synth)
    assert "notify" in functions, "the notify agent (EventBridge target) is deployed"
    props = functions["notify"][1]["Properties"]
    assert props["DeadLetterConfig"]["TargetArn"]
    target = next(iter(synth.resources("AWS::Events::Rule").values()))["Properties"]["Targets"][0]
    assert target["DeadLetterConfig"]["Arn"] and target["RetryPolicy"]


# ---- State machines -----------------------------------------------------------------------------


def test_every_asl_file_is_deployed_with_every_placeholder_substituted(synth: Synth) -> None:
    machines = synth.resources("AWS::StepFunctions::StateMachine")
    definitions = {json.dumps(json.loads(m["Properties"]["DefinitionString"])): m for m in machines.values()}
    assert len(machines) == len(asl_files())
    for path in asl_files():
        text = path.read_text()
        machine = definitions.get(json.dumps(json.loads(text)))
        assert machine is not None, f"{path.name} is not deployed verbatim"
        substitutions = machine["Properties"]["DefinitionSubstitutions"]
        wanted = set(PLACEHOLDER.findall(text))
        assert wanted <= substitutions.keys(), f"{path.name}: unsubstituted {wanted - substitutions.keys()}"
        # every substituted value is a literal without ${...} or points at a resource that exists
        for key in wanted:
            value = substitutions[key]
            if isinstance(value, str):
                assert "${" not in value, key
            missing = refs(value) - synth.template["Resources"].keys()
            assert not missing, f"{path.name} {key} references missing resources {missing}"
        functions = {k: v for k, v in substitutions.items() if k.endswith("FunctionArn")}
        for key, value in functions.items():
            (target,) = refs(value)
            assert synth.template["Resources"][target]["Type"] == "AWS::Lambda::Function", key
        assert machine["Properties"]["TracingConfiguration"] == {"Enabled": True}
        assert machine["Properties"]["LoggingConfiguration"]["Level"] == "ALL"


def test_lambda_timeouts_cover_the_state_timeouts(synth: Synth) -> None:
    by_logical = {lid: r for lid, r in synth.resources("AWS::Lambda::Function").items()}
    for machine in synth.resources("AWS::StepFunctions::StateMachine").values():
        definition = json.loads(machine["Properties"]["DefinitionString"])
        substitutions = machine["Properties"]["DefinitionSubstitutions"]
        for name, state in definition["States"].items():
            function = state.get("Parameters", {}).get("FunctionName", "")
            match = PLACEHOLDER.fullmatch(function)
            if not match or "TimeoutSeconds" not in state:
                continue
            (target,) = refs(substitutions[match.group(1)])
            timeout = by_logical[target]["Properties"]["Timeout"]
            assert timeout >= state["TimeoutSeconds"], (
                f"{name}: Lambda {timeout}s < state {state['TimeoutSeconds']}s"
            )


# ---- Solver -------------------------------------------------------------------------------------


def test_fargate_task_has_the_solver_image_and_roles(synth: Synth) -> None:
    (task,) = synth.resources("AWS::ECS::TaskDefinition").values()
    props = task["Properties"]
    (container,) = props["ContainerDefinitions"]
    assert container["Name"] == "solver"
    image = json.dumps(container["Image"])
    if (REPO_ROOT / "solver_container" / "Dockerfile").exists():
        assert "cdk-hnb659fds-container-assets" in image, "image built from solver_container/"
    assert props["RequiresCompatibilities"] == ["FARGATE"]
    assert props["RuntimePlatform"]["CpuArchitecture"] == "ARM64"
    assert int(props["Cpu"]) >= 4096 and int(props["Memory"]) >= 8192, "sized for CP-SAT"
    assert refs(props["TaskRoleArn"]) and refs(props["ExecutionRoleArn"])
    assert container["LogConfiguration"]["LogDriver"] == "awslogs"
    # the state machines may pass exactly these roles to ECS
    for policy in synth.resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Action"] == "iam:PassRole":
                assert refs(statement["Resource"]) <= refs(props["TaskRoleArn"]) | refs(
                    props["ExecutionRoleArn"]
                )


# ---- IAM ----------------------------------------------------------------------------------------


def _statements(synth: Synth):
    for logical_id, policy in synth.resources("AWS::IAM::Policy").items():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            yield logical_id, statement
    for logical_id, role in synth.resources("AWS::IAM::Role").items():
        for policy in role["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                yield logical_id, statement


def test_iam_is_least_privilege_on_data_resources(synth: Synth) -> None:
    for logical_id, statement in _statements(synth):
        if statement["Effect"] != "Allow":
            continue
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement.get("Resource", [])
        resources = resources if isinstance(resources, list) else [resources]
        for action in actions:
            service = action.split(":")[0]
            assert action != "*" and not action.endswith(":*"), f"{logical_id}: service-wide {action}"
            if service in DATA_SERVICES:
                assert "*" not in resources, f"{logical_id}: {action} on every resource"


# ---- Storage and database -----------------------------------------------------------------------


def test_buckets_are_private_encrypted_versioned_and_tls_only(synth: Synth) -> None:
    buckets = synth.resources("AWS::S3::Bucket")
    assert len(buckets) >= 4  # artifacts, exports, web, access logs
    for logical_id, bucket in buckets.items():
        props = bucket["Properties"]
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }, logical_id
        assert props["BucketEncryption"], logical_id
        assert props["VersioningConfiguration"] == {"Status": "Enabled"}, logical_id
        assert props["LifecycleConfiguration"]["Rules"], logical_id
    tls_only = set()
    for policy in synth.resources("AWS::S3::BucketPolicy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Effect"] == "Deny" and "aws:SecureTransport" in json.dumps(statement):
                tls_only |= refs(policy["Properties"]["Bucket"])
    assert tls_only == set(buckets)


def test_download_buckets_allow_get_from_the_spa_only(synth: Synth) -> None:
    """The SPA fetches reports through a 307 to a presigned S3 URL: the artifact and export
    buckets answer CORS GET/HEAD for the CloudFront site and the configured web URLs, nothing else."""
    buckets = synth.resources("AWS::S3::Bucket")
    (distribution_id,) = synth.resources("AWS::CloudFront::Distribution")
    with_cors = {
        k: v["Properties"]["CorsConfiguration"]
        for k, v in buckets.items()
        if "CorsConfiguration" in v["Properties"]
    }
    assert sorted(k.removeprefix("Storage").rstrip("0123456789ABCDEF") for k in with_cors) == [
        "Artifacts",
        "Exports",
    ]
    for rules in with_cors.values():
        (rule,) = rules["CorsRules"]
        assert sorted(rule["AllowedMethods"]) == ["GET", "HEAD"]
        origins = rule["AllowedOrigins"]
        assert "*" not in origins
        assert distribution_id in json.dumps(origins)  # https://<the distribution's domain>
        assert "http://localhost:8000" in origins


def test_database_is_private_encrypted_and_backed_up(synth: Synth) -> None:
    (cluster,) = synth.resources("AWS::RDS::DBCluster").values()
    props = cluster["Properties"]
    assert props["Engine"] == "aurora-postgresql" and props["EngineVersion"].startswith("16.")
    assert props["StorageEncrypted"] is True and props["KmsKeyId"]
    assert props["BackupRetentionPeriod"] >= 7  # point-in-time recovery window
    assert props["ServerlessV2ScalingConfiguration"]["MinCapacity"] >= 0.5
    assert "MasterUserPassword" in json.dumps(props) and "secretsmanager" in json.dumps(props)
    for instance in synth.resources("AWS::RDS::DBInstance").values():
        assert instance["Properties"]["PubliclyAccessible"] is False
    (subnets,) = synth.resources("AWS::RDS::DBSubnetGroup").values()
    assert len(subnets["Properties"]["SubnetIds"]) == 2
    assert synth.resources("Custom::FlexTimeMigrations"), "migrations run on deploy"


def test_network_has_no_internet_path_and_the_endpoints(synth: Synth) -> None:
    assert not synth.resources("AWS::EC2::InternetGateway")
    assert not synth.resources("AWS::EC2::NatGateway")
    services = json.dumps(
        [e["Properties"]["ServiceName"] for e in synth.resources("AWS::EC2::VPCEndpoint").values()]
    )
    for name in ("s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager", "states"):
        assert f".{name}" in services, name


# ---- API ----------------------------------------------------------------------------------------


def test_jwt_authorizer_guards_every_route(synth: Synth) -> None:
    authorizers = synth.resources("AWS::ApiGatewayV2::Authorizer")
    (authorizer_id,) = authorizers
    authorizer = authorizers[authorizer_id]["Properties"]
    assert authorizer["AuthorizerType"] == "JWT"
    assert "cognito-idp" in json.dumps(authorizer["JwtConfiguration"]["Issuer"])
    routes = synth.resources("AWS::ApiGatewayV2::Route")
    if (REPO_ROOT / "functions" / "api" / "handler.py").exists():
        assert routes, "the API Lambda serves routes"
    for logical_id, route in routes.items():
        assert route["Properties"]["AuthorizationType"] == "JWT", logical_id
        assert refs(route["Properties"]["AuthorizerId"]) == {authorizer_id}, logical_id
    (stage,) = synth.resources("AWS::ApiGatewayV2::Stage").values()
    assert stage["Properties"]["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0
    assert stage["Properties"]["AccessLogSettings"]["DestinationArn"]


def test_web_is_served_through_cloudfront_with_origin_access_control(synth: Synth) -> None:
    (distribution,) = synth.resources("AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    s3_origins = [o for o in config["Origins"] if "S3OriginConfig" in o]
    assert s3_origins and all(o.get("OriginAccessControlId") for o in s3_origins)
    assert [b["PathPattern"] for b in config["CacheBehaviors"]] == ["/v1/*"], "API on the same domain"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"


# ---- Events, observability ----------------------------------------------------------------------


def test_events_bus_rule_and_nightly_schedule(synth: Synth) -> None:
    (bus,) = synth.resources("AWS::Events::EventBus").values()
    assert bus["Properties"]["Name"].startswith("flextime")
    schedules = synth.resources("AWS::Scheduler::Schedule")
    assert schedules, "nightly re-optimisation"
    for schedule in schedules.values():
        target = schedule["Properties"]["Target"]
        assert refs(target["Arn"]) <= set(synth.resources("AWS::StepFunctions::StateMachine"))
        assert target["DeadLetterConfig"]["Arn"]
        assert json.loads(target["Input"])["source"] == "schedule"


def test_alarms_cover_executions_lambdas_dlqs_and_aurora(synth: Synth) -> None:
    alarms = [a["Properties"] for a in synth.resources("AWS::CloudWatch::Alarm").values()]
    metrics = collections.Counter((a["Namespace"], a["MetricName"]) for a in alarms)
    assert metrics[("AWS/States", "ExecutionsFailed")] == len(asl_files())
    assert metrics[("AWS/Lambda", "Errors")] >= len(agent_folders())
    assert metrics[("AWS/SQS", "ApproximateNumberOfMessagesVisible")] >= 1
    assert metrics[("AWS/RDS", "CPUUtilization")] == 1
    assert all(a["AlarmActions"] for a in alarms), "every alarm notifies the topic"
    assert synth.resources("AWS::CloudWatch::Dashboard")


# ---- cdk-nag, snapshot, speed -------------------------------------------------------------------


def test_cdk_nag_reports_no_unacknowledged_findings(synth: Synth) -> None:
    from cdk_nag import AwsSolutionsChecks

    report = AwsSolutionsChecks().validate_scope(synth.stack)
    assert [(v.rule_name, [r.construct_path for r in v.violating_resources]) for v in report.violations] == []


def test_every_acknowledgment_has_a_reason(synth: Synth) -> None:
    from aws_cdk import Validations

    key = Validations.ACKNOWLEDGED_RULES_METADATA_KEY
    found = 0
    for construct in synth.stack.node.find_all():
        for entry in construct.node.metadata:
            if entry.type == key:
                for rule, reason in (entry.data or {}).items():
                    found += 1
                    assert isinstance(reason, str) and len(reason.strip()) >= 20, rule
    assert found > 0


def test_resource_counts_match_the_snapshot(synth: Synth) -> None:
    counts = dict(
        sorted(collections.Counter(r["Type"] for r in synth.template["Resources"].values()).items())
    )
    if os.environ.get("FLEXTIME_UPDATE_SNAPSHOT") or not SNAPSHOT.exists():
        SNAPSHOT.write_text(json.dumps(counts, indent=2) + "\n")
    expected = json.loads(SNAPSHOT.read_text())
    # Fewer resources of a type than the snapshot is an accidental deletion; more is growth (a new
    # agent adds a Lambda, role, log group, alarm): refresh with FLEXTIME_UPDATE_SNAPSHOT=1.
    lost = {t: (n, counts.get(t, 0)) for t, n in expected.items() if counts.get(t, 0) < n}
    assert not lost, f"resource types lost (snapshot, now): {lost}"


def test_synth_is_fast_enough(synth: Synth) -> None:
    assert synth.seconds < 60, f"synth took {synth.seconds:.1f}s (target < 30 s)"


def test_environments_are_sized_per_context() -> None:
    from flextime_cdk import environments

    dev, prod = environments.load("dev"), environments.load("prod")
    assert prod.deletion_protection and not dev.deletion_protection
    assert prod.backup_retention_days > dev.backup_retention_days
    assert prod.aurora_max_acu > dev.aurora_max_acu and prod.retain_data
    assert environments.load("dev", {"auroraMaxAcu": 2}).aurora_max_acu == 2
    with pytest.raises(ValueError):
        environments.load("dev", {"noSuchSetting": 1})
    with pytest.raises(ValueError):
        environments.load("qa")
