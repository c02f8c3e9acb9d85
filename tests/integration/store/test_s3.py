"""The artifact store port: the S3 adapter against moto, and the local folder adapter."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlparse

import pytest
from moto import mock_aws

from flextime.store.s3 import (
    ArtifactNotFound,
    LocalArtifactStore,
    S3ArtifactStore,
    artifact_key,
    get_json,
    put_json,
    s3_client,
)

TENANT, SEASON, JOB = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


@pytest.fixture
def s3_store(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = s3_client("us-east-1")
        client.create_bucket(Bucket="flextime-artifacts")
        yield S3ArtifactStore("flextime-artifacts", client=client)


@pytest.fixture
def local_store(tmp_path):
    return LocalArtifactStore(tmp_path / "artifacts")


def test_keys_are_scoped_by_tenant_season_and_job():
    # Then keys nest tenant / season / job / kind, and bad kinds or names are refused
    assert (
        artifact_key(TENANT, SEASON, JOB, "solutions", "solution.xml")
        == f"{TENANT}/{SEASON}/{JOB}/solutions/solution.xml"
    )
    with pytest.raises(ValueError):
        artifact_key(TENANT, SEASON, JOB, "secrets", "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        artifact_key(TENANT, SEASON, JOB, "inputs", "../../other-tenant/x")


@pytest.mark.parametrize("store_fixture", ["s3_store", "local_store"])
def test_json_and_bytes_round_trip_and_listing(store_fixture, request):
    store = request.getfixturevalue(store_fixture)
    # Given a job's input and solution
    inputs = artifact_key(TENANT, SEASON, JOB, "inputs", "instance.json")
    solution = artifact_key(TENANT, SEASON, JOB, "solutions", "solution.xml")
    # When they are written
    put_json(store, inputs, {"teams": 16})
    store.put_bytes(solution, b"<Solution/>", "application/xml")
    # Then they read back, list under the job prefix, and a missing key is a typed error
    assert get_json(store, inputs) == {"teams": 16}
    assert store.get_bytes(solution) == b"<Solution/>"
    assert store.list_keys(f"{TENANT}/{SEASON}/{JOB}/") == sorted([inputs, solution])
    assert store.exists(inputs) and not store.exists(inputs + ".missing")
    with pytest.raises(ArtifactNotFound):
        store.get_bytes(artifact_key(TENANT, SEASON, JOB, "exports", "none.csv"))


def test_presigned_download_url(s3_store):
    # Given an export
    key = artifact_key(TENANT, SEASON, JOB, "exports", "schedule.csv")
    s3_store.put_bytes(key, b"home,away\n", "text/csv")
    # When a download URL is made
    url = s3_store.download_url(key, expires_in=300, filename="schedule.csv")
    # Then it is a signed GET for that object, expiring in 300 s, as an attachment
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    assert parsed.path.endswith(key) and "flextime-artifacts" in url
    assert query["X-Amz-Expires"] == ["300"] and "X-Amz-Signature" in query
    assert query["response-content-disposition"] == ['attachment; filename="schedule.csv"']


def test_local_store_refuses_keys_outside_its_folder(local_store):
    with pytest.raises(ValueError):
        local_store.put_bytes("../outside.txt", b"x")


def test_parallel_writes_of_one_key_all_land(local_store):
    # Given many writers of the same key at once (two requests with one idempotency key do this)
    from concurrent.futures import ThreadPoolExecutor

    key = artifact_key(TENANT, SEASON, JOB, "inputs", "instance.json")
    payloads = [f'{{"writer": {i}}}'.encode() for i in range(16)]
    # When they all write
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda data: local_store.put_bytes(key, data), payloads * 4))
    # Then none fails, one whole payload is stored, and no temporary file is listed or left behind
    assert local_store.get_bytes(key) in payloads
    assert local_store.list_keys(f"{TENANT}/") == [key]
    assert [p.name for p in local_store._path(key).parent.iterdir()] == ["instance.json"]
