package usagesync_test

import (
	"centralpsa/internal/dbtest"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/connectwise"
	"centralpsa/cwemu"
	"centralpsa/sample"
	"centralpsa/sophos"
	"centralpsa/sophosemu"
	"centralpsa/store"
	"centralpsa/usage"
	"centralpsa/usagesync"
)

// testBundle is a ConnectWise and a Sophos emulator seeded with the same
// 60 sample customers, a store, and a Service wired to all three.
type testBundle struct {
	cw        *cwemu.Server
	so        *sophosemu.Server
	db        *store.DB
	svc       *usagesync.Service
	customers []sample.Customer
	month     usage.Month // the newest month with billing data
	settings  map[string]string
	logs      *lockedWriter
}

type setupOptions struct {
	dsn       string            // "" = a SQLite file in a temp dir
	settings  map[string]string // over the emulator settings
	cwTimeout time.Duration     // per-attempt ConnectWise timeout
}

func setup(t testing.TB, opts ...setupOptions) *testBundle {
	t.Helper()
	var o setupOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	b := &testBundle{customers: sample.Customers(60, 1), logs: &lockedWriter{b: &strings.Builder{}}}
	var cwURL, soURL string
	b.cw, cwURL = cwemu.Start(t, cwemu.Options{Customers: b.customers, Extra: sample.ExtraCompanies(1)})
	b.so, soURL = sophosemu.Start(t, sophosemu.Options{Customers: b.customers})
	y, m := b.so.LastUsageMonth()
	b.month = usage.Month{Year: y, Month: m}

	if o.dsn == "" {
		o.dsn = filepath.Join(t.TempDir(), "centralpsa.db")
	}
	db, err := store.Open(t.Context(), o.dsn, store.Options{SecretKey: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	b.db = db

	id, secret := b.so.Credentials()
	b.settings = map[string]string{"allow_http": "1", "cw.url": cwURL, "cw.company": cwemu.DefaultCompany,
		"cw.public_key": cwemu.DefaultPublicKey, "cw.private_key": cwemu.DefaultPrivateKey, "cw.client_id": cwemu.DefaultClientID,
		"sophos.client_id": id, "sophos.client_secret": secret, "sophos.id_url": soURL, "sophos.api_url": soURL}
	for k, v := range o.settings {
		b.settings[k] = v
	}
	timeout := o.cwTimeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	logger := slog.New(slog.NewTextHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cw, err := connectwise.New(connectwise.Options{URL: cwURL, Company: cwemu.DefaultCompany, PublicKey: cwemu.DefaultPublicKey,
		PrivateKey: cwemu.DefaultPrivateKey, ClientID: cwemu.DefaultClientID, AllowHTTP: true, RequestsPerMinute: -1,
		Timeout: timeout, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	so, err := sophos.New(sophos.Options{ClientID: id, ClientSecret: centralpsa.Secret(secret), IDURL: soURL, APIURL: soURL,
		AllowHTTP: true, RequestsPerMinute: -1, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	b.svc = &usagesync.Service{CW: cw, Sophos: so, Store: db, Settings: config.FromMap(b.settings), Logger: logger}
	return b
}

// mapCustomers maps every sample customer that has a ConnectWise company
// to it and to the company's first active agreement, with usage sync on.
// It returns the mappings by tenant id.
func (b *testBundle) mapCustomers(t testing.TB) map[string]store.Mapping {
	t.Helper()
	companies := map[string]map[string]any{}
	for _, c := range b.cw.Companies() {
		if c["deletedFlag"] != true {
			companies[c["identifier"].(string)] = c
		}
	}
	out := map[string]store.Mapping{}
	for _, c := range b.customers {
		co, ok := companies[c.CompanyIdentifier]
		if c.CompanyName == "" || !ok {
			continue
		}
		coID := num(co["id"])
		m := store.Mapping{TenantID: strings.ToLower(c.TenantID), TenantName: c.TenantName, BillingType: c.BillingType,
			CompanyID: coID, CompanyName: co["name"].(string), AgreementID: b.activeAgreement(coID), UsageEnabled: true}
		if err := b.db.SetMapping(t.Context(), m); err != nil {
			t.Fatal(err)
		}
		out[m.TenantID] = m
	}
	return out
}

// activeAgreement is the company's active agreement with the lowest id, or 0.
func (b *testBundle) activeAgreement(companyID int64) int64 {
	for _, a := range b.cw.Agreements() {
		if co, _ := a["company"].(map[string]any); co != nil && num(co["id"]) == companyID && a["agreementStatus"] == "Active" {
			return num(a["id"])
		}
	}
	return 0
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

// slotKey is one addition slot: an agreement and a lower-case identifier.
type slotKey struct {
	agreement  int64
	identifier string
}

// expected computes, independently of the planner, what each addition
// must hold: billable quantities summed over every line of the month per
// tenant and product, then over the tenants of an agreement.
func (b *testBundle) expected(mappings map[string]store.Mapping) map[slotKey]int64 {
	active := map[int64]bool{}
	for _, a := range b.cw.Agreements() {
		active[num(a["id"])] = a["agreementStatus"] == "Active"
	}
	out := map[slotKey]int64{}
	for _, l := range b.so.Usage(b.month.Year, b.month.Month) {
		m, ok := mappings[l.AccountID]
		if !ok || !m.UsageEnabled || m.BillingType != "usage" || !active[m.AgreementID] {
			continue
		}
		out[slotKey{m.AgreementID, strings.ToLower(usage.DefaultIdentifier(l.ProductCode))}] += l.BillableQuantity
	}
	return out
}

// addition is an addition as the end-state comparisons see it.
type addition struct {
	ID        int64
	Product   string
	Quantity  int64
	Effective string
	Cancelled string
}

// additions returns every addition of the given agreements.
func (b *testBundle) additions(agreements []int64) map[int64][]addition {
	out := map[int64][]addition{}
	for _, id := range agreements {
		for _, a := range b.cw.Additions(int(id)) {
			p, _ := a["product"].(map[string]any)
			eff, _ := a["effectiveDate"].(string)
			can, _ := a["cancelledDate"].(string)
			out[id] = append(out[id], addition{ID: num(a["id"]), Product: p["identifier"].(string), Quantity: num(a["quantity"]), Effective: eff, Cancelled: can})
		}
	}
	return out
}

// billed returns the live additions of managed (Sophos) items by slot,
// failing on a slot with two live additions: that would bill twice.
func (b *testBundle) billed(t *testing.T, agreements []int64) map[slotKey]int64 {
	t.Helper()
	out := map[slotKey]int64{}
	for id, list := range b.additions(agreements) {
		for _, a := range list {
			if a.Cancelled != "" || !strings.HasPrefix(a.Product, "Sophos_") {
				continue
			}
			k := slotKey{id, strings.ToLower(a.Product)}
			if _, dup := out[k]; dup {
				t.Errorf("agreement %d has two live additions of %s", id, a.Product)
			}
			out[k] = a.Quantity
		}
	}
	return out
}

func agreementsOf(mappings map[string]store.Mapping) []int64 {
	var out []int64
	for _, m := range mappings {
		if m.AgreementID != 0 {
			out = append(out, m.AgreementID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// writes returns the write requests ConnectWise received since the log
// was last reset.
func (b *testBundle) writes() []string {
	var out []string
	for _, r := range b.cw.Log().Writes() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

func (b *testBundle) run(t *testing.T, opts usagesync.Options) *usagesync.Result {
	t.Helper()
	res, err := b.svc.Run(t.Context(), opts)
	if err != nil {
		t.Fatalf("Run(%+v): %v", opts, err)
	}
	return res
}

func diffSlots(t *testing.T, want, got map[slotKey]int64) {
	t.Helper()
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(slotKey{})); diff != "" {
		t.Fatalf("additions (-want +got):\n%s", diff)
	}
}

// postgresDSN returns the DSN of a fresh schema on the server in
// CENTRALPSA_TEST_POSTGRES, dropped when the test ends.
func postgresDSN(t *testing.T) string {
	return dbtest.Postgres(t, "usage sync")
}

// lockedWriter lets parallel goroutines of one test log into one buffer.
type lockedWriter struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
