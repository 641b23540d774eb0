package usagesync_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"centralpsa/store"
	"centralpsa/usagesync"
)

// A run that died after creating a catalog setup table (here the product
// category) but before auditing it is audited on resume, once: the
// create is marked in run_ops as setup:ENTITY, as the crash test in
// package clustertest found it must be.
func TestResumeAuditsUnrecordedSetupTable(t *testing.T) {
	t.Parallel()
	want, wantWrites := reference(t)
	b := setup(t)
	mappings := b.mapCustomers(t)
	res, err := b.svc.Run(interrupt(t, b, 1), usagesync.Options{}) // the product type, audited
	if err == nil {
		t.Fatal("no interruption")
	}
	// What the dead process did next: marked the category pending, sent
	// the create, and died before the answer was recorded.
	if err := b.db.MarkOp(t.Context(), res.RunID, "setup:product_category", store.OpPending, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.cw.Create("categories", 0, map[string]any{"name": "Sophos"}); err != nil {
		t.Fatal(err)
	}

	b.svc.AfterWriteFunc = nil
	if _, err := b.svc.Resume(t.Context(), res.RunID); err != nil {
		t.Fatalf("Resume: %v", err)
	}
	if diff := cmp.Diff(want, b.endState(mappings)); diff != "" {
		t.Fatalf("end state (-want +got):\n%s", diff)
	}
	if n := auditedOnce(t, b); n != wantWrites {
		t.Fatalf("%d writes audited, want %d", n, wantWrites)
	}
	entries, _ := b.db.Audit(t.Context(), store.AuditFilter{RunID: res.RunID, Limit: 100000})
	found := 0
	for _, a := range entries {
		if a.Method == http.MethodPost && a.Endpoint == "/procurement/categories" {
			found++
			if !strings.Contains(a.Error, "found applied on resume") {
				t.Fatalf("the unrecorded category create is audited as %+v", a)
			}
		}
	}
	if found != 1 {
		t.Fatalf("the unrecorded category create has %d audit entries, want 1", found)
	}
}
