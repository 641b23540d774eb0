package jobs

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertest"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/store"
)

func TestEnqueueRunsOnce(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d dialect) {
		b := setup(t, d, map[string]string{"usage.schedule": "manual"}, withoutTickets)
		b.start(t)
		id, inserted, err := b.runner.EnqueueUsageSync(t.Context(), " 2026-04 ")
		if err != nil || !inserted {
			t.Fatalf("EnqueueUsageSync = %d, %v, %v", id, inserted, err)
		}
		req := receive(t, b.usage.calls, "SyncUsage")
		if req != (UsageRequest{Month: "2026-04", JobID: id, Attempt: 1}) {
			t.Fatalf("request %+v", req)
		}
		j := b.waitState(t, id, "completed")
		if j.Kind != KindUsageSync || j.Trigger != triggerManual || j.Month != "2026-04" || j.Attempt != 1 || len(j.Errors) != 0 {
			t.Fatalf("job %+v", j)
		}
		noMore(t, b.usage.calls, "SyncUsage")
	})
}

// TestSyncNowWhileRunning presses "sync now" while a usage sync runs: no
// second job, whatever the month; once the first is done, a new one goes in.
func TestSyncNowWhileRunning(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d dialect) {
		b := setup(t, d, map[string]string{"usage.schedule": "manual"}, withoutTickets)
		b.usage.script(true)
		b.start(t)
		first, _, err := b.runner.EnqueueUsageSync(t.Context(), "")
		if err != nil {
			t.Fatal(err)
		}
		receive(t, b.usage.calls, "first SyncUsage")
		for _, month := range []string{"", "2026-01"} {
			id, inserted, err := b.runner.EnqueueUsageSync(t.Context(), month)
			if err != nil || inserted || id != first {
				t.Fatalf("sync now (%q) while running = %d, %v, %v; want job %d, not inserted", month, id, inserted, err, first)
			}
		}
		if n, err := b.runner.QueueDepth(t.Context()); err != nil || n != 0 {
			t.Fatalf("QueueDepth = %d, %v; want 0 (the one job is running)", n, err)
		}
		b.usage.release <- struct{}{}
		b.waitState(t, first, "completed")
		noMore(t, b.usage.calls, "SyncUsage")

		b.usage.script(false)
		second, inserted, err := b.runner.EnqueueUsageSync(t.Context(), "")
		if err != nil || !inserted || second == first {
			t.Fatalf("sync now after the first finished = %d, %v, %v; want a new job", second, inserted, err)
		}
		receive(t, b.usage.calls, "second SyncUsage")
	})
}

// TestEnqueueUsageSyncTx checks that the job commits or rolls back with
// the store's transaction.
func TestEnqueueUsageSyncTx(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d dialect) {
		b := setup(t, d, nil)
		ctx := t.Context()
		errRollback := errors.New("roll back")
		for _, month := range []string{"2026-01", "2026-02"} {
			err := b.db.Tx(ctx, func(tx *store.Tx) error {
				if err := tx.SetSetting(ctx, "tickets.board", "Board "+month); err != nil {
					return err
				}
				if _, inserted, err := b.runner.EnqueueUsageSyncTx(ctx, tx, month); err != nil || !inserted {
					t.Fatalf("EnqueueUsageSyncTx(%s) = %v, %v", month, inserted, err)
				}
				if month == "2026-01" {
					return errRollback
				}
				return nil
			})
			if err != nil && !errors.Is(err, errRollback) {
				t.Fatal(err)
			}
		}
		rows := rivertest.RequireManyInserted(ctx, t, b.runner.driver, []rivertest.ExpectedJob{
			{Args: UsageSyncArgs{}, Opts: &rivertest.RequireInsertedOpts{Tags: []string{triggerManual}, MaxAttempts: 10}},
		})
		if j := jobFromRow(rows[0]); j.Month != "2026-02" {
			t.Fatalf("the job in the database is for %q, want the committed 2026-02", j.Month)
		}
		if n, err := b.runner.QueueDepth(ctx); err != nil || n != 1 {
			t.Fatalf("QueueDepth = %d, %v; want 1", n, err)
		}
	})
}

