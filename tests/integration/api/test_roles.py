"""Role matrix: every role against every operation, allowed or 403 (table-driven), and the
table covers every operation of the OpenAPI."""

from __future__ import annotations

import uuid

import pytest

ADMIN = {"conference_admin"}
EDITORS = {"conference_admin", "scheduler"}
STAFF = EDITORS | {"school_staff"}
EVERYONE = STAFF | {"viewer"}
R = "00000000-0000-4000-8000-000000000001"  # an id that exists nowhere
OPS = [{"op": "move", "home": "BYU", "away": "UTAH", "slot": 0, "to_slot": 1}]
CONSTRAINT = {"type": "max_consecutive", "id": "c1", "max": 2, "mode": "A"}

# (method, path template, json body, headers, allowed roles)
MATRIX = [
    ("GET", "/v1/sports", None, {}, EVERYONE),
    ("POST", "/v1/sports", {"code": "x-{role}", "name": "X"}, {}, EDITORS),
    ("GET", "/v1/sports/{random}", None, {}, EVERYONE),
    ("GET", "/v1/seasons", None, {}, EVERYONE),
    ("POST", "/v1/seasons", {"sport_id": R, "name": "n"}, {}, EDITORS),
    ("GET", "/v1/seasons/{season}", None, {}, EVERYONE),
    ("GET", "/v1/seasons/{season}/teams", None, {}, EVERYONE),
    ("POST", "/v1/seasons/{random}/teams", {"id": "X", "name": "X"}, {}, EDITORS),
    ("GET", "/v1/venues", None, {}, EVERYONE),
    ("POST", "/v1/venues", {"id": "v-{role}", "name": "V", "lat": 1, "lon": 1}, {}, EDITORS),
    ("GET", "/v1/venues/{random}", None, {}, EVERYONE),
    ("GET", "/v1/venues/{random}/calendar", None, {}, EVERYONE),
    ("POST", "/v1/venues/{random}/calendar", {"day": "2027-01-01"}, {}, STAFF),
    ("DELETE", "/v1/venues/{random}/calendar/{random}", None, {}, STAFF),
    ("GET", "/v1/scenarios", None, {}, STAFF),
    ("POST", "/v1/scenarios", {"season_id": R, "name": "s"}, {}, EDITORS),
    ("GET", "/v1/scenarios/{random}", None, {}, STAFF),
    ("GET", "/v1/scenarios/{random}/constraints", None, {}, STAFF),
    ("PUT", "/v1/scenarios/{random}/constraints/c1", CONSTRAINT, {}, EDITORS),
    ("PATCH", "/v1/scenarios/{random}/constraints/c1", {"enabled": False}, {}, EDITORS),
    ("DELETE", "/v1/scenarios/{random}/constraints/c1", None, {}, EDITORS),
    ("GET", "/v1/scenarios/{random}/explanation", None, {}, EDITORS),
    ("POST", "/v1/jobs", {"season_id": R}, {}, EDITORS),
    ("GET", "/v1/jobs", None, {}, STAFF),
    ("GET", "/v1/jobs/{random}", None, {}, STAFF),
    ("GET", "/v1/seasons/{season}/schedules", None, {}, EVERYONE),
    ("GET", "/v1/seasons/{season}/schedule", None, {}, EVERYONE),
    ("GET", "/v1/schedules/{published}", None, {}, EVERYONE),
    ("GET", "/v1/schedules/{draft}", None, {}, STAFF),  # viewers: published versions only
    ("GET", "/v1/schedules/{published}/diff?against={draft}", None, {}, STAFF),
    ("GET", "/v1/schedules/{published}/validation", None, {}, EVERYONE),
    ("GET", "/v1/schedules/{draft}/validation", None, {}, STAFF),  # viewers: published only
    ("POST", "/v1/schedules/{random}/edits/preview", {"ops": OPS}, {}, EDITORS),
    ("POST", "/v1/schedules/{random}/edits", {"ops": OPS}, {"If-Match": f'"{R}.1"'}, EDITORS),
    ("POST", "/v1/schedules/{random}/drafts", None, {}, EDITORS),
    ("POST", "/v1/schedules/{random}/publish", None, {"If-Match": f'"{R}.1"'}, EDITORS),
    ("POST", "/v1/schedules/{random}/archive", None, {"If-Match": f'"{R}.1"'}, EDITORS),
    ("POST", "/v1/schedules/{random}/repair-requests", {"free_slots": [1]}, {}, EDITORS),
    ("POST", "/v1/schedules/{random}/alternatives", {}, {}, EDITORS),
    ("GET", "/v1/threads", None, {}, STAFF),
    ("POST", "/v1/threads", {"entity_type": "schedule", "entity_id": "x"}, {}, STAFF),
    ("GET", "/v1/threads/{random}/comments", None, {}, STAFF),
    ("POST", "/v1/threads/{random}/comments", {"body": "hi"}, {}, STAFF),
    ("POST", "/v1/threads/{random}/resolve", None, {}, STAFF),
    ("GET", "/v1/notifications", None, {}, EVERYONE),
    ("POST", "/v1/notifications/read", {"ids": [R]}, {}, EVERYONE),
    ("GET", "/v1/schedules/{published}/export?format=ics", None, {}, EVERYONE),
    ("GET", "/v1/schedules/{draft}/export?format=csv", None, {}, STAFF),
    ("GET", "/v1/seasons/{season}/calendar.ics", None, {}, EVERYONE),
    ("GET", "/v1/seasons/{season}/teams/BYU/calendar.ics", None, {}, EVERYONE),
    ("GET", "/v1/imports/templates/{kind}", None, {}, EVERYONE),
    # an empty file: allowed roles get 422 (no data rows), the others 403 before the body is read
    ("POST", "/v1/seasons/{season}/imports/{kind}?filename=c.csv&dry_run=true", None, {}, STAFF),
    # school staff import only the kinds the database scopes to their school (calendars, blackouts)
    ("POST", "/v1/seasons/{season}/imports/teams?filename=t.csv&dry_run=true", None, {}, EDITORS),
    ("POST", "/v1/seasons/{season}/imports/venues?filename=v.csv&dry_run=true", None, {}, EDITORS),
    ("POST", "/v1/seasons/{season}/imports/blackouts?filename=b.csv&dry_run=true", None, {}, STAFF),
    ("GET", "/v1/seasons/{season}/imports", None, {}, EVERYONE),
    ("POST", "/v1/imports/{random}/rollback", None, {}, STAFF),  # school staff: own batches only
    ("GET", "/v1/seasons/{season}/imports/{random}/errors", None, {}, STAFF),
    ("POST", "/v1/schedules/{random}/report", None, {}, EDITORS),
    ("GET", "/v1/schedules/{published}/report/{report}", None, {}, EVERYONE),
    ("GET", "/v1/schedules/{draft}/report/{report}", None, {}, STAFF),  # viewers: published only
    # served locally: another tenant's or unknown key -> 404 for every role (never 403)
    ("GET", "/v1/artifacts/{random}", None, {}, EVERYONE),
    ("GET", "/v1/audit", None, {}, ADMIN),
    ("GET", "/v1/audit/verify", None, {}, ADMIN),
]
ROLES = ("conference_admin", "scheduler", "school_staff", "viewer")


