"""API: a Cognito user pool (local users with a strong password policy and MFA, optional SAML
federation, role groups, a tenant attribute), and an HTTP API whose DEFAULT authorizer is a JWT
authorizer on that pool, so every route is guarded. One Lambda (FastAPI via Mangum) serves all
routes; stage throttling and JSON access logs."""

from __future__ import annotations

import json

import jsii
from aws_cdk import Annotations, Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw_v1
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from flextime_cdk.environments import EnvironmentConfig, log_retention
from flextime_cdk.nag import acknowledge

ROLE_GROUPS = ("conference_admin", "scheduler", "school_staff", "viewer")
ROUTE_KEYS = ("/", "/{proxy+}")


class Api(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        handler: lambda_.IFunction | None,
    ) -> None:
        super().__init__(scope, construct_id)
        removal = RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_digits=True,
                require_lowercase=True,
                require_uppercase=True,
                require_symbols=True,
            ),
            mfa=cognito.Mfa.REQUIRED if config.mfa_required else cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            custom_attributes={"tenant_id": cognito.StringAttribute(min_len=36, max_len=36, mutable=False)},
            feature_plan=cognito.FeaturePlan.ESSENTIALS,
            removal_policy=removal,
        )
        for group in ROLE_GROUPS:
            cognito.CfnUserPoolGroup(
                self, f"Group{group.title().replace('_', '')}", user_pool_id=self.user_pool.user_pool_id,
                group_name=group,
            )  # fmt: skip
        providers = [cognito.UserPoolClientIdentityProvider.COGNITO]
        saml = None
        if config.saml_metadata_url:
            name = config.saml_provider_name or "Sso"
            saml = cognito.UserPoolIdentityProviderSaml(
                self,
                "Saml",
                user_pool=self.user_pool,
                name=name,
                metadata=cognito.UserPoolIdentityProviderSamlMetadata.url(config.saml_metadata_url),
                attribute_mapping=cognito.AttributeMapping(email=cognito.ProviderAttribute.other("email")),
            )
            providers.append(cognito.UserPoolClientIdentityProvider.custom(name))
        if config.auth_domain_prefix:
            self.user_pool.add_domain(
                "Domain",
                cognito_domain=cognito.CognitoDomainOptions(domain_prefix=config.auth_domain_prefix),
            )
        self.client = self.user_pool.add_client(
            "WebClient",
            generate_secret=False,  # a browser SPA cannot keep a secret: authorization code + PKCE
            auth_flows=cognito.AuthFlow(user_srp=True),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                scopes=[cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
                callback_urls=[f"{url.rstrip('/')}/auth/callback" for url in config.web_urls],
                logout_urls=[url.rstrip("/") + "/" for url in config.web_urls],
            ),
            supported_identity_providers=providers,
            prevent_user_existence_errors=True,
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
        )
        if saml is not None:
            self.client.node.add_dependency(saml)
        self.issuer = (
            f"https://cognito-idp.{Stack.of(self).region}.amazonaws.com/{self.user_pool.user_pool_id}"
        )
        authorizer = authorizers.HttpJwtAuthorizer(
            "JwtAuthorizer",
            self.issuer,
            jwt_audience=[self.client.user_pool_client_id],
            identity_source=["$request.header.Authorization"],
        )
        access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=log_retention(config.log_retention_days),
            removal_policy=removal,
        )
        self.http_api = apigw.HttpApi(
            self,
            "HttpApi",
            description="FlexTime API (JWT on every route)",
            default_authorizer=authorizer,
            create_default_stage=False,
        )
        self.stage = apigw.HttpStage(
            self,
            "DefaultStage",
            http_api=self.http_api,
            stage_name="$default",
            auto_deploy=True,
            throttle=apigw.ThrottleSettings(
                rate_limit=config.api_rate_limit, burst_limit=config.api_burst_limit
            ),
            access_log_settings=_AccessLogSettings(apigw.LogGroupLogDestination(access_logs)),
        )
        if handler is None:
            Annotations.of(self).add_warning_v2(
                "flextime:api-handler", "functions/api/handler.py is missing: the HTTP API has no routes."
            )
        else:
            integration = integrations.HttpLambdaIntegration("Integration", handler)
            for path in ROUTE_KEYS:
                self.http_api.add_routes(path=path, methods=[apigw.HttpMethod.ANY], integration=integration)
        if not config.mfa_required:
            acknowledge(
                self.user_pool,
                "AwsSolutions-COG2",
                "MFA is REQUIRED in prod; dev/staging keep it optional for test users. Federated "
                "(SAML) users get MFA from their identity provider.",
            )
        for rule in ("AwsSolutions-COG3", "AwsSolutions-COG8"):
            acknowledge(
                self.user_pool,
                rule,
                "Threat protection (Cognito Plus feature plan) is a per-deployment cost decision; "
                "the API is also throttled at the stage and sign-up is admin-only.",
            )

    @property
    def endpoint(self) -> str:
        return self.http_api.api_endpoint


_ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "integrationError": "$context.integrationErrorMessage",
    "authorizerError": "$context.authorizer.error",
    "principal": "$context.authorizer.claims.sub",
}


@jsii.implements(apigw.IAccessLogSettings)
class _AccessLogSettings:
    """JSON access logs for the HTTP API stage."""

    def __init__(self, destination: apigw.IAccessLogDestination) -> None:
        self._destination = destination

    @property
    def destination(self) -> apigw.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw_v1.AccessLogFormat:
        return apigw_v1.AccessLogFormat.custom(json.dumps(_ACCESS_LOG_FORMAT))
