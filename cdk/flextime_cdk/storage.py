"""Storage: buckets for job artifacts (imports, inputs, outputs), exports and the SPA, plus one
bucket for access logs. All: SSE, versioning, block public access, TLS-only, lifecycle rules."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from flextime_cdk.environments import EnvironmentConfig


class Storage(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: EnvironmentConfig) -> None:
        super().__init__(scope, construct_id)
        removal = RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY
        common = {
            "encryption": s3.BucketEncryption.S3_MANAGED,
            "block_public_access": s3.BlockPublicAccess.BLOCK_ALL,
            "enforce_ssl": True,
            "versioned": True,
            "removal_policy": removal,
        }
        # CloudFront standard logs need ACLs on their bucket, hence BUCKET_OWNER_PREFERRED here only.
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    expiration=Duration.days(config.access_logs_expiry_days),
                    noncurrent_version_expiration=Duration.days(1),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
            **common,
        )
        noncurrent = Duration.days(config.noncurrent_version_expiry_days)
        self.artifacts = s3.Bucket(
            self,
            "Artifacts",
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="s3/artifacts/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    transitions=[
                        s3.Transition(
                            storage_class=s3.StorageClass.INFREQUENT_ACCESS,
                            transition_after=Duration.days(config.artifacts_infrequent_access_days),
                        )
                    ],
                    noncurrent_version_expiration=noncurrent,
                    abort_incomplete_multipart_upload_after=Duration.days(7),
                )
            ],
            **common,
        )
        self.exports = s3.Bucket(
            self,
            "Exports",
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="s3/exports/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    expiration=Duration.days(config.exports_expiry_days),
                    noncurrent_version_expiration=noncurrent,
                    abort_incomplete_multipart_upload_after=Duration.days(7),
                )
            ],
            **common,
        )
        self.web = s3.Bucket(
            self,
            "Web",
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="s3/web/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    noncurrent_version_expiration=Duration.days(30),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
            **common,
        )

    def allow_downloads_from(self, origins: list[str]) -> None:
        """CORS for the buckets the SPA downloads from: the API answers a report or error-file
        request with a 307 to a presigned S3 URL, and the SPA's fetch() follows it cross-origin,
        so S3 must answer GET/HEAD (and their preflight) for the SPA's origins only."""
        for bucket in (self.artifacts, self.exports):
            bucket.add_cors_rule(
                allowed_methods=[s3.HttpMethods.GET, s3.HttpMethods.HEAD],
                allowed_origins=origins,
                allowed_headers=["*"],
                exposed_headers=["Content-Disposition", "Content-Length", "Content-Type", "ETag"],
                max_age=3600,
            )
