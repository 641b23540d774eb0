// Package storetest is the conformance suite for package store: the
// behaviour the rest of centralpsa relies on, run against every dialect
// the way River's riverdrivertest.Exercise runs against every driver.
// Package store runs it on SQLite always and on PostgreSQL when
// CENTRALPSA_TEST_POSTGRES is set.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/store"
)

// NewDSNFunc returns the DSN of a new, empty database that is removed
// when t ends. The suite takes DSNs rather than open stores because it
// reopens databases: after a restart, with another key, or from several
// goroutines at once.
type NewDSNFunc func(t *testing.T) string

// Exercise runs the whole suite. Every subtest gets its own database, so
// all of them run in parallel.
func Exercise(t *testing.T, newDSN NewDSNFunc) {
	t.Helper()
	groups := []struct {
		name string
		run  func(*testing.T, NewDSNFunc)
	}{
		{"Open", exerciseOpen},
		{"Settings", exerciseSettings},
		{"SecretKey", exerciseSecretKey},
		{"Mappings", exerciseMappings},
		{"Products", exerciseProducts},
		{"Runs", exerciseRuns},
		{"Ops", exerciseOps},
		{"Audit", exerciseAudit},
		{"Tx", exerciseTx},
		{"TicketLinks", exerciseTicketLinks},
		{"AlertCursors", exerciseAlertCursors},
		{"UsageItems", exerciseUsageItems},
		{"Users", exerciseUsers},
		{"Leases", exerciseLeases},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			g.run(t, newDSN)
		})
	}
}

// testBundle is one test's database and what opened it.
type testBundle struct {
	db    *store.DB
	dsn   string
	opts  store.Options
	clock *clock
}

// setup opens a fresh database with a random secret key and a fixed clock.
func setup(t *testing.T, newDSN NewDSNFunc) *testBundle {
	t.Helper()
	b := &testBundle{dsn: newDSN(t), clock: newClock()}
	b.opts = store.Options{NowFunc: b.clock.Now, SecretKey: centralpsa.Secret(newKey()), Logger: testLogger(t)}
	b.db = open(t, b.dsn, b.opts)
	return b
}

// reopen opens the bundle's database again, as a restarted process would.
func (b *testBundle) reopen(t *testing.T, opts store.Options) *store.DB {
	t.Helper()
	return open(t, b.dsn, opts)
}

func open(t *testing.T, dsn string, opts store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), dsn, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func newKey() string {
	k := make([]byte, 32)
	rand.Read(k)
	return base64.StdEncoding.EncodeToString(k)
}

// clock is a settable clock. It starts at an instant with sub-microsecond
// digits in a non-UTC zone, so every test checks the store's UTC and
// precision handling on the way.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

var clockStart = time.Date(2026, 1, 15, 10, 30, 0, 123456789, time.FixedZone("CET", 3600))

func newClock() *clock { return &clock{t: clockStart} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// stored is how the store gives back a time it was handed.
func stored(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func mustNoErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantKind fails unless err carries the given kind.
func wantKind(t *testing.T, err error, kind centralpsa.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want kind %s", kind)
	}
	var e *centralpsa.Error
	if !errors.As(err, &e) || e.Kind != kind {
		t.Fatalf("error %q has kind %s, want %s", err, centralpsa.ErrorKind(err), kind)
	}
}

// rebind writes ? placeholders for the database at hand; raw SQL in the
// suite reaches under the store to check what it really wrote.
func rebind(db *store.DB, q string) string {
	if db.Dialect() != store.DialectPostgres {
		return q
	}
	for n := 1; strings.Contains(q, "?"); n++ {
		q = strings.Replace(q, "?", "$"+strconv.Itoa(n), 1)
	}
	return q
}

func rawExec(ctx context.Context, db *store.DB, q string, args ...any) error {
	_, err := db.SQL().ExecContext(ctx, rebind(db, q), args...)
	return err
}

func rawString(t *testing.T, db *store.DB, q string, args ...any) string {
	t.Helper()
	var s string
	if err := db.SQL().QueryRowContext(t.Context(), rebind(db, q), args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}
