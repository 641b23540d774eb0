package usagesync_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"centralpsa"
	"centralpsa/cwemu"
	"centralpsa/emu"
	"centralpsa/store"
	"centralpsa/usage"
	"centralpsa/usagesync"
)

// endState is what a sync leaves in ConnectWise: every addition of the
// mapped agreements, without its id, and every catalog item, with its id.
// Agreements are applied several at a time, so ConnectWise may number
// additions in another order on every run; a duplicate still shows as a
// line more. Catalog items are created one at a time, before the
// additions, so their ids must match too.
type endState struct {
	Additions map[int64][]addition
	Catalog   []string
}

func (b *testBundle) endState(mappings map[string]store.Mapping) endState {
	s := endState{Additions: b.additions(agreementsOf(mappings))}
	for _, list := range s.Additions {
		for i := range list {
			list[i].ID = 0
		}
		slices.SortFunc(list, func(x, y addition) int {
			return strings.Compare(fmt.Sprintf("%s %s %s %09d", x.Product, x.Cancelled, x.Effective, x.Quantity),
				fmt.Sprintf("%s %s %s %09d", y.Product, y.Cancelled, y.Effective, y.Quantity))
		})
	}
	for _, c := range b.cw.CatalogItems() {
		s.Catalog = append(s.Catalog, c["identifier"].(string)+"#"+itoa(num(c["id"])))
	}
	return s
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// reference runs an uninterrupted sync on a fresh pair of emulators and
// returns its end state and number of writes.
func reference(t *testing.T) (endState, int) {
	t.Helper()
	b := setup(t)
	mappings := b.mapCustomers(t)
	res := b.run(t, usagesync.Options{})
	return b.endState(mappings), res.TotalWrites()
}

// interrupt makes the next apply stop after n writes, as a crash or a
// cancelled job would, and returns the context to run it with.
func interrupt(t *testing.T, b *testBundle, n int) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	b.svc.AfterWriteFunc = func(w int) {
		if w == n {
			cancel()
		}
	}
	return ctx
}

// auditedOnce checks that every write of the runs is in the audit log
// exactly once, and returns how many writes that is.
func auditedOnce(t *testing.T, b *testBundle) int {
	t.Helper()
	entries, err := b.db.Audit(t.Context(), store.AuditFilter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	n := 0
	for _, a := range entries {
		if a.Status == 0 && !strings.Contains(a.Error, "found applied") {
			continue // an attempt whose outcome was unknown; checked by the callers
		}
		key := a.Method + " " + a.Endpoint + " " + a.Entity + " " + a.EntityID
		if a.EntityID == "" || seen[key] {
			t.Fatalf("audit entry %s is a duplicate or has no entity id (%+v)", key, a)
		}
		seen[key] = true
		n++
	}
	return n
}

func TestInterruptedRunResumes(t *testing.T) {
	t.Parallel()
	want, wantWrites := reference(t)
	for _, tt := range []struct {
		name  string
		after int // writes before the interruption
	}{
		{"DuringSetupTables", 1},
		{"DuringCatalog", 9},
		{"DuringAdditions", 60},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			mappings := b.mapCustomers(t)
			res, err := b.svc.Run(interrupt(t, b, tt.after), usagesync.Options{})
			// Writes already in flight on other agreements finish after the interruption.
			if err == nil || res == nil || res.Status != usagesync.StatusInterrupted || res.TotalWrites() < tt.after {
				t.Fatalf("interrupted run: %v, result %+v", err, res)
			}
			if run, _ := b.db.Run(t.Context(), res.RunID); run.Status != store.RunRunning {
				t.Fatalf("interrupted run is %q, want still running", run.Status)
			}

			if open, err := b.svc.Unfinished(t.Context()); err != nil || len(open) != 1 || open[0].ID != res.RunID {
				t.Fatalf("Unfinished = %v, %v; want run %d", open, err, res.RunID)
			}
			b.svc.AfterWriteFunc = nil
			done, err := b.svc.Resume(t.Context(), res.RunID)
			if err != nil {
				t.Fatalf("Resume: %v", err)
			}
			if done.Status != usagesync.StatusOK || done.RunID != res.RunID || res.TotalWrites()+done.TotalWrites() != wantWrites {
				t.Fatalf("resumed: status %s, run %d, %d+%d writes, want ok, run %d, %d writes",
					done.Status, done.RunID, res.TotalWrites(), done.TotalWrites(), res.RunID, wantWrites)
			}
			if diff := cmp.Diff(want, b.endState(mappings)); diff != "" {
				t.Fatalf("end state differs from an uninterrupted run (-want +got):\n%s", diff)
			}
			if n := auditedOnce(t, b); n != wantWrites {
				t.Fatalf("%d writes audited, want %d", n, wantWrites)
			}
			if open, _ := b.svc.Unfinished(t.Context()); len(open) != 0 {
				t.Fatalf("run still unfinished after Resume: %v", open)
			}
			if _, err := b.svc.Resume(t.Context(), res.RunID); centralpsa.ErrorKind(err) != centralpsa.KindConflict {
				t.Fatalf("resuming a finished run: %v, want a conflict", err)
			}
		})
	}

	t.Run("NewRunAfterCrash", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		mappings := b.mapCustomers(t)
		if _, err := b.svc.Run(interrupt(t, b, 60), usagesync.Options{}); err == nil {
			t.Fatal("no error from the interrupted run")
		}
		b.svc.AfterWriteFunc = nil
		b.run(t, usagesync.Options{})
		if diff := cmp.Diff(want, b.endState(mappings)); diff != "" {
			t.Fatalf("end state (-want +got):\n%s", diff)
		}
		if n := auditedOnce(t, b); n != wantWrites {
			t.Fatalf("%d writes audited, want %d", n, wantWrites)
		}
	})
}

