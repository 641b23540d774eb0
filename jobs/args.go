package jobs

import (
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Job kinds as stored in river_job.kind. They are part of the database's
// contents: renaming one strands the jobs already queued under the old name.
const (
	KindUsageSync  = "usage_sync"
	KindTicketSync = "ticket_sync"
	KindRefresh    = "customers_refresh"
)

// UsageSyncArgs asks for one usage sync.
type UsageSyncArgs struct {
	// Month is the billing month, "YYYY-MM"; empty lets the syncer choose
	// (the scheduled runs leave it empty).
	Month string `json:"month,omitempty"`
	// Resume asks the syncer to continue the stored plan of an interrupted
	// run. Retries set it on their own; see UsageRequest.Resume.
	Resume bool `json:"resume,omitempty"`
}

// Kind is the River job kind.
func (UsageSyncArgs) Kind() string { return KindUsageSync }

// InsertOpts makes the usage sync unique by kind (not by args): two usage
// syncs for different months would still write to the same agreements, so
// one waits for the other rather than racing it. Ten attempts with River's
// attempt⁴-second backoff span about seven hours, which outlasts an
// ordinary outage on either side.
func (UsageSyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: oneAtATime}
}

// TicketSyncArgs asks for one ticket sync.
type TicketSyncArgs struct{}

// Kind is the River job kind.
func (TicketSyncArgs) Kind() string { return KindTicketSync }

// InsertOpts keeps ticket syncs unique like usage syncs. Few attempts: the
// schedule starts a fresh one every poll interval anyway, and a retrying
// job blocks the next scheduled one.
func (TicketSyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: oneAtATime}
}

// RefreshArgs asks for a refresh of tenant and company details, so that
// names and ticketing-only customers stay current without a usage sync.
type RefreshArgs struct{}

// Kind is the River job kind.
func (RefreshArgs) Kind() string { return KindRefresh }

// InsertOpts keeps refreshes unique; the next day's run retries anyway.
func (RefreshArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: oneAtATime}
}

// oneAtATime is uniqueness by kind over every state in which a job is
// waiting or running. River requires available, pending, running and
// scheduled; retryable is added so that a job waiting out its backoff
// still counts as "already queued". Finished states are left out so the
// next run can be inserted as soon as one ends.
var oneAtATime = river.UniqueOpts{ByState: []rivertype.JobState{
	rivertype.JobStateAvailable,
	rivertype.JobStatePending,
	rivertype.JobStateRunning,
	rivertype.JobStateRetryable,
	rivertype.JobStateScheduled,
}}

// Tags on inserted jobs, so the console can tell why a job exists.
const (
	triggerSchedule = "schedule"
	triggerManual   = "manual"
)
