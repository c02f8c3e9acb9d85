"""What the SPA waited for: the stored version's validation, the dev sign-in (only when the app
trusts the local key), the job's step timeline, solve options and artifact downloads over HTTP."""

from __future__ import annotations

import uuid

import pytest


def _published(client, headers, world) -> str:
    """The season's published version now (tests elsewhere publish the draft, archiving the first)."""
    r = client.get(f"/v1/seasons/{world.season_id}/schedule", headers=headers["viewer"])
    assert r.status_code == 200, r.text
    return r.json()["version"]["id"]


def test_validation_of_a_stored_version_reports_its_violations(client, headers, world):
    # Given the published version (a plausible round robin that breaks some of big12's rules)
    # When staff and a viewer ask for its validation
    published = _published(client, headers, world)
    r = client.get(f"/v1/schedules/{published}/validation", headers=headers["viewer"])
    # Then the validator's verdict: the figures the grid shows and one entry per violated constraint
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["schedule_id"] == published
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


# ---- dev sign-in ---------------------------------------------------------------------------------


def test_dev_sign_in_mints_a_working_token_when_the_local_key_is_trusted(client, world):
    # Given the app as `flextime serve` builds it (trust_local_key on)
    info = client.get("/v1/dev/sign-in")
    # When the SPA's one-click sign-in asks for a scheduler of big12 (no bearer token needed)
    r = client.post("/v1/dev/token", json={"role": "scheduler", "tenant": "big12"})
    # Then it gets a token the API accepts, for the seeded scheduler
    assert info.status_code == 200 and "big12" in info.json()["tenants"], info.text
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["tenant_id"] == world.big12.tenant_id
    assert body["user_id"] == str(world.big12.user_for("scheduler"))
    seasons = client.get("/v1/seasons", headers={"Authorization": f"Bearer {body['token']}"})
    assert seasons.status_code == 200, seasons.text
    drafts = client.get(
        f"/v1/schedules/{world.draft_id}", headers={"Authorization": f"Bearer {body['token']}"}
    )
    assert drafts.status_code == 200


def test_dev_sign_in_refuses_bad_roles_and_unknown_tenants(client):
    bad_role = client.post("/v1/dev/token", json={"role": "root", "tenant": "big12"})
    unknown = client.post("/v1/dev/token", json={"role": "viewer", "tenant": "nowhere"})
    bad_school = client.post("/v1/dev/token", json={"role": "school_staff", "school": "XYZ"})
    assert bad_role.status_code == 422
    assert unknown.status_code == 404 and unknown.headers["content-type"] == "application/problem+json"
    assert bad_school.status_code == 404


def test_dev_sign_in_is_absent_without_the_local_key_and_never_in_the_openapi(settings, pool, aws, client):
    from fastapi.testclient import TestClient

    from flextime.api.app import create_app

    # Given an app as AWS runs it (trust_local_key off)
    aws_settings = settings.model_copy(update={"trust_local_key": False, "issuer": "https://idp.example"})
    with TestClient(create_app(aws_settings, pool_factory=lambda: pool), raise_server_exceptions=False) as c:
        # When the dev routes are called
        info, token = c.get("/v1/dev/sign-in"), c.post("/v1/dev/token", json={"role": "scheduler"})
        spec = c.get("/v1/openapi.json").json()
    # Then 404 problem+json; and neither app documents them
    assert info.status_code == token.status_code == 404
    assert token.headers["content-type"] == "application/problem+json"
    assert not [p for p in spec["paths"] if p.startswith("/v1/dev")]
    assert not [p for p in client.get("/v1/openapi.json").json()["paths"] if p.startswith("/v1/dev")]


# ---- the job's step timeline ---------------------------------------------------------------------


def test_a_job_carries_its_step_timeline_from_the_execution_history(client, headers, world, aws):
    # Given a job whose execution was started (moto's Step Functions, the job named after it)
    posted = client.post(
        "/v1/jobs", json={"season_id": str(world.season_id), "time_limit_s": 5}, headers=headers["scheduler"]
    )
    assert posted.status_code == 202, posted.text
    job_id = posted.json()["id"]
    # When the job is read
    r = client.get(f"/v1/jobs/{job_id}", headers=headers["school_staff"])
    # Then `steps` is the execution history as flextime.agents.jobs.job_steps reads it
    assert r.status_code == 200, r.text
    from flextime.agents.jobs import execution_arn, job_steps

    expected = job_steps(aws["sfn"], execution_arn(aws["arns"]["generate"], job_id))
    steps = r.json()["steps"]
    assert isinstance(steps, list) and steps
    assert [s["step"] for s in steps] == [s.step for s in expected]
    for s in steps:
        assert {"step", "type", "status", "started_at", "ended_at", "seconds", "attempts"} <= s.keys()


