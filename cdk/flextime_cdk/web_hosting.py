"""Web hosting: the SPA bucket behind CloudFront with origin access control (the bucket stays
private), SPA routing by a CloudFront Function, and the HTTP API behind the SAME domain under
``/v1/*`` (no CORS, one origin for cookies and tokens). The build output ``web/dist`` is deployed
when it exists at synth time; otherwise a placeholder page from ``cdk/web_placeholder``."""

from __future__ import annotations

from aws_cdk import Duration, Fn
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from flextime_cdk import constants
from flextime_cdk.nag import acknowledge

# Paths without a file extension are client-side routes: serve index.html for them.
_SPA_REWRITE = """
function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) { request.uri = '/index.html'; }
  return request;
}
"""


class WebHosting(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        site: s3.IBucket,
        logs_bucket: s3.IBucket,
        api_endpoint: str,
    ) -> None:
        super().__init__(scope, construct_id)
        rewrite = cloudfront.Function(
            self,
            "SpaRewrite",
            code=cloudfront.FunctionCode.from_inline(_SPA_REWRITE),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
        )
        api_domain = Fn.select(2, Fn.split("/", api_endpoint))  # https://<id>.execute-api.<region>...
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="FlexTime web app and API",
            default_root_object="index.html",
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            enable_logging=True,
            log_bucket=logs_bucket,
            log_file_prefix="cloudfront/",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(site),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=rewrite, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
            ),
            additional_behaviors={
                constants.API_PATH_PATTERN: cloudfront.BehaviorOptions(
                    origin=origins.HttpOrigin(
                        api_domain,
                        protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
                        origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
                        read_timeout=Duration.seconds(30),
                    ),
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                    allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                    cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                    # Everything but Host, so API Gateway sees its own host name.
                    origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                )
            },
        )
        source = constants.WEB_DIST_DIR if (constants.WEB_DIST_DIR / "index.html").exists() else None
        self.deployed_placeholder = source is None
        s3deploy.BucketDeployment(
            self,
            "Deploy",
            sources=[s3deploy.Source.asset(str(source or constants.WEB_PLACEHOLDER_DIR))],
            destination_bucket=site,
            distribution=self.distribution,
            distribution_paths=["/*"],
            memory_limit=512,
        )
        for rule, reason in (
            ("AwsSolutions-CFR1", "Conferences, schools and TV partners are spread across countries: "
             "no geo restriction."),
            ("AwsSolutions-CFR2", "WAF is attached per deployment (cost); the API is JWT-guarded and "
             "throttled at the stage."),
            ("AwsSolutions-CFR4", "The default *.cloudfront.net certificate allows TLSv1 at the viewer; "
             "a custom domain with an ACM certificate and TLSv1.2_2021 lifts this."),
        ):  # fmt: skip
            acknowledge(self.distribution, rule, reason)
