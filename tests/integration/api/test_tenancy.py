"""Cross-tenant access is refused as 404 with the same body as for an id that exists nowhere."""

from __future__ import annotations

import uuid

import pytest

from flextime.api.auth import mint_local_token


def _shape(response) -> dict:
    body = response.json()
    return {k: v for k, v in body.items() if k not in ("detail", "instance")}


@pytest.mark.parametrize(
    ("method", "template", "body"),
    [
        ("GET", "/v1/seasons/{season}", None),
        ("GET", "/v1/seasons/{season}/teams", None),
        ("GET", "/v1/scenarios/{scenario}", None),
        ("GET", "/v1/jobs/{job}", None),
        ("GET", "/v1/schedules/{published}", None),
        ("GET", "/v1/schedules/{published}/export?format=csv", None),
        ("GET", "/v1/seasons/{season}/calendar.ics", None),
        ("GET", "/v1/threads/{thread}/comments", None),
        ("POST", "/v1/threads/{thread}/comments", {"body": "hello"}),
        ("POST", "/v1/schedules/{published}/drafts", None),
        (
            "PUT",
            "/v1/scenarios/{scenario}/constraints/c9",
            {"type": "max_consecutive", "id": "c9", "max": 2, "mode": "A"},
        ),
        ("POST", "/v1/jobs", {"season_id": "{season}"}),
    ],
)
def test_another_tenants_ids_are_not_found(client, headers, world, method, template, body):
    # Given ids of the other conference, and the same route with an id that exists nowhere
    other = world.other
    ids = {"season": other.season_id, "scenario": other.scenario_id, "job": other.extra["job"],
           "published": other.published, "thread": other.extra["thread"]}  # fmt: skip
    nowhere = {k: uuid.uuid4() for k in ids}

    def call(values):
        payload = (
            None
            if body is None
            else {k: v.format(**values) if isinstance(v, str) else v for k, v in body.items()}
        )
        return client.request(method, template.format(**values), json=payload, headers=headers["scheduler"])

    # When the big12 scheduler asks for them
    theirs, missing = call(ids), call(nowhere)
    # Then both are 404 problem+json, indistinguishable but for the id echoed back
    assert theirs.status_code == missing.status_code == 404, theirs.text
    assert theirs.headers["content-type"] == "application/problem+json"
    assert _shape(theirs) == _shape(missing)


def test_the_tenant_comes_from_the_token_and_membership_is_checked(client, settings, world):
    # Given a big12 user's id in a token that claims the other tenant
    forged = mint_local_token(
        settings, user_id=world.big12.user_for("conference_admin"), tenant_id=world.other.tenant_id,
        roles=["conference_admin"],
    )  # fmt: skip
    # When it reads seasons
    response = client.get("/v1/seasons", headers={"Authorization": f"Bearer {forged}"})
    # Then it is refused (not a member of that tenant) and nothing of the other tenant is shown
    assert response.status_code == 403
    assert str(world.other.season_id) not in response.text


def test_a_role_claim_beyond_the_membership_is_refused(client, settings, world):
    # Given the viewer's user id with a token that claims the scheduler role
    lifted = mint_local_token(
        settings, user_id=world.big12.user_for("viewer"), tenant_id=uuid.UUID(world.big12.tenant_id),
        roles=["scheduler"],
    )  # fmt: skip
    # When it lists jobs (schedulers may)
    response = client.get("/v1/jobs", headers={"Authorization": f"Bearer {lifted}"})
    # Then the membership (viewer) decides: 403
    assert response.status_code == 403
