-- Alert tickets: one row per consolidation key (tenant + alert type +
-- device) with the ConnectWise ticket that key has now, and a per-tenant
-- cursor over the alerts' raisedAt.
--
-- pending_create is set, in the same transaction as the decision, before
-- a ticket is created and cleared once its id is stored. A row left
-- pending (a lost answer, a crash) makes the next run look the key up in
-- ConnectWise (externalXRef) instead of creating a second ticket.

CREATE TABLE ticket_links (
    link_key       TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    company_id     BIGINT,
    ticket_id      BIGINT,
    summary        TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL CHECK (state IN ('open', 'resolved', 'closed')),
    severity       TEXT NOT NULL DEFAULT '',
    occurrences    INTEGER NOT NULL DEFAULT 0,
    alert_ids      TEXT NOT NULL DEFAULT '[]',
    first_seen     TIMESTAMPTZ,
    last_alert_at  TIMESTAMPTZ,
    closed_at      TIMESTAMPTZ,
    pending_create BOOLEAN NOT NULL DEFAULT false,
    pending_since  TIMESTAMPTZ,
    updated_at     TIMESTAMPTZ NOT NULL,
    CHECK (ticket_id IS NOT NULL OR pending_create)
);
CREATE INDEX ticket_links_tenant_state ON ticket_links (tenant_id, state);

CREATE TABLE alert_cursors (
    tenant_id      TEXT PRIMARY KEY,
    last_raised_at TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
