"""OIDC bearer tokens: RS256 JWTs verified against the issuer's JWKS (Cognito by default; Auth0
and any OIDC provider the same, with other claim names in the settings).

* The **tenant** comes from a claim (``custom:tenant_id``), never from the URL.
* The **user** is the ``sub`` claim (a uuid: the data layer's user id).
* **Roles** come from a claim (``cognito:groups``) mapped to the data layer's roles. The data layer
  reads the user's role from memberships inside each transaction; a request needs both: the token
  must carry the role and the membership must grant it (the identity provider can revoke, the
  database stays the authority).

Locally, ``flextime token`` mints tokens with a key pair kept in the user data folder; ``flextime
serve`` trusts that key (``FLEXTIME_API_TRUST_LOCAL_KEY``). Library: PyJWT with ``PyJWKClient``
(JWKS fetch, ``kid`` lookup and key caching built in; one small dependency on ``cryptography``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from flextime.api.errors import Unauthorized
from flextime.api.settings import LOCAL_ISSUER, ApiSettings

ROLES = ("conference_admin", "scheduler", "school_staff", "viewer")


@dataclass(frozen=True)
class Principal:
    """Who calls: the verified token's user, tenant and data-layer roles."""

    user_id: uuid.UUID
    tenant_id: uuid.UUID
    roles: frozenset[str]
    issuer: str = ""
    claims: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


# ---- the local signing key -------------------------------------------------------------------


def default_key_dir() -> Path:
    """``<user data>/flextime/api`` (beside the embedded database's folder)."""
    from flextime.store.embedded import data_dir

    return data_dir().parent / "api"


@dataclass(frozen=True)
class LocalKey:
    private_pem: bytes
    kid: str

    @cached_property
    def private_key(self) -> Any:
        return serialization.load_pem_private_key(self.private_pem, password=None)

    @cached_property
    def public_key(self) -> Any:
        return self.private_key.public_key()


def load_local_key(key_dir: Path | None = None, *, create: bool = True) -> LocalKey:
    """The local RSA key pair (created on first use, file mode 0600)."""
    folder = key_dir or default_key_dir()
    path = folder / "local-signing-key.pem"
    if not path.exists():
        if not create:
            raise FileNotFoundError(path)
        folder.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        # Written whole under a name of its own, then linked into place: the first of several
        # processes creating the key at once wins and the others read its key (a rename would
        # let a later writer replace a key that already signed tokens).
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    pem = path.read_bytes()
    public = serialization.load_pem_private_key(pem, password=None).public_key()
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    import hashlib

    return LocalKey(private_pem=pem, kid="local-" + hashlib.sha256(der).hexdigest()[:16])


def mint_local_token(
    settings: ApiSettings,
    *,
    user_id: uuid.UUID,
    tenant_id: uuid.UUID,
    roles: list[str],
    ttl: dt.timedelta = dt.timedelta(hours=12),
    key: LocalKey | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """A bearer token shaped like the configured provider's (same claim names), signed locally."""
    key = key or load_local_key(settings.key_dir)
    now = dt.datetime.now(dt.UTC)
    claims = {
        "iss": LOCAL_ISSUER,
        "aud": settings.audience,
        "sub": str(user_id),
        settings.user_claim: str(user_id),
        settings.tenant_claim: str(tenant_id),
        settings.roles_claim: roles,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "jti": uuid.uuid4().hex,
        **(extra or {}),
    }
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})


# ---- verification ----------------------------------------------------------------------------


