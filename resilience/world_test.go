package resilience_test

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/connectwise"
	"centralpsa/cwemu"
	"centralpsa/emu"
	"centralpsa/sample"
	"centralpsa/sophos"
	"centralpsa/sophosemu"
	"centralpsa/store"
	"centralpsa/ticketsync"
	"centralpsa/usagesync"
)

// epoch is the fixed clock of every world, so two worlds built from one
// seed agree on billing months and alert times.
var epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

const testSecretKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

// worldOptions shape a world.
type worldOptions struct {
	customers int           // sample customers (default 10)
	seed      uint64        // sample data and fault dice (default 3)
	timeout   time.Duration // per-attempt client timeout (default 5s)
}

// world is both emulators seeded with the same customers, a SQLite store
// mapping them, and clients whose waits are recorded instead of slept.
type world struct {
	t        *testing.T
	opts     worldOptions
	cw       *cwemu.Server
	so       *sophosemu.Server
	cwURL    string
	soURL    string
	db       *store.DB
	settings *config.Settings
	sleeps   *sleepLog
	logs     *syncBuffer
	inflight inflight
	http     *http.Client
	failures atomic.Int64 // customer and run failures seen by syncUsage and syncTickets
	cwEdit   editor       // rewrites ConnectWise answers on their way out
	soEdit   editor       // rewrites Sophos answers
	mapped   []store.Mapping
}

func newWorld(t *testing.T, o worldOptions) *world {
	t.Helper()
	if o.customers == 0 {
		o.customers = 10
	}
	if o.seed == 0 {
		o.seed = 3
	}
	if o.timeout == 0 {
		o.timeout = 5 * time.Second
	}
	now := func() time.Time { return epoch }
	w := &world{t: t, opts: o, sleeps: &sleepLog{}, logs: &syncBuffer{}}
	customers := sample.Customers(o.customers, o.seed)
	w.cwURL = emu.Start(t, func(base string) http.Handler {
		w.cw = cwemu.New(cwemu.Options{BaseURL: base, Customers: customers, Extra: []sample.Company{}, NowFunc: now, FaultSeed: o.seed})
		return w.inflight.wrap(w.cwEdit.wrap(w.cw))
	}).URL
	w.soURL = emu.Start(t, func(base string) http.Handler {
		w.so = sophosemu.New(sophosemu.Options{BaseURL: base, Customers: customers, NowFunc: now, Seed: o.seed,
			PartnerAssistanceOffTenants: []string{}})
		return w.inflight.wrap(w.soEdit.wrap(w.so))
	}).URL
	// One transport per world, emptied before the emulators close: an idle
	// connection left in the shared default transport makes their
	// graceful shutdown wait.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	w.http = &http.Client{Transport: tr}
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "c.db"), store.Options{NowFunc: now, SecretKey: testSecretKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w.db = db
	w.settings = config.FromMap(map[string]string{"tickets.board": "Sophos Alerts"})
	w.mapAll()
	return w
}

// mapAll maps every customer with a ConnectWise company to it and to its
// first active agreement, usage sync on, and ticket sync on for all but
// trials (whose alerts Sophos never shows a partner).
func (w *world) mapAll() {
	companies := map[string]int64{}
	for _, c := range w.cw.Companies() {
		if c["deletedFlag"] != true {
			companies[c["identifier"].(string)] = num(c["id"])
		}
	}
	agreements := map[int64]int64{}
	for _, a := range w.cw.Agreements() {
		co, _ := a["company"].(map[string]any)
		if id := num(co["id"]); a["agreementStatus"] == "Active" && agreements[id] == 0 {
			agreements[id] = num(a["id"])
		}
	}
	var tenants []store.Tenant
	hosts := map[string]string{}
	for _, tn := range w.so.Tenants() {
		tenants = append(tenants, store.Tenant{ID: tn.ID, Name: tn.Name, BillingType: tn.BillingType, APIHost: tn.APIHost})
		hosts[tn.ID] = tn.APIHost
	}
	if err := w.db.UpsertTenants(w.t.Context(), tenants); err != nil {
		w.t.Fatal(err)
	}
	for _, c := range sample.Customers(w.opts.customers, w.opts.seed) {
		co, ok := companies[c.CompanyIdentifier]
		if c.CompanyName == "" || !ok {
			continue
		}
		m := store.Mapping{TenantID: strings.ToLower(c.TenantID), TenantName: c.TenantName, BillingType: c.BillingType,
			APIHost: hosts[strings.ToLower(c.TenantID)], CompanyID: co, CompanyName: c.CompanyName, AgreementID: agreements[co],
			UsageEnabled: true, TicketsEnabled: c.BillingType != "trial"}
		if err := w.db.SetMapping(w.t.Context(), m); err != nil {
			w.t.Fatal(err)
		}
		w.mapped = append(w.mapped, m)
	}
	if len(w.mapped) < 2 {
		w.t.Fatalf("only %d customers mapped; the scenario needs more", len(w.mapped))
	}
}

