package jobs

import (
	"context"
	"errors"
	"strings"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"centralpsa"
	"centralpsa/store"
	"centralpsa/usage"
)

// EnqueueUsageSync is "sync now" for usage: it queues a usage sync for
// month ("YYYY-MM", or "" for the syncer's default). When a usage sync is
// already queued, waiting for a retry or running, nothing is inserted and
// the existing job's id comes back with inserted false.
func (r *Runner) EnqueueUsageSync(ctx context.Context, month string) (jobID int64, inserted bool, err error) {
	args, err := r.usageArgs(month)
	if err != nil {
		return 0, false, err
	}
	return insertResult(r.client.Insert(ctx, args, manual()))
}

// EnqueueUsageSyncTx is EnqueueUsageSync inside tx, so the job commits or
// rolls back with whatever else tx records. The job becomes visible to
// workers when tx commits.
func (r *Runner) EnqueueUsageSyncTx(ctx context.Context, tx *store.Tx, month string) (jobID int64, inserted bool, err error) {
	args, err := r.usageArgs(month)
	if err != nil {
		return 0, false, err
	}
	return insertResult(r.client.InsertTx(ctx, tx.SQL(), args, manual()))
}

// EnqueueTicketSync is "sync now" for tickets, unique like
// EnqueueUsageSync.
func (r *Runner) EnqueueTicketSync(ctx context.Context) (jobID int64, inserted bool, err error) {
	if !r.tickets {
		return 0, false, notConfigured("ticket")
	}
	return insertResult(r.client.Insert(ctx, TicketSyncArgs{}, manual()))
}

// RetryJob makes a job that is waiting (scheduled, retryable) or finished
// (completed, cancelled, discarded) available to run at once, with its
// attempt count kept. A running job is left alone. Console: "run now".
func (r *Runner) RetryJob(ctx context.Context, jobID int64) error {
	if _, err := r.client.JobRetry(ctx, jobID); err != nil {
		return jobLookupError(err, jobID, "retry")
	}
	return nil
}

// CancelJob cancels a job; a running one has its context cancelled and is
// not retried. Console: "cancel".
func (r *Runner) CancelJob(ctx context.Context, jobID int64) error {
	if _, err := r.client.JobCancel(ctx, jobID); err != nil {
		return jobLookupError(err, jobID, "cancel")
	}
	return nil
}

func (r *Runner) usageArgs(month string) (UsageSyncArgs, error) {
	if !r.usage {
		return UsageSyncArgs{}, notConfigured("usage")
	}
	month = strings.TrimSpace(month)
	if month != "" {
		m, err := usage.ParseMonth(month)
		if err != nil {
			return UsageSyncArgs{}, &centralpsa.Error{Kind: centralpsa.KindInvalid, Message: "month must be YYYY-MM", Err: err}
		}
		month = m.String()
	}
	return UsageSyncArgs{Month: month}, nil
}

func manual() *river.InsertOpts { return &river.InsertOpts{Tags: []string{triggerManual}} }

func insertResult(res *rivertype.JobInsertResult, err error) (int64, bool, error) {
	if err != nil {
		return 0, false, &centralpsa.Error{Kind: centralpsa.KindUnavailable, Message: "queue the job", Err: err}
	}
	return res.Job.ID, !res.UniqueSkippedAsDuplicate, nil
}

func jobLookupError(err error, jobID int64, verb string) error {
	if errors.Is(err, river.ErrNotFound) {
		return centralpsa.Errorf(centralpsa.KindNotFound, "job %d not found", jobID)
	}
	return &centralpsa.Error{Kind: centralpsa.KindUnavailable, Message: verb + " the job", Err: err}
}
