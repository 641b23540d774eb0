-- Catalog items centralpsa created for usage billing. Their identifiers
-- stay managed after the product leaves Sophos's report, so the additions
-- that bill them are zeroed rather than billed forever. ConnectWise
-- compares identifiers without case, so the key is the lower-cased one.

CREATE TABLE usage_items (
    identifier_key TEXT PRIMARY KEY,
    identifier     TEXT NOT NULL,
    catalog_id     BIGINT NOT NULL,
    product_code   TEXT NOT NULL DEFAULT '',
    run_id         BIGINT REFERENCES runs (id),
    created_at     TIMESTAMPTZ NOT NULL
);
