-- Tenants (conferences), their users and roles, schools, sports, seasons, teams, venues and the
-- venue calendars / school blackouts that school staff maintain.
--
-- Ids are uuids; every child table carries tenant_id and references its parent through
-- (tenant_id, id), so a row can never point into another tenant even though foreign-key checks
-- bypass row-level security.

CREATE TABLE tenants (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
SELECT flextime_protect_tenant_table('tenants', 'id');

CREATE TABLE schools (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    code        text NOT NULL,
    name        text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
);
SELECT flextime_protect_tenant_table('schools');

CREATE TABLE users (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    email       text NOT NULL,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (id),
    UNIQUE (tenant_id, email)
);
SELECT flextime_protect_tenant_table('users');

-- One role per user and tenant; school_staff must name their school, the others must not.
CREATE TABLE memberships (
    tenant_id   uuid NOT NULL,
    user_id     uuid NOT NULL,
    role        text NOT NULL CHECK (role IN ('conference_admin', 'scheduler', 'school_staff', 'viewer')),
    school_id   uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, school_id) REFERENCES schools (tenant_id, id),
    CHECK ((role = 'school_staff') = (school_id IS NOT NULL))
);
SELECT flextime_protect_tenant_table('memberships');

CREATE TABLE sports (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    code        text NOT NULL,
    name        text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
);
SELECT flextime_protect_tenant_table('sports');

CREATE TABLE seasons (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    sport_id    uuid NOT NULL,
    name        text NOT NULL,
    starts_on   date,
    ends_on     date,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, sport_id, name),
    FOREIGN KEY (tenant_id, sport_id) REFERENCES sports (tenant_id, id),
    CHECK (starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on)
);
SELECT flextime_protect_tenant_table('seasons');

-- Imports (CSV/RobinX) record what they created so a batch can be rolled back.
CREATE TABLE import_batches (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    season_id       uuid,
    kind            text NOT NULL,
    source_key      text,
    status          text NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'rolled_back')),
    counts          jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_by      uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    rolled_back_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, season_id) REFERENCES seasons (tenant_id, id)
);
SELECT flextime_protect_tenant_table('import_batches');

CREATE TABLE venues (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    code            text NOT NULL,
    name            text NOT NULL,
    city            text,
    lat             double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon             double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    timezone        text NOT NULL DEFAULT 'UTC',
    capacity        integer CHECK (capacity >= 0),
    school_id       uuid,
    import_batch_id uuid,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code),
    FOREIGN KEY (tenant_id, school_id) REFERENCES schools (tenant_id, id),
    FOREIGN KEY (tenant_id, import_batch_id) REFERENCES import_batches (tenant_id, id)
);
SELECT flextime_protect_tenant_table('venues');

-- A school's participation in one season; code is the domain Team.id ("KU").
CREATE TABLE teams (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    season_id       uuid NOT NULL,
    code            text NOT NULL,
    name            text NOT NULL,
    short_name      text,
    school_id       uuid,
    venue_code      text,
    timezone        text,
    import_batch_id uuid,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, season_id, code),
    FOREIGN KEY (tenant_id, season_id) REFERENCES seasons (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, school_id) REFERENCES schools (tenant_id, id),
    FOREIGN KEY (tenant_id, venue_code) REFERENCES venues (tenant_id, code),
    FOREIGN KEY (tenant_id, import_batch_id) REFERENCES import_batches (tenant_id, id)
);
SELECT flextime_protect_tenant_table('teams');

-- Dates a venue is not available, and who holds it (another sport, a concert ...).
CREATE TABLE venue_calendar (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    venue_id        uuid NOT NULL,
    day             date NOT NULL,
    holder          text NOT NULL DEFAULT '',
    note            text NOT NULL DEFAULT '',
    import_batch_id uuid,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, venue_id, day, holder),
    FOREIGN KEY (tenant_id, venue_id) REFERENCES venues (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, import_batch_id) REFERENCES import_batches (tenant_id, id)
);
SELECT flextime_protect_tenant_table('venue_calendar');

-- Dates a school cannot play (exams, graduation), for one sport or all (sport_id NULL).
CREATE TABLE school_blackouts (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    school_id       uuid NOT NULL,
    sport_id        uuid,
    starts_on       date NOT NULL,
    ends_on         date NOT NULL,
    reason          text NOT NULL DEFAULT '',
    import_batch_id uuid,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, school_id) REFERENCES schools (tenant_id, id),
    FOREIGN KEY (tenant_id, sport_id) REFERENCES sports (tenant_id, id),
    FOREIGN KEY (tenant_id, import_batch_id) REFERENCES import_batches (tenant_id, id),
    CHECK (starts_on <= ends_on)
);
SELECT flextime_protect_tenant_table('school_blackouts');

-- School scope, in the database: restrictive policies (ANDed with tenant_isolation) so that
-- school staff write only their own school's calendars and blackouts; reads stay tenant-wide.
CREATE FUNCTION flextime_venue_school(tenant uuid, venue uuid) RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT school_id FROM venues WHERE tenant_id = tenant AND id = venue $$;

CREATE POLICY school_scope_insert ON venue_calendar AS RESTRICTIVE FOR INSERT
    WITH CHECK (flextime_can_write_school(flextime_venue_school(tenant_id, venue_id)));
CREATE POLICY school_scope_update ON venue_calendar AS RESTRICTIVE FOR UPDATE
    USING (flextime_can_write_school(flextime_venue_school(tenant_id, venue_id)))
    WITH CHECK (flextime_can_write_school(flextime_venue_school(tenant_id, venue_id)));
CREATE POLICY school_scope_delete ON venue_calendar AS RESTRICTIVE FOR DELETE
    USING (flextime_can_write_school(flextime_venue_school(tenant_id, venue_id)));

CREATE POLICY school_scope_insert ON school_blackouts AS RESTRICTIVE FOR INSERT
    WITH CHECK (flextime_can_write_school(school_id));
CREATE POLICY school_scope_update ON school_blackouts AS RESTRICTIVE FOR UPDATE
    USING (flextime_can_write_school(school_id)) WITH CHECK (flextime_can_write_school(school_id));
CREATE POLICY school_scope_delete ON school_blackouts AS RESTRICTIVE FOR DELETE
    USING (flextime_can_write_school(school_id));
