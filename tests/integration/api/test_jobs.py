"""POST /v1/jobs: 202 + Location through the real job starter (moto's Step Functions); an
Idempotency-Key makes retries and concurrent duplicates return one job and one execution."""

from __future__ import annotations

import asyncio
import uuid

import httpx


def _post(app, headers, body, key):
    async def both():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as c:
            h = {**headers, "Idempotency-Key": key}
            return await asyncio.gather(
                c.post("/v1/jobs", json=body, headers=h), c.post("/v1/jobs", json=body, headers=h)
            )

    return asyncio.run(both())


def _executions(aws, job_id):
    listed = aws["sfn"].list_executions(stateMachineArn=aws["arns"]["generate"])["executions"]
    return [e for e in listed if e["name"] == str(job_id)]


def test_two_parallel_posts_with_one_key_make_one_job(app, client, headers, world, aws, pool):
    # Given a job request and a fresh idempotency key
    body = {"season_id": str(world.season_id), "time_limit_s": 5}
    key = f"k-{uuid.uuid4()}"
    # When two identical requests run at the same time, then a third one later
    first, second = _post(app, headers["scheduler"], body, key)
    third = client.post("/v1/jobs", json=body, headers={**headers["scheduler"], "Idempotency-Key": key})
    # Then all answer 202 with the same job and Location, and one execution named by the job id exists
    assert {first.status_code, second.status_code, third.status_code} == {202}, (first.text, second.text)
    ids = {r.json()["id"] for r in (first, second, third)}
    assert len(ids) == 1
    job_id = ids.pop()
    assert first.headers["location"] == f"/v1/jobs/{job_id}"
    assert len(_executions(aws, job_id)) == 1
    status = client.get(f"/v1/jobs/{job_id}", headers=headers["scheduler"])
    assert status.status_code == 200 and status.json()["status"] == "queued"


def test_without_a_key_each_post_is_a_new_job(client, headers, world, aws):
    # Given a job request without a key
    body = {"season_id": str(world.season_id), "time_limit_s": 5}
    # When it is posted twice
    a = client.post("/v1/jobs", json=body, headers=headers["scheduler"])
    b = client.post("/v1/jobs", json=body, headers=headers["scheduler"])
    # Then two jobs and two executions
    assert a.status_code == b.status_code == 202
    assert a.json()["id"] != b.json()["id"]
    assert len(_executions(aws, a.json()["id"])) == len(_executions(aws, b.json()["id"])) == 1


def test_a_key_reused_with_another_body_is_refused(client, headers, world):
    # Given a key used once
    key = f"k-{uuid.uuid4()}"
    h = {**headers["scheduler"], "Idempotency-Key": key}
    assert (
        client.post(
            "/v1/jobs", json={"season_id": str(world.season_id), "time_limit_s": 5}, headers=h
        ).status_code
        == 202
    )
    # When it comes back with a different request
    response = client.post("/v1/jobs", json={"season_id": str(world.season_id), "time_limit_s": 9}, headers=h)
    # Then 422 problem+json
    assert response.status_code == 422
    assert response.json()["type"].endswith("/idempotency-key-reused")


def test_job_listing_filters_by_status(client, headers, world):
    # Given queued jobs from the tests above
    # When the scheduler lists queued jobs of the season
    response = client.get(
        f"/v1/jobs?season_id={world.season_id}&status=queued&limit=2", headers=headers["scheduler"]
    )
    # Then a page of at most 2 queued jobs, with the total
    page = response.json()
    assert response.status_code == 200
    assert len(page["items"]) <= 2 and all(j["status"] == "queued" for j in page["items"])
    assert page["total"] >= len(page["items"])
