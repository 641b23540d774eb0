// Package store keeps centralpsa's state: settings (secrets encrypted at
// rest), tenant-to-company mappings, product mappings, sync runs with their
// per-customer results and operation progress, and an append-only audit
// log of every change sent to ConnectWise.
//
// One Open serves two databases through database/sql: a SQLite file (pure
// Go, modernc.org/sqlite) for a single install, and PostgreSQL (pgx) for a
// cluster. Using database/sql for both lets River's riversqlite and
// riverdatabasesql drivers share the same *sql.DB, and Tx.SQL hands River
// the *sql.Tx so a job is enqueued in the same unit of work that records
// the decision behind it.
//
// Everything that differs between the two databases is in dialect.go; the
// schema lives in migrations/<dialect>/NNNN_name.sql, applied in order by
// Open and recorded in schema_migrations.
//
// Secrets (settings whose config.Setting is marked Secret) are sealed with
// AES-256-GCM under a 32-byte key. The key comes from Options.SecretKey
// (the caller passes CENTRALPSA_SECRET_KEY) or else from a key file that is
// generated on first use: "<database file>.key" beside a SQLite database,
// or "centralpsa.key" in the working directory for PostgreSQL. Every
// process that shares a PostgreSQL database needs the same key, so set
// CENTRALPSA_SECRET_KEY on clusters rather than copying key files around.
//
// On SQLite the pool holds one connection, as River's riversqlite driver
// recommends: SQLite admits one writer, and a single connection turns lock
// contention into queueing in Go. A consequence is that code running
// inside DB.Tx must use the *Tx it is given; calling the *DB from inside
// the callback would wait for the connection the transaction holds.
package store
