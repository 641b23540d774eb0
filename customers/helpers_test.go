package customers

import (
	"centralpsa/internal/dbtest"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/connect"
	"centralpsa/cwemu"
	"centralpsa/sample"
	"centralpsa/sophosemu"
	"centralpsa/store"
)

// testBundle is a Service wired to both emulators and a fresh database.
type testBundle struct {
	svc       *Service
	cw        *cwemu.Server
	so        *sophosemu.Server
	db        *store.DB
	customers []sample.Customer
}

// dialects runs fn once per database: SQLite always, PostgreSQL when
// CENTRALPSA_TEST_POSTGRES is set, each test in a schema of its own.
func dialects(t *testing.T, fn func(t *testing.T, dsn func(t *testing.T) string)) {
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		fn(t, func(t *testing.T) string { return filepath.Join(t.TempDir(), "c.db") })
	})
	t.Run("Postgres", func(t *testing.T) {
		t.Parallel()
		base := os.Getenv("CENTRALPSA_TEST_POSTGRES")
		if base == "" {
			t.Skip("set CENTRALPSA_TEST_POSTGRES=postgres://... to run the customers tests on PostgreSQL")
		}
		fn(t, func(t *testing.T) string { return pgSchema(t, base) })
	})
}

func pgSchema(t *testing.T, base string) string {
	return dbtest.Postgres(t, "customers")
}

func setup(t *testing.T, dsn string, n int) *testBundle {
	t.Helper()
	customers := sample.Customers(n, 1)
	cw, cwURL := cwemu.Start(t, cwemu.Options{Customers: customers, Extra: sample.ExtraCompanies(1)})
	so, soURL := sophosemu.Start(t, sophosemu.Options{Customers: customers})
	id, secret := so.Credentials()
	s := config.FromMap(map[string]string{
		"allow_http": "true",
		"cw.url":     cwURL, "cw.company": cwemu.DefaultCompany, "cw.public_key": cwemu.DefaultPublicKey,
		"cw.private_key": cwemu.DefaultPrivateKey, "cw.client_id": cwemu.DefaultClientID,
		"sophos.client_id": id, "sophos.client_secret": secret, "sophos.id_url": soURL, "sophos.api_url": soURL,
	})
	logger := testLogger(t)
	o := connect.Options{Logger: logger, RequestsPerMinute: -1}
	cwc, err := connect.ConnectWise(s, o)
	if err != nil {
		t.Fatal(err)
	}
	soc, err := connect.Sophos(s, o)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(t.Context(), dsn, store.Options{SecretKey: centralpsa.Secret(strings.Repeat("ab", 32)), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &testBundle{svc: &Service{CW: cwc, Sophos: soc, Store: db, Logger: logger}, cw: cw, so: so, db: db, customers: customers}
}

// companyID finds the emulator's company with the given name.
func (b *testBundle) companyID(t *testing.T, name string) int64 {
	t.Helper()
	for _, c := range b.cw.Companies() {
		if c["name"] == name {
			return int64(c["id"].(float64))
		}
	}
	t.Fatalf("no company %q", name)
	return 0
}

// activeAgreements counts each company's active, uncancelled agreements
// as the emulator holds them.
func (b *testBundle) activeAgreements() map[int64][]int64 {
	out := map[int64][]int64{}
	for _, a := range b.cw.Agreements() {
		if a["agreementStatus"] != "Active" || a["cancelledFlag"] == true {
			continue
		}
		co := int64(a["company"].(map[string]any)["id"].(float64))
		out[co] = append(out[co], int64(a["id"].(float64)))
	}
	return out
}

func (b *testBundle) mappings(t *testing.T) map[string]store.Mapping {
	t.Helper()
	list, err := b.db.Mappings(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.Mapping{}
	for _, m := range list {
		out[m.TenantID] = m
	}
	return out
}

// testLogger sends log lines to the test's output.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}
