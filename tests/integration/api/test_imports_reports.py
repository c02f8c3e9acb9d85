"""Imports and reports through the API: upload -> committed batch, a bad file -> 422 problem+json
with located problems and nothing written, the annotated error file, rollback, school scope, and
report generation with its download link."""

from __future__ import annotations

import uuid

import pytest

from flextime.store.db import tenant_transaction

GOOD = "venue,date,holder,note\nBYU-stadium,2026-10-02,concert,\nUTAH-stadium,2026-10-03,concert,fall fest\n"
BAD = (
    "venue,date,holder,note\n"
    "BYU-stadium,2026-10-05,concert,\n"  # fine
    "NOPE-arena,2026-10-06,concert,\n"  # unknown venue (row 3)
    "UTAH-stadium,2026-13-40,concert,\n"  # not a date (row 4)
    "UTAH-stadium,2025-01-01,concert,\n"  # outside the season (row 5)
)
CSV = {"Content-Type": "text/csv"}


def _upload(client, headers, season, body, kind="venue_calendar", name="calendar.csv", **params):
    query = {"filename": name, **params}
    return client.post(
        f"/v1/seasons/{season}/imports/{kind}", params=query, content=body, headers={**headers, **CSV}
    )


def _calendar_rows(pool, world, holder: str = "concert") -> int:
    admin = world.big12.user_for("conference_admin")
    with tenant_transaction(pool, world.big12.tenant_id, admin) as tx:
        row = tx.execute("SELECT count(*) AS n FROM venue_calendar WHERE holder = %s", (holder,)).fetchone()
    return int(row["n"])


def _fetch(client, headers, location: str) -> bytes:
    """Served locally, links lead to the API's download route (not the store's file:// paths)."""
    assert location.startswith("/v1/artifacts/"), location
    response = client.get(location, headers=headers)
    assert response.status_code == 200, response.text
    return response.content


def test_a_good_file_commits_one_batch_and_rolls_back(client, headers, world, pool, events):
    # Given a valid venue calendar and no such rows yet
    before = _calendar_rows(pool, world)
    # When the scheduler uploads it
    response = _upload(client, headers["scheduler"], world.season_id, GOOD.encode())
    # Then one applied batch holds both rows, the history lists it and ImportCompleted was published
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "applied" and body["rows"] == 2 and body["problems"] == []
    batch = body["batch"]
    assert batch["status"] == "applied" and batch["counts"]["venue_calendar"] == 2
    assert _calendar_rows(pool, world) == before + 2
    history = client.get(f"/v1/seasons/{world.season_id}/imports", headers=headers["viewer"])
    assert history.status_code == 200 and history.json()[0]["id"] == batch["id"]
    assert any(str(getattr(e, "import_id", "")) == batch["id"] for e in events.events)
    # When the batch is rolled back
    undone = client.post(f"/v1/imports/{batch['id']}/rollback", headers=headers["scheduler"])
    # Then its rows are gone, the batch is marked rolled back, and a second rollback conflicts
    assert undone.status_code == 200, undone.text
    assert undone.json()["venue_calendar"] == 2
    assert _calendar_rows(pool, world) == before
    history = client.get(f"/v1/seasons/{world.season_id}/imports", headers=headers["scheduler"]).json()
    assert next(b for b in history if b["id"] == batch["id"])["status"] == "rolled_back"
    again = client.post(f"/v1/imports/{batch['id']}/rollback", headers=headers["scheduler"])
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"


def test_a_bad_file_is_422_with_located_problems_and_writes_nothing(client, headers, world, pool):
    # Given a calendar with an unknown venue, a bad date and a date outside the season
    before = _calendar_rows(pool, world)
    batches = len(client.get(f"/v1/seasons/{world.season_id}/imports", headers=headers["scheduler"]).json())
    # When it is uploaded
    response = _upload(client, headers["scheduler"], world.season_id, BAD.encode(), name="bad.csv")
    # Then 422 problem+json lists every problem by row and column, and nothing was written
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/unprocessable") and body["outcome"] == "rejected"
    located = {(p["row"], p["column"]) for p in body["problems"]}
    assert {(3, "venue"), (4, "date"), (5, "date")} <= located, body["problems"]
    assert all(p["file"] == "bad.csv" and p["code"] and p["message"] for p in body["problems"])
    assert _calendar_rows(pool, world) == before
    after = client.get(f"/v1/seasons/{world.season_id}/imports", headers=headers["scheduler"]).json()
    assert len(after) == batches
    # And the annotated error file is a short-lived link away
    errors = client.get(body["errors_url"], headers=headers["scheduler"], follow_redirects=False)
    assert errors.status_code == 307, errors.text
    annotated = _fetch(client, headers["scheduler"], errors.headers["location"]).decode()
    assert "errors" in annotated.splitlines()[0] and "NOPE-arena" in annotated


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("calendar.xlsx", b"PK\x03\x04 not really a workbook"),
        ("calendar.csv", b"\xff\xfe\x00garbage\x00\xc3\x28"),
        ("calendar.csv", b""),
        ("calendar.xlsx", GOOD.encode()),
        ("calendar.csv", b"venue,date\n" + b",\n" * 3),
    ],
    ids=["broken-xlsx", "not-utf8", "empty", "csv-named-xlsx", "blank-rows"],
)
def test_unreadable_files_are_422_not_500(client, headers, world, name, data):
    response = _upload(client, headers["scheduler"], world.season_id, data, name=name, dry_run="true")
    assert response.status_code == 422, response.text
    assert response.json()["problems"], response.json()


