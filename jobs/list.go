package jobs

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"centralpsa"
)

// Job is one job as the console lists it.
type Job struct {
	ID   int64
	Kind string // KindUsageSync or KindTicketSync
	// State is River's: available, scheduled, running, retryable,
	// completed, cancelled, discarded (attempts used up) or pending.
	State string
	// Trigger is "schedule" or "manual"; empty for jobs from elsewhere.
	Trigger     string
	Month       string // usage syncs for a chosen month
	Attempt     int
	MaxAttempts int
	CreatedAt   time.Time
	ScheduledAt time.Time // when it runs (next), for waiting jobs
	AttemptedAt time.Time // zero until it first runs
	FinalizedAt time.Time // zero until it ends
	Errors      []JobError
}

// JobError is the error of one failed attempt.
type JobError struct {
	At      time.Time
	Attempt int
	Message string
}

const maxListed = 1000

// Jobs lists the most recent jobs, newest first; limit is capped at 1000
// and means 50 when zero or less. River deletes finished jobs after a
// day (a week for discarded ones), so this is recent history, not an
// archive; the store's runs are the archive.
func (r *Runner) Jobs(ctx context.Context, limit int) ([]Job, error) {
	if limit <= 0 {
		limit = 50
	}
	params := river.NewJobListParams().
		Kinds(KindUsageSync, KindTicketSync).
		OrderBy(river.JobListOrderByID, river.SortOrderDesc).
		First(min(limit, maxListed))
	res, err := r.client.JobList(ctx, params)
	if err != nil {
		return nil, &centralpsa.Error{Kind: centralpsa.KindUnavailable, Message: "list jobs", Err: err}
	}
	out := make([]Job, 0, len(res.Jobs))
	for _, row := range res.Jobs {
		out = append(out, jobFromRow(row))
	}
	return out, nil
}

func jobFromRow(row *rivertype.JobRow) Job {
	j := Job{
		ID:          row.ID,
		Kind:        row.Kind,
		State:       string(row.State),
		Attempt:     row.Attempt,
		MaxAttempts: row.MaxAttempts,
		CreatedAt:   row.CreatedAt,
		ScheduledAt: row.ScheduledAt,
		AttemptedAt: deref(row.AttemptedAt),
		FinalizedAt: deref(row.FinalizedAt),
	}
	for _, tag := range []string{triggerSchedule, triggerManual} {
		if slices.Contains(row.Tags, tag) {
			j.Trigger = tag
		}
	}
	if row.Kind == KindUsageSync {
		var args UsageSyncArgs
		_ = json.Unmarshal(row.EncodedArgs, &args) // a row River accepted decodes; a bad one shows without a month
		j.Month = args.Month
	}
	for _, e := range row.Errors {
		j.Errors = append(j.Errors, JobError{At: e.At, Attempt: e.Attempt, Message: e.Error})
	}
	return j
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// QueueDepth counts the jobs waiting to run — available, scheduled,
// retryable or pending, not running — for metrics. One COUNT reads the
// same on both databases (state is text on SQLite, an enum on PostgreSQL,
// and both compare with string literals).
func (r *Runner) QueueDepth(ctx context.Context) (int, error) {
	var n int
	err := r.db.SQL().QueryRowContext(ctx,
		`SELECT count(*) FROM river_job WHERE state IN ('available', 'scheduled', 'retryable', 'pending')`).Scan(&n)
	if err != nil {
		return 0, &centralpsa.Error{Kind: centralpsa.KindUnavailable, Message: "count queued jobs", Err: err}
	}
	return n, nil
}
