package usagesync_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"centralpsa"
	"centralpsa/emu"
	"centralpsa/sophosemu"
	"centralpsa/store"
	"centralpsa/usage"
	"centralpsa/usagesync"
)

// billedTenant returns a synced tenant, its mapping and one of its billed
// products (not the one-off unknown product).
func (b *testBundle) billedTenant(t *testing.T, mappings map[string]store.Mapping, skip ...string) (store.Mapping, string) {
	t.Helper()
	for _, l := range b.so.Usage(b.month.Year, b.month.Month) {
		m, ok := mappings[l.AccountID]
		if !ok || m.BillingType != "usage" || m.AgreementID == 0 || l.ProductCode == sophosemu.UnknownProductCode || contains(skip, m.TenantID) {
			continue
		}
		return m, l.ProductCode
	}
	t.Fatal("no billed tenant in the sample")
	return store.Mapping{}, ""
}

// sharingTenants returns two synced tenants on different agreements that
// buy at least one product in common.
func (b *testBundle) sharingTenants(t *testing.T, mappings map[string]store.Mapping) (store.Mapping, store.Mapping) {
	t.Helper()
	buyers := map[string][]string{} // identifier → synced tenants
	for _, l := range b.so.Usage(b.month.Year, b.month.Month) {
		m, ok := mappings[l.AccountID]
		if !ok || m.BillingType != "usage" || m.AgreementID == 0 {
			continue
		}
		id := usage.DefaultIdentifier(l.ProductCode)
		if !contains(buyers[id], m.TenantID) {
			buyers[id] = append(buyers[id], m.TenantID)
		}
	}
	for _, ts := range buyers {
		if len(ts) >= 2 && mappings[ts[0]].AgreementID != mappings[ts[1]].AgreementID {
			return mappings[ts[0]], mappings[ts[1]]
		}
	}
	t.Fatal("no two synced tenants share a product in the sample")
	return store.Mapping{}, store.Mapping{}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestChangedUsageChangesOnlyThatAddition(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mappings := b.mapCustomers(t)
	b.run(t, usagesync.Options{})
	m, code := b.billedTenant(t, mappings)
	before := b.billed(t, agreementsOf(mappings))
	slot := slotKey{m.AgreementID, strings.ToLower(usage.DefaultIdentifier(code))}

	b.so.SetUsage(m.TenantID, code, before[slot]+7)
	b.cw.Log().Reset()
	res := b.run(t, usagesync.Options{})

	w := b.writes()
	if len(w) != 1 || !strings.HasPrefix(w[0], "PATCH ") || !strings.Contains(w[0], fmt.Sprintf("/finance/agreements/%d/additions/", m.AgreementID)) {
		t.Fatalf("writes = %v, want one PATCH of an addition of agreement %d", w, m.AgreementID)
	}
	if res.Writes[string(usage.OpUpdateQuantity)] != 1 || res.TotalWrites() != 1 {
		t.Fatalf("result counts %v", res.Writes)
	}
	want := before
	want[slot] += 7
	diffSlots(t, want, b.billed(t, agreementsOf(mappings)))
	diffSlots(t, b.expected(mappings), b.billed(t, agreementsOf(mappings)))
}

// forbidden makes ConnectWise refuse writes to one agreement's additions
// with its Forbidden answer, as a role without Agreements Add/Edit would.
func forbidden(b *testBundle, agreementID int64) {
	body := `{"code":"Forbidden","message":"The security role 'API Role' does not allow this operation."}`
	for _, method := range []string{http.MethodPost, http.MethodPatch} {
		b.cw.Faults().Add(emu.Fault{Kind: emu.FaultStatus, Method: method, Status: http.StatusForbidden, Body: body,
			ContentType: "application/json", PathPrefix: b.cw.APIPath(fmt.Sprintf("/finance/agreements/%d/additions", agreementID))})
	}
}

func TestForbiddenFailsOnlyThatCustomer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mappings := b.mapCustomers(t)
	victim, _ := b.billedTenant(t, mappings)
	forbidden(b, victim.AgreementID)

	res, err := b.svc.Run(t.Context(), usagesync.Options{})
	if err != nil {
		t.Fatalf("Run: %v (one customer's failure must not fail the run)", err)
	}
	if res.Failed != 1 || res.Status != usagesync.StatusPartial {
		t.Fatalf("status %s with %d failed customers, want partial with 1", res.Status, res.Failed)
	}
	for _, c := range res.Customers {
		failed := c.AgreementID == victim.AgreementID
		if failed != (c.Status == usagesync.StatusFailed) {
			t.Fatalf("customer %d: %s %q", c.AgreementID, c.Status, c.Message)
		}
		if failed && (!strings.Contains(c.Advice, "Finance > Agreements Add") || !strings.Contains(c.Message, "Finance > Agreements Add")) {
			t.Fatalf("failed customer does not say how to fix it: %q / %q", c.Message, c.Advice)
		}
	}
	results, err := b.db.RunResults(t.Context(), res.RunID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if (r.TenantID == victim.TenantID) != (r.Status == store.ResultFailed) {
			t.Fatalf("run result %+v", r)
		}
		if r.TenantID == victim.TenantID && !strings.Contains(r.Advice, "security role") {
			t.Fatalf("run result advice %q", r.Advice)
		}
	}
	if m, _ := b.db.Mapping(t.Context(), victim.TenantID); m.LastUsageStatus != store.ResultFailed {
		t.Fatalf("victim's last usage status %q", m.LastUsageStatus)
	}
	// Everyone else is billed; the victim's agreement is left alone.
	want := b.expected(mappings)
	for k := range want {
		if k.agreement == victim.AgreementID {
			delete(want, k)
		}
	}
	diffSlots(t, want, b.billed(t, agreementsOf(mappings)))
	// The rows of the report say the change was not made.
	for _, row := range res.Report() {
		if row.AgreementID == victim.AgreementID && row.Action == usage.ActionCreate && (row.After != 0 || !strings.HasPrefix(row.Reason, "not applied")) {
			t.Fatalf("report row of the failed customer: %+v", row)
		}
	}

	// Once the role is fixed, the next run bills the victim too.
	b.cw.Faults().Clear()
	again := b.run(t, usagesync.Options{})
	if again.Failed != 0 {
		t.Fatalf("after the fix: %d failed", again.Failed)
	}
	diffSlots(t, b.expected(mappings), b.billed(t, agreementsOf(mappings)))
}

