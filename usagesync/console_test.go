package usagesync_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"centralpsa"
	"centralpsa/emu"
	"centralpsa/store"
	"centralpsa/usage"
	"centralpsa/usagesync"
)

// The hooks the console uses: progress per customer, the report of a
// stored run, and creating one catalog item outside a run.

func TestProgressFuncCountsCustomers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mapCustomers(t)
	var mu sync.Mutex
	var calls [][2]int
	b.svc.ProgressFunc = func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, [2]int{done, total})
	}
	res := b.run(t, usagesync.Options{})
	n := len(res.Customers)
	if n == 0 || len(calls) != n+1 {
		t.Fatalf("%d customers, progress calls %v", n, calls)
	}
	for i, c := range calls {
		if c != [2]int{i, n} {
			t.Fatalf("call %d = %v, want [%d %d]", i, c, i, n)
		}
	}
}

func TestStoredReportMatchesTheRun(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mapCustomers(t)
	// One customer's writes are refused, so some rows were not applied.
	b.cw.Faults().Add(emu.Fault{Kind: emu.FaultStatus, Method: http.MethodPost, PathPrefix: b.cw.APIPath("/finance/agreements/"),
		Status: http.StatusForbidden, Body: `{"code":"Forbidden","message":"no"}`, ContentType: "application/json", Times: 1})
	res := b.run(t, usagesync.Options{})
	if res.Failed == 0 {
		t.Fatal("no customer failed; the test would prove nothing")
	}
	run, rows, err := usagesync.StoredReport(t.Context(), b.db, res.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if run.ID != res.RunID || run.Month != b.month.String() {
		t.Fatalf("run %+v", run)
	}
	if diff := cmp.Diff(res.Report(), rows); diff != "" {
		t.Fatalf("stored report differs from the run's (-run +stored):\n%s", diff)
	}

	if _, _, err := usagesync.StoredReport(t.Context(), b.db, 9999); centralpsa.ErrorKind(err) != centralpsa.KindNotFound {
		t.Fatalf("unknown run: %v", err)
	}
	tid, _ := b.db.CreateRun(t.Context(), store.Run{Kind: store.RunKindTickets})
	if _, _, err := usagesync.StoredReport(t.Context(), b.db, tid); centralpsa.ErrorKind(err) != centralpsa.KindNotFound {
		t.Fatalf("ticket run: %v", err)
	}
}

func TestCreateCatalogItem(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.cw.Log().Reset()
	id, err := b.svc.CreateCatalogItem(t.Context(), "NEW-MSP", "Sophos_New_Thing", "Sophos New Thing")
	if err != nil || id == 0 {
		t.Fatalf("create: %d %v", id, err)
	}
	found := 0
	for _, it := range b.cw.CatalogItems() {
		if strings.EqualFold(it["identifier"].(string), "Sophos_New_Thing") {
			found++
		}
	}
	if found != 1 {
		t.Fatalf("%d catalog items with the identifier", found)
	}
	items, _ := b.db.UsageItems(t.Context())
	if len(items) != 1 || items[0].CatalogID != id || items[0].ProductCode != "NEW-MSP" {
		t.Fatalf("usage items %+v", items)
	}
	audit, _ := b.db.Audit(t.Context(), store.AuditFilter{Entity: "catalog_item"})
	if len(audit) != 1 || audit[0].Status != http.StatusCreated {
		t.Fatalf("audit %+v", audit)
	}

	// Again: found, not duplicated, nothing written.
	b.cw.Log().Reset()
	again, err := b.svc.CreateCatalogItem(t.Context(), "NEW-MSP", "sophos_new_thing", "")
	if err != nil || again != id || len(b.writes()) != 0 {
		t.Fatalf("second create: %d %v, writes %v", again, err, b.writes())
	}
	for _, bad := range []struct{ id, desc string }{{"", "x"}, {strings.Repeat("x", usage.MaxIdentifier+1), "x"}, {"ok_id", strings.Repeat("d", 61)}} {
		if _, err := b.svc.CreateCatalogItem(t.Context(), "NEW-MSP", bad.id, bad.desc); centralpsa.ErrorKind(err) != centralpsa.KindInvalid {
			t.Errorf("CreateCatalogItem(%q, %q): %v, want invalid", bad.id, bad.desc, err)
		}
	}
}
