"""The import workflow: upload (kept as an artifact) -> validate against the season -> commit as
one batch, or reject with every problem and an annotated error file -> ImportCompleted.

The database work (context, validation, commit) runs in ONE tenant transaction, so the references
a file was checked against cannot change before it is written, and a file with any problem writes
nothing at all."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Literal, Protocol

from flextime.domain.events import ImportCompleted
from flextime.imports.annotate import annotated_file
from flextime.imports.commit import commit_import, rollback_import
from flextime.imports.context import ImportContext, no_sunday_teams
from flextime.imports.problems import Problem
from flextime.imports.reader import UnreadableFile, file_format, read_table
from flextime.imports.specs import spec_for
from flextime.imports.validation import ValidatedFile, validate_table
from flextime.store.db import Tx, tenant_transaction
from flextime.store.records import ImportBatch
from flextime.store.repositories import seasons
from flextime.store.s3 import ArtifactStore, artifact_key

MAX_EVENT_PROBLEMS = 20


class EventPublisher(Protocol):
    def publish(self, details: Any) -> None: ...


@dataclass
class ImportOutcome:
    import_id: uuid.UUID
    kind: str
    file: str
    status: Literal["applied", "rejected", "valid"]
    """valid: a dry run that found no problem (nothing written)."""
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    batch: ImportBatch | None = None
    source_key: str | None = None
    errors_key: str | None = None
    errors_file: bytes | None = None

    def event(self, tenant_id: uuid.UUID, season_id: uuid.UUID | None) -> ImportCompleted:
        return ImportCompleted(
            tenant_id=tenant_id,
            import_id=self.batch.id if self.batch else self.import_id,
            season_id=season_id,
            kind=self.kind,
            counts=dict(self.batch.counts) if self.batch else {},
            status="applied" if self.status == "applied" else "rejected",
            problems=[str(p) for p in self.problems[:MAX_EVENT_PROBLEMS]],
        )


def validate_file(data: bytes, filename: str, kind: str, context: ImportContext) -> ValidatedFile:
    """Read and validate without a database (CLI dry runs, benchmarks, the API's preview)."""
    spec = spec_for(kind)
    try:
        table = read_table(data, filename, spec)
    except UnreadableFile as exc:
        import pandas as pd

        return ValidatedFile(kind, filename, None, pd.DataFrame(), pd.DataFrame(), [exc.problem])
    return validate_table(table, kind, context)


def load_context(tx: Tx, season_id: uuid.UUID) -> ImportContext:
    """The season's references as the importing user sees them (under row-level security)."""
    from flextime.domain import parse_constraint

    season = seasons.get_season(tx, season_id)
    teams = tx.execute(
        "SELECT t.code, t.venue_code, s.code AS school FROM teams t LEFT JOIN schools s ON s.id = t.school_id"
        " WHERE t.season_id = %s",
        (season_id,),
    ).fetchall()
    venues = tx.execute(
        "SELECT v.code, s.code AS school FROM venues v LEFT JOIN schools s ON s.id = v.school_id"
    ).fetchall()
    bodies = tx.execute(
        "SELECT c.body FROM constraints c JOIN scenarios s ON s.id = c.scenario_id"
        " WHERE s.season_id = %s AND c.enabled AND c.type = 'team_unavailable'",
        (season_id,),
    ).fetchall()
    own_school = None
    if tx.scope.school_id is not None:
        row = tx.execute("SELECT code FROM schools WHERE id = %s", (tx.scope.school_id,)).fetchone()
        own_school = row["code"] if row else None
    return ImportContext(
        season=season.name,
        starts_on=season.starts_on,
        ends_on=season.ends_on,
        teams={r["code"]: r["venue_code"] for r in teams},
        team_school={r["code"]: r["school"] for r in teams},
        venues={r["code"] for r in venues},
        venue_school={r["code"]: r["school"] for r in venues},
        schools={r["code"] for r in tx.execute("SELECT code FROM schools").fetchall()},
        sports={r["code"] for r in tx.execute("SELECT code FROM sports").fetchall()},
        no_sunday_teams=no_sunday_teams([parse_constraint(r["body"]) for r in bodies]),
        role=tx.scope.role,
        own_school=own_school,
    )


def run_import(
    pool: Any,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    *,
    kind: str,
    filename: str,
    data: bytes,
    season_id: uuid.UUID,
    scenario_id: uuid.UUID | None = None,
    dry_run: bool = False,
    artifacts: ArtifactStore | None = None,
    publisher: EventPublisher | None = None,
) -> ImportOutcome:
    """Validate ``data`` against the season and, unless ``dry_run`` or any problem, commit it."""
    spec_for(kind)
    name = PurePath(filename).name or "upload"
    outcome = ImportOutcome(import_id=uuid.uuid4(), kind=kind, file=name, status="rejected")
    if artifacts is not None:
        outcome.source_key = artifact_key(tenant_id, season_id, outcome.import_id, "imports", name)
        artifacts.put_bytes(outcome.source_key, data)
    with tenant_transaction(pool, tenant_id, user_id) as tx:
        context = load_context(tx, season_id)
        validated = validate_file(data, name, kind, context)
        outcome.rows, outcome.problems = validated.rows, validated.problems
        if validated.ok and dry_run:
            outcome.status = "valid"
        elif validated.ok:
            outcome.batch = commit_import(
                tx,
                validated,
                context,
                season_id=season_id,
                source_key=outcome.source_key,
                scenario_id=scenario_id,
            )
            outcome.status = "applied"
    if outcome.problems:
        fmt = _safe_format(name)
        outcome.errors_file = annotated_file(
            validated.raw if not validated.raw.empty else None, outcome.problems, fmt
        )
        if artifacts is not None:
            outcome.errors_key = artifact_key(
                tenant_id, season_id, outcome.import_id, "imports", f"errors-{PurePath(name).stem}.{fmt}"
            )
            artifacts.put_bytes(outcome.errors_key, outcome.errors_file)
    if publisher is not None and not dry_run:
        publisher.publish([outcome.event(tenant_id, season_id)])
    return outcome


def rollback(pool: Any, tenant_id: uuid.UUID, user_id: uuid.UUID, batch_id: uuid.UUID) -> dict[str, int]:
    """Roll back one import batch in its own transaction (audited)."""
    with tenant_transaction(pool, tenant_id, user_id) as tx:
        return rollback_import(tx, batch_id)


def _safe_format(name: str) -> str:
    try:
        return file_format(name)
    except UnreadableFile:
        return "csv"
