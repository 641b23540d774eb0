-- Initial schema (SQLite). Times are fixed-width UTC text; ids that
-- ConnectWise assigns are nullable integers (NULL = not chosen yet).

CREATE TABLE settings (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE mappings (
    tenant_id          TEXT PRIMARY KEY,
    tenant_name        TEXT NOT NULL DEFAULT '',
    billing_type       TEXT NOT NULL DEFAULT '',
    api_host           TEXT NOT NULL DEFAULT '',
    company_id         INTEGER,
    company_name       TEXT NOT NULL DEFAULT '',
    agreement_id       INTEGER,
    agreement_name     TEXT NOT NULL DEFAULT '',
    usage_enabled      INTEGER NOT NULL DEFAULT 0,
    tickets_enabled    INTEGER NOT NULL DEFAULT 0,
    last_usage_status  TEXT NOT NULL DEFAULT '',
    last_usage_message TEXT NOT NULL DEFAULT '',
    last_usage_at      TEXT,
    updated_at         TEXT NOT NULL
);

CREATE TABLE products (
    product_code       TEXT PRIMARY KEY,
    catalog_identifier TEXT NOT NULL,
    catalog_id         INTEGER,
    description        TEXT NOT NULL DEFAULT '',
    source             TEXT NOT NULL CHECK (source IN ('default', 'user')),
    updated_at         TEXT NOT NULL
);

-- AUTOINCREMENT so ids are never reused: audit and runs are ordered by id.
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL CHECK (kind IN ('usage', 'tickets')),
    month       TEXT NOT NULL DEFAULT '',
    dry_run     INTEGER NOT NULL DEFAULT 0,
    plan        TEXT,
    plan_hash   TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    started_at  TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX runs_kind_id ON runs (kind, id);

CREATE TABLE run_results (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id     INTEGER NOT NULL REFERENCES runs (id),
    tenant_id  TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'skipped')),
    message    TEXT NOT NULL DEFAULT '',
    advice     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (run_id, tenant_id)
);

CREATE TABLE run_ops (
    run_id     INTEGER NOT NULL REFERENCES runs (id),
    op_key     TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    result     TEXT,
    error      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (run_id, op_key)
);

CREATE TABLE audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id      INTEGER REFERENCES runs (id),
    at          TEXT NOT NULL,
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
-- the database refuses too. A retention policy would arrive as a migration.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
