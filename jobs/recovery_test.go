package jobs

import (
	"context"
	"sync"
	"testing"
	"time"

	"centralpsa/store"
)

// TestRescueResumes plays a process that died during a usage sync: its
// job is left running with an old attempt time. The next runner's leader
// rescues it, and the retry asks the syncer to resume.
func TestRescueResumes(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d dialect) {
		b := setup(t, d, map[string]string{"usage.schedule": "manual"}, withoutTickets)
		id, _, err := b.runner.EnqueueUsageSync(t.Context(), "2026-05")
		if err != nil {
			t.Fatal(err)
		}
		b.markRunningSince(t, id, time.Now().Add(-2*time.Hour))
		b.usage.script(true)
		b.start(t)

		// The rescuer runs as soon as the leader starts and makes the job
		// retryable after a backoff of about a second; River's scheduler,
		// which runs every 5s, then makes it available. RetryJob skips that
		// wait. If the scheduler was first, the job is running already (the
		// fake holds it) and RetryJob leaves a running job alone.
		var j Job
		eventually(t, "the stuck job rescued", func() bool {
			j = b.job(t, id)
			return j.State == "retryable" || j.State == "running" && j.Attempt == 2
		})
		if err := b.runner.RetryJob(t.Context(), id); err != nil {
			t.Fatal(err)
		}
		req := receive(t, b.usage.calls, "SyncUsage of the rescued job")
		if !req.Resume || req.Attempt != 2 || req.Month != "2026-05" || req.JobID != id {
			t.Fatalf("request %+v, want Resume on attempt 2", req)
		}
		b.usage.release <- struct{}{}
		j = b.waitState(t, id, "completed")
		if len(j.Errors) != 1 || j.Errors[0].Attempt != 1 {
			t.Fatalf("errors %+v, want the rescue recorded against attempt 1", j.Errors)
		}
		noMore(t, b.usage.calls, "SyncUsage")
	})
}

// markRunningSince rewrites a queued job as one a dead process had
// started at since.
func (b *testBundle) markRunningSince(t *testing.T, id int64, since time.Time) {
	t.Helper()
	q := `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = ?, attempted_by = ? WHERE id = ?`
	args := []any{since.UTC().Format("2006-01-02 15:04:05.000"), `["dead-process"]`, id}
	if b.db.Dialect() == store.DialectPostgres {
		q = `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = $1, attempted_by = $2 WHERE id = $3`
		args = []any{since, []string{"dead-process"}, id}
	}
	res, err := b.db.SQL().ExecContext(t.Context(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("updated %d rows", n)
	}
}

// TestStopCancelsRunningJob stops a runner whose usage sync does not end
// within Stop's deadline: the job's context is cancelled, River puts the
// job back as available without using up the attempt, and the next
// process resumes it.
func TestStopCancelsRunningJob(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d dialect) {
		b := setup(t, d, map[string]string{"usage.schedule": "manual"}, withoutTickets)
		b.usage.script(true)
		b.start(t)
		id, _, err := b.runner.EnqueueUsageSync(t.Context(), "2026-06")
		if err != nil {
			t.Fatal(err)
		}
		receive(t, b.usage.calls, "SyncUsage")
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		if err := b.runner.Stop(ctx); err != nil {
			t.Fatalf("Stop: %v", err)
		}
		if j := b.job(t, id); j.State != "available" || j.Attempt != 0 {
			t.Fatalf("job after a hard stop: %+v; want it available again with its attempt given back", j)
		}

		next := newRunner(t, b.db, b.dsn, b.config(t, map[string]string{"usage.schedule": "manual"}))
		b.usage.script(false)
		if err := next.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		req := receive(t, b.usage.calls, "SyncUsage in the next process")
		if req.JobID != id || !req.Resume || req.Attempt != 1 || req.Month != "2026-06" {
			t.Fatalf("request %+v, want job %d resumed", req, id)
		}
	})
}

// TestConcurrentNew starts several runners on one new database at once, as
// processes of a cluster would: River's migrations apply once and all
// come up.
func TestConcurrentNew(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d dialect) {
		dsn := d.newDSN(t)
		const n = 3
		dbs := make([]*store.DB, n)
		for i := range n {
			dbs[i] = openStore(t, dsn)
		}
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				r, err := New(t.Context(), dbs[i], dsn, Config{Logger: testLogger(t), testOnly: true})
				if err == nil {
					err = r.Stop(t.Context())
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("New %d: %v", i, err)
			}
		}
	})
}
