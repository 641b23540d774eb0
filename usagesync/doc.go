// Package usagesync runs the monthly usage sync: it gathers what the pure
// planner in package usage needs (Sophos billing lines, the store's
// mappings and product overrides, the ConnectWise agreements, catalog items
// and additions those mappings reach), shows or applies the plan, and
// records every write.
//
// Reads are batched and bounded: agreements, companies and catalog items
// are fetched with "in (...)" conditions in batches, and each mapped
// agreement's additions are read once by a few workers sharing the
// client's rate limiter.
//
// Writes go catalog items first, one at a time, then customer by customer
// (one agreement is one customer), usage.concurrency customers at a time:
// each write is a round trip, and one at a time they would leave most of
// the rate limit unused. A customer's own writes stay in plan order on one
// worker. ConnectWise numbers additions in arrival order, so their ids may
// differ from one run to the next; nothing depends on them. One
// customer's failure is recorded on it with advice and the others go on.
//
// Crash safety rests on three things. Every op is marked in run_ops:
// pending before its write, done after it, so a resumed run skips what is
// done. Creates are checkable: after a create whose answer was lost
// (connectwise.ErrOutcomeUnknown), before creating a catalog item, and
// before an agreement's first addition when the plan was not read by the
// same run moments before (a resume, or a plan applied later), the record
// is looked up (catalog item by identifier, addition by agreement and
// product identifier, not cancelled), so a retry never makes a duplicate.
// A run that applies holds the store's usage sync lease from its plan to
// its end, so no other process writes beside it. And Resume re-plans from
// fresh state with usage.Resume, refusing to continue a plan the world has
// moved away from. Every write is appended to the audit log after it is
// sent, with its outcome; a write whose run died before recording it is
// audited when that run is resumed.
package usagesync
