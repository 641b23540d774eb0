package customers

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"centralpsa/mapping"
	"centralpsa/sample"
	"centralpsa/sophos"
)

func TestAutoMap(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, dsn func(*testing.T) string) {
		b := setup(t, dsn(t), 60)
		ctx := t.Context()
		// The expectation comes from the sample data: a tenant is matched
		// when ConnectWise has its company and no second company shares
		// the normalized name.
		want := map[string]sample.Customer{}
		ambiguous, missing := 0, 0
		for _, c := range b.customers {
			switch {
			case c.CompanyName == "":
				missing++
			case c.Ambiguous:
				ambiguous++
			default:
				want[c.TenantID] = c
			}
		}
		if len(b.customers) != 60 || len(want) != 56 || ambiguous != 2 || missing != 2 {
			t.Fatalf("sample changed: %d tenants, %d matchable, %d ambiguous, %d missing", len(b.customers), len(want), ambiguous, missing)
		}

		// A dry run reports the matches and writes nothing anywhere.
		sugg, err := b.svc.AutoMap(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		if got := countStatus(sugg); !cmp.Equal(got, map[mapping.Status]int{mapping.StatusMatched: 56, mapping.StatusAmbiguous: 2, mapping.StatusNoMatch: 2}) {
			t.Fatalf("dry run statuses: %v", got)
		}
		if n := len(b.mappings(t)); n != 0 {
			t.Fatalf("dry run stored %d rows", n)
		}

		// A manual mapping made first is never overwritten.
		var manual sample.Customer
		for _, c := range b.customers {
			if _, ok := want[c.TenantID]; ok {
				manual = c
				break
			}
		}
		other := b.companyID(t, "Internal IT")
		if _, err := b.svc.Set(ctx, SetRequest{TenantID: manual.TenantID, CompanyID: other}); err != nil {
			t.Fatal(err)
		}

		sugg, err = b.svc.AutoMap(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := countStatus(sugg); !cmp.Equal(got, map[mapping.Status]int{mapping.StatusMatched: 55, mapping.StatusAlreadyMapped: 1, mapping.StatusAmbiguous: 2, mapping.StatusNoMatch: 2}) {
			t.Fatalf("statuses: %v", got)
		}
		active := b.activeAgreements()
		stored := b.mappings(t)
		if len(stored) != 60 {
			t.Fatalf("%d tenants stored, want 60", len(stored))
		}
		withAgreement := 0
		for _, s := range sugg {
			m := stored[s.TenantID]
			c := b.customerOf(s.TenantID)
			switch s.Status {
			case mapping.StatusAmbiguous:
				if !c.Ambiguous || len(s.Candidates) != 2 || m.Mapped() {
					t.Errorf("%s: ambiguous with %d candidates, mapped %v", c.TenantName, len(s.Candidates), m.Mapped())
				}
			case mapping.StatusNoMatch:
				if c.CompanyName != "" || m.Mapped() {
					t.Errorf("%s: no match, but has company %q", c.TenantName, c.CompanyName)
				}
			case mapping.StatusAlreadyMapped:
				if s.TenantID != manual.TenantID || m.CompanyID != other || m.CompanyName != "Internal IT" {
					t.Errorf("manual mapping changed: %+v", m)
				}
			case mapping.StatusMatched:
				if _, ok := want[s.TenantID]; !ok || m.CompanyName != c.CompanyName {
					t.Errorf("%s mapped to %q, want %q", c.TenantName, m.CompanyName, c.CompanyName)
				}
				agreements := active[m.CompanyID]
				if len(agreements) == 1 {
					withAgreement++
					if m.AgreementID != agreements[0] || m.AgreementName == "" {
						t.Errorf("%s: agreement %d, want the only active one %d", c.TenantName, m.AgreementID, agreements[0])
					}
				} else if m.AgreementID != 0 || (len(agreements) > 1 && len(s.Agreements) != len(agreements)) {
					t.Errorf("%s: agreement %d chosen among %d active", c.TenantName, m.AgreementID, len(agreements))
				}
				if m.UsageEnabled != (c.BillingType == "usage") || m.TicketsEnabled {
					t.Errorf("%s (%s): usage %v tickets %v", c.TenantName, c.BillingType, m.UsageEnabled, m.TicketsEnabled)
				}
			}
		}
		if withAgreement == 0 || withAgreement == 55 {
			t.Errorf("%d of 55 got an agreement; the sample should exercise both cases", withAgreement)
		}

		// A second run, real or dry, changes nothing, and mapping never
		// writes to ConnectWise.
		for _, dry := range []bool{false, true} {
			again, err := b.svc.AutoMap(ctx, dry)
			if err != nil {
				t.Fatal(err)
			}
			if got := countStatus(again); got[mapping.StatusMatched] != 0 || got[mapping.StatusAlreadyMapped] != 56 {
				t.Fatalf("run again (dry %v): %v", dry, got)
			}
			if diff := cmp.Diff(stored, b.mappings(t)); diff != "" {
				t.Fatalf("run again (dry %v) changed the database (-before +after):\n%s", dry, diff)
			}
		}
		if w := b.cw.Log().Writes(); len(w) != 0 {
			t.Fatalf("mapping wrote to ConnectWise: %+v", w)
		}
	})
}