def _fill(template: str, world, role: str) -> str:
    return template.format(
        random=R, season=world.season_id, published=world.published_id, draft=world.draft_id, role=role,
        kind="venue_calendar", report="report.html",
    )  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "body", "extra", "allowed"), MATRIX, ids=[f"{m} {p}" for m, p, *_ in MATRIX]
)
def test_each_role_is_allowed_or_refused(client, headers, world, role, method, path, body, extra, allowed):
    # Given a token for the role
    url = _fill(path, world, role)
    payload = (
        None
        if body is None
        else {k: _fill(v, world, role) if isinstance(v, str) else v for k, v in body.items()}
    )
    # When it calls the operation
    response = client.request(
        method, url, json=payload, headers={**headers[role], **extra}, follow_redirects=False
    )
    # Then the allowed roles get past authorization, the others get 403 problem+json
    if role in allowed:
        assert response.status_code not in (401, 403), response.text
        assert response.status_code < 500 or response.status_code == 501, response.text
    else:
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"


def test_the_matrix_covers_every_operation(client):
    # Given the OpenAPI document's operations, path parameters as *
    spec = client.get("/v1/openapi.json").json()
    operations = {
        (method.upper(), _star(path)) for path, ops in spec["paths"].items() for method in ops
        if path != "/v1/health"
    }  # fmt: skip
    # When the matrix's rows are reduced the same way
    covered = {(m, _star(p.split("?")[0])) for m, p, *_ in MATRIX}
    # Then every operation has a row
    assert operations - covered == set()


def _star(path: str) -> str:
    import re

    path = re.sub(r"\{[a-z_]+\}", "*", path)
    return re.sub(r"/(c1|BYU)(?=/|$)", "/*", path)


def test_school_staff_write_only_their_own_school_calendar(client, headers, world):
    # Given BYU's staff member and two venues: BYU's arena and Utah's
    venues = {
        v["id"]: v["row_id"]
        for v in client.get("/v1/venues?limit=100", headers=headers["viewer"]).json()["items"]
    }
    own, other = venues["BYU-arena"], venues["UTAH-arena"]
    # When they add an unavailable day to each
    ok = client.post(f"/v1/venues/{own}/calendar", json={"day": "2027-01-09", "holder": "concert"},
                     headers=headers["school_staff"])  # fmt: skip
    refused = client.post(
        f"/v1/venues/{other}/calendar", json={"day": "2027-01-09"}, headers=headers["school_staff"]
    )
    # Then their school's write succeeds and the other school's is refused by the database (403)
    assert ok.status_code == 201, ok.text
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert uuid.UUID(ok.json()["id"])
