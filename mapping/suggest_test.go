package mapping

import (
	"testing"

	"centralpsa/sample"

	"github.com/google/go-cmp/cmp"
)

func TestSuggest(t *testing.T) {
	t.Parallel()
	companies := []Company{
		{ID: 1, Identifier: "AcmeSons", Name: "ACME and Sons Limited"},
		{ID: 2, Identifier: "Bluebird", Name: "Bluebird Logistics Inc"},
		{ID: 3, Identifier: "Cedar1", Name: "Cedar Bakery SRL"},
		{ID: 4, Identifier: "Cedar2", Name: "cedar bakery"},
		{ID: 5, Identifier: "OldFjord", Name: "Fjord Law BV", Deleted: true},
		{ID: 6, Identifier: "Granite", Name: "Granite Motors"},
		{ID: 7, Identifier: "Harbour", Name: "Harbour Hotels Pty. Ltd."},
		{ID: 8, Identifier: "Iris", Name: "Iris Media", Inactive: true},
		{ID: 9, Identifier: "GraniteHotels", Name: "Granite Hotels"},
	}
	agreements := []Agreement{
		{ID: 10, CompanyID: 1, Name: "Acme MSP", Status: "Active"},
		{ID: 11, CompanyID: 1, Name: "Acme old", Status: "Cancelled", Cancelled: true},
		{ID: 20, CompanyID: 2, Name: "Blue A", Status: "Active"},
		{ID: 21, CompanyID: 2, Name: "Blue B", Status: "Active"},
		{ID: 70, CompanyID: 7, Name: "Harbour expired", Status: "Expired"},
	}
	tenants := []Tenant{
		{ID: "t-acme", Name: "Acme & Sons Ltd"},
		{ID: "t-acme2", Name: "acme and sons"},
		{ID: "t-blue", Name: "Bluebird Logistics, Inc."},
		{ID: "t-cedar", Name: "Cedar Bakery S.r.l."},
		{ID: "t-fjord", Name: "Fjord Law B.V."},
		{ID: "t-granite", Name: "Granite Dental"},
		{ID: "t-harbour", Name: "Harbour Hotels Pty Ltd"},
		{ID: "t-iris", Name: "Iris Media"},
		{ID: "t-mapped", Name: "Granite Motors"},
		{ID: "t-blank", Name: "  "},
	}
	got := Suggest(tenants, companies, agreements, map[string]bool{"t-mapped": true})

	type brief struct {
		Tenant     string
		Status     Status
		Company    int64
		Agreement  int64
		Choices    []int64
		Candidates []int64
	}
	var briefs []brief
	for _, s := range got {
		b := brief{Tenant: s.TenantID, Status: s.Status}
		if s.Company != nil {
			b.Company = s.Company.ID
		}
		if s.Agreement != nil {
			b.Agreement = s.Agreement.ID
		}
		for _, a := range s.Agreements {
			b.Choices = append(b.Choices, a.ID)
		}
		for _, c := range s.Candidates {
			b.Candidates = append(b.Candidates, c.ID)
		}
		if s.Reason == "" {
			t.Errorf("%s: empty reason", s.TenantID)
		}
		briefs = append(briefs, b)
	}
	want := []brief{
		{Tenant: "t-acme", Status: StatusMatched, Company: 1, Agreement: 10},
		{Tenant: "t-acme2", Status: StatusMatched, Company: 1, Agreement: 10}, // two tenants may share a company
		{Tenant: "t-blue", Status: StatusMatched, Company: 2, Choices: []int64{20, 21}},
		{Tenant: "t-cedar", Status: StatusAmbiguous, Candidates: []int64{3, 4}},
		{Tenant: "t-fjord", Status: StatusNoMatch},                              // only a deleted company matches
		{Tenant: "t-granite", Status: StatusNoMatch, Candidates: []int64{9, 6}}, // near misses by first word
		{Tenant: "t-harbour", Status: StatusMatched, Company: 7},                // expired agreement is not chosen
		{Tenant: "t-iris", Status: StatusNoMatch},                               // inactive company
		{Tenant: "t-mapped", Status: StatusAlreadyMapped},
		{Tenant: "t-blank", Status: StatusNoMatch},
	}
	if diff := cmp.Diff(want, briefs); diff != "" {
		t.Errorf("suggestions (-want +got):\n%s", diff)
	}
}

// TestSuggestSample runs auto-mapping over the demo's customers, whose
// ConnectWise spellings differ on purpose, and checks every verdict.
func TestSuggestSample(t *testing.T) {
	t.Parallel()
	customers := sample.Customers(400, 42)
	var tenants []Tenant
	var companies []Company
	var agreements []Agreement
	for i, c := range customers {
		tenants = append(tenants, Tenant{ID: c.TenantID, Name: c.TenantName})
		if c.CompanyName == "" {
			continue
		}
		id := int64(i + 1)
		companies = append(companies, Company{ID: id, Identifier: c.CompanyIdentifier, Name: c.CompanyName})
		agreements = append(agreements, Agreement{ID: id * 100, CompanyID: id, Name: "MSP", Status: "Active"})
	}
	for i, c := range sample.ExtraCompanies(42) {
		companies = append(companies, Company{ID: int64(100000 + i), Identifier: c.Identifier, Name: c.Name, Deleted: c.Deleted})
	}
	got := Suggest(tenants, companies, agreements, nil)
	for i, s := range got {
		c := customers[i]
		var want Status
		switch {
		case c.CompanyName == "":
			want = StatusNoMatch
		case c.Ambiguous:
			want = StatusAmbiguous
		default:
			want = StatusMatched
		}
		if s.Status != want {
			t.Errorf("tenant %q vs company %q: status %s, want %s (%s)", c.TenantName, c.CompanyName, s.Status, want, s.Reason)
			continue
		}
		if want == StatusMatched && (s.Company.ID != int64(i+1) || s.Agreement == nil || s.Agreement.ID != int64(i+1)*100) {
			t.Errorf("tenant %q matched company %+v agreement %+v", c.TenantName, s.Company, s.Agreement)
		}
		if want == StatusAmbiguous && len(s.Candidates) != 2 {
			t.Errorf("tenant %q: %d candidates, want 2", c.TenantName, len(s.Candidates))
		}
	}
}

func TestSuggestCandidatesAreCopies(t *testing.T) {
	t.Parallel()
	companies := []Company{{ID: 1, Name: "Acme"}, {ID: 2, Name: "ACME Ltd"}}
	got := Suggest([]Tenant{{ID: "a", Name: "acme"}, {ID: "b", Name: "Acme Inc"}}, companies, nil, nil)
	got[0].Candidates[0].Name = "changed"
	if got[1].Candidates[0].Name == "changed" {
		t.Error("suggestions share their candidate slices")
	}
}