func TestResumeRefusesStalePlan(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mappings := b.mapCustomers(t)
	res, err := b.svc.Run(interrupt(t, b, 30), usagesync.Options{})
	if err == nil {
		t.Fatal("no interruption")
	}
	// The last customer's change was not applied yet; its usage moves.
	last := res.Plan.Ops[len(res.Plan.Ops)-1]
	if last.Kind != usage.OpCreateAddition {
		t.Fatalf("last op is %s", last.Kind)
	}
	b.so.SetUsage(last.Tenants[0], last.ProductCodes[0], last.New+5)
	b.svc.AfterWriteFunc = nil
	b.cw.Log().Reset()
	_, err = b.svc.Resume(t.Context(), res.RunID)
	if centralpsa.ErrorKind(err) != centralpsa.KindConflict || !strings.Contains(err.Error(), last.Key) {
		t.Fatalf("Resume after a change: %v, want a conflict naming %s", err, last.Key)
	}
	if w := b.writes(); len(w) != 0 {
		t.Fatalf("a stale resume wrote %v", w)
	}
	if run, _ := b.db.Run(t.Context(), res.RunID); run.Status != usagesync.StatusStale {
		t.Fatalf("run status %q, want stale", run.Status)
	}
	// A new run picks up the change.
	b.run(t, usagesync.Options{})
	diffSlots(t, b.expected(mappings), b.billed(t, agreementsOf(mappings)))
}

// A create whose answer is lost is looked up: found, it counts as done;
// not found, the customer fails and the next run creates it, once.
func TestLostAnswers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		kind      emu.FaultKind
		applied   bool // the emulator applies the create before the answer is lost
		wantFails int
	}{
		{"ConnectionReset", emu.FaultReset, false, 1},
		{"TruncatedAnswer", emu.FaultMalformed, true, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			mappings := b.mapCustomers(t)
			// The 40th write is followed by a fault on the next addition POST.
			b.svc.AfterWriteFunc = func(n int) {
				if n == 40 {
					b.cw.Faults().Add(emu.Fault{Kind: tt.kind, Method: http.MethodPost, PathPrefix: b.cw.APIPath("/finance/agreements/"), Times: 1})
				}
			}
			res := b.run(t, usagesync.Options{})
			if res.Failed != tt.wantFails {
				t.Fatalf("%d customers failed, want %d: %+v", res.Failed, tt.wantFails, res.Customers)
			}
			unknown := 0
			entries, _ := b.db.Audit(t.Context(), store.AuditFilter{RunID: res.RunID, Limit: 100000})
			for _, a := range entries {
				if a.Status == 0 {
					unknown++
					if !strings.Contains(a.Error, "outcome unknown") || len(a.After) == 0 {
						t.Fatalf("lost answer audited as %+v", a)
					}
				}
			}
			if unknown != 1 {
				t.Fatalf("%d audit entries with an unknown outcome, want 1", unknown)
			}
			b.svc.AfterWriteFunc = nil
			again := b.run(t, usagesync.Options{})
			if again.Failed != 0 || again.TotalWrites() != tt.wantFails {
				t.Fatalf("second run: %d failed, %d writes; want the %d missing addition(s) created", again.Failed, again.TotalWrites(), tt.wantFails)
			}
			diffSlots(t, b.expected(mappings), b.billed(t, agreementsOf(mappings)))
		})
	}
}