// TestAutoMapReadsInBulk checks that companies and agreements are read in
// one page each, with the conditions that drop deleted and cancelled rows.
func TestAutoMapReadsInBulk(t *testing.T) {
	t.Parallel()
	b := setup(t, t.TempDir()+"/c.db", 60)
	if _, err := b.svc.AutoMap(t.Context(), true); err != nil {
		t.Fatal(err)
	}
	calls := map[string][]string{}
	for _, r := range b.cw.Log().Requests() {
		for _, p := range []string{"/company/companies", "/finance/agreements"} {
			if strings.HasSuffix(r.Path, p) {
				calls[p] = append(calls[p], r.Query)
			}
		}
	}
	for p, cond := range map[string]string{"/company/companies": "deletedFlag", "/finance/agreements": "cancelledFlag"} {
		q := calls[p]
		if len(q) != 1 || !strings.Contains(q[0], "pageSize=1000") || !strings.Contains(q[0], cond) {
			t.Errorf("%s: %d calls %q, want one with pageSize=1000 and %s", p, len(q), q, cond)
		}
	}
}

// TestAutoMapSkipsUnusableCompanies deletes one matching company and makes
// another inactive: neither tenant may be mapped.
func TestAutoMapSkipsUnusableCompanies(t *testing.T) {
	t.Parallel()
	b := setup(t, t.TempDir()+"/c.db", 6)
	gone, sleepy := b.customers[0], b.customers[1]
	if _, err := b.cw.Update("companies", int(b.companyID(t, gone.CompanyName)), map[string]any{"deletedFlag": true}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.cw.Update("companies", int(b.companyID(t, sleepy.CompanyName)), map[string]any{"status": map[string]any{"id": 2}}); err != nil {
		t.Fatal(err)
	}
	sugg, err := b.svc.AutoMap(t.Context(), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sugg {
		if (s.TenantID == gone.TenantID || s.TenantID == sleepy.TenantID) && s.Status != mapping.StatusNoMatch {
			t.Errorf("%s: %s via %+v, want no_match", s.TenantName, s.Status, s.Company)
		}
	}
	for _, m := range b.mappings(t) {
		if (m.TenantID == gone.TenantID || m.TenantID == sleepy.TenantID) && m.Mapped() {
			t.Errorf("%s mapped to an unusable company %q", m.TenantName, m.CompanyName)
		}
	}
}

func countStatus(sugg []mapping.Suggestion) map[mapping.Status]int {
	out := map[mapping.Status]int{}
	for _, s := range sugg {
		out[s.Status]++
	}
	return out
}

func (b *testBundle) customerOf(tenantID string) sample.Customer {
	for _, c := range b.customers {
		if c.TenantID == tenantID {
			return c
		}
	}
	return sample.Customer{}
}

// TestSuggestFallsBackToLegalName: some partners set showAs to the real
// customer and leave name generic, others the reverse; either may match.
func TestSuggestFallsBackToLegalName(t *testing.T) {
	t.Parallel()
	snap := snapshot{
		tenants: []sophos.Tenant{
			{ID: "t1", Name: "Acme Dental Ltd", ShowAs: "Customer 0001"},
			{ID: "t2", Name: "Customer 0002", ShowAs: "Bluebird Logistics"},
			{ID: "t3", Name: "Customer 0003", ShowAs: "Customer 0003"},
		},
		companies: []mapping.Company{{ID: 1, Name: "ACME DENTAL"}, {ID: 2, Name: "Bluebird Logistics Inc"}},
	}
	got := suggest(snap, nil)
	want := []struct {
		status  mapping.Status
		company int64
		name    string
	}{{mapping.StatusMatched, 1, "Customer 0001"}, {mapping.StatusMatched, 2, "Bluebird Logistics"}, {mapping.StatusNoMatch, 0, "Customer 0003"}}
	for i, w := range want {
		var company int64
		if got[i].Company != nil {
			company = got[i].Company.ID
		}
		if got[i].Status != w.status || company != w.company || got[i].TenantName != w.name {
			t.Errorf("%s: %s company %d name %q, want %s %d %q", got[i].TenantID, got[i].Status, company, got[i].TenantName, w.status, w.company, w.name)
		}
	}
}
