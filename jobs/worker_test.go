package jobs

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertest"
	"github.com/riverqueue/river/rivertype"

	"centralpsa"
	"centralpsa/store"
)

// workInTx works usage jobs one at a time with rivertest.Worker, each
// test in a transaction that is rolled back. The driver is pool-less, as
// rivertest recommends: on SQLite the store's single connection is the
// transaction's.
type workInTx struct {
	worker *rivertest.Worker[UsageSyncArgs, *sql.Tx]
	tx     *sql.Tx
	fake   *fakeUsage
}

func newWorkInTx(t *testing.T, d dialect) *workInTx {
	t.Helper()
	b := setup(t, d, nil) // migrates River's tables
	var driver riverdriver.Driver[*sql.Tx] = riversqlite.New(nil)
	if b.db.Dialect() == store.DialectPostgres {
		driver = riverdatabasesql.New(nil)
	}
	w := &workInTx{fake: newFakeUsage()}
	w.worker = rivertest.NewWorker(t, driver, &river.Config{}, river.Worker[UsageSyncArgs](&usageWorker{syncer: w.fake, log: testLogger(t)}))
	tx, err := b.db.SQL().BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() })
	w.tx = tx
	return w
}

// TestWorkerOutcomes checks what each kind of syncer error does to the job
// row River keeps, and that every attempt after an interrupted one asks the
// syncer to resume.
func TestWorkerOutcomes(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d dialect) {
		t.Run("SuccessCompletes", func(t *testing.T) {
			t.Parallel()
			w := newWorkInTx(t, d)
			res, err := w.worker.Work(t.Context(), t, w.tx, UsageSyncArgs{Month: "2026-04"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Job.State != rivertype.JobStateCompleted {
				t.Fatalf("state %s, want completed", res.Job.State)
			}
			req := receive(t, w.fake.calls, "SyncUsage")
			if req != (UsageRequest{Month: "2026-04", JobID: res.Job.ID, Attempt: 1}) {
				t.Fatalf("request %+v", req)
			}
		})

		t.Run("TooManyRequestsSnoozes", func(t *testing.T) {
			t.Parallel()
			w := newWorkInTx(t, d)
			w.fake.script(false, &apiError{status: 429, wait: 90 * time.Minute})
			before := time.Now()
			res, err := w.worker.Work(t.Context(), t, w.tx, UsageSyncArgs{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			job := res.Job
			if res.EventKind != river.EventKindJobSnoozed || job.State != rivertype.JobStateScheduled || job.Attempt != 0 || len(job.Errors) != 0 {
				t.Fatalf("event %s, state %s, attempt %d, errors %v; want snoozed, scheduled, attempt given back, no error", res.EventKind, job.State, job.Attempt, job.Errors)
			}
			if due := job.ScheduledAt.Sub(before); due < 89*time.Minute || due > 91*time.Minute {
				t.Fatalf("scheduled %s after the attempt, want the 90m Retry-After", due)
			}
			receive(t, w.fake.calls, "first SyncUsage")

			if _, err := w.worker.WorkJob(t.Context(), t, w.tx, job); err != nil {
				t.Fatal(err)
			}
			if req := receive(t, w.fake.calls, "SyncUsage after the snooze"); !req.Resume || req.Attempt != 1 {
				t.Fatalf("after a snooze: %+v, want Resume on attempt 1", req)
			}
		})

		t.Run("ForbiddenCancels", func(t *testing.T) {
			t.Parallel()
			w := newWorkInTx(t, d)
			w.fake.script(false, &apiError{status: 403})
			res, err := w.worker.Work(t.Context(), t, w.tx, UsageSyncArgs{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Job.State != rivertype.JobStateCancelled || res.Job.FinalizedAt == nil || len(res.Job.Errors) != 1 {
				t.Fatalf("state %s, errors %v; want cancelled with the error kept", res.Job.State, res.Job.Errors)
			}
			if msg := res.Job.Errors[0].Error; !strings.Contains(msg, "403") {
				t.Fatalf("recorded error %q does not name the status", msg)
			}
		})

		t.Run("UnavailableRetriesWithResume", func(t *testing.T) {
			t.Parallel()
			w := newWorkInTx(t, d)
			errs := []error{&apiError{status: 503}, &centralpsa.Error{Kind: centralpsa.KindUnavailable, Message: "sophos down"}}
			w.fake.script(false, errs...)
			job := (*rivertype.JobRow)(nil)
			for attempt := 1; attempt <= 2; attempt++ {
				var res *rivertest.WorkResult
				var err error
				before := time.Now()
				if job == nil {
					res, err = w.worker.Work(t.Context(), t, w.tx, UsageSyncArgs{Month: "2026-03"}, nil)
				} else {
					res, err = w.worker.WorkJob(t.Context(), t, w.tx, job)
				}
				// rivertest passes an error on; only snoozes and cancels are not.
				if err != errs[attempt-1] {
					t.Fatalf("attempt %d: Work returned %v, want the syncer's error", attempt, err)
				}
				job = res.Job
				// A backoff shorter than River's scheduler interval (5s) is
				// written as available at a future time rather than retryable.
				waiting := job.State == rivertype.JobStateRetryable || job.State == rivertype.JobStateAvailable
				if !waiting || job.Attempt != attempt || len(job.Errors) != attempt || !job.ScheduledAt.After(before.Add(500*time.Millisecond)) {
					t.Fatalf("attempt %d: state %s, attempt %d, %d errors, scheduled %s; want a retry later with one error per attempt",
						attempt, job.State, job.Attempt, len(job.Errors), job.ScheduledAt)
				}
				req := receive(t, w.fake.calls, "SyncUsage")
				if req.Attempt != attempt || req.Resume != (attempt > 1) || req.Month != "2026-03" {
					t.Fatalf("attempt %d: request %+v", attempt, req)
				}
			}
		})

		t.Run("LastAttemptDiscards", func(t *testing.T) {
			t.Parallel()
			w := newWorkInTx(t, d)
			errServer := &apiError{status: 500}
			w.fake.script(false, errServer)
			res, err := w.worker.Work(t.Context(), t, w.tx, UsageSyncArgs{}, &river.InsertOpts{MaxAttempts: 1})
			if err != errServer {
				t.Fatalf("Work returned %v, want the syncer's error", err)
			}
			if res.Job.State != rivertype.JobStateDiscarded {
				t.Fatalf("state %s, want discarded after the last attempt", res.Job.State)
			}
		})

		t.Run("ResumeRequested", func(t *testing.T) {
			t.Parallel()
			w := newWorkInTx(t, d)
			if _, err := w.worker.Work(t.Context(), t, w.tx, UsageSyncArgs{Resume: true}, nil); err != nil {
				t.Fatal(err)
			}
			if req := receive(t, w.fake.calls, "SyncUsage"); !req.Resume {
				t.Fatalf("request %+v, want Resume as the args asked", req)
			}
		})
	})
}
