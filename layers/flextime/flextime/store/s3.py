"""Artifacts (job inputs, instances, solutions, exports, imports) behind a small port.

Keys are ``<tenant>/<season>/<job or import id>/<kind>/<name>``, so an IAM policy or a lifecycle
rule can be scoped by tenant prefix and a job's files list with one prefix. ``S3ArtifactStore``
is the boto3 adapter (moto in tests); ``LocalArtifactStore`` keeps the same keys in a folder
for the CLI and demo.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, Literal, Protocol

ArtifactKind = Literal["inputs", "instances", "solutions", "exports", "imports", "reports"]
KINDS: tuple[str, ...] = ("inputs", "instances", "solutions", "exports", "imports", "reports")


def artifact_key(
    tenant_id: uuid.UUID | str,
    season_id: uuid.UUID | str,
    owner_id: uuid.UUID | str,
    kind: ArtifactKind,
    name: str,
) -> str:
    """The object key of one artifact. ``owner_id`` is the job id (or the import batch id)."""
    if kind not in KINDS:
        raise ValueError(f"unknown artifact kind {kind!r} (one of {', '.join(KINDS)})")
    if not name or name.startswith("/") or ".." in name.split("/"):
        raise ValueError(f"bad artifact name {name!r}")
    return f"{tenant_id}/{season_id}/{owner_id}/{kind}/{name}"


class ArtifactStore(Protocol):
    """The port: what the application needs from object storage."""

    def put_bytes(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None: ...

    def get_bytes(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def list_keys(self, prefix: str) -> list[str]: ...

    def download_url(self, key: str, expires_in: int = 900, filename: str | None = None) -> str: ...


def put_json(store: ArtifactStore, key: str, value: Any) -> None:
    store.put_bytes(key, json.dumps(value, separators=(",", ":"), default=str).encode(), "application/json")


def get_json(store: ArtifactStore, key: str) -> Any:
    return json.loads(store.get_bytes(key))


class ArtifactNotFound(KeyError):
    """No artifact under that key."""


def s3_client(region_name: str | None = None) -> Any:
    """A boto3 S3 client that presigns with SigV4 (botocore still defaults to SigV2 query
    signatures in us-east-1, which KMS-encrypted objects and newer regions refuse)."""
    import boto3
    from botocore.config import Config

    return boto3.client("s3", region_name=region_name, config=Config(signature_version="s3v4"))


class S3ArtifactStore:
    """boto3 adapter. The client is created lazily (region and endpoint from the environment,
    e.g. AWS_ENDPOINT_URL_S3 for LocalStack); pass one to share it."""

    def __init__(self, bucket: str, client: Any = None, kms_key_id: str | None = None):
        self.bucket = bucket
        self._client = client
        self.kms_key_id = kms_key_id

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = s3_client()
        return self._client

    def put_bytes(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        extra: dict[str, Any] = (
            {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self.kms_key_id} if self.kms_key_id else {}
        )
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type, **extra)

    def get_bytes(self, key: str) -> bytes:
        try:
            return bytes(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())
        except self.client.exceptions.NoSuchKey as exc:
            raise ArtifactNotFound(key) from exc

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def list_keys(self, prefix: str) -> list[str]:
        keys: list[str] = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            keys += [obj["Key"] for obj in page.get("Contents", [])]
        return sorted(keys)

    def download_url(self, key: str, expires_in: int = 900, filename: str | None = None) -> str:
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if filename:
            params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
        return str(self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in))


_TMP_PREFIX = ".writing-"


class LocalArtifactStore:
    """The same keys as files under ``root`` (CLI, demo, tests without AWS)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"key {key!r} escapes the artifact folder")
        return path

    def put_bytes(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # One temporary file per write (a fixed name let two writers of one key, such as two
        # parallel requests with one idempotency key, rename each other's file away).
        tmp = path.with_name(f"{_TMP_PREFIX}{path.name}.{uuid.uuid4().hex}")
        try:
            tmp.write_bytes(data)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)

    def get_bytes(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise ArtifactNotFound(key) from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list_keys(self, prefix: str) -> list[str]:
        root = self.root.resolve()
        if not root.exists():
            return []
        keys = (
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file() and not p.name.startswith(_TMP_PREFIX)
        )
        return sorted(k for k in keys if k.startswith(prefix))

    def download_url(self, key: str, expires_in: int = 900, filename: str | None = None) -> str:
        return self._path(key).as_uri()