def test_generated_uploads_never_fail_the_server(client, headers, world):
    # Given generated file bodies (the OpenAPI fuzz sends them to random seasons, i.e. 404s)
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    lines = st.lists(st.text(st.characters(codec="utf-8"), max_size=40), max_size=6).map("\n".join)
    bodies = st.one_of(
        st.binary(max_size=300),
        lines.map(str.encode),
        lines.map(lambda t: ("venue,date,holder,note\n" + t).encode()),
    )

    @given(
        body=bodies,
        name=st.sampled_from(["f.csv", "f.xlsx", "f", "f.CSV"]),
        kind=st.sampled_from(["venue_calendar", "blackouts", "teams", "venues", "schedule"]),
    )
    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(body, name, kind):
        # When each is uploaded to the real season (dry run)
        response = _upload(
            client, headers["scheduler"], world.season_id, body, kind=kind, name=name, dry_run="true"
        )
        # Then the answer is a verdict, never a 5xx
        assert response.status_code in (200, 422), response.text

    run()


def test_dry_run_validates_without_writing(client, headers, world, pool):
    before = _calendar_rows(pool, world)
    response = _upload(client, headers["scheduler"], world.season_id, GOOD.encode(), dry_run="true")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "valid" and response.json()["batch"] is None
    assert _calendar_rows(pool, world) == before


def test_school_staff_import_only_their_own_schools_calendar(client, headers, world, pool):
    staff = headers["school_staff"]  # BYU's staff member
    own = "venue,date,holder,note\nBYU-arena,2026-10-09,staff-import,\n"
    other = "venue,date,holder,note\nUTAH-arena,2026-10-09,staff-import,\n"
    # When BYU's staff import BYU's calendar, Utah's calendar, and a teams file
    ok = _upload(client, staff, world.season_id, own.encode())
    refused = _upload(client, staff, world.season_id, other.encode())
    teams = _upload(client, staff, world.season_id, b"code,name\nX,X\n", kind="teams", name="teams.csv")
    # Then their own school's rows are committed, Utah's row is a located problem, teams are 403
    assert ok.status_code == 200, ok.text
    assert refused.status_code == 422, refused.text
    assert [(p["row"], p["code"]) for p in refused.json()["problems"]] == [(2, "not_your_school")]
    assert teams.status_code == 403 and teams.headers["content-type"] == "application/problem+json"
    assert _calendar_rows(pool, world, "staff-import") == 1
    # And a scheduler's batch is not theirs to roll back, their own one is
    scheduler = _upload(client, headers["scheduler"], world.season_id, GOOD.encode())
    assert scheduler.status_code == 200, scheduler.text
    theirs = client.post(f"/v1/imports/{scheduler.json()['batch']['id']}/rollback", headers=staff)
    assert theirs.status_code == 403
    assert client.post(f"/v1/imports/{scheduler.json()['batch']['id']}/rollback",
                       headers=headers["scheduler"]).status_code == 200  # fmt: skip
    mine = client.post(f"/v1/imports/{ok.json()['batch']['id']}/rollback", headers=staff)
    assert mine.status_code == 200, mine.text
    assert _calendar_rows(pool, world, "staff-import") == 0


def test_templates_download(client, headers):
    csv = client.get("/v1/imports/templates/blackouts", headers=headers["viewer"])
    xlsx = client.get("/v1/imports/templates/teams?format=xlsx", headers=headers["viewer"])
    assert csv.status_code == 200 and csv.text.startswith("school,sport,starts_on,ends_on")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get("/v1/imports/templates/blackouts").status_code == 401


def test_report_generation_and_download_link(client, headers, world):
    # Given the published football schedule: a report file that was never generated is a 404
    # (not report.json itself: another test module may already have built this version's report)
    missing = client.get(
        f"/v1/schedules/{world.published_id}/report/plots/never_generated.svg",
        headers=headers["viewer"],
        follow_redirects=False,
    )
    assert missing.status_code == 404
    # When the scheduler generates its report (viewers may not)
    assert (
        client.post(f"/v1/schedules/{world.published_id}/report", headers=headers["viewer"]).status_code
        == 403
    )
    response = client.post(f"/v1/schedules/{world.published_id}/report", headers=headers["scheduler"])
    # Then HTML, PDF, JSON and plots are stored and a viewer gets a download link to each
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["schedule_id"] == str(world.published_id) and body["version"] >= 1
    names = set(body["files"])
    assert {"report.html", "report.pdf", "report.json"} <= names, names
    for name in ("report.html", "report.pdf"):
        link = client.get(
            f"/v1/schedules/{world.published_id}/report/{name}",
            headers=headers["viewer"],
            follow_redirects=False,
        )
        assert link.status_code == 307, link.text
        assert len(_fetch(client, headers["viewer"], link.headers["location"])) > 1000
    plot = next(n for n in names if n.startswith("plots/") and n.endswith(".svg"))
    link = client.get(
        f"/v1/schedules/{world.published_id}/report/{plot}", headers=headers["viewer"], follow_redirects=False
    )
    assert link.status_code == 307
    # And a name outside the report's files is refused by validation
    bad = client.get(f"/v1/schedules/{world.published_id}/report/..%2Fsecret.pdf", headers=headers["viewer"])
    assert bad.status_code in (404, 422)
    assert uuid.UUID(body["schedule_id"])