func TestTenantsOnOneAgreementAreSummed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mappings := b.mapCustomers(t)
	first, second := b.sharingTenants(t, mappings)
	// The second tenant is billed on the first one's agreement.
	second.CompanyID, second.CompanyName, second.AgreementID = first.CompanyID, first.CompanyName, first.AgreementID
	if err := b.db.SetMapping(t.Context(), second); err != nil {
		t.Fatal(err)
	}
	mappings[second.TenantID] = second

	res := b.run(t, usagesync.Options{})
	got := b.billed(t, agreementsOf(mappings))
	diffSlots(t, b.expected(mappings), got)

	perTenant := map[string]map[string]int64{}
	for _, l := range b.so.Usage(b.month.Year, b.month.Month) {
		if l.AccountID == first.TenantID || l.AccountID == second.TenantID {
			id := strings.ToLower(usage.DefaultIdentifier(l.ProductCode))
			if perTenant[id] == nil {
				perTenant[id] = map[string]int64{}
			}
			perTenant[id][l.AccountID] += l.BillableQuantity
		}
	}
	shared := 0
	for id, q := range perTenant {
		if got[slotKey{first.AgreementID, id}] != q[first.TenantID]+q[second.TenantID] {
			t.Fatalf("%s: billed %d, tenants have %v", id, got[slotKey{first.AgreementID, id}], q)
		}
		if len(q) == 2 {
			shared++
		}
	}
	summed := 0
	for _, op := range res.Plan.Ops {
		if op.AgreementID == first.AgreementID && len(op.Tenants) == 2 && strings.Contains(op.Reason, "summed over 2 tenants") {
			summed++
		}
	}
	if shared == 0 || summed != shared {
		t.Fatalf("%d products shared by both tenants, %d ops summing two tenants", shared, summed)
	}
}

