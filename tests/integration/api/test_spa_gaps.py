"""What the SPA waited for: the stored version's validation, the dev sign-in (only when the app
trusts the local key), the job's step timeline, solve options and artifact downloads over HTTP."""

from __future__ import annotations

import uuid


def test_validation_of_a_stored_version_reports_its_violations(client, headers, world):
    # Given the published version (a plausible round robin that breaks some of big12's rules)
    # When staff and a viewer ask for its validation
    r = client.get(f"/v1/schedules/{world.published_id}/validation", headers=headers["viewer"])
    # Then the validator's verdict: the figures the grid shows and one entry per violated constraint
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["schedule_id"] == str(world.published_id)
    assert {"feasible", "infeasibility", "objective", "travel_total", "violations"} <= body.keys()
    assert body["feasible"] is (body["infeasibility"] == 0 and not body["structural"])
    for v in body["violations"]:
        assert {"constraint_id", "type", "label", "hard", "deviation", "cost", "detail"} <= v.keys()
        assert v["deviation"] > 0
    assert not body["feasible"]  # nine rounds of a circle method do not fill big12's season


def test_validation_matches_the_edit_preview_of_the_same_games(client, headers, world):
    # Given the draft's validation
    before = client.get(f"/v1/schedules/{world.draft_id}/validation", headers=headers["scheduler"]).json()
    # When a no-op edit (lock + unlock) is previewed
    games = client.get(f"/v1/schedules/{world.draft_id}", headers=headers["scheduler"]).json()["games"]
    g = next(x for x in games if not x["locked"])
    ref = {"home": g["home"], "away": g["away"], "slot": g["slot"]}
    ops = [{"op": "lock", **ref}, {"op": "unlock", **ref}]
    preview = client.post(
        f"/v1/schedules/{world.draft_id}/edits/preview", json={"ops": ops}, headers=headers["scheduler"]
    ).json()
    # Then both use the same validator on the same instance: same figures, nothing caused
    assert (preview["feasible"], preview["infeasibility"], preview["objective"]) == (
        before["feasible"], before["infeasibility"], before["objective"],
    )  # fmt: skip
    assert preview["caused"] == []


def test_validation_of_a_draft_is_refused_to_viewers_and_unknown_ids_are_404(client, headers, world):
    draft = client.get(f"/v1/schedules/{world.draft_id}/validation", headers=headers["viewer"])
    missing = client.get(f"/v1/schedules/{uuid.uuid4()}/validation", headers=headers["scheduler"])
    assert draft.status_code == 403
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
