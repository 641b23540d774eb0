package jobs

import (
	"context"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/config"
)

// TestSettingsFollowed: a schedule changed in the database, not through
// this process's Reschedule (another instance of a cluster saved it, or
// `config set`), takes effect within SettingsPoll.
func TestSettingsFollowed(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d dialect) {
		var b *testBundle
		b = setup(t, d, map[string]string{"usage.schedule": "manual", "tickets.poll_interval": "1h"}, func(c *Config) {
			c.SettingsPoll = 50 * time.Millisecond
			c.SettingsFunc = func(ctx context.Context) (*config.Settings, error) {
				return config.Load(ctx, func(string) (string, bool) { return "", false }, b.db)
			}
		})
		for k, v := range map[string]string{"usage.schedule": "manual", "tickets.poll_interval": "1h"} {
			if err := b.db.SetSetting(t.Context(), k, v); err != nil {
				t.Fatal(err)
			}
		}
		b.start(t)
		receive(t, b.tickets.calls, "the ticket sync at start")
		if err := b.db.SetSetting(t.Context(), "tickets.poll_interval", "200ms"); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			receive(t, b.tickets.calls, "a ticket sync on the interval stored meanwhile")
		}
	})
}

// TestJobTimeout: JobTimeout replaces both timeouts, and a rescue delay
// shorter than the timeout is refused, since River would not rescue
// before the timeout anyway.
func TestJobTimeout(t *testing.T) {
	t.Parallel()
	dsn := t.TempDir() + "/jobs.db"
	db := openStore(t, dsn)
	if _, err := New(t.Context(), db, dsn, Config{RescueStuckJobsAfter: time.Minute}); centralpsa.ErrorKind(err) != centralpsa.KindInvalid {
		t.Fatalf("rescue after 1m with the 30m usage timeout: %v, want invalid", err)
	}
	if _, err := New(t.Context(), db, dsn, Config{JobTimeout: 10 * time.Second, RescueStuckJobsAfter: 5 * time.Second}); centralpsa.ErrorKind(err) != centralpsa.KindInvalid {
		t.Fatalf("rescue after 5s with a 10s timeout: %v, want invalid", err)
	}
	r := newRunner(t, db, dsn, Config{JobTimeout: 10 * time.Second, RescueStuckJobsAfter: 10 * time.Second})
	rc := r.riverConfig(Config{JobTimeout: 10 * time.Second}, nil)
	if rc.JobTimeout != 10*time.Second || rc.RescueStuckJobsAfter != 10*time.Second+5*time.Minute {
		t.Fatalf("River config: timeout %s, rescue after %s", rc.JobTimeout, rc.RescueStuckJobsAfter)
	}
	if got := (&usageWorker{timeout: 10 * time.Second}).Timeout(nil); got != 10*time.Second {
		t.Fatalf("usage worker timeout %s", got)
	}
	if got := (&ticketWorker{}).Timeout(nil); got != ticketTimeout {
		t.Fatalf("default ticket worker timeout %s", got)
	}
}