func (w *world) clients() (*connectwise.Client, *sophos.Client) {
	w.t.Helper()
	logger := w.logger()
	cw, err := connectwise.New(connectwise.Options{URL: w.cwURL, Company: cwemu.DefaultCompany, PublicKey: cwemu.DefaultPublicKey,
		PrivateKey: cwemu.DefaultPrivateKey, ClientID: cwemu.DefaultClientID, AllowHTTP: true, RequestsPerMinute: -1,
		HTTPClient: w.http, Timeout: w.opts.timeout, SleepFunc: w.sleeps.sleep, NowFunc: func() time.Time { return epoch }, Logger: logger})
	if err != nil {
		w.t.Fatal(err)
	}
	id, secret := w.so.Credentials()
	so, err := sophos.New(sophos.Options{ClientID: id, ClientSecret: centralpsa.Secret(secret), IDURL: w.soURL, APIURL: w.soURL,
		AllowHTTP: true, RequestsPerMinute: -1, HTTPClient: w.http, Timeout: w.opts.timeout, SleepFunc: w.sleeps.sleep,
		NowFunc: func() time.Time { return epoch }, Logger: logger})
	if err != nil {
		w.t.Fatal(err)
	}
	return cw, so
}

// usage is a fresh usage sync service, as a new process would build it.
func (w *world) usage() *usagesync.Service {
	cw, so := w.clients()
	return &usagesync.Service{CW: cw, Sophos: so, Store: w.db, Settings: w.settings, Logger: w.logger(),
		NowFunc: func() time.Time { return epoch }}
}

// tickets is a fresh ticket sync service.
func (w *world) tickets() *ticketsync.Service {
	cw, so := w.clients()
	return &ticketsync.Service{CW: cw, Sophos: so, Store: w.db, Settings: w.settings, Logger: w.logger(),
		NowFunc: func() time.Time { return epoch }}
}

func (w *world) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

// sleepLog records the waits clients ask for and returns at once, so
// Retry-After and backoff cost no time.
type sleepLog struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepLog) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepLog) has(d time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Contains(s.waits, d)
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	return len(p), nil
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return string(s.buf) }

// inflight counts the requests both emulators are still handling, so a
// test can wait for a write the server holds past the client's timeout
// to land before the next run starts, as the minutes between scheduled
// runs would. (A request the client gave up on before sending its whole
// body is still handled: Go's server only notices a vanished client once
// the body has been read.)
type inflight struct {
	mu sync.Mutex
	n  int
}

func (f *inflight) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.add(1)
		defer f.add(-1)
		h.ServeHTTP(w, r)
	})
}

func (f *inflight) add(d int) { f.mu.Lock(); f.n += d; f.mu.Unlock() }

// idle waits until no request is being handled, for at most limit.
func (f *inflight) idle(t *testing.T, limit time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(limit); ; time.Sleep(10 * time.Millisecond) {
		f.mu.Lock()
		n := f.n
		f.mu.Unlock()
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d request(s) still in the emulators after %s", n, limit)
		}
	}
}
