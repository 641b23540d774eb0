// Package jobs runs centralpsa's background work on River: the usage sync
// (kind "usage_sync") and the ticket sync (kind "ticket_sync"), started on
// the schedules in the settings or on demand ("sync now"). It is the only
// package that imports River; the rest of the program sees Runner, the two
// Args types and the syncer interfaces declared here.
//
// # Databases
//
// River's tables live next to ours, in the database the store opened:
//
//   - SQLite: riversqlite on the store's *sql.DB. The store keeps that pool
//     at one connection, as the riversqlite package doc recommends (SQLite
//     admits one writer), so River's fetches, completions and maintenance
//     queue behind our transactions instead of failing with SQLITE_BUSY.
//   - PostgreSQL: riverdatabasesql on the store's *sql.DB, with a tiny pgx
//     pool opened from the same DSN for LISTEN only
//     (riverdatabasesql.NewWithPgxListener). The database/sql driver is what
//     lets EnqueueUsageSyncTx put a job into the store's own *sql.Tx, so a
//     decision and the job that follows it commit together; riverpgxv5 would
//     need a pgx.Tx the store does not have. The pgx listener keeps inserts
//     and leader changes instant instead of waiting for a poll; it costs one
//     extra connection per process.
//
// River's schema is migrated by New (rivermigrate). Processes starting
// together on PostgreSQL serialize on an advisory lock; on SQLite one that
// loses the race reads the state again and carries on. With no River
// Schema set, River's tables resolve through search_path, so a DSN with
// search_path=X puts ours and River's in schema X.
//
// # One run at a time
//
// Both job kinds are unique by kind over the states available, pending,
// scheduled, running and retryable: while a usage sync is queued, waiting
// for a retry or running, "sync now" and the schedule return the existing
// job instead of inserting a second one. A finished job (completed,
// cancelled, discarded) does not block the next one.
//
// A process that dies while a job is running leaves the row in state
// running; River's rescuer (on the leader) makes it retryable once it has
// been running longer than its timeout and RescueStuckJobsAfter (both
// shortened by Config.JobTimeout and Config.RescueStuckJobsAfter). A job cut
// short by a shutdown goes back to available. Every start of a job after
// its first (after a failure, a rescue, a snooze or a shutdown) reaches the
// usage syncer with Resume set, so it continues the stored plan instead of
// planning anew.
//
// # Errors
//
// A syncer's error is translated in one place (jobError): a throttled call
// that says how long to wait snoozes the job for that long without using up
// an attempt; an error of kind invalid, not found, unauthorized or
// forbidden cancels it (retrying cannot fix a setting or a role); anything
// else is returned to River, which retries with backoff. Errors expose the
// wait through the RetryAfter interface.
//
// # Schedules
//
// usage.schedule is nightly (every day at usage.time), monthly:DAY (that
// day of every month at usage.time) or manual (no periodic job), in the
// server's local time (Config.Location); tickets run every
// tickets.poll_interval. Periodic jobs are inserted by River's leader only,
// so a cluster fires each schedule once. Since the process where a setting
// is saved is seldom the leader, each process with Config.SettingsFunc
// reads the schedules again every Config.SettingsPoll and reschedules
// when they changed.
package jobs