class TokenVerifier:
    """Verifies bearer tokens; built once per app (the JWKS client caches keys)."""

    def __init__(self, settings: ApiSettings, *, local_key: LocalKey | None = None) -> None:
        self.settings = settings
        self.local_key = local_key
        if settings.trust_local_key and local_key is None:
            self.local_key = load_local_key(settings.key_dir)
        url = settings.resolved_jwks_url
        self.jwks = jwt.PyJWKClient(url, cache_keys=True, lifespan=3600, timeout=5) if url else None
        self._verified: dict[str, tuple[Principal, float]] = {}

    #: Verified tokens kept (token -> principal until ``exp``): a client sends the same token with
    #: every request, and parsing + RSA verification is a good part of a small read's cost.
    CACHE_SIZE = 4096

    def cached(self, token: str) -> Principal | None:
        """The principal of a token verified before and not expired since (no I/O)."""
        hit = self._verified.get(token)
        if hit is not None:
            if time.time() < hit[1]:
                return hit[0]
            self._verified.pop(token, None)
        return None

    def verify(self, token: str) -> Principal:
        hit = self.cached(token)
        if hit is not None:
            return hit
        who = self._verify(token)
        exp = who.claims.get("exp")
        if isinstance(exp, int | float):
            if len(self._verified) >= self.CACHE_SIZE:
                self._verified.clear()
            self._verified[token] = (who, float(exp) + self.settings.leeway_s)
        return who

    def _verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise Unauthorized("malformed bearer token") from exc
        if header.get("alg") not in self.settings.algorithms:
            raise Unauthorized("token algorithm not accepted")
        issuer = unverified.get("iss")
        key = self._key_for(issuer, token)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=self.settings.algorithms,
                issuer=issuer,
                leeway=self.settings.leeway_s,
                options={"require": ["exp", "iss"], "verify_aud": False},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("token expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized("token signature or claims invalid") from exc
        self._check_audience(claims)
        # _key_for only accepts the trusted issuer strings
        return self._principal(claims, cast(str, issuer))

    def _key_for(self, issuer: Any, token: str) -> Any:
        if issuer == LOCAL_ISSUER and self.local_key is not None:
            return self.local_key.public_key
        if self.jwks is not None and issuer == self.settings.issuer:
            try:
                return self.jwks.get_signing_key_from_jwt(token).key
            except jwt.PyJWKClientError as exc:
                raise Unauthorized("signing key not found at the issuer") from exc
        raise Unauthorized("token issuer not trusted")

    def _check_audience(self, claims: dict[str, Any]) -> None:
        """ID tokens name the app client in ``aud``; Cognito access tokens have no ``aud`` and name
        it in ``client_id`` (what API Gateway's JWT authorizer also checks). Either may match."""
        use = claims.get("token_use")
        if use is not None and use not in ("id", "access"):
            raise Unauthorized("token_use must be id or access")
        aud = claims.get("aud")
        audiences = [*(aud if isinstance(aud, list) else [aud]), claims.get("client_id")]
        if self.settings.audience not in audiences:
            raise Unauthorized("token audience not accepted")

    def _principal(self, claims: dict[str, Any], issuer: str) -> Principal:
        s = self.settings
        try:
            user_id = uuid.UUID(str(claims.get(s.user_claim) or claims.get("sub")))
        except ValueError as exc:
            raise Unauthorized("token lacks a user id") from exc
        if claims.get(s.tenant_claim) is None:
            hint = (
                " (Cognito access tokens carry it only when a pre-token-generation trigger (V2) adds it;"
                " or send the ID token)"
                if claims.get("token_use") == "access"
                else ""
            )
            raise Unauthorized(f"token lacks the tenant claim {s.tenant_claim}{hint}")
        try:
            tenant_id = uuid.UUID(str(claims[s.tenant_claim]))
        except ValueError as exc:
            raise Unauthorized(f"the tenant claim {s.tenant_claim} is not a tenant id") from exc
        raw = claims.get(s.roles_claim) or []
        if isinstance(raw, str):
            raw = raw.replace(",", " ").split()
        roles = frozenset(s.role_map[r] for r in raw if isinstance(r, str) and r in s.role_map)
        return Principal(user_id=user_id, tenant_id=tenant_id, roles=roles, issuer=issuer, claims=claims)


def local_jwks(key: LocalKey) -> dict[str, Any]:
    """The local key as a JWKS document (served at /.well-known/jwks.json when trusted)."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key))
    return {"keys": [{**jwk, "kid": key.kid, "use": "sig", "alg": "RS256"}]}