func TestEnqueueRefuses(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d dialect) {
		b := setup(t, d, nil)
		for _, month := range []string{"2026-13", "April", "2026-04-01"} {
			if _, _, err := b.runner.EnqueueUsageSync(t.Context(), month); centralpsa.ErrorKind(err) != centralpsa.KindInvalid {
				t.Errorf("EnqueueUsageSync(%q): %v, want invalid", month, err)
			}
		}
		bare := newRunner(t, b.db, b.dsn, Config{Logger: testLogger(t), testOnly: true})
		if _, _, err := bare.EnqueueUsageSync(t.Context(), ""); centralpsa.ErrorKind(err) != centralpsa.KindInvalid {
			t.Errorf("usage sync without a syncer: %v, want invalid", err)
		}
		if _, _, err := bare.EnqueueTicketSync(t.Context()); centralpsa.ErrorKind(err) != centralpsa.KindInvalid {
			t.Errorf("ticket sync without a syncer: %v, want invalid", err)
		}
		if err := b.runner.RetryJob(t.Context(), 12345); centralpsa.ErrorKind(err) != centralpsa.KindNotFound {
			t.Errorf("RetryJob(unknown): %v, want not found", err)
		}
	})
}

// TestPeriodicTickets starts a runner with a 200ms poll interval: ticket
// syncs keep coming (one at start, then on the interval) and none is
// recorded as failed.
func TestPeriodicTickets(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d dialect) {
		b := setup(t, d, map[string]string{"tickets.poll_interval": "200ms", "usage.schedule": "manual"})
		b.start(t)
		var at []time.Time
		for range 3 {
			at = append(at, receive(t, b.tickets.calls, "a scheduled SyncTickets"))
		}
		if gap := at[2].Sub(at[1]); gap < 100*time.Millisecond {
			t.Fatalf("ticket syncs %s apart, want about the 200ms interval", gap)
		}
		jobs, err := b.runner.Jobs(t.Context(), 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			if j.Kind != KindTicketSync || j.Trigger != triggerSchedule || len(j.Errors) != 0 {
				t.Fatalf("job %+v, want scheduled ticket syncs only", j)
			}
		}
	})
}

func TestReschedule(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d dialect) {
		b := setup(t, d, map[string]string{"usage.schedule": "manual", "tickets.poll_interval": "1h"})
		b.start(t)
		receive(t, b.tickets.calls, "the ticket sync at start")
		bad := config.FromMap(map[string]string{"usage.schedule": "hourly"})
		if err := b.runner.Reschedule(bad); centralpsa.ErrorKind(err) != centralpsa.KindInvalid {
			t.Fatalf("Reschedule(hourly): %v, want invalid", err)
		}
		if err := b.runner.Reschedule(config.FromMap(map[string]string{"tickets.poll_interval": "200ms"})); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			receive(t, b.tickets.calls, "a ticket sync on the new interval")
		}
	})
}

func TestNowFuncDrivesRiversClock(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d dialect) {
		stub := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
		b := setup(t, d, nil, func(c *Config) { c.NowFunc = func() time.Time { return stub } })
		id, _, err := b.runner.EnqueueUsageSync(t.Context(), "")
		if err != nil {
			t.Fatal(err)
		}
		if j := b.job(t, id); !j.CreatedAt.Equal(stub) || !j.ScheduledAt.Equal(stub) {
			t.Fatalf("created %s, scheduled %s; want the stubbed %s", j.CreatedAt, j.ScheduledAt, stub)
		}
	})
}

// TestListenerDSNNotLeaked: a DSN River's listener cannot read is refused
// without quoting it, since it may hold the database password.
func TestListenerDSNNotLeaked(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d dialect) {
		if d.name != "Postgres" {
			t.Skip("only PostgreSQL opens a listener from the DSN")
		}
		db := openStore(t, d.newDSN(t))
		_, _, err := newDriver(t.Context(), db, "postgres://centralpsa:hunter2@db.example:notaport/x")
		if err == nil || strings.Contains(err.Error(), "hunter2") || centralpsa.ErrorKind(err) != centralpsa.KindInvalid {
			t.Fatalf("newDriver with a bad DSN: %v; want an invalid error without the password", err)
		}
	})
}

type fakeRefresher chan time.Time

func (f fakeRefresher) RefreshCustomers(context.Context) error { f <- time.Now(); return nil }

// TestPeriodicRefresh: tenant and company details are refreshed on their
// own schedule, and not at all when no refresher is configured.
func TestPeriodicRefresh(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d dialect) {
		refreshed := make(fakeRefresher, 100)
		b := setup(t, d, map[string]string{"usage.schedule": "manual", "tickets.poll_interval": "1h"}, withoutTickets,
			func(c *Config) { c.Refresh, c.RefreshEvery = refreshed, 200*time.Millisecond })
		b.start(t)
		for range 2 {
			receive(t, refreshed, "a scheduled customer refresh")
		}
	})
}
