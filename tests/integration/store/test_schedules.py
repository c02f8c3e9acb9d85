"""Versioned schedules: all-or-nothing writes, immutable published versions, no lost updates."""

from __future__ import annotations

import threading

import psycopg
import pytest

from flextime.domain import Game
from flextime.store.db import tenant_transaction
from flextime.store.errors import ConcurrencyError, ImmutableVersionError
from flextime.store.repositories import schedules
from tests.integration.store.conftest import TEAMS, dated, round_robin_games

GAMES = dated(round_robin_games(TEAMS))


def _draft(pool, conf):
    with tenant_transaction(pool, conf.tenant_id, conf.scheduler) as tx:
        return schedules.create_version(tx, conf.season_id, GAMES, note="draft")


def test_version_round_trips_games_and_reads_one_team(pool, conferences):
    alpha, _ = conferences
    # Given a new draft of the 16-team season
    draft = _draft(pool, alpha)
    # When reading it back
    with tenant_transaction(pool, alpha.tenant_id, alpha.viewer) as tx:
        games = schedules.list_games(tx, draft.id)
        t03 = schedules.team_games(tx, draft.id, "T03")
        week = schedules.week_games(tx, GAMES[0].day)
    # Then every game is there, typed as domain games, and the team plays every round once
    assert len(games) == 240 and sorted(games, key=lambda g: (g.slot, g.home)) == sorted(
        GAMES, key=lambda g: (g.slot, g.home)
    )
    assert [g.slot for g in t03] == list(range(30))
    assert isinstance(games[0], Game)
    # And the week view shows the published version only (8 games of round 0)
    assert len(week) == 8 and {r["sport"] for r in week} == {"FB"}
    assert draft.version >= 2 and draft.status == "draft"


def test_schedule_write_is_all_or_nothing(pool, owner, conferences):
    alpha, _ = conferences
    before = owner.execute(
        "SELECT count(*) FROM schedules WHERE tenant_id = %s", (alpha.tenant_id,)
    ).fetchone()[0]
    games_before = owner.execute(
        "SELECT count(*) FROM games WHERE tenant_id = %s", (alpha.tenant_id,)
    ).fetchone()[0]
    # Given 240 games written in chunks of 100, with an unknown team in the middle of the third chunk
    bad = [*GAMES[:230], Game(home="T00", away="NOPE", slot=29), *GAMES[230:]]
    # When the version is written
    with (
        pytest.raises(psycopg.errors.ForeignKeyViolation),
        tenant_transaction(pool, alpha.tenant_id, alpha.scheduler) as tx,
    ):
        schedules.create_version(tx, alpha.season_id, bad, chunk_size=100)
    # Then neither the version row nor the first two chunks of games were kept
    assert (
        owner.execute("SELECT count(*) FROM schedules WHERE tenant_id = %s", (alpha.tenant_id,)).fetchone()[0]
        == before
    )
    assert (
        owner.execute("SELECT count(*) FROM games WHERE tenant_id = %s", (alpha.tenant_id,)).fetchone()[0]
        == games_before
    )


def test_failure_after_the_games_rolls_back_everything(pool, owner, conferences):
    alpha, _ = conferences
    before = owner.execute("SELECT count(*) FROM games WHERE tenant_id = %s", (alpha.tenant_id,)).fetchone()[
        0
    ]

    # Given a caller that fails after the version and its games were written (e.g. the S3 upload)
    class UploadFailed(Exception):
        pass

    # When the transaction exits with the error
    with pytest.raises(UploadFailed), tenant_transaction(pool, alpha.tenant_id, alpha.scheduler) as tx:
        schedules.create_version(tx, alpha.season_id, GAMES)
        raise UploadFailed
    # Then nothing was written
    assert (
        owner.execute("SELECT count(*) FROM games WHERE tenant_id = %s", (alpha.tenant_id,)).fetchone()[0]
        == before
    )


