"""Alternatives through the API: the engine's schedules with the comparison, a bounded time limit."""

from __future__ import annotations


def test_alternatives_return_the_comparison(client, headers, world):
    # Given the published football version and a small budget (5 s a solve, enough for a first schedule)
    body = {"count": 2, "time_limit_s": 10, "tolerance": 0.5, "min_difference": 2}
    # When the scheduler asks for alternatives
    response = client.post(
        f"/v1/schedules/{world.published_id}/alternatives", json=body, headers=headers["scheduler"]
    )
    # Then at least the best schedule comes back, with the validator's figures and its distance to the version
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["schedule_id"] == str(world.published_id) and out["requested"] == 2
    assert 1 <= out["found"] <= 2 and len(out["comparison"]) == len(out["alternatives"]) == out["found"]
    assert out["seconds"] < 10 + 10  # the budget plus model building and validation on a loaded machine
    best = out["alternatives"][0]
    assert best["rank"] == 1 and best["feasible"] and len(best["schedule"]["games"]) == 72
    row = out["comparison"][0]
    assert (
        row["rank"] == 1
        and row["objective"] == best["objective"]
        and row["games_changed"] == best["games_changed"]
    )
    assert 0 <= best["games_changed"] <= 72
    if out["found"] == 2:
        assert out["alternatives"][1]["differs_from"]["1"] >= 2


def test_the_time_limit_is_bounded_and_validated(client, headers, world):
    url = f"/v1/schedules/{world.published_id}/alternatives"
    for bad in ({"time_limit_s": 0}, {"time_limit_s": 120}, {"count": 0}, {"count": 50}, {"tolerance": -1}):
        response = client.post(url, json=bad, headers=headers["scheduler"])
        assert response.status_code == 422, (bad, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert client.post(url, json={}, headers=headers["school_staff"]).status_code == 403
