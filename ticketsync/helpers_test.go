package ticketsync

import (
	"centralpsa/internal/dbtest"
	"context"
	"log/slog"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/connectwise"
	"centralpsa/cwemu"
	"centralpsa/sample"
	"centralpsa/sophos"
	"centralpsa/sophosemu"
	"centralpsa/store"
	"centralpsa/ticket"
)

// clock is a settable clock shared by the service and both emulators.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// bundleOptions shape a test world.
type bundleOptions struct {
	tenants       int               // sample customers (default 4)
	alertsPer     int               // generated alerts per tenant (default none)
	settings      map[string]string // over the defaults
	dsn           string            // "" = a SQLite file in t.TempDir()
	cwTimeout     time.Duration     // ConnectWise per-attempt timeout
	assistanceOff []string          // tenants whose alerts answer 403
	faultSeed     uint64
	logTo         *syncBuffer
}

// testBundle is both emulators, a store and what maps them together.
type testBundle struct {
	t        *testing.T
	cw       *cwemu.Server
	so       *sophosemu.Server
	db       *store.DB
	dsn      string
	clock    *clock
	opts     bundleOptions
	cwURL    string
	soURL    string
	tenants  []sophosemu.Tenant // the mapped ones, ticket sync on
	company  map[string]int64   // tenant id → company id
	settings *config.Settings
}

