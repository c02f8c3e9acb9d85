"""The one-round-trip schedule reads: the same document as the models give, ETag +
If-None-Match -> 304, and the checks of a tenant transaction (membership, role, viewers)."""

from __future__ import annotations

import uuid

from flextime.api.auth import mint_local_token
from flextime.api.routers.schedules import ScheduleOut, out
from flextime.store.db import tenant_transaction
from flextime.store.repositories import schedules


def test_the_document_is_the_models_document(client, headers, world, pool):
    # Given the season's published version now, read through the repositories (tests elsewhere in
    # this worker's database may have published the draft, archiving world.published_id)
    admin = world.big12.user_for("conference_admin")
    with tenant_transaction(pool, world.big12.tenant_id, admin) as tx:
        version = schedules.published_version(tx, world.season_id)
        assert version is not None
        games = schedules.list_games(tx, version.id)
    expected = ScheduleOut(version=out(version), games=games).model_dump(mode="json")
    # When it is read through both routes
    by_season = client.get(f"/v1/seasons/{world.season_id}/schedule", headers=headers["viewer"])
    by_id = client.get(f"/v1/schedules/{version.id}", headers=headers["viewer"])
    # Then both are the model's document, with the ETag
    for response in (by_season, by_id):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        assert response.json() == expected
        assert response.headers["etag"] == version.etag
    # And a team filter keeps that team's games only
    team = client.get(f"/v1/schedules/{version.id}?team=BYU", headers=headers["viewer"]).json()
    assert team["games"] and all("BYU" in (g["home"], g["away"]) for g in team["games"])
    assert [g for g in expected["games"] if "BYU" in (g["home"], g["away"])] == team["games"]


def test_if_none_match_gives_304(client, headers, world):
    url = f"/v1/seasons/{world.season_id}/schedule"
    etag = client.get(url, headers=headers["viewer"]).headers["etag"]
    for tag in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = client.get(url, headers={**headers["viewer"], "If-None-Match": tag})
        assert response.status_code == 304, (tag, response.text)
        assert response.content == b"" and response.headers["etag"] == etag
    stale = client.get(url, headers={**headers["viewer"], "If-None-Match": f'"{world.published_id}.0"'})
    assert stale.status_code == 200 and stale.json()["games"]


def test_checks_of_the_tenant_transaction_still_apply(client, headers, settings, world):
    # Viewers see published versions only; another tenant's id is not found; a non-member is 403
    assert client.get(f"/v1/schedules/{world.draft_id}", headers=headers["viewer"]).status_code == 403
    assert client.get(f"/v1/schedules/{world.draft_id}", headers=headers["scheduler"]).status_code == 200
    stranger = mint_local_token(
        settings, user_id=uuid.uuid4(), tenant_id=uuid.UUID(world.big12.tenant_id), roles=["scheduler"]
    )
    refused = client.get(
        f"/v1/schedules/{world.published_id}", headers={"Authorization": f"Bearer {stranger}"}
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    other = mint_local_token(
        settings, user_id=world.other.admin, tenant_id=world.other.tenant_id, roles=["conference_admin"]
    )
    hidden = client.get(f"/v1/schedules/{world.published_id}", headers={"Authorization": f"Bearer {other}"})
    assert hidden.status_code == 404
    missing = client.get(f"/v1/seasons/{uuid.uuid4()}/schedule", headers=headers["viewer"])
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
