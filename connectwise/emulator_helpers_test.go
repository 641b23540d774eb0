package connectwise_test

// The emulator_*_test.go files run the client against the ConnectWise
// emulator (centralpsa/cwemu) over real loopback HTTP: issue 2's
// acceptance for the client. Each test starts its own emulator, so they
// run in parallel; the client never sleeps (SleepFunc records the waits).

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/connectwise"
	"centralpsa/cwemu"
	"centralpsa/emu"
)

// emuBundle is a running emulator and a client pointed at it.
type emuBundle struct {
	srv  *cwemu.Server
	url  string
	cw   *connectwise.Client
	logs *lockedBuffer

	mu     sync.Mutex
	sleeps []time.Duration
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

// emuNow is the emulator's clock, fixed so that seeded and written dates
// are repeatable.
func emuNow() time.Time { return time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC) }

// startEmu starts an emulator with opts and a client for it; tweak
// changes the client options before New.
func startEmu(t *testing.T, opts cwemu.Options, tweak ...func(*connectwise.Options)) *emuBundle {
	t.Helper()
	if opts.NowFunc == nil {
		opts.NowFunc = emuNow
	}
	srv, u := cwemu.Start(t, opts)
	b := &emuBundle{srv: srv, url: u}
	b.cw = b.newClient(t, tweak...)
	return b
}

// newClient builds a client for the bundle's emulator with the test
// defaults: no rate limit, plain HTTP, a short timeout, recorded sleeps and
// a debug log kept for secret checks.
func (b *emuBundle) newClient(t *testing.T, tweak ...func(*connectwise.Options)) *connectwise.Client {
	t.Helper()
	if b.logs == nil {
		b.logs = &lockedBuffer{}
	}
	o := b.srv.Options()
	opts := connectwise.Options{
		URL: b.url, Company: o.Company, PublicKey: o.PublicKey, PrivateKey: centralpsa.Secret(o.PrivateKey),
		ClientID: o.ClientID, AllowHTTP: true, RequestsPerMinute: -1, Timeout: 3 * time.Second,
		Logger:    slog.New(slog.NewTextHandler(io.MultiWriter(b.logs, t.Output()), &slog.HandlerOptions{Level: slog.LevelDebug})),
		SleepFunc: b.sleep,
	}
	for _, f := range tweak {
		f(&opts)
	}
	cw, err := connectwise.New(opts)
	if err != nil {
		t.Fatalf("connectwise.New: %v", err)
	}
	return cw
}

func (b *emuBundle) sleep(ctx context.Context, d time.Duration) error {
	b.mu.Lock()
	b.sleeps = append(b.sleeps, d)
	b.mu.Unlock()
	return ctx.Err()
}

// waits returns the delays the client asked for so far.
func (b *emuBundle) waits() []time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]time.Duration(nil), b.sleeps...)
}

// requests returns the logged API requests with method (any when "") to
// exactly the API path p on the advertised codebase.
func (b *emuBundle) requests(method, p string) []emu.Request {
	want := b.srv.APIPath(p)
	var out []emu.Request
	for _, r := range b.srv.Log().Requests() {
		if (method == "" || r.Method == method) && strings.TrimSuffix(r.Path, "/") == strings.TrimSuffix(want, "/") {
			out = append(out, r)
		}
	}
	return out
}

// eventually polls cond for up to two seconds: the request log records an
// exchange only after the handler returns, which for a slow answer the
// client gave up on can be a moment after the client's error.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// query parses a logged raw query.
func query(t *testing.T, r emu.Request) url.Values {
	t.Helper()
	q, err := url.ParseQuery(r.Query)
	if err != nil {
		t.Fatalf("logged query %q: %v", r.Query, err)
	}
	return q
}

// num reads a JSON number of an emulator record.
func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

// recID reads the id of an emulator record.
func recID(rec map[string]any) int { return int(num(rec["id"])) }

// str reads a string field of an emulator record.
func str(rec map[string]any, key string) string {
	s, _ := rec[key].(string)
	return s
}

// ref reads a field of a reference in an emulator record, e.g.
// ref(rec, "company", "id").
func ref(rec map[string]any, field, key string) any {
	m, _ := rec[field].(map[string]any)
	return m[key]
}

func itoa(n int) string { return strconv.Itoa(n) }

// countWhere counts the records whose key holds value.
func countWhere(recs []map[string]any, key, value string) int {
	n := 0
	for _, r := range recs {
		if str(r, key) == value {
			n++
		}
	}
	return n
}

// firstAgreement returns the id of the seed's first active agreement.
func firstAgreement(b *emuBundle) int {
	for _, a := range b.srv.Agreements() {
		if str(a, "agreementStatus") == "Active" {
			return recID(a)
		}
	}
	panic("the seed has no active agreement")
}

// firstCompany returns the seed's first company that is not deleted.
func firstCompany(b *emuBundle) int {
	for _, c := range b.srv.Companies() {
		if c["deletedFlag"] != true {
			return recID(c)
		}
	}
	panic("the seed has no company")
}

// boardID returns the id of a seeded board.
func boardID(b *emuBundle, name string) int {
	for _, r := range b.srv.Records("boards") {
		if str(r, "name") == name {
			return recID(r)
		}
	}
	panic("no board " + name)
}

// newTicket is a ticket as the alert sync would open it, keyed by key.
func newTicket(b *emuBundle, key string) *connectwise.Ticket {
	return &connectwise.Ticket{
		Summary: "[Sophos] Malware detected on LAPTOP-" + key, ExternalXRef: key,
		Company: connectwise.Ref(firstCompany(b)), Board: connectwise.Ref(boardID(b, "Sophos Alerts")),
		InitialDescription: "Sophos Central raised an alert for this customer.",
	}
}
