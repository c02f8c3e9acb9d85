-- Scenarios and their typed constraints, solve jobs, and versioned schedules with their games.

CREATE TABLE scenarios (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    season_id   uuid NOT NULL,
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    format      jsonb NOT NULL DEFAULT '{}'::jsonb,
    objective   jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_by  uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, season_id, name),
    FOREIGN KEY (tenant_id, season_id) REFERENCES seasons (tenant_id, id) ON DELETE CASCADE
);
SELECT flextime_protect_tenant_table('scenarios');

-- body is the whole domain constraint (validated by flextime.domain.parse_constraint on write
-- and on read); the columns beside it are copies for filtering and must agree with it.
CREATE TABLE constraints (
    tenant_id       uuid NOT NULL,
    scenario_id     uuid NOT NULL,
    constraint_id   text NOT NULL,
    type            text NOT NULL,
    label           text NOT NULL DEFAULT '',
    hard            boolean NOT NULL,
    weight          integer NOT NULL CHECK (weight >= 0),
    enabled         boolean NOT NULL DEFAULT true,
    body            jsonb NOT NULL,
    import_batch_id uuid,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, scenario_id, constraint_id),
    FOREIGN KEY (tenant_id, scenario_id) REFERENCES scenarios (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, import_batch_id) REFERENCES import_batches (tenant_id, id),
    CHECK (jsonb_typeof(body) = 'object'),
    CHECK (body ->> 'type' = type AND body ->> 'id' = constraint_id)
);
SELECT flextime_protect_tenant_table('constraints');

CREATE TABLE jobs (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    season_id       uuid NOT NULL,
    scenario_id     uuid,
    kind            text NOT NULL DEFAULT 'solve',
    status          text NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    execution_id    text,
    plan            jsonb NOT NULL DEFAULT '{}'::jsonb,
    progress        jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(progress) = 'array'),
    result          jsonb,
    error_code      text,
    error_cause     text,
    created_by      uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, season_id) REFERENCES seasons (tenant_id, id),
    FOREIGN KEY (tenant_id, scenario_id) REFERENCES scenarios (tenant_id, id)
);
CREATE INDEX jobs_by_season ON jobs (tenant_id, season_id, created_at DESC);
SELECT flextime_protect_tenant_table('jobs');

-- One row per schedule version. Drafts are edited under optimistic concurrency (row_version,
-- bumped by a trigger on every update); published versions are immutable (trigger below).
CREATE TABLE schedules (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    season_id       uuid NOT NULL,
    version         integer NOT NULL CHECK (version >= 1),
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    parent_id       uuid,
    scenario_id     uuid,
    job_id          uuid,
    objective       jsonb NOT NULL DEFAULT '{}'::jsonb,
    note            text NOT NULL DEFAULT '',
    row_version     integer NOT NULL DEFAULT 1,
    created_by      uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    published_at    timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, season_id, version),
    UNIQUE (tenant_id, season_id, id),
    FOREIGN KEY (tenant_id, season_id) REFERENCES seasons (tenant_id, id),
    FOREIGN KEY (tenant_id, season_id, parent_id) REFERENCES schedules (tenant_id, season_id, id),
    FOREIGN KEY (tenant_id, scenario_id) REFERENCES scenarios (tenant_id, id),
    FOREIGN KEY (tenant_id, job_id) REFERENCES jobs (tenant_id, id)
);
CREATE UNIQUE INDEX schedules_one_published ON schedules (tenant_id, season_id) WHERE status = 'published';
SELECT flextime_protect_tenant_table('schedules');

CREATE TABLE games (
    tenant_id   uuid NOT NULL,
    schedule_id uuid NOT NULL,
    season_id   uuid NOT NULL,
    game_no     integer NOT NULL,
    home        text NOT NULL,
    away        text NOT NULL,
    slot        integer NOT NULL CHECK (slot >= 0),
    day         date,
    venue       text,
    locked      boolean NOT NULL DEFAULT false,
    tv          text,
    PRIMARY KEY (tenant_id, schedule_id, game_no),
    FOREIGN KEY (tenant_id, season_id, schedule_id) REFERENCES schedules (tenant_id, season_id, id)
        ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, season_id, home) REFERENCES teams (tenant_id, season_id, code),
    FOREIGN KEY (tenant_id, season_id, away) REFERENCES teams (tenant_id, season_id, code),
    FOREIGN KEY (tenant_id, venue) REFERENCES venues (tenant_id, code),
    CHECK (home <> away)
);
-- One team's season (home or away) and one week of every sport.
CREATE INDEX games_by_home ON games (tenant_id, schedule_id, home);
CREATE INDEX games_by_away ON games (tenant_id, schedule_id, away);
CREATE INDEX games_by_day ON games (tenant_id, day) INCLUDE (schedule_id);
SELECT flextime_protect_tenant_table('games');

-- Immutability of published (and archived) versions, enforced for every role including the
-- owner: the only change allowed is published -> archived when a newer version is published.
CREATE FUNCTION flextime_schedules_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'schedule version % is %, it cannot be deleted', OLD.version, OLD.status
                USING ERRCODE = 'FTIMM';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'archived'
       OR (OLD.status = 'published' AND (
            NEW.status <> 'archived'
            OR (to_jsonb(NEW) - ARRAY['status', 'row_version', 'updated_at'])
               IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['status', 'row_version', 'updated_at']))) THEN
        RAISE EXCEPTION 'schedule version % is %, edits create a new version', OLD.version, OLD.status
            USING ERRCODE = 'FTIMM';
    END IF;
    NEW.row_version := OLD.row_version + 1;
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER schedules_guard BEFORE UPDATE OR DELETE ON schedules
    FOR EACH ROW EXECUTE FUNCTION flextime_schedules_guard();

-- Games change only while their version is a draft. Statement-level triggers with transition
-- tables: one check per INSERT/COPY/UPDATE/DELETE statement, not one per game. A cascading
-- delete of a draft passes (its schedule row is gone); deleting a published one is refused above.
CREATE FUNCTION flextime_games_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s record;
BEGIN
    SELECT sch.status, sch.version INTO s
        FROM schedules sch
        WHERE sch.status <> 'draft'
          AND (sch.tenant_id, sch.id) IN (SELECT tenant_id, schedule_id FROM changed_games)
        LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'schedule version % is %, its games cannot change', s.version, s.status
            USING ERRCODE = 'FTIMM';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER games_guard_insert AFTER INSERT ON games REFERENCING NEW TABLE AS changed_games
    FOR EACH STATEMENT EXECUTE FUNCTION flextime_games_guard();
CREATE TRIGGER games_guard_update_old AFTER UPDATE ON games REFERENCING OLD TABLE AS changed_games
    FOR EACH STATEMENT EXECUTE FUNCTION flextime_games_guard();
CREATE TRIGGER games_guard_update_new AFTER UPDATE ON games REFERENCING NEW TABLE AS changed_games
    FOR EACH STATEMENT EXECUTE FUNCTION flextime_games_guard();
CREATE TRIGGER games_guard_delete AFTER DELETE ON games REFERENCING OLD TABLE AS changed_games
    FOR EACH STATEMENT EXECUTE FUNCTION flextime_games_guard();