def test_a_job_without_an_execution_has_no_steps_and_a_broken_history_still_answers(
    settings, pool, world, token, aws
):
    from fastapi.testclient import TestClient

    from flextime.api.app import create_app
    from flextime.api.deps import StepFunctionsLauncher

    class Unreadable(StepFunctionsLauncher):
        def steps(self, job):
            raise RuntimeError("ThrottlingException")

    auth = {"Authorization": f"Bearer {token('scheduler')}"}
    body = {"season_id": str(world.season_id), "time_limit_s": 5}
    # Given a job row naming an execution that does not exist
    quiet = StepFunctionsLauncher(sfn_client=aws["sfn"], artifact_store=aws["store"])
    with TestClient(create_app(settings, pool_factory=lambda: pool, launcher=quiet)) as c:
        job_id = c.post("/v1/jobs", json=body, headers=auth).json()["id"]
        missing = c.get(f"/v1/jobs/{uuid.uuid4()}", headers=auth)
    from flextime.agents.jobs import execution_arn
    from flextime.store.db import tenant_transaction

    never = execution_arn(aws["arns"]["generate"], uuid.uuid4())
    with tenant_transaction(pool, uuid.UUID(world.big12.tenant_id), world.big12.user_for("scheduler")) as tx:
        tx.execute("UPDATE jobs SET execution_id = %s WHERE id = %s", (never, job_id))
    # When it is read through the real launcher, and through one whose history read fails
    with TestClient(create_app(settings, pool_factory=lambda: pool, launcher=quiet)) as c:
        none = c.get(f"/v1/jobs/{job_id}", headers=auth)
    with TestClient(create_app(settings, pool_factory=lambda: pool, launcher=Unreadable())) as c:
        broken = c.get(f"/v1/jobs/{job_id}", headers=auth)
    # Then no steps yet ([]), or unknown (null) with the job still answered; unknown jobs 404
    assert none.status_code == 200 and none.json()["steps"] == [], none.text
    assert broken.status_code == 200 and broken.json()["steps"] is None
    assert missing.status_code == 404


# ---- solve options -------------------------------------------------------------------------------


def test_the_strategy_names_are_the_engines():
    import typing

    from flextime.api.routers.jobs import Strategy
    from flextime.engine.params import SolverParams
    from flextime.engine.strategies import STRATEGIES

    names = set(typing.get_args(Strategy))
    assert names == {"auto", *STRATEGIES}
    assert names <= set(typing.get_args(SolverParams.model_fields["strategy"].annotation))


def test_solve_options_reach_the_snapshot_and_the_plan_the_workflow_solves_with(client, headers, world, aws):
    from flextime.agents.algorithm_selection import choose_plan, engine_strategy, profile_instance
    from flextime.agents.settings import get_settings
    from flextime.agents.solver import solver_params
    from flextime.domain import Instance
    from flextime.store.s3 import artifact_key, get_json

    # Given a solve request with a strategy and objective weights, as the SPA's dialog sends it
    body = {
        "season_id": str(world.season_id), "time_limit_s": 7, "workers": 2, "strategy": "lns",
        "objective": {"travel_weight": 3, "soft_constraints": False},
    }  # fmt: skip
    # When it is posted
    r = client.post("/v1/jobs", json=body, headers=headers["scheduler"])
    # Then the job's requested options carry the strategy and the input snapshot the objective
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["plan"]["strategy"] == "lns"
    assert job["plan"]["objective"] == {"travel_weight": 3, "soft_constraints": False}
    key = artifact_key(world.big12.tenant_id, world.season_id, job["id"], "inputs", "instance.json")
    instance = Instance.model_validate(get_json(aws["store"], key))
    assert (instance.objective.travel_weight, instance.objective.soft_constraints) == (3, False)
    # And SelectAlgorithm's rules on that input give a plan whose solve runs the requested strategy
    plan = choose_plan(profile_instance(instance), job["plan"], get_settings(), engine_strategy(instance))
    assert plan.strategy == "lns" and plan.time_limit_s == 7 and plan.workers == 2
    assert solver_params(plan, None).strategy == "lns"


def test_without_options_the_engine_selects_and_the_scenario_objective_stays(client, headers, world, aws):
    from flextime.domain import Instance
    from flextime.store.s3 import artifact_key, get_json

    scenario = client.get(f"/v1/scenarios?season_id={world.season_id}", headers=headers["scheduler"])
    objective = scenario.json()["items"][0]["objective"] or {}
    r = client.post("/v1/jobs", json={"season_id": str(world.season_id)}, headers=headers["scheduler"])
    assert r.status_code == 202, r.text
    assert r.json()["plan"]["strategy"] == "auto" and "objective" not in r.json()["plan"]
    key = artifact_key(world.big12.tenant_id, world.season_id, r.json()["id"], "inputs", "instance.json")
    stored = Instance.model_validate(get_json(aws["store"], key)).objective
    assert stored.travel_weight == objective.get("travel_weight", 0)


