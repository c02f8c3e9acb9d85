"""Schedules: move/swap validation, saves under If-Match (412 on a stale ETag, nothing changed;
428 without), publish, diff and exports."""

from __future__ import annotations

import uuid

from flextime.store.db import tenant_transaction
from flextime.store.repositories import scenarios, schedules, seasons
from tests.integration.api.conftest import football_games


def _schedule(client, headers, schedule_id):
    r = client.get(f"/v1/schedules/{schedule_id}", headers=headers["scheduler"])
    assert r.status_code == 200, r.text
    return r


def _first_game(games, slot=0):
    return next(g for g in games if g["slot"] == slot)


def test_preview_returns_the_violations_a_move_would_cause(client, headers, world):
    # Given a game of the draft in slot 0
    games = _schedule(client, headers, world.draft_id).json()["games"]
    g = _first_game(games)
    # When moving it to slot 1 (where both teams already play) is previewed
    op = {"op": "move", "home": g["home"], "away": g["away"], "slot": 0, "to_slot": 1}
    r = client.post(
        f"/v1/schedules/{world.draft_id}/edits/preview", json={"ops": [op]}, headers=headers["scheduler"]
    )
    # Then the verdict names what it would break, and nothing was saved
    assert r.status_code == 200, r.text
    verdict = r.json()
    assert not verdict["feasible"]
    assert verdict["caused"] or verdict["structural"]
    assert _schedule(client, headers, world.draft_id).json()["games"] == games


def test_stale_if_match_is_412_and_nothing_changes(client, headers, world):
    # Given the draft read once (ETag) and then changed by someone else
    before = _schedule(client, headers, world.draft_id)
    etag = before.headers["etag"]
    games = before.json()["games"]
    a = _first_game(games, 2)
    lock = {"op": "lock", "home": a["home"], "away": a["away"], "slot": 2}
    first = client.post(f"/v1/schedules/{world.draft_id}/edits", json={"ops": [lock]},
                        headers={**headers["scheduler"], "If-Match": etag})  # fmt: skip
    assert first.status_code == 200, first.text
    after_first = _schedule(client, headers, world.draft_id)
    # When the first reader saves with the old ETag
    unlock = {"op": "unlock", "home": a["home"], "away": a["away"], "slot": 2}
    stale = client.post(f"/v1/schedules/{world.draft_id}/edits", json={"ops": [unlock]},
                        headers={**headers["scheduler"], "If-Match": etag})  # fmt: skip
    # Then 412 problem+json, and the draft is exactly as the first save left it
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    now = _schedule(client, headers, world.draft_id)
    assert now.headers["etag"] == after_first.headers["etag"] != etag
    assert now.json()["games"] == after_first.json()["games"]
    assert _first_game(now.json()["games"], 2)["locked"] is True


def test_saving_without_if_match_is_428(client, headers, world):
    # Given an edit
    op = {"op": "lock", "home": "X", "away": "Y", "slot": 0}
    # When it is saved without If-Match
    r = client.post(f"/v1/schedules/{world.draft_id}/edits", json={"ops": [op]}, headers=headers["scheduler"])
    # Then 428
    assert r.status_code == 428
    assert r.json()["status"] == 428


def _own_published_season(pool, world) -> tuple[uuid.UUID, uuid.UUID]:
    """A season of its own (football's teams and scenario, one published version): publishing there leaves the
    shared world's published version published for the other tests of this worker."""
    admin = world.big12.user_for("conference_admin")
    with tenant_transaction(pool, world.big12.tenant_id, admin) as tx:
        sport = tx.execute("SELECT sport_id FROM seasons WHERE id = %s", (world.season_id,)).fetchone()
        season = seasons.add_season(tx, sport_id=sport["sport_id"], name=f"publish-{uuid.uuid4().hex[:6]}")
        teams = seasons.list_teams(tx, world.season_id)
        seasons.add_teams(tx, season.id, teams)
        row = tx.execute("SELECT id FROM scenarios WHERE season_id = %s", (world.season_id,)).fetchone()
        base = scenarios.get_scenario(tx, row["id"])
        scenario = scenarios.add_scenario(
            tx, season.id, "baseline", format=base.format, objective=base.objective
        )
        for c in scenarios.list_constraints(tx, base.id):
            scenarios.put_constraint(tx, scenario.id, c.constraint, enabled=c.enabled)
        v1 = schedules.create_version(
            tx, season.id, football_games([t.id for t in teams]), scenario_id=scenario.id
        )
        published = schedules.publish(tx, v1.id, v1.row_version)
    return season.id, published.id


