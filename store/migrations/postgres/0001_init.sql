-- Initial schema (PostgreSQL). Tables are created in the first schema of
-- the connection's search_path. Ids that ConnectWise assigns are nullable
-- (NULL = not chosen yet).

CREATE TABLE settings (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE mappings (
    tenant_id          TEXT PRIMARY KEY,
    tenant_name        TEXT NOT NULL DEFAULT '',
    billing_type       TEXT NOT NULL DEFAULT '',
    api_host           TEXT NOT NULL DEFAULT '',
    company_id         BIGINT,
    company_name       TEXT NOT NULL DEFAULT '',
    agreement_id       BIGINT,
    agreement_name     TEXT NOT NULL DEFAULT '',
    usage_enabled      BOOLEAN NOT NULL DEFAULT false,
    tickets_enabled    BOOLEAN NOT NULL DEFAULT false,
    last_usage_status  TEXT NOT NULL DEFAULT '',
    last_usage_message TEXT NOT NULL DEFAULT '',
    last_usage_at      TIMESTAMPTZ,
    updated_at         TIMESTAMPTZ NOT NULL
);

CREATE TABLE products (
    product_code       TEXT PRIMARY KEY,
    catalog_identifier TEXT NOT NULL,
    catalog_id         BIGINT,
    description        TEXT NOT NULL DEFAULT '',
    source             TEXT NOT NULL CHECK (source IN ('default', 'user')),
    updated_at         TIMESTAMPTZ NOT NULL
);

-- Plans are TEXT, not JSONB: JSONB would reorder keys and the stored plan
-- must hash to its plan_hash.
CREATE TABLE runs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('usage', 'tickets')),
    month       TEXT NOT NULL DEFAULT '',
    dry_run     BOOLEAN NOT NULL DEFAULT false,
    plan        TEXT,
    plan_hash   TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
);
CREATE INDEX runs_kind_id ON runs (kind, id);

CREATE TABLE run_results (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id     BIGINT NOT NULL REFERENCES runs (id),
    tenant_id  TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'skipped')),
    message    TEXT NOT NULL DEFAULT '',
    advice     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (run_id, tenant_id)
);

CREATE TABLE run_ops (
    run_id     BIGINT NOT NULL REFERENCES runs (id),
    op_key     TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    result     TEXT,
    error      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, op_key)
);

CREATE TABLE audit (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id      BIGINT REFERENCES runs (id),
    at          TIMESTAMPTZ NOT NULL,
    method      TEXT NOT NULL DEFAULT '',
    endpoint    TEXT NOT NULL DEFAULT '',
    entity      TEXT NOT NULL DEFAULT '',
    entity_id   TEXT NOT NULL DEFAULT '',
    body_before TEXT,
    body_after  TEXT,
    status      INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_run_id ON audit (run_id, id);
CREATE INDEX audit_at ON audit (at);

-- The audit log is append-only; the store has no method to change it and
-- the database refuses too (SQLSTATE 23001, a constraint-class error).
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only' USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
