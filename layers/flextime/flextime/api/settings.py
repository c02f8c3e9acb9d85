"""The API's settings: one pydantic-settings model (prefix FLEXTIME_API_), read on first use."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_ISSUER = "flextime-local"
DEFAULT_AUDIENCE = "flextime-api"

#: Data-layer role for each role name an identity provider may put in the roles claim.
DEFAULT_ROLE_MAP = {
    "conference_admin": "conference_admin",
    "scheduler": "scheduler",
    "school_staff": "school_staff",
    "viewer": "viewer",
}


class ApiSettings(BaseSettings):
    """OIDC (Cognito by default; Auth0 is the same with other claim names), limits and local serving."""

    model_config = SettingsConfigDict(env_prefix="FLEXTIME_API_", extra="ignore")

    issuer: str | None = Field(
        None, description="OIDC issuer, e.g. https://cognito-idp.<region>.amazonaws.com/<pool id>"
    )
    audience: str = Field(DEFAULT_AUDIENCE, description="Expected `aud` (ID token) or `client_id` (access).")
    jwks_url: str | None = Field(None, description="Default: <issuer>/.well-known/jwks.json")
    algorithms: list[str] = Field(default_factory=lambda: ["RS256"])
    roles_claim: str = "cognito:groups"
    tenant_claim: str = "custom:tenant_id"
    user_claim: str = "sub"
    role_map: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_ROLE_MAP))
    leeway_s: int = 30
    trust_local_key: bool = Field(False, description="Also accept tokens minted by `flextime token`.")
    key_dir: Path | None = Field(None, description="Folder of the local signing key (default: user data).")
    rate_limit_per_minute: int = Field(0, ge=0, description="Per user; 0 = off (API Gateway throttles).")
    max_page_size: int = Field(500, ge=1)
    artifact_links: Literal["auto", "store", "api"] = Field(
        "auto",
        description="Report/error-file links: the store's (S3 presigned) or this API's download route; "
        "auto: the API's when serving locally (trust_local_key) or the store's link is not http(s).",
    )
    web_dist: Path | None = None
    seed_demo: bool = False

    @property
    def resolved_jwks_url(self) -> str | None:
        if self.jwks_url:
            return self.jwks_url
        return f"{self.issuer.rstrip('/')}/.well-known/jwks.json" if self.issuer else None


@lru_cache(maxsize=1)
def get_settings() -> ApiSettings:
    return ApiSettings()