func TestZeroPolicy(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		policy        string
		wantQuantity  int64
		wantCancelled bool
		wantKind      usage.OpKind
	}{
		{"zero", 0, false, usage.OpZeroAddition},
		{"cancel", -1, true, usage.OpCancelAddition}, // quantity left as it was
	} {
		t.Run(tt.policy, func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOptions{settings: map[string]string{"usage.zero_policy": tt.policy}})
			mappings := b.mapCustomers(t)
			b.run(t, usagesync.Options{})
			m, code := b.billedTenant(t, mappings)
			ident := usage.DefaultIdentifier(code)
			old := b.billed(t, agreementsOf(mappings))[slotKey{m.AgreementID, strings.ToLower(ident)}]

			b.so.RemoveUsage(m.TenantID, code)
			b.cw.Log().Reset()
			res := b.run(t, usagesync.Options{})
			if w := b.writes(); len(w) != 1 || res.Writes[string(tt.wantKind)] != 1 {
				t.Fatalf("writes %v, counted %v; want one %s", w, res.Writes, tt.wantKind)
			}
			var found []addition
			for _, a := range b.additions([]int64{m.AgreementID})[m.AgreementID] {
				if a.Product == ident {
					found = append(found, a)
				}
			}
			want := tt.wantQuantity
			if want < 0 {
				want = old
			}
			if len(found) != 1 || found[0].Quantity != want || (found[0].Cancelled != "") != tt.wantCancelled {
				t.Fatalf("additions of %s: %+v; want one at %d, cancelled %v", ident, found, want, tt.wantCancelled)
			}
			if tt.wantCancelled && !strings.HasPrefix(found[0].Cancelled, b.month.Start().Format("2006-01-02")) {
				t.Fatalf("cancelled on %s, want the first day of %s", found[0].Cancelled, b.month)
			}

			b.cw.Log().Reset()
			b.run(t, usagesync.Options{})
			if w := b.writes(); len(w) != 0 {
				t.Fatalf("third run writes %v", w)
			}
		})
	}
}

func TestMonthWithoutDataIsNeverPlanned(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mapCustomers(t)
	next := usage.MonthOf(b.month.Start().AddDate(0, 1, 0))
	before := b.snapshot(t)
	_, err := b.svc.Run(t.Context(), usagesync.Options{Month: next})
	if centralpsa.ErrorKind(err) != centralpsa.KindNotFound || !strings.Contains(err.Error(), next.String()) {
		t.Fatalf("Run for %s: %v, want not found naming the month", next, err)
	}
	if w := b.writes(); len(w) != 0 {
		t.Fatalf("writes %v", w)
	}
	if runs := b.snapshot(t).Runs; len(runs) != len(before.Runs) {
		t.Fatalf("a run was recorded for a month without data")
	}
}

// A reviewed plan is applied only while it is still the plan.
func TestPlanHashGuardsReview(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mappings := b.mapCustomers(t)
	reviewed := b.run(t, usagesync.Options{DryRun: true})
	m, code := b.billedTenant(t, mappings)
	b.so.SetUsage(m.TenantID, code, 4242)
	_, err := b.svc.Run(t.Context(), usagesync.Options{PlanHash: reviewed.Plan.Hash})
	if centralpsa.ErrorKind(err) != centralpsa.KindConflict {
		t.Fatalf("stale reviewed plan: %v, want a conflict", err)
	}
	if w := b.writes(); len(w) != 0 {
		t.Fatalf("writes %v", w)
	}
	again := b.run(t, usagesync.Options{DryRun: true})
	res := b.run(t, usagesync.Options{PlanHash: again.Plan.Hash})
	if res.Failed != 0 || res.TotalWrites() == 0 {
		t.Fatalf("reviewed plan applied: %v", res.Writes)
	}
}
