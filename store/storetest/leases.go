package storetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/store"
)

func exerciseLeases(t *testing.T, newDSN NewDSNFunc) {
	host, _ := os.Hostname()
	// A second process is another store on the same database.
	t.Run("SecondHolderWaits", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		other := b.reopen(t, b.opts)
		ctx := t.Context()
		err := b.db.Hold(ctx, store.LeaseTicketSync, time.Minute, func(ctx context.Context) error {
			err := other.Hold(ctx, store.LeaseTicketSync, time.Minute, func(context.Context) error {
				t.Error("second holder ran while the first held the lease")
				return nil
			})
			var held *store.LeaseHeldError
			if !errors.As(err, &held) || centralpsa.ErrorKind(err) != centralpsa.KindConflict {
				return fmt.Errorf("second Hold: %v, want a held lease (conflict)", err)
			}
			if want := fmt.Sprintf("%s:%d", host, os.Getpid()); held.Holder != want || held.RetryAfterDelay() != time.Minute ||
				!strings.Contains(err.Error(), "another ticket sync is running") {
				return fmt.Errorf("held lease: %q by %q, retry after %v; want holder %q, a minute", err, held.Holder, held.RetryAfterDelay(), want)
			}
			// Another name is another lock.
			return other.Hold(ctx, store.LeaseUsageSync, time.Minute, func(context.Context) error { return nil })
		})
		mustNoErr(t, err)
		// Released at the end: the other store takes it at once.
		mustNoErr(t, other.Hold(ctx, store.LeaseTicketSync, time.Minute, func(context.Context) error { return nil }))
	})

	t.Run("ReleasedAfterFailure", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		boom := errors.New("boom")
		if err := b.db.Hold(t.Context(), store.LeaseUsageSync, 0, func(context.Context) error { return boom }); !errors.Is(err, boom) {
			t.Fatalf("Hold = %v, want fn's error", err)
		}
		if n := rawString(t, b.db, `SELECT CAST(COUNT(*) AS TEXT) FROM leases`); n != "0" {
			t.Fatalf("%s leases left after a failed fn", n)
		}
	})

	deadPID := func(t *testing.T) int {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		mustNoErr(t, cmd.Run())
		return cmd.Process.Pid
	}
	for _, tt := range []struct {
		name    string
		holder  func(t *testing.T) string
		expires time.Duration // from the store's clock
		taken   bool
	}{
		{"ExpiredIsTaken", func(*testing.T) string { return "elsewhere:42:00" }, -time.Second, true},
		{"LiveElsewhereIsWaited", func(*testing.T) string { return "elsewhere:42:00" }, time.Minute, false},
		{"DeadHereIsTaken", func(t *testing.T) string { return fmt.Sprintf("%s:%d:00", host, deadPID(t)) }, time.Minute, runtime.GOOS != "windows"},
		{"LiveHereIsWaited", func(*testing.T) string { return fmt.Sprintf("%s:%d:00", host, os.Getppid()) }, time.Minute, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, newDSN)
			now := b.clock.Now()
			mustNoErr(t, rawExec(t.Context(), b.db, `INSERT INTO leases (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)`,
				store.LeaseUsageSync, tt.holder(t), timeArg(b.db, now.Add(-time.Hour)), timeArg(b.db, now.Add(tt.expires))))
			ran := false
			err := b.db.Hold(t.Context(), store.LeaseUsageSync, time.Minute, func(context.Context) error { ran = true; return nil })
			var held *store.LeaseHeldError
			if ran != tt.taken || (!tt.taken && !errors.As(err, &held)) || (tt.taken && err != nil) {
				t.Fatalf("ran %v, Hold = %v; want taken %v", ran, err, tt.taken)
			}
		})
	}

	// A holder that cannot renew (another process took the lease after it
	// expired) is stopped: its context is cancelled and Hold says why.
	t.Run("LostLeaseStopsTheHolder", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		err := b.db.Hold(t.Context(), store.LeaseTicketSync, 30*time.Millisecond, func(ctx context.Context) error {
			if err := rawExec(ctx, b.db, `UPDATE leases SET holder = 'thief:1:00'`); err != nil {
				return err
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(10 * time.Second):
				return errors.New("not stopped after losing the lease")
			}
		})
		if err == nil || !strings.Contains(err.Error(), "lost lease") {
			t.Fatalf("Hold = %v, want a lost lease", err)
		}
		if h := rawString(t, b.db, `SELECT holder FROM leases`); h != "thief:1:00" {
			t.Fatalf("the lease of the new holder was released: %q", h)
		}
	})
}

// timeArg binds a time the way the store writes it.
func timeArg(db *store.DB, t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if db.Dialect() == store.DialectPostgres {
		return t
	}
	return t.Format("2006-01-02T15:04:05.000000Z")
}
