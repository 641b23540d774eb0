-- Named leases: a sync that writes to ConnectWise holds one for its kind
-- while it runs, so two processes (the service and a command, or two
-- servers) never sync the same kind at once. A lease expires unless its
-- holder renews it, so a killed process frees it by itself.

CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
