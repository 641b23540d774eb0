package sophos_test

// These tests run the client against the Sophos Central emulator over real
// HTTP: each test starts its own emulator on a loopback port, so the wire
// format, the hosts the client picks and the retries it makes are checked
// the way they will run in production, with the emulator's request log as
// the witness. The table-driven unit tests inside the package use raw
// httptest servers; these prove the two halves agree.

import (
	"bytes"
	"context"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/emu"
	"centralpsa/sophos"
	"centralpsa/sophosemu"
)

const tokenPath = "/api/v2/oauth2/token"

// emuNow is the clock of emulators from startRig unless a test sets one:
// the newest billing month is then August 2025. Clients keep the real
// clock, which only times their own token renewal, unless a test shares
// a movable clock with the emulator.
var emuNow = time.Date(2025, 9, 15, 9, 30, 0, 0, time.UTC)

// rig is one emulator and one client talking to it.
type rig struct {
	emu    *sophosemu.Server
	client *sophos.Client
	secret string // the client's secret, to prove it never leaks
	sleeps *sleepRecorder
	logs   *lockedBuffer
}

// startRig serves an emulator with sophosemu.Start and connects a client
// with the emulator's partner credential; mutate adjusts the client's
// options (another credential, retries, a clock).
func startRig(t *testing.T, opts sophosemu.Options, mutate ...func(*sophos.Options)) *rig {
	t.Helper()
	if opts.NowFunc == nil {
		opts.NowFunc = func() time.Time { return emuNow }
	}
	srv, _ := sophosemu.Start(t, opts)
	return connect(t, srv, mutate...)
}

// listenRig serves an emulator the way `centralpsa emulate sophos` does:
// emu.Listen first, so the URL is known, then Serve, on the real clock
// unless opts sets one.
func listenRig(t *testing.T, opts sophosemu.Options, mutate ...func(*sophos.Options)) *rig {
	t.Helper()
	ls, err := emu.Listen("")
	if err != nil {
		t.Fatalf("emu.Listen: %v", err)
	}
	t.Cleanup(func() { _ = ls.Close() })
	opts.BaseURL = ls.URL
	srv := sophosemu.New(opts)
	ls.Serve(srv)
	return connect(t, srv, mutate...)
}

func connect(t *testing.T, srv *sophosemu.Server, mutate ...func(*sophos.Options)) *rig {
	t.Helper()
	id, secret := srv.Credentials()
	r := &rig{emu: srv, sleeps: &sleepRecorder{}, logs: &lockedBuffer{}}
	o := sophos.Options{
		ClientID: id, ClientSecret: centralpsa.Secret(secret),
		IDURL: srv.URL(), APIURL: srv.URL(), AllowHTTP: true,
		RequestsPerMinute: -1, Timeout: 3 * time.Second,
		Logger:    slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		SleepFunc: r.sleeps.Sleep,
	}
	for _, m := range mutate {
		m(&o)
	}
	r.secret = o.ClientSecret.Reveal()
	c, err := sophos.New(o)
	if err != nil {
		t.Fatalf("sophos.New: %v", err)
	}
	r.client = c
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("client log:\n%s", r.logs.String())
		}
	})
	return r
}

// calls returns the logged requests with method whose path starts with
// prefix; an empty method matches any.
func (r *rig) calls(method, prefix string) []emu.Request {
	var out []emu.Request
	for _, q := range r.emu.Log().Requests() {
		if (method == "" || q.Method == method) && strings.HasPrefix(q.Path, prefix) {
			out = append(out, q)
		}
	}
	return out
}

func (r *rig) tokenRequests() int { return len(r.calls("POST", tokenPath)) }

// statuses lists the statuses of requests, in order.
func statuses(reqs []emu.Request) []int {
	out := make([]int, len(reqs))
	for i, q := range reqs {
		out[i] = q.Status
	}
	return out
}

// tenantsByID lists the partner's tenants through the client, so tests
// call tenants with the apiHost the client learnt, not one they built.
func (r *rig) tenantsByID(t *testing.T) map[string]sophos.Tenant {
	t.Helper()
	list, err := r.client.ListTenants(t.Context())
	if err != nil {
		t.Fatalf("ListTenants: %v", err)
	}
	out := make(map[string]sophos.Tenant, len(list))
	for _, x := range list {
		out[x.ID] = x
	}
	return out
}

// noLeak fails when the client secret shows up in text.
func (r *rig) noLeak(t *testing.T, what, text string) {
	t.Helper()
	if r.secret != "" && strings.Contains(text, r.secret) {
		t.Errorf("%s contains the client secret: %s", what, text)
	}
}

func query(t *testing.T, q emu.Request) url.Values {
	t.Helper()
	v, err := url.ParseQuery(q.Query)
	if err != nil {
		t.Fatalf("request %s %s has a bad query %q: %v", q.Method, q.Path, q.Query, err)
	}
	return v
}

// sleepRecorder is the client's SleepFunc: it records each wait and
// returns at once, so retry tests take no wall time.
type sleepRecorder struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleepRecorder) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepRecorder) All() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// clock is a shared, movable NowFunc for the emulator and the client.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

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

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
