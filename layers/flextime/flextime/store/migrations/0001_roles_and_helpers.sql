-- The application role and the helper functions every policy uses.
--
-- flextime_app is NOLOGIN: request paths either log in as a member of it (AWS: a login role
-- granted flextime_app) or log in as the owner and `SET LOCAL ROLE flextime_app` per transaction
-- (local/embedded). It owns nothing and is neither superuser nor BYPASSRLS, so row-level
-- security always applies to it. Roles are cluster-wide; the DO block tolerates a concurrent
-- creation by another database on the same server (parallel test runs).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'flextime_app') THEN
        BEGIN
            CREATE ROLE flextime_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
    -- A non-superuser owner (Aurora's master user) must be a member to SET ROLE to it.
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT flextime_app TO %I', current_user);
    END IF;
END
$$;

REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO flextime_app;

-- The tenant of the current transaction (NULL when unset; '' after a SET LOCAL went out of scope).
CREATE FUNCTION flextime_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE FUNCTION flextime_current_user() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

CREATE FUNCTION flextime_current_role() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.role', true), '') $$;

-- May the current member write calendars/blackouts of this school? Admins and schedulers: any
-- school; school staff: only their own school; viewers and unknown roles: none.
CREATE FUNCTION flextime_can_write_school(school uuid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
        SELECT CASE flextime_current_role()
            WHEN 'conference_admin' THEN true
            WHEN 'scheduler' THEN true
            WHEN 'school_staff' THEN school IS NOT NULL
                AND school = nullif(current_setting('app.school_id', true), '')::uuid
            ELSE false
        END
    $$;

-- Every tenant-owned table goes through this one procedure, so none can be created without
-- isolation: ENABLE + FORCE row-level security (FORCE: the owner is filtered too), one policy
-- matching tenant_id to the transaction's tenant, and DML (not TRUNCATE) for the app role.
CREATE FUNCTION flextime_protect_tenant_table(tbl regclass, key_column text DEFAULT 'tenant_id')
    RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format(
        'CREATE POLICY tenant_isolation ON %s USING (%I = flextime_current_tenant()) '
        'WITH CHECK (%I = flextime_current_tenant())', tbl, key_column, key_column);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO flextime_app', tbl);
END
$$;
