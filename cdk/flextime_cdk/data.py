"""Data: Aurora Serverless v2 PostgreSQL 16 in the private data subnets, credentials in Secrets
Manager (rotated), storage encrypted with a customer key, backups with point-in-time recovery,
deletion protection in prod, and the schema migrations applied on every deploy by a custom resource
that runs ``flextime.store.migrate.upgrade`` inside the VPC."""

from __future__ import annotations

import hashlib

from aws_cdk import CustomResource, Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import custom_resources as cr
from constructs import Construct

from flextime_cdk import constants
from flextime_cdk.environments import EnvironmentConfig, log_retention
from flextime_cdk.functions import PythonFunctionFactory
from flextime_cdk.nag import acknowledge
from flextime_cdk.network import Network


def migrations_fingerprint() -> str:
    """Hash of the migration files: a new or changed file changes the custom resource's properties,
    which makes CloudFormation call the migration Lambda again."""
    digest = hashlib.sha256()
    for path in sorted(constants.MIGRATIONS_DIR.glob("*.sql")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class Database(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        network: Network,
        factory: PythonFunctionFactory,
    ) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "Key",
            description="FlexTime Aurora storage and credentials",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY,
        )
        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=network.vpc,
            description="FlexTime Aurora: PostgreSQL from FlexTime workloads only",
            allow_all_outbound=False,
        )
        engine = rds.DatabaseClusterEngine.aurora_postgres(
            version=getattr(rds.AuroraPostgresEngineVersion, constants.AURORA_POSTGRES_VERSION)
        )
        readers = [
            rds.ClusterInstance.serverless_v2(
                f"Reader{i + 1}", scale_with_writer=True, enable_performance_insights=True
            )
            for i in range(config.aurora_readers)
        ]
        self.cluster = rds.DatabaseCluster(
            self,
            "Cluster",
            engine=engine,
            credentials=rds.Credentials.from_generated_secret(
                constants.DATABASE_ADMIN_USER, encryption_key=self.key
            ),
            default_database_name=constants.DATABASE_NAME,
            writer=rds.ClusterInstance.serverless_v2(
                "Writer", publicly_accessible=False, enable_performance_insights=True
            ),
            readers=readers,
            serverless_v2_min_capacity=config.aurora_min_acu,
            serverless_v2_max_capacity=config.aurora_max_acu,
            vpc=network.vpc,
            vpc_subnets=network.data_subnets,
            security_groups=[self.security_group],
            storage_encrypted=True,
            storage_encryption_key=self.key,
            iam_authentication=True,
            # Automated backups give point-in-time recovery within the retention window.
            backup=rds.BackupProps(retention=Duration.days(config.backup_retention_days)),
            deletion_protection=config.deletion_protection,
            removal_policy=RemovalPolicy.SNAPSHOT if config.retain_data else RemovalPolicy.DESTROY,
            cloudwatch_logs_exports=["postgresql"],
            cloudwatch_logs_retention=log_retention(config.log_retention_days),
            enable_performance_insights=True,
            performance_insight_encryption_key=self.key,
        )
        self.security_group.add_ingress_rule(
            network.workload_security_group,
            ec2.Port.tcp(self.cluster.cluster_endpoint.port),
            "PostgreSQL from FlexTime workloads",
        )
        assert self.cluster.secret is not None
        self.secret = self.cluster.secret
        self.cluster.add_rotation_single_user(
            automatically_after=Duration.days(30),
            vpc_subnets=network.app_subnets,
            security_group=network.workload_security_group,
            exclude_characters=" %+~`#$&*()|[]{}:;<>?!'/@\"\\",
        )
        if not config.deletion_protection:
            acknowledge(
                self.cluster,
                "AwsSolutions-RDS10",
                f"{config.name} is disposable (created and destroyed by CI and developers); prod "
                "turns deletion protection on.",
            )
        acknowledge(
            self.cluster,
            "AwsSolutions-RDS11",
            "The default PostgreSQL port is kept: the cluster is reachable only from the workload "
            "security group inside private subnets, so a non-standard port adds no protection.",
        )
        self._migrations(network=network, factory=factory)

    def _migrations(self, *, network: Network, factory: PythonFunctionFactory) -> None:
        migrate = factory.create(
            self,
            "MigrateFunction",
            code=lambda_.Code.from_asset(str(constants.MIGRATE_HANDLER_DIR)),
            spec=constants.MIGRATE_FUNCTION_SPEC,
            environment={"FLEXTIME_DATABASE_SECRET_ARN": self.secret.secret_arn},
        )
        self.secret.grant_read(migrate)
        provider = cr.Provider(
            self,
            "MigrationsProvider",
            on_event_handler=migrate,
            log_group=logs.LogGroup(self, "MigrationsProviderLogs", retention=logs.RetentionDays.ONE_MONTH),
        )
        self.migrations = CustomResource(
            self,
            "Migrations",
            service_token=provider.service_token,
            resource_type="Custom::FlexTimeMigrations",
            properties={"Fingerprint": migrations_fingerprint()},
        )
        # The writer must be up before the first migration runs.
        self.migrations.node.add_dependency(self.cluster)
        self.migrate_function = migrate