func TestSlowSuccessMakesOneAddition(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOptions{cwTimeout: 250 * time.Millisecond})
	mappings := b.mapCustomers(t)
	victim, _ := b.billedTenant(t, mappings)
	slow := cwemu.SlowSuccess(b.cw.APIPath("/finance/agreements/"+itoa(victim.AgreementID)+"/additions"), time.Second)
	slow.Times = 1
	b.cw.Faults().Add(slow)

	res := b.run(t, usagesync.Options{})
	if res.Failed != 0 {
		t.Fatalf("failed customers: %+v", res.Customers)
	}
	diffSlots(t, b.expected(mappings), b.billed(t, agreementsOf(mappings))) // also fails on a duplicate
	b.cw.Log().Reset()
	b.run(t, usagesync.Options{})
	if w := b.writes(); len(w) != 0 {
		t.Fatalf("second run writes %v", w)
	}
}

// A run that died after sending a create but before recording it leaves
// the op pending; on resume the change is found in ConnectWise, audited
// once as found, and not made again.
func TestResumeAuditsUnrecordedWrite(t *testing.T) {
	t.Parallel()
	want, wantWrites := reference(t)
	b := setup(t)
	mappings := b.mapCustomers(t)
	res, err := b.svc.Run(interrupt(t, b, 30), usagesync.Options{})
	if err == nil {
		t.Fatal("no interruption")
	}
	ops, err := b.db.Ops(t.Context(), res.RunID)
	if err != nil {
		t.Fatal(err)
	}
	done := map[string]bool{}
	for _, o := range ops {
		done[o.Key] = o.Status == store.OpDone
	}
	var next usage.Op
	for _, op := range res.Plan.Ops {
		if op.Kind == usage.OpCreateAddition && !done[op.Key] {
			next = op
			break
		}
	}
	// What the dead process did: marked the op pending, sent the create,
	// and died before the answer was recorded.
	if err := b.db.MarkOp(t.Context(), res.RunID, next.Key, store.OpPending, nil); err != nil {
		t.Fatal(err)
	}
	created, err := b.cw.Create("additions", int(next.AgreementID), map[string]any{
		"product": map[string]any{"identifier": next.CatalogIdentifier}, "billCustomer": "Billable",
		"quantity": float64(next.New), "effectiveDate": next.EffectiveDate + "T00:00:00Z"})
	if err != nil {
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
		if a.EntityID == itoa(num(created["id"])) {
			found++
			if !strings.Contains(a.Error, "found applied on resume") || a.Method != http.MethodPost {
				t.Fatalf("the unrecorded create is audited as %+v", a)
			}
		}
	}
	if found != 1 {
		t.Fatalf("the unrecorded create has %d audit entries, want 1", found)
	}
}

// An addition that appears between planning and applying (a person, or
// another process) is adopted and corrected, not duplicated.
func TestAdditionCreatedMeanwhileIsAdopted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mappings := b.mapCustomers(t)
	p, err := b.svc.Plan(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var op usage.Op
	for _, o := range p.Plan.Ops {
		if o.Kind == usage.OpCreateAddition && o.CatalogID == 0 {
			op = o
			break
		}
	}
	// The catalog item must exist for the person to use it: create it too.
	item, err := b.cw.Create("catalog", 0, map[string]any{"identifier": op.CatalogIdentifier, "description": "made by hand",
		"customerDescription": "made by hand", "type": map[string]any{"id": 1}, "subcategory": map[string]any{"id": 1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.cw.Create("additions", int(op.AgreementID), map[string]any{"product": map[string]any{"id": item["id"]},
		"billCustomer": "Billable", "quantity": float64(op.New + 3)}); err != nil {
		t.Fatal(err)
	}
	res, err := b.svc.Apply(t.Context(), p)
	if err != nil || res.Failed != 0 {
		t.Fatalf("Apply: %v, %d failed", err, res.Failed)
	}
	diffSlots(t, b.expected(mappings), b.billed(t, agreementsOf(mappings))) // fails on a duplicate
	n := 0
	for _, c := range b.cw.CatalogItems() {
		if c["identifier"] == op.CatalogIdentifier {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d catalog items %s", n, op.CatalogIdentifier)
	}
	if res.Writes[string(usage.OpUpdateQuantity)] != 1 {
		t.Fatalf("writes %v; want the adopted addition's quantity corrected", res.Writes)
	}
}
