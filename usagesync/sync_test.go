package usagesync_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"centralpsa/cwemu"
	"centralpsa/store"
	"centralpsa/usage"
	"centralpsa/usagesync"
)

// snapshot is everything usage sync could change in the store.
type snapshot struct {
	Runs     []store.Run
	Audit    []store.Audit
	Mappings []store.Mapping
	Items    []store.UsageItem
	Products []store.Product
}

func (b *testBundle) snapshot(t *testing.T) snapshot {
	t.Helper()
	ctx := t.Context()
	var s snapshot
	var err error
	if s.Runs, err = b.db.Runs(ctx, "", 1000); err != nil {
		t.Fatal(err)
	}
	if s.Audit, err = b.db.Audit(ctx, store.AuditFilter{Limit: 100000}); err != nil {
		t.Fatal(err)
	}
	if s.Mappings, err = b.db.Mappings(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Items, err = b.db.UsageItems(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Products, err = b.db.Products(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDryRunWritesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mapCustomers(t)
	before := b.snapshot(t)
	b.cw.Log().Reset()

	res := b.run(t, usagesync.Options{DryRun: true})

	if w := b.writes(); len(w) != 0 {
		t.Fatalf("dry run sent %d write(s) to ConnectWise: %v", len(w), w)
	}
	if diff := cmp.Diff(before, b.snapshot(t)); diff != "" {
		t.Fatalf("dry run changed the database (-before +after):\n%s", diff)
	}
	if !res.DryRun || res.Status != usagesync.StatusPlanned || res.RunID != 0 || res.Month != b.month {
		t.Fatalf("result = dry %v, status %s, run %d, month %s; want a planned dry run of %s", res.DryRun, res.Status, res.RunID, res.Month, b.month)
	}
	if len(res.Plan.Ops) == 0 || len(res.Customers) == 0 {
		t.Fatalf("dry run planned %d ops for %d customers; the sample needs both", len(res.Plan.Ops), len(res.Customers))
	}
}

func TestSyncBillsSummedQuantities(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mappings := b.mapCustomers(t)
	agreements := agreementsOf(mappings)

	res := b.run(t, usagesync.Options{})
	if res.Status != usagesync.StatusOK || res.Failed != 0 {
		t.Fatalf("status %s with %d failed customer(s): %+v", res.Status, res.Failed, res.Customers)
	}
	want := b.expected(mappings)
	if len(want) < 20 {
		t.Fatalf("only %d billed slots expected; the sample should give dozens", len(want))
	}
	diffSlots(t, want, b.billed(t, agreements))

	// Every write is audited once, under the run.
	audit, err := b.db.Audit(t.Context(), store.AuditFilter{RunID: res.RunID, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != res.TotalWrites() || len(audit) != len(b.writes()) {
		t.Fatalf("%d audit entries, %d writes counted, %d writes received", len(audit), res.TotalWrites(), len(b.writes()))
	}
	for _, a := range audit {
		if a.Error != "" || (a.Status != 200 && a.Status != 201) || len(a.After) == 0 {
			t.Fatalf("audit entry %+v", a)
		}
	}
	run, err := b.db.Run(t.Context(), res.RunID)
	if err != nil || run.Status != usagesync.StatusOK || run.PlanHash != res.Plan.Hash || len(run.Plan) == 0 {
		t.Fatalf("run %+v, %v", run, err)
	}
	results, err := b.db.RunResults(t.Context(), res.RunID)
	if err != nil {
		t.Fatal(err)
	}
	byStatus := map[string]int{}
	for _, r := range results {
		byStatus[r.Status]++
	}
	if byStatus[store.ResultOK] == 0 || byStatus[store.ResultSkipped] == 0 || byStatus[store.ResultFailed] != 0 {
		t.Fatalf("run results by status: %v", byStatus)
	}
	for id := range mappings {
		m, err := b.db.Mapping(t.Context(), id)
		if err != nil || m.LastUsageStatus == "" || !strings.HasPrefix(m.LastUsageMessage, b.month.String()) {
			t.Fatalf("tenant %s: last usage status %q %q (%v)", id, m.LastUsageStatus, m.LastUsageMessage, err)
		}
	}

	// Nothing changed: the second run writes nothing at all.
	b.cw.Log().Reset()
	again := b.run(t, usagesync.Options{})
	if w := b.writes(); len(w) != 0 || again.TotalWrites() != 0 || len(again.Plan.Ops) != 0 {
		t.Fatalf("second run: %d ops planned, writes %v", len(again.Plan.Ops), w)
	}
	if again.Status != usagesync.StatusOK {
		t.Fatalf("second run status %s", again.Status)
	}

	// No credential in the logs or the audit log.
	_, soSecret := b.so.Credentials()
	logs := b.logs.String()
	for _, a := range audit {
		logs += string(a.Before) + string(a.After) + a.Error + a.Endpoint
	}
	if !strings.Contains(logs, "usage sync finished") {
		t.Fatal("the logs lack the run summary; is the logger wired?")
	}
	for _, secret := range []string{cwemu.DefaultPrivateKey, soSecret} {
		if strings.Contains(logs, secret) {
			t.Fatalf("a secret leaked into the logs or the audit log")
		}
	}
}

// additionReads counts the GET requests that list an agreement's
// additions, by agreement.
func additionReads(b *testBundle) map[string]int {
	out := map[string]int{}
	for _, r := range b.cw.Log().Requests() {
		if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/additions") {
			out[r.Path]++
		}
	}
	return out
}

// TestFirstSyncReadsAdditionsOnce: a sync that plans and applies reads
// each agreement's additions once, in the plan, and creates from that
// read; a plan applied later looks again before the first create
// (TestAdditionCreatedMeanwhileIsAdopted shows why).
func TestFirstSyncReadsAdditionsOnce(t *testing.T) {
	t.Parallel()
	for _, later := range []bool{false, true} {
		t.Run(map[bool]string{false: "PlanAndApply", true: "PlanAppliedLater"}[later], func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.mapCustomers(t)
			b.cw.Log().Reset()
			var res *usagesync.Result
			if later {
				p, err := b.svc.Plan(t.Context(), nil)
				if err != nil {
					t.Fatal(err)
				}
				if res, err = b.svc.Apply(t.Context(), p); err != nil {
					t.Fatal(err)
				}
			} else {
				res = b.run(t, usagesync.Options{})
			}
			creates := map[string]bool{}
			for _, op := range res.Plan.Ops {
				if op.Kind == usage.OpCreateAddition {
					creates[fmt.Sprintf("/finance/agreements/%d/additions", op.AgreementID)] = true
				}
			}
			reads := additionReads(b)
			if len(creates) == 0 || len(reads) == 0 {
				t.Fatalf("first sync: writes %v, additions read on %d agreements", res.Writes, len(reads))
			}
			for path, n := range reads {
				want := 1
				if later && creates[path[strings.Index(path, "/finance/"):]] {
					want = 2
				}
				if n != want {
					t.Errorf("%s read %d times, want %d", path, n, want)
				}
			}
		})
	}
}