def test_published_version_is_immutable(pool, owner, conferences):
    alpha, _ = conferences
    with tenant_transaction(pool, alpha.tenant_id, alpha.admin) as tx:
        published = schedules.get_version(tx, alpha.published)
    assert published.status == "published"
    # When the app edits its games, its fields, or deletes it
    # Then the triggers refuse every one
    with pytest.raises(ImmutableVersionError), tenant_transaction(pool, alpha.tenant_id, alpha.admin) as tx:
        schedules.move_game(tx, published.id, published.row_version, "T00", "T15", from_slot=0, to_slot=1)
    with pytest.raises(ImmutableVersionError), tenant_transaction(pool, alpha.tenant_id, alpha.admin) as tx:
        tx.execute("UPDATE games SET slot = 5 WHERE schedule_id = %s", (published.id,))
    with pytest.raises(ImmutableVersionError), tenant_transaction(pool, alpha.tenant_id, alpha.admin) as tx:
        tx.execute(
            "INSERT INTO games (tenant_id, schedule_id, season_id, game_no, home, away, slot)"
            " VALUES (%s, %s, %s, 9999, 'T00', 'T01', 0)",
            (alpha.tenant_id, published.id, alpha.season_id),
        )
    with pytest.raises(ImmutableVersionError), tenant_transaction(pool, alpha.tenant_id, alpha.admin) as tx:
        schedules.delete_draft(tx, published.id)
    # And even the owner (superuser) cannot change it without disabling the trigger
    with pytest.raises(psycopg.Error) as refused:
        owner.execute("UPDATE schedules SET note = 'x' WHERE id = %s", (published.id,))
    assert refused.value.sqlstate == "FTIMM"


def test_editing_a_published_version_creates_a_new_version(pool, conferences):
    _, beta = conferences
    # Given beta's published version
    with tenant_transaction(pool, beta.tenant_id, beta.scheduler) as tx:
        # When the scheduler derives a draft from it and moves a game
        draft = schedules.derive_draft(tx, beta.published)
        game = schedules.list_games(tx, draft.id)[0]
        edited = schedules.move_game(
            tx, draft.id, draft.row_version, game.home, game.away, from_slot=game.slot, to_slot=29
        )
        # And publishes the draft
        published = schedules.publish(tx, draft.id, edited.row_version)
        versions = {v.id: v for v in schedules.list_versions(tx, beta.season_id)}
    # Then the new version points to its parent, and the parent is archived, not changed
    assert published.parent_id == beta.published and published.status == "published"
    assert versions[beta.published].status == "archived"
    assert edited.row_version == draft.row_version + 1


def test_lost_update_prevented_under_two_concurrent_writers(pool, conferences):
    alpha, _ = conferences
    # Given a draft both editors loaded at the same row version
    draft = _draft(pool, alpha)
    first, second = GAMES[0], GAMES[1]
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def editor(name: str, game: Game, to_slot: int) -> None:
        try:
            with tenant_transaction(pool, alpha.tenant_id, alpha.scheduler) as tx:
                seen = schedules.get_version(tx, draft.id).row_version
                barrier.wait(timeout=10)  # both have read before either writes
                schedules.move_game(
                    tx, draft.id, seen, game.home, game.away, from_slot=game.slot, to_slot=to_slot
                )
            outcomes[name] = "saved"
        except ConcurrencyError as exc:
            outcomes[name] = exc

    # When both save at the same time, on two connections
    threads = [
        threading.Thread(target=editor, args=("a", first, 20)),
        threading.Thread(target=editor, args=("b", second, 21)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    # Then exactly one save wins and the other gets a ConcurrencyError (nothing silently lost)
    assert sorted(type(v).__name__ for v in outcomes.values()) == ["ConcurrencyError", "str"], outcomes
    loser = next(v for v in outcomes.values() if isinstance(v, ConcurrencyError))
    assert (loser.expected, loser.actual) == (draft.row_version, draft.row_version + 1)
    with tenant_transaction(pool, alpha.tenant_id, alpha.scheduler) as tx:
        after = schedules.get_version(tx, draft.id)
        slots = {(g.home, g.away, g.slot) for g in schedules.list_games(tx, draft.id)}
    assert after.row_version == draft.row_version + 1
    moved_first = (first.home, first.away, 20) in slots
    moved_second = (second.home, second.away, 21) in slots
    assert moved_first != moved_second
    assert ((first.home, first.away, first.slot) in slots) == moved_second


def test_stale_etag_is_refused(pool, conferences):
    alpha, _ = conferences
    draft = _draft(pool, alpha)
    with tenant_transaction(pool, alpha.tenant_id, alpha.scheduler) as tx:
        schedules.replace_games(tx, draft.id, draft.row_version, GAMES[:10])
    # When a second save still carries the old row version. Then it is refused.
    with pytest.raises(ConcurrencyError), tenant_transaction(pool, alpha.tenant_id, alpha.scheduler) as tx:
        schedules.replace_games(tx, draft.id, draft.row_version, GAMES)