func setup(t *testing.T, o bundleOptions) *testBundle {
	t.Helper()
	if o.tenants == 0 {
		o.tenants = 4
	}
	if o.alertsPer == 0 {
		o.alertsPer = -1
	}
	if o.cwTimeout == 0 {
		o.cwTimeout = 5 * time.Second
	}
	b := &testBundle{t: t, clock: &clock{t: start}, opts: o, company: map[string]int64{}}
	customers := sample.Customers(o.tenants, 7)
	b.cw, b.cwURL = cwemu.Start(t, cwemu.Options{Customers: customers, Extra: []sample.Company{}, NowFunc: b.clock.Now, FaultSeed: o.faultSeed})
	off := o.assistanceOff
	if off == nil {
		off = []string{}
	}
	b.so, b.soURL = sophosemu.Start(t, sophosemu.Options{Customers: customers, NowFunc: b.clock.Now, AlertsPerTenant: o.alertsPer,
		PartnerAssistanceOffTenants: off, Seed: max(o.faultSeed, 1)})
	dsn := o.dsn
	if dsn == "" {
		dsn = filepath.Join(t.TempDir(), "c.db")
	}
	db, err := store.Open(t.Context(), dsn, store.Options{NowFunc: b.clock.Now, SecretKey: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b.db, b.dsn = db, dsn
	b.mapTenants()
	vals := map[string]string{"tickets.board": "Sophos Alerts"}
	for k, v := range o.settings {
		vals[k] = v
	}
	b.settings = config.FromMap(vals)
	return b
}

// mapTenants maps every tenant but trials to its own company, ticket sync
// on, as `map set` would.
func (b *testBundle) mapTenants() {
	var companies []int64
	for _, c := range b.cw.Companies() {
		if c["deletedFlag"] != true {
			companies = append(companies, int64(c["id"].(float64)))
		}
	}
	sort.Slice(companies, func(i, j int) bool { return companies[i] < companies[j] })
	var tenants []store.Tenant
	for _, t := range b.so.Tenants() {
		if t.BillingType != "trial" {
			tenants = append(tenants, store.Tenant{ID: t.ID, Name: t.Name, BillingType: t.BillingType, APIHost: t.APIHost})
			b.tenants = append(b.tenants, t)
		}
	}
	if err := b.db.UpsertTenants(b.t.Context(), tenants); err != nil {
		b.t.Fatal(err)
	}
	for i, t := range b.tenants {
		b.company[t.ID] = companies[i]
		if err := b.db.SetMapping(b.t.Context(), store.Mapping{TenantID: t.ID, CompanyID: companies[i], CompanyName: "co", TicketsEnabled: true}); err != nil {
			b.t.Fatal(err)
		}
	}
}

// service is a fresh Service, as a new process would build it.
func (b *testBundle) service() *Service {
	b.t.Helper()
	noSleep := func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	cw, err := connectwise.New(connectwise.Options{URL: b.cwURL, Company: cwemu.DefaultCompany, PublicKey: cwemu.DefaultPublicKey,
		PrivateKey: cwemu.DefaultPrivateKey, ClientID: cwemu.DefaultClientID, AllowHTTP: true, RequestsPerMinute: -1,
		Timeout: b.opts.cwTimeout, SleepFunc: noSleep, Logger: b.logger()})
	if err != nil {
		b.t.Fatal(err)
	}
	id, secret := b.so.Credentials()
	so, err := sophos.New(sophos.Options{ClientID: id, ClientSecret: centralpsa.Secret(secret), IDURL: b.soURL, APIURL: b.soURL,
		AllowHTTP: true, RequestsPerMinute: -1, SleepFunc: noSleep, NowFunc: b.clock.Now, Logger: b.logger()})
	if err != nil {
		b.t.Fatal(err)
	}
	return &Service{CW: cw, Sophos: so, Store: b.db, Settings: b.settings, Logger: b.logger(), NowFunc: b.clock.Now}
}

func (b *testBundle) logger() *slog.Logger {
	var h slog.Handler = slog.NewTextHandler(b.t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug})
	if b.opts.logTo != nil {
		h = slog.NewTextHandler(b.opts.logTo, &slog.HandlerOptions{Level: slog.LevelDebug})
	}
	return slog.New(h)
}

// run runs a fresh service and fails the test on a run-level error.
func (b *testBundle) run() *Result {
	b.t.Helper()
	res, err := b.service().Run(b.t.Context())
	if err != nil {
		b.t.Fatalf("Run: %v", err)
	}
	return res
}

// raise opens an alert on the i-th mapped tenant.
func (b *testBundle) raise(i int, spec sophosemu.AlertSpec) string {
	b.t.Helper()
	id := b.so.RaiseAlert(b.tenants[i].ID, spec)
	if id == "" {
		b.t.Fatal("RaiseAlert: unknown tenant")
	}
	return id
}

// ourTickets are the emulator's tickets that carry an external key, by
// key: the seeded help-desk tickets are not ours.
func (b *testBundle) ourTickets() map[string][]map[string]any {
	out := map[string][]map[string]any{}
	for _, tk := range b.cw.Tickets() {
		if x, _ := tk["externalXRef"].(string); x != "" {
			out[x] = append(out[x], tk)
		}
	}
	return out
}

func (b *testBundle) link(key string) store.TicketLink {
	b.t.Helper()
	l, err := b.db.TicketLink(b.t.Context(), key)
	if err != nil {
		b.t.Fatalf("TicketLink(%s): %v", key, err)
	}
	return l
}

func keyOf(tenantID, typ, device string) string { return ticket.Key(tenantID, typ, device, "") }

func ticketID(tk map[string]any) int { return int(tk["id"].(float64)) }

func refName(tk map[string]any, field string) string {
	m, _ := tk[field].(map[string]any)
	s, _ := m["name"].(string)
	return s
}

func refID(tk map[string]any, field string) int64 {
	m, _ := tk[field].(map[string]any)
	f, _ := m["id"].(float64)
	return int64(f)
}

// postgresDSN gives a schema of its own on CENTRALPSA_TEST_POSTGRES, or
// skips the test.
func postgresDSN(t *testing.T) string {
	return dbtest.Postgres(t, "ticket sync")
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

// eachDB runs f on SQLite and, when CENTRALPSA_TEST_POSTGRES is set, on
// PostgreSQL; newDSN gives each bundle a database of its own.
func eachDB(t *testing.T, f func(t *testing.T, newDSN func(*testing.T) string)) {
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		f(t, func(*testing.T) string { return "" })
	})
	t.Run("Postgres", func(t *testing.T) {
		t.Parallel()
		postgresDSN(t) // skips with the reason when the variable is unset
		f(t, postgresDSN)
	})
}