def test_editing_a_published_version_makes_a_new_draft_then_publish_and_diff(client, headers, world, pool):
    # Given a published version (in a season of its own) and its ETag
    season_id, published_id = _own_published_season(pool, world)
    pub = _schedule(client, headers, published_id)
    games = pub.json()["games"]
    a, b = _first_game(games, 3), _first_game(games, 4)
    swap = {"op": "swap", "first": {"home": a["home"], "away": a["away"], "slot": 3},
            "second": {"home": b["home"], "away": b["away"], "slot": 4}}  # fmt: skip
    # When a swap is saved on it
    saved = client.post(f"/v1/schedules/{published_id}/edits", json={"ops": [swap]},
                        headers={**headers["scheduler"], "If-Match": pub.headers["etag"]})  # fmt: skip
    # Then a new draft (201 + Location) holds the swap, and the published version is unchanged
    assert saved.status_code == 201, saved.text
    new_id = saved.json()["version"]["id"]
    assert saved.headers["location"] == f"/v1/schedules/{new_id}"
    assert _schedule(client, headers, published_id).json()["games"] == games
    diff = client.get(f"/v1/schedules/{published_id}/diff?against={new_id}", headers=headers["scheduler"])
    assert diff.status_code == 200
    assert {(c["kind"], c["home"], c["from_slot"], c["to_slot"]) for c in diff.json()["changes"]} == {
        ("moved", a["home"], 3, 4),
        ("moved", b["home"], 4, 3),
    }
    # And publishing it with its ETag archives the old one
    published = client.post(f"/v1/schedules/{new_id}/publish",
                            headers={**headers["scheduler"], "If-Match": saved.headers["etag"]})  # fmt: skip
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    old = _schedule(client, headers, published_id).json()["version"]
    assert old["status"] == "archived"
    season = client.get(f"/v1/seasons/{season_id}/schedule", headers=headers["viewer"])
    assert season.json()["version"]["id"] == new_id
    # And the calendar UIDs survive the new version (the archived one has the same matchups)
    feed = client.get(f"/v1/seasons/{season_id}/calendar.ics", headers=headers["viewer"]).text
    old_feed = client.get(
        f"/v1/schedules/{published_id}/export?format=ics", headers=headers["scheduler"]
    ).text
    uids = {line for line in feed.split("\r\n") if line.startswith("UID:")}
    assert len(uids) == 72
    assert {line for line in old_feed.split("\r\n") if line.startswith("UID:")} == uids


def test_ics_feeds_have_stable_uids_and_dates(client, headers, world):
    # Given the season's published feed and one team's feed
    season = client.get(f"/v1/seasons/{world.season_id}/calendar.ics", headers=headers["viewer"])
    team = client.get(f"/v1/seasons/{world.season_id}/teams/BYU/calendar.ics", headers=headers["viewer"])
    # Then both are RFC 5545 calendars with CRLF lines, all-day dates and a UID per game
    assert season.status_code == team.status_code == 200
    assert season.headers["content-type"].startswith("text/calendar")
    text = season.text
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 72 and "DTSTART;VALUE=DATE:2026" in text
    assert team.text.count("BEGIN:VEVENT") == 9
    uids = {line for line in text.split("\r\n") if line.startswith("UID:")}
    assert len(uids) == 72


def test_csv_and_robinx_exports(client, headers, world):
    csv = client.get(
        f"/v1/schedules/{world.draft_id}/export?format=csv&team=BYU", headers=headers["scheduler"]
    )
    xml = client.get(f"/v1/schedules/{world.draft_id}/export?format=robinx", headers=headers["scheduler"])
    assert csv.status_code == xml.status_code == 200
    assert csv.text.splitlines()[0] == "slot,date,home,away,venue" and len(csv.text.splitlines()) == 10
    assert xml.text.count("<ScheduledMatch") == 72


def test_comments_mention_notifies(client, headers, world):
    # Given a thread on the draft
    thread = client.post("/v1/threads", json={"entity_type": "schedule", "entity_id": str(world.draft_id),
                                              "title": "Week 3"}, headers=headers["school_staff"])  # fmt: skip  # noqa: E501
    assert thread.status_code == 201
    # When BYU's staff mentions the scheduler
    c = client.post(f"/v1/threads/{thread.json()['id']}/comments", json={"body": "@scheduler can BYU play at home?"},  # noqa: E501
                    headers=headers["school_staff"])  # fmt: skip
    # Then the scheduler has an unread mention
    assert c.status_code == 201, c.text
    assert c.json()["mentions"] == [str(world.big12.user_for("scheduler"))]
    inbox = client.get("/v1/notifications?unread=true", headers=headers["scheduler"]).json()["items"]
    assert any(n["kind"] == "mention" and n["payload"]["thread_id"] == thread.json()["id"] for n in inbox)
    marked = client.post(
        "/v1/notifications/read", json={"ids": [inbox[0]["id"]]}, headers=headers["scheduler"]
    )
    assert marked.json() == {"marked": 1}


def test_constraints_are_checked_against_the_season(client, headers, world):
    scenario = client.get(f"/v1/scenarios?season_id={world.season_id}", headers=headers["scheduler"]).json()[
        "items"
    ][0]
    url = f"/v1/scenarios/{scenario['id']}/constraints/api-test"
    bad = {"type": "max_consecutive", "id": "api-test", "max": 2, "mode": "A", "teams": ["NOPE"]}
    good = {**bad, "teams": ["BYU"]}
    assert client.put(url, json=bad, headers=headers["scheduler"]).status_code == 422
    ok = client.put(url, json=good, headers=headers["scheduler"])
    assert ok.status_code == 200, ok.text
    assert client.delete(url, headers=headers["scheduler"]).status_code == 204
    assert (
        client.put(url, json={**good, "type": "no_such_family"}, headers=headers["scheduler"]).status_code
        == 422
    )
    assert uuid.UUID(scenario["id"])