@pytest.mark.parametrize(
    "extra",
    [
        {"strategy": "quick"},  # a preset name, not a strategy
        {"strategy": "LNS"},
        {"objective": {"travel_weight": -1}},
        {"objective": {"travel_weight": 1.5}},
        {"objective": {"travel_weight": 10_000}},
        {"objective": {"soft_constraints": "maybe"}},
        {"objective": {"breaks_weight": 2}},
    ],
)
def test_bad_solve_options_are_422(client, headers, world, extra):
    body = {"season_id": str(world.season_id), **extra}
    r = client.post("/v1/jobs", json=body, headers=headers["scheduler"])
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"


# ---- artifact downloads over HTTP ----------------------------------------------------------------


def _version(client, headers, schedule_id):
    return client.get(f"/v1/schedules/{schedule_id}", headers=headers["scheduler"]).json()["version"]


def _put_report(aws, world, version, name="report.html", data=b"<html><script>x()</script>ok</html>"):
    from flextime.store.s3 import artifact_key

    owner = version["job_id"] or version["id"]
    key = artifact_key(
        world.big12.tenant_id, world.season_id, owner, "reports", f"v{version['version']}/{name}"
    )
    aws["store"].put_bytes(key, data)
    return key


def test_report_links_lead_to_the_api_which_streams_the_file_sandboxed(client, headers, world, aws):
    # Given a report file of the published version in the (local) artifact store
    published = _version(client, headers, _published(client, headers, world))
    key = _put_report(aws, world, published, "report.html")
    # When a viewer follows the report link
    link = client.get(
        f"/v1/schedules/{published['id']}/report/report.html",
        headers=headers["viewer"],
        follow_redirects=False,
    )
    # Then it is the API's download route (not a file:// path), which streams the bytes
    assert link.status_code == 307, link.text
    assert link.headers["location"] == f"/v1/artifacts/{key}"
    got = client.get(link.headers["location"], headers=headers["viewer"])
    assert got.status_code == 200, got.text
    assert got.content == aws["store"].get_bytes(key)
    assert got.headers["content-type"].startswith("text/html")
    assert got.headers["content-disposition"].startswith("attachment")
    assert got.headers["content-security-policy"].startswith("sandbox")
    assert got.headers["x-content-type-options"] == "nosniff"
    # And without a token it is 401
    assert client.get(link.headers["location"]).status_code == 401


def test_artifact_downloads_are_authorised_by_tenant_and_role(client, headers, world, aws, settings):
    from flextime.api.auth import mint_local_token
    from flextime.store.s3 import artifact_key

    draft = _version(client, headers, world.draft_id)
    draft_key = _put_report(aws, world, draft, "report.pdf", b"%PDF-1.4 draft")
    errors_key = artifact_key(world.big12.tenant_id, world.season_id, uuid.uuid4(), "imports", "errors-x.csv")
    aws["store"].put_bytes(errors_key, b"row,errors\n1,bad\n")
    inputs_key = artifact_key(world.big12.tenant_id, world.season_id, uuid.uuid4(), "inputs", "instance.json")
    aws["store"].put_bytes(inputs_key, b"{}")
    o = world.other
    other_token = mint_local_token(settings, user_id=o.scheduler, tenant_id=o.tenant_id, roles=["scheduler"])
    other = {"Authorization": f"Bearer {other_token}"}

    def get(key, role=None, h=None):
        return client.get(f"/v1/artifacts/{key}", headers=h or headers[role])

    # a draft's report: staff yes, viewers no
    assert get(draft_key, "school_staff").status_code == 200
    assert get(draft_key, "school_staff").headers["content-disposition"].startswith("inline")
    assert get(draft_key, "viewer").status_code == 403
    # import error files: staff only
    assert get(errors_key, "school_staff").content == b"row,errors\n1,bad\n"
    assert get(errors_key, "viewer").status_code == 403
    # another tenant's token: the same 404 as a key that exists nowhere
    assert get(draft_key, h=other).status_code == 404
    missing = draft_key.replace("report.pdf", "travel.pdf")
    assert get(missing, "scheduler").status_code == 404
    # other kinds of artifacts, malformed keys and escapes are not served
    for key in (inputs_key, "x/y/z/reports/v1/report.pdf", f"{world.big12.tenant_id}/../../etc/passwd",
                draft_key.replace("report.pdf", "..%2F..%2Freport.pdf")):  # fmt: skip
        assert get(key, "scheduler").status_code == 404, key


def test_with_store_links_the_redirect_is_the_stores_own(client, headers, settings, pool, world, aws, token):
    from fastapi.testclient import TestClient

    from flextime.api.app import create_app

    version = _version(client, headers, _published(client, headers, world))
    _put_report(aws, world, version, "report.json", b"{}")
    s3_like = settings.model_copy(update={"artifact_links": "store"})
    app = create_app(s3_like, pool_factory=lambda: pool, artifact_store=aws["store"])
    with TestClient(app) as c:
        r = c.get(
            f"/v1/schedules/{version['id']}/report/report.json",
            headers={"Authorization": f"Bearer {token('viewer')}"},
            follow_redirects=False,
        )
    assert r.status_code == 307 and r.headers["location"].startswith("file://")
