package jobs

import (
	"cmp"
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"centralpsa"
)

// UsageSyncer runs one usage sync. The usage sync service implements it;
// jobs declares it so that it depends on nothing but this method.
type UsageSyncer interface {
	SyncUsage(ctx context.Context, req UsageRequest) error
}

// UsageRequest is one usage_sync job as the syncer sees it.
type UsageRequest struct {
	// Month is "YYYY-MM", or empty to let the syncer pick the month.
	Month string
	// Resume is set when the job asked for it and on every start after
	// the first: a retry after an error, a job rescued after its process
	// died, one resumed after a snooze or a shutdown. The syncer should
	// continue the stored plan of the unfinished run for the month
	// (skipping operations already done) and plan afresh when there is
	// none.
	Resume bool
	// JobID identifies the job, for logs and the run record.
	JobID int64
	// Attempt counts the attempts so far, this one included.
	Attempt int
}

// TicketSyncer runs one ticket sync.
type TicketSyncer interface {
	SyncTickets(ctx context.Context) error
}

// Refresher refreshes tenant and company details (customers.Service).
type Refresher interface {
	RefreshCustomers(ctx context.Context) error
}

// Timeouts cancel a job's context. A usage sync walks every customer at a
// rate-limited pace, so it gets long; RescueStuckJobsAfter's default is
// above both, so River never rescues a job that is merely slow.
const (
	usageTimeout  = 30 * time.Minute
	ticketTimeout = 5 * time.Minute
)

type usageWorker struct {
	river.WorkerDefaults[UsageSyncArgs]
	syncer  UsageSyncer
	log     *slog.Logger
	timeout time.Duration
}

func (w *usageWorker) Timeout(*river.Job[UsageSyncArgs]) time.Duration {
	return cmp.Or(w.timeout, usageTimeout)
}

func (w *usageWorker) Work(ctx context.Context, job *river.Job[UsageSyncArgs]) error {
	req := UsageRequest{
		Month:   job.Args.Month,
		Resume:  job.Args.Resume || interrupted(job.JobRow),
		JobID:   job.ID,
		Attempt: job.Attempt,
	}
	log := w.log.With("job_id", job.ID, "attempt", job.Attempt, "month", req.Month, "resume", req.Resume)
	if w.syncer == nil {
		return finish(ctx, log, job.JobRow, notConfigured("usage"))
	}
	log.DebugContext(ctx, "usage sync started")
	return finish(ctx, log, job.JobRow, w.syncer.SyncUsage(ctx, req))
}

type ticketWorker struct {
	river.WorkerDefaults[TicketSyncArgs]
	syncer  TicketSyncer
	log     *slog.Logger
	timeout time.Duration
}

func (w *ticketWorker) Timeout(*river.Job[TicketSyncArgs]) time.Duration {
	return cmp.Or(w.timeout, ticketTimeout)
}

func (w *ticketWorker) Work(ctx context.Context, job *river.Job[TicketSyncArgs]) error {
	log := w.log.With("job_id", job.ID, "attempt", job.Attempt)
	if w.syncer == nil {
		return finish(ctx, log, job.JobRow, notConfigured("ticket"))
	}
	return finish(ctx, log, job.JobRow, w.syncer.SyncTickets(ctx))
}

type refreshWorker struct {
	river.WorkerDefaults[RefreshArgs]
	refresher Refresher
	log       *slog.Logger
}

func (w *refreshWorker) Timeout(*river.Job[RefreshArgs]) time.Duration { return ticketTimeout }

func (w *refreshWorker) Work(ctx context.Context, job *river.Job[RefreshArgs]) error {
	log := w.log.With("job_id", job.ID, "attempt", job.Attempt)
	if w.refresher == nil {
		return finish(ctx, log, job.JobRow, notConfigured("customer refresh"))
	}
	return finish(ctx, log, job.JobRow, w.refresher.RefreshCustomers(ctx))
}

// notConfigured is the error of a job that reached a process without the
// syncer it needs; it cancels the job instead of retrying it 10 times.
func notConfigured(what string) error {
	return centralpsa.Errorf(centralpsa.KindInvalid, "%s sync is not configured in this process", what)
}

// finish translates err and logs the outcome at the level the house style
// asks for: debug on success, warn on a failure that will be retried,
// error when the job gives up.
func finish(ctx context.Context, log *slog.Logger, job *rivertype.JobRow, err error) error {
	out := jobError(err)
	switch o := outcome(out); {
	case o == "completed":
		log.DebugContext(ctx, "job completed")
	case o == "cancelled" || job.Attempt >= job.MaxAttempts:
		log.ErrorContext(ctx, "job gave up", "outcome", o, "error", err)
	default:
		log.WarnContext(ctx, "job will be retried", "outcome", o, "error", err)
	}
	return out
}

// interrupted reports whether an earlier attempt of job started and did
// not finish. River appends the worker's client id to AttemptedBy each
// time it starts the job, so more than one id means this is not the first
// start, whatever ended the earlier one: an error, a rescue after a crash,
// a snooze or a shutdown (the last two give their attempt back, so Attempt
// alone would miss them).
func interrupted(job *rivertype.JobRow) bool {
	return len(job.AttemptedBy) > 1 || job.Attempt > 1
}
