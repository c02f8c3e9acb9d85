# ruff: noqa: E501  (test data rows read best on one line)
"""Valid files are written as one import batch; rolling batches back restores the previous state
exactly (every column of every row), newest first, and is itself audited."""

from __future__ import annotations

import pytest

from flextime.imports.commit import season_history
from flextime.imports.service import rollback, run_import
from flextime.store.db import tenant_transaction
from flextime.store.errors import ConflictError
from flextime.store.repositories.audit import list_audit, verify_audit_chain
from tests.integration.imports.conftest import row_counts, snapshot


class FakePublisher:
    def __init__(self):
        self.details = []

    def publish(self, details):
        self.details += list(details)


def _import(pool, world, kind, text, **kw):
    return run_import(
        pool, world.tenant_id, world.admin, kind=kind, filename=f"{kind}.csv", data=text.encode(),
        season_id=world.season_id, scenario_id=world.scenario_id, **kw,
    )  # fmt: skip


def test_import_then_rollback_restores_the_previous_state_exactly(pool, owner, world):
    # Given the seeded conference as it is now
    original = snapshot(owner, world.tenant_id)
    publisher = FakePublisher()
    # When venues (one new, one changed, one identical), a calendar, blackouts, constraints (one new,
    # one replacing the seeded one) and last season's schedule are imported
    venues = _import(
        pool, world, "venues",
        "code,name,lat,lon,timezone,school\nPHOG,Phog Allen Arena,38.95,-95.25,America/Chicago,KU\n"
        "ALLEN,Allen Fieldhouse (renovated),38.9543,-95.2525,America/Chicago,KU\n"
        "MARRIOTT,Marriott Center,40.2518,-111.6493,America/Denver,BYU\n",
        publisher=publisher,
    )  # fmt: skip
    calendar = _import(
        pool, world, "venue_calendar", "venue,date,holder\nPHOG,2027-01-16,WBB\nALLEN,2027-01-20,Concert\n"
    )
    blackouts = _import(
        pool,
        world,
        "blackouts",
        "school,sport,starts_on,ends_on,reason\nKU,MBB,2027-02-01,2027-02-03,exams\n",
    )
    constraints = _import(
        pool, world, "constraints",
        'id,type,label,hard,weight,params\nbyu-sun,team_unavailable,BYU rests on Sunday,true,,"{""team"": ""BYU"", ""weekdays"": [""Sun""]}"\n'
        'ku-rest,min_rest_days,Rest,false,5,"{""days"": 1}"\n',
    )  # fmt: skip
    schedule = _import(
        pool, world, "schedule", "date,home,away,tv\n2027-01-02,KU,KSU,ESPN\n2027-01-05,KSU,BYU,\n"
    )
    # Then each is applied as a batch with its counts, the event says so, and the rows are there
    assert [o.status for o in (venues, calendar, blackouts, constraints, schedule)] == ["applied"] * 5
    assert venues.batch.counts["venues"] == 1 and venues.batch.counts["updated"] == 1
    assert venues.batch.counts["unchanged"] == 1
    assert constraints.batch.counts == {**constraints.batch.counts, "constraints": 1, "updated": 1}
    assert schedule.batch.counts["games"] == 2
    assert publisher.details[0].status == "applied" and publisher.details[0].import_id == venues.batch.id
    changed = snapshot(owner, world.tenant_id)
    assert changed != original
    with tenant_transaction(pool, world.tenant_id, world.admin) as tx:
        assert [b.id for b in season_history(tx, world.season_id)][:5] == [
            o.batch.id for o in (schedule, constraints, blackouts, calendar, venues)
        ]

    # When the oldest batch is rolled back first
    # Then it is refused: a later batch of the season must go first
    with pytest.raises(ConflictError):
        rollback(pool, world.tenant_id, world.admin, venues.batch.id)

    # When every batch is rolled back, newest first
    for outcome in (schedule, constraints, blackouts, calendar, venues):
        rollback(pool, world.tenant_id, world.admin, outcome.batch.id)
    # Then every row of every table is as before (batches remain, marked rolled back)
    after = snapshot(owner, world.tenant_id)
    assert {t: rows for t, rows in after.items() if t != "import_batches"} == {
        t: rows for t, rows in original.items() if t != "import_batches"
    }
    assert all(b["status"] == "rolled_back" for b in after["import_batches"])
    # And each rollback is audited, the chain still verifies, and a second rollback is refused
    with tenant_transaction(pool, world.tenant_id, world.admin) as tx:
        actions = [e.action for e in list_audit(tx, entity_type="import_batch", limit=50)]
        assert actions.count("import.rollback") == 5 and actions.count("import.replace") == 2
        assert verify_audit_chain(tx) is None
    with pytest.raises(ConflictError):
        rollback(pool, world.tenant_id, world.admin, venues.batch.id)


def test_dry_run_validates_and_writes_nothing(pool, owner, world):
    # Given a valid calendar
    before = row_counts(owner, world.tenant_id)
    publisher = FakePublisher()
    # When it is imported with dry_run
    outcome = _import(
        pool, world, "venue_calendar", "venue,date\nALLEN,2027-01-16\n", dry_run=True, publisher=publisher
    )
    # Then it is valid, nothing is written and no event is sent
    assert outcome.status == "valid" and outcome.problems == []
    assert row_counts(owner, world.tenant_id) == before
    assert publisher.details == []


def test_rejected_import_announces_its_problems(pool, world):
    # Given a calendar naming an unknown venue
    publisher = FakePublisher()
    # When it is imported
    outcome = _import(pool, world, "venue_calendar", "venue,date\nPHOG,2027-01-16\n", publisher=publisher)
    # Then ImportCompleted carries status rejected and the located problem
    (event,) = publisher.details
    assert event.status == "rejected" and event.import_id == outcome.import_id
    assert event.problems == [
        "venue_calendar.csv, row 2, column venue: unknown venue 'PHOG' (known: ALLEN, BRAMLAGE, MARRIOTT)"
    ]


def test_upload_and_error_file_are_kept_as_artifacts(pool, world, tmp_path):
    # Given a local artifact store
    from flextime.store.s3 import LocalArtifactStore

    store = LocalArtifactStore(tmp_path)
    # When a bad file is imported
    outcome = _import(pool, world, "venue_calendar", "venue,date\nALLEN,tomorrow\n", artifacts=store)
    # Then the upload and the annotated error file are stored under the import's prefix
    assert store.get_bytes(outcome.source_key) == b"venue,date\nALLEN,tomorrow\n"
    assert b"is not a date" in store.get_bytes(outcome.errors_key)
    assert f"/{outcome.import_id}/imports/" in outcome.errors_key
