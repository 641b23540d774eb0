package jobs

import (
	"centralpsa/internal/dbtest"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"centralpsa/config"
	"centralpsa/store"
)

const testKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

// dialect is a way to get a fresh, empty database.
type dialect struct {
	name   string
	newDSN func(t *testing.T) string
}

// dialects lists SQLite always and PostgreSQL when CENTRALPSA_TEST_POSTGRES
// is set; eachDialect runs fn once per entry, skipping PostgreSQL with a
// sentence naming the variable.
func eachDialect(t *testing.T, fn func(t *testing.T, d dialect)) {
	t.Helper()
	for _, d := range []dialect{
		{"SQLite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "jobs.db") }},
		{"Postgres", pgSchemaDSN},
	} {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			if d.name == "Postgres" && os.Getenv("CENTRALPSA_TEST_POSTGRES") == "" {
				t.Skip("set CENTRALPSA_TEST_POSTGRES=postgres://... to run the jobs tests on PostgreSQL")
			}
			fn(t, d)
		})
	}
}

// pgSchemaDSN makes a schema of the test's own and returns a DSN whose
// search_path selects it, as the store's tests do, so that our tables and
// River's land together in it. The schema is dropped after the test.
func pgSchemaDSN(t *testing.T) string {
	return dbtest.Postgres(t, "jobs")
}

// testBundle is one test's database, fakes and runner.
type testBundle struct {
	db      *store.DB
	dsn     string
	usage   *fakeUsage
	tickets *fakeTickets
	runner  *Runner
}

// setup opens a fresh database and builds a runner over fakes with short
// polling; settings are added over the defaults, and opts may change the
// rest. The runner is not started; start does that, and cleanup stops it.
func setup(t *testing.T, d dialect, settings map[string]string, opts ...func(*Config)) *testBundle {
	t.Helper()
	b := &testBundle{dsn: d.newDSN(t), usage: newFakeUsage(), tickets: newFakeTickets()}
	b.db = openStore(t, b.dsn)
	cfg := b.config(t, settings)
	for _, o := range opts {
		o(&cfg)
	}
	b.runner = newRunner(t, b.db, b.dsn, cfg)
	return b
}

// withoutTickets leaves ticket sync unconfigured, so that no ticket job
// (scheduled at start) shares the queue with the usage jobs under test.
func withoutTickets(c *Config) { c.Tickets = nil }

func (b *testBundle) config(t *testing.T, settings map[string]string) Config {
	return Config{
		Usage:        b.usage,
		Tickets:      b.tickets,
		Settings:     config.FromMap(settings),
		Logger:       testLogger(t),
		PollInterval: 50 * time.Millisecond,
		testOnly:     true,
	}
}

func openStore(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), dsn, store.Options{SecretKey: testKey, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newRunner(t *testing.T, db *store.DB, dsn string, cfg Config) *Runner {
	t.Helper()
	r, err := New(t.Context(), db, dsn, cfg)
	if err != nil {
		t.Fatalf("jobs.New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return r
}

func (b *testBundle) start(t *testing.T) {
	t.Helper()
	if err := b.runner.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// fakeUsage records each request and answers with the next scripted error
// (nil once the script runs out). With hold set, each call waits for a
// value on release (or for its context) before answering.
type fakeUsage struct {
	calls   chan UsageRequest
	release chan struct{}
	mu      sync.Mutex
	errs    []error
	hold    bool
}

func newFakeUsage() *fakeUsage {
	return &fakeUsage{calls: make(chan UsageRequest, 100), release: make(chan struct{})}
}

func (f *fakeUsage) SyncUsage(ctx context.Context, req UsageRequest) error {
	f.calls <- req
	f.mu.Lock()
	hold := f.hold
	var err error
	if len(f.errs) > 0 {
		err, f.errs = f.errs[0], f.errs[1:]
	}
	f.mu.Unlock()
	if hold {
		select {
		case <-f.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return err
}

func (f *fakeUsage) script(hold bool, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hold, f.errs = hold, errs
}

// fakeTickets records each call and fails with the scripted errors.
type fakeTickets struct {
	calls chan time.Time
	mu    sync.Mutex
	errs  []error
}

func newFakeTickets() *fakeTickets { return &fakeTickets{calls: make(chan time.Time, 100)} }

func (f *fakeTickets) SyncTickets(ctx context.Context) error {
	f.calls <- time.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.errs) > 0 {
		err := f.errs[0]
		f.errs = f.errs[1:]
		return err
	}
	return nil
}

// waitTimeout bounds every wait in these tests.
const waitTimeout = 5 * time.Second

// receive waits for one value on ch.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitTimeout):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// noMore fails if ch holds a value: calls are recorded synchronously, so
// once a job has finished any extra call would already be in the channel.
func noMore[T any](t *testing.T, ch <-chan T, what string) {
	t.Helper()
	select {
	case v := <-ch:
		t.Fatalf("unexpected extra %s: %+v", what, v)
	default:
	}
}

// eventually polls cond every 20ms until it holds or waitTimeout passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// job reads one job by id through the public listing.
func (b *testBundle) job(t *testing.T, id int64) Job {
	t.Helper()
	jobs, err := b.runner.Jobs(t.Context(), maxListed)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if j.ID == id {
			return j
		}
	}
	t.Fatalf("job %d not listed", id)
	return Job{}
}

// waitState waits until job id reaches state.
func (b *testBundle) waitState(t *testing.T, id int64, state string) Job {
	t.Helper()
	var j Job
	eventually(t, "job "+state, func() bool { j = b.job(t, id); return j.State == state })
	return j
}
