-- Comment threads with mentions, notifications and preferences, idempotency keys, audit log.

CREATE TABLE comment_threads (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    entity_type text NOT NULL,
    entity_id   text NOT NULL,
    title       text NOT NULL DEFAULT '',
    resolved    boolean NOT NULL DEFAULT false,
    created_by  uuid NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);
CREATE INDEX comment_threads_by_entity ON comment_threads (tenant_id, entity_type, entity_id);
SELECT flextime_protect_tenant_table('comment_threads');

CREATE TABLE comments (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    thread_id   uuid NOT NULL,
    author_id   uuid NOT NULL,
    body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    edited_at   timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, thread_id) REFERENCES comment_threads (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX comments_by_thread ON comments (tenant_id, thread_id, created_at);
SELECT flextime_protect_tenant_table('comments');

CREATE TABLE comment_mentions (
    tenant_id   uuid NOT NULL,
    comment_id  uuid NOT NULL,
    user_id     uuid NOT NULL,
    PRIMARY KEY (tenant_id, comment_id, user_id),
    FOREIGN KEY (tenant_id, comment_id) REFERENCES comments (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
SELECT flextime_protect_tenant_table('comment_mentions');

CREATE TABLE notifications (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL,
    kind        text NOT NULL,
    payload     jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    read_at     timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX notifications_unread ON notifications (tenant_id, user_id, created_at DESC) WHERE read_at IS NULL;
SELECT flextime_protect_tenant_table('notifications');

CREATE TABLE notification_preferences (
    tenant_id   uuid NOT NULL,
    user_id     uuid NOT NULL,
    kind        text NOT NULL,
    channel     text NOT NULL CHECK (channel IN ('in_app', 'email')),
    enabled     boolean NOT NULL,
    PRIMARY KEY (tenant_id, user_id, kind, channel),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
SELECT flextime_protect_tenant_table('notification_preferences');

-- The API stores the response of a mutating request under its Idempotency-Key header.
CREATE TABLE idempotency_keys (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash    text NOT NULL,
    status          text NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'completed')),
    response        jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL DEFAULT now() + interval '24 hours',
    PRIMARY KEY (tenant_id, key)
);
SELECT flextime_protect_tenant_table('idempotency_keys');

-- Append-only, hash-chained per tenant. hash = sha256(prev_hash || flextime_audit_payload(row)),
-- the payload being the row's columns as jsonb text (deterministic key order and number format;
-- the timestamp as epoch microseconds so the session time zone does not matter).
CREATE TABLE audit_log (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    seq         bigint NOT NULL,            -- per tenant, 1, 2, 3 ... (set by the chain trigger)
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_id    uuid,
    action      text NOT NULL,
    entity_type text NOT NULL,
    entity_id   text NOT NULL,
    before      jsonb,
    after       jsonb,
    prev_hash   text NOT NULL,
    hash        text NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
SELECT flextime_protect_tenant_table('audit_log');
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM flextime_app;

CREATE FUNCTION flextime_audit_payload(a audit_log) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
        SELECT jsonb_build_object(
            'tenant_id', a.tenant_id, 'seq', a.seq,
            'at', (extract(epoch FROM a.at) * 1000000)::bigint,
            'actor_id', a.actor_id, 'action', a.action, 'entity_type', a.entity_type,
            'entity_id', a.entity_id, 'before', a.before, 'after', a.after)::text
    $$;

CREATE FUNCTION flextime_audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last record;
BEGIN
    -- Serialise appends per tenant (until commit) and number them under the lock, so seq order
    -- is chain order even when transactions interleave.
    PERFORM pg_advisory_xact_lock(hashtextextended('flextime.audit:' || NEW.tenant_id::text, 0));
    SELECT seq, hash INTO last FROM audit_log WHERE tenant_id = NEW.tenant_id ORDER BY seq DESC LIMIT 1;
    NEW.seq := coalesce(last.seq, 0) + 1;
    NEW.actor_id := coalesce(NEW.actor_id, flextime_current_user());
    NEW.prev_hash := coalesce(last.hash, '');
    NEW.hash := encode(sha256(convert_to(NEW.prev_hash || flextime_audit_payload(NEW), 'UTF8')), 'hex');
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION flextime_audit_chain();

CREATE FUNCTION flextime_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'FTAUD';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION flextime_audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION flextime_audit_append_only();
