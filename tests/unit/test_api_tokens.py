"""The API's token verifier against each token shape: Cognito ID tokens (``aud``), Cognito access
tokens (``client_id``, no ``aud``; the tenant only with a pre-token-generation V2 trigger), and
Auth0-style tokens with a configured tenant claim."""

from __future__ import annotations

import re
import time
import uuid
from types import SimpleNamespace
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from flextime.api.auth import TokenVerifier
from flextime.api.errors import Unauthorized
from flextime.api.settings import ApiSettings

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example"
CLIENT = "4f1example2client3id"
TENANT = uuid.uuid4()
USER = uuid.uuid4()
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _verifier(**overrides: Any) -> TokenVerifier:
    settings = ApiSettings(issuer=ISSUER, audience=CLIENT, **overrides)
    verifier = TokenVerifier(settings)
    # The JWKS client, without the network: every kid resolves to the test key.
    verifier.jwks = SimpleNamespace(
        get_signing_key_from_jwt=lambda token: SimpleNamespace(key=KEY.public_key())
    )
    return verifier


def _token(**claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "sub": str(USER), "iat": now, "exp": now + 600, **claims}
    return jwt.encode({k: v for k, v in body.items() if v is not None}, KEY, algorithm="RS256",
                      headers={"kid": "k1"})  # fmt: skip


def test_cognito_id_token():
    token = _token(
        aud=CLIENT, token_use="id", **{"custom:tenant_id": str(TENANT), "cognito:groups": ["scheduler"]}
    )
    who = _verifier().verify(token)
    assert (who.user_id, who.tenant_id, who.roles) == (USER, TENANT, frozenset({"scheduler"}))


def test_cognito_access_token_with_claims_from_a_pre_token_generation_trigger():
    # An access token has client_id and no aud; a V2 trigger added the tenant and the groups are there
    added = {"custom:tenant_id": str(TENANT), "cognito:groups": ["viewer", "unknown-group"]}
    token = _token(client_id=CLIENT, token_use="access", scope="openid", **added)
    who = _verifier().verify(token)
    assert (who.tenant_id, who.roles) == (TENANT, frozenset({"viewer"}))


def test_default_cognito_access_token_without_the_tenant_is_refused_with_a_hint():
    token = _token(client_id=CLIENT, token_use="access", **{"cognito:groups": ["scheduler"]})
    with pytest.raises(Unauthorized, match="pre-token-generation trigger"):
        _verifier().verify(token)


@pytest.mark.parametrize(
    "claims",
    [
        {"client_id": "another-client", "token_use": "access"},
        {"aud": "another-client", "token_use": "id"},
        {"aud": ["x", "y"]},
        {},
        {"aud": CLIENT, "token_use": "refresh"},
    ],
    ids=["access-other-client", "id-other-aud", "aud-list-without-us", "no-audience", "wrong-token-use"],
)
def test_other_audiences_are_refused(claims):
    token = _token(**claims, **{"custom:tenant_id": str(TENANT), "cognito:groups": ["scheduler"]})
    with pytest.raises(Unauthorized):
        _verifier().verify(token)


def test_auth0_style_token_with_a_configured_tenant_claim():
    ns = "https://flextime.dev/"
    verifier = _verifier(tenant_claim=ns + "tenant_id", roles_claim=ns + "roles",
                         role_map={"Schedulers": "scheduler"})  # fmt: skip
    token = _token(aud=[CLIENT, "https://example.auth0.com/userinfo"],
                   **{ns + "tenant_id": str(TENANT), ns + "roles": ["Schedulers"]})  # fmt: skip
    who = verifier.verify(token)
    assert (who.tenant_id, who.roles) == (TENANT, frozenset({"scheduler"}))
    # The default claim name is not consulted then
    with pytest.raises(Unauthorized, match=re.escape("tenant claim https://flextime.dev/tenant_id")):
        verifier.verify(_token(aud=CLIENT, **{"custom:tenant_id": str(TENANT)}))


def test_verified_tokens_are_cached_until_they_expire():
    verifier = _verifier()
    token = _token(aud=CLIENT, **{"custom:tenant_id": str(TENANT)})
    first = verifier.verify(token)
    assert verifier.cached(token) is first and verifier.verify(token) is first
    expired = _token(aud=CLIENT, exp=int(time.time()) - 3600, **{"custom:tenant_id": str(TENANT)})
    with pytest.raises(Unauthorized, match="expired"):
        verifier.verify(expired)
    assert verifier.cached(expired) is None
