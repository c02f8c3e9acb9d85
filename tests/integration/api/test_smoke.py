def test_smoke(client, headers, world):
    r = client.get("/v1/seasons", headers=headers["viewer"])
    print(r.status_code, r.json())
    assert r.status_code == 200
    r = client.get(f"/v1/seasons/{world.season_id}/schedule", headers=headers["viewer"])
    assert r.status_code == 200, r.text
    print(len(r.json()["games"]), r.headers["etag"])
