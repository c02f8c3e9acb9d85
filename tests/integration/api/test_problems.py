"""Every error class answers RFC 9457 problem+json (type, title, status, detail, instance), and a
500 carries an error id, never a stack trace. Plus the Mangum round trip of the Lambda handler."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from flextime.api.app import create_app
from flextime.api.auth import mint_local_token

ROOT = Path(__file__).resolve().parents[3]


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= body.keys()
    assert body["status"] == status and body["type"].startswith("https://")
    assert "Traceback" not in response.text and 'File "' not in response.text
    return body


def test_401_without_or_with_a_bad_token(client, settings, world):
    # Given no token, a garbage token, an expired one and one from an unknown key
    expired = mint_local_token(settings, user_id=uuid.uuid4(), tenant_id=uuid.uuid4(), roles=["viewer"],
                               ttl=dt.timedelta(hours=-1))  # fmt: skip
    for h in ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Bearer {expired}"},
              {"Authorization": "Basic dTpw"}):  # fmt: skip
        # When a resource is read / Then 401 with a WWW-Authenticate challenge
        r = client.get("/v1/seasons", headers=h)
        assert_problem(r, 401)
        assert r.headers["www-authenticate"].startswith("Bearer")


def test_403_404_405_409_422(client, headers, world):
    assert_problem(client.get("/v1/audit", headers=headers["scheduler"]), 403)
    assert_problem(client.get(f"/v1/seasons/{uuid.uuid4()}", headers=headers["viewer"]), 404)
    assert_problem(client.get("/v1/nothing-here", headers=headers["viewer"]), 404)
    assert_problem(client.put("/v1/seasons", headers=headers["viewer"]), 405)
    code = f"dup-{uuid.uuid4().hex[:6]}"
    assert (
        client.post("/v1/sports", json={"code": code, "name": "A"}, headers=headers["scheduler"]).status_code
        == 201
    )
    assert_problem(
        client.post("/v1/sports", json={"code": code, "name": "B"}, headers=headers["scheduler"]), 409
    )
    body = assert_problem(client.post("/v1/sports", json={"code": ""}, headers=headers["scheduler"]), 422)
    assert {tuple(e["loc"]) for e in body["errors"]} >= {("body", "code"), ("body", "name")}


def test_412_and_428(client, headers, world):
    stale = {**headers["scheduler"], "If-Match": f'"{world.draft_id}.0"'}
    assert_problem(client.post(f"/v1/schedules/{world.draft_id}/publish", headers=stale), 412)
    assert_problem(client.post(f"/v1/schedules/{world.draft_id}/publish", headers=headers["scheduler"]), 428)


def test_429_when_rate_limited(settings, pool, world, token):
    # Given an app allowing 3 requests a minute per user
    app = create_app(settings.model_copy(update={"rate_limit_per_minute": 3}), pool_factory=lambda: pool)
    h = {"Authorization": f"Bearer {token('viewer')}"}
    with TestClient(app) as c:
        codes = [c.get("/v1/sports", headers=h).status_code for _ in range(4)]
        # When the 4th arrives / Then 429 with Retry-After
        r = c.get("/v1/sports", headers=h)
    assert codes[:3] == [200, 200, 200]
    assert_problem(r, 429)
    assert int(r.headers["retry-after"]) > 0


class _Broken:
    def launch(self, *args, **kwargs):
        raise RuntimeError("secret internals: password=hunter2")


def test_500_has_an_error_id_and_no_internals(settings, pool, world, token):
    # Given a job launcher that fails unexpectedly
    app = create_app(settings, pool_factory=lambda: pool, launcher=_Broken())
    with TestClient(app, raise_server_exceptions=False) as c:
        # When a job is posted
        r = c.post("/v1/jobs", json={"season_id": str(world.season_id)},
                   headers={"Authorization": f"Bearer {token('scheduler')}"})  # fmt: skip
    # Then 500 problem+json with an error id, without the message or a trace
    body = assert_problem(r, 500)
    assert len(body["error_id"]) == 32 and "hunter2" not in r.text


def http_api_v2_event(method: str, path: str, headers: dict[str, str], query: str = "") -> dict:
    return {
        "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": query,
        "headers": {"host": "api.example.com", **{k.lower(): v for k, v in headers.items()}},
        "requestContext": {
            "accountId": "123456789012", "apiId": "api", "domainName": "api.example.com", "domainPrefix": "api",  # noqa: E501
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                     "userAgent": "pytest"},
            "requestId": "req-1", "routeKey": "$default", "stage": "$default", "time": "30/Nov/2026:00:00:00 +0000",  # noqa: E501
            "timeEpoch": 1796000000000,
        },
        "isBase64Encoded": False,
    }  # fmt: skip


class _Context:
    function_name, memory_limit_in_mb, aws_request_id = "flextime-api", 512, "req-1"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:flextime-api"


@pytest.fixture
def lambda_handler(db_url, settings, monkeypatch):
    from flextime.api.settings import get_settings
    from flextime.store.db import get_pool

    monkeypatch.setenv("FLEXTIME_DATABASE_URL", db_url)
    monkeypatch.setenv("FLEXTIME_API_TRUST_LOCAL_KEY", "true")
    monkeypatch.setenv("FLEXTIME_API_KEY_DIR", str(settings.key_dir))
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "flextime")
    get_settings.cache_clear()
    get_pool.cache_clear()
    spec = importlib.util.spec_from_file_location("api_handler", ROOT / "functions" / "api" / "handler.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module.handler
    if get_pool.cache_info().currsize:
        get_pool().close()
    get_pool.cache_clear()
    get_settings.cache_clear()
    os.environ.pop("FLEXTIME_API_KEY_DIR", None)


def test_mangum_round_trip(lambda_handler, token, world):
    # Given HTTP API (payload v2) events: a season read with a token, and one without
    auth = {"Authorization": f"Bearer {token('viewer')}"}
    ok = http_api_v2_event("GET", f"/v1/seasons/{world.season_id}/teams", auth, "limit=5")
    anonymous = http_api_v2_event("GET", "/v1/seasons", {})
    # When the Lambda handler serves them
    first, second = lambda_handler(ok, _Context()), lambda_handler(anonymous, _Context())
    # Then API Gateway responses: 200 with the page, and a 401 problem
    assert first["statusCode"] == 200, first
    import json

    page = json.loads(first["body"])
    assert page["limit"] == 5 and len(page["items"]) == 5 and page["total"] == 16
    assert second["statusCode"] == 401
    assert second["headers"]["content-type"] == "application/problem+json"
