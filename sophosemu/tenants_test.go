package sophosemu

import (
	"fmt"
	"testing"
	"time"

	"centralpsa/sample"
)

func TestTenantsPaging(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 250})
	seen := map[string]bool{}
	sizes := []int{}
	for pg := 1; pg <= 4; pg++ {
		resp, body := b.partnerGet(t, fmt.Sprintf("/partner/v1/tenants?page=%d&pageSize=100&pageTotal=true", pg))
		if resp.StatusCode != 200 {
			t.Fatalf("page %d: %d %s", pg, resp.StatusCode, body)
		}
		var p page
		mustJSON(t, body, &p)
		if p.Pages["total"] != float64(3) || p.Pages["items"] != float64(250) || p.Pages["current"] != float64(pg) || p.Pages["maxSize"] != float64(100) {
			t.Errorf("page %d pages = %v", pg, p.Pages)
		}
		sizes = append(sizes, len(p.Items))
		for _, it := range p.Items {
			id := it["id"].(string)
			if seen[id] {
				t.Errorf("tenant %s on two pages", id)
			}
			seen[id] = true
		}
	}
	if fmt.Sprint(sizes) != "[100 100 50 0]" {
		t.Errorf("page sizes %v, want [100 100 50 0]", sizes)
	}
	if len(seen) != 250 {
		t.Errorf("saw %d tenants, want 250", len(seen))
	}
}

func TestTenantsQuery(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 120})
	tests := []struct {
		name      string
		query     string
		status    int
		items     int
		wantTotal bool
	}{
		{"DefaultPageSize", "", 200, 50, false},
		{"ClampedPageSize", "?pageSize=500", 200, 100, false},
		{"PastTheEnd", "?page=9&pageSize=100", 200, 0, false},
		{"TotalsOnRequest", "?pageTotal=true", 200, 50, true},
		{"ErrPageZero", "?page=0", 400, 0, false},
		{"ErrPageSizeText", "?pageSize=lots", 400, 0, false},
		{"ErrPageTotalText", "?pageTotal=yes", 400, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := b.partnerGet(t, "/partner/v1/tenants"+tt.query)
			if tt.status != 200 {
				wantError(t, resp, body, tt.status, "badRequest")
				return
			}
			var p page
			mustJSON(t, body, &p)
			_, hasTotal := p.Pages["total"]
			_, hasItems := p.Pages["items"]
			if len(p.Items) != tt.items || hasTotal != tt.wantTotal || hasItems != tt.wantTotal {
				t.Errorf("items %d, pages %v; want %d items, totals %v", len(p.Items), p.Pages, tt.items, tt.wantTotal)
			}
		})
	}
	t.Run("Fields", func(t *testing.T) {
		_, body := b.partnerGet(t, "/partner/v1/tenants?pageSize=3&fields=id,apiHost")
		var p page
		mustJSON(t, body, &p)
		for _, it := range p.Items {
			if len(it) != 2 || it["id"] == nil || it["apiHost"] == nil {
				t.Errorf("partial item %v", it)
			}
		}
	})
}

func TestTenantGet(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 12})
	for _, ten := range b.srv.Tenants() {
		resp, body := b.partnerGet(t, "/partner/v1/tenants/"+ten.ID)
		var got map[string]any
		mustJSON(t, body, &got)
		if resp.StatusCode != 200 || got["id"] != ten.ID || got["apiHost"] != ten.APIHost || got["dataRegion"] != ten.DataRegion ||
			got["billingType"] != ten.BillingType || got["showAs"] != ten.ShowAs {
			t.Errorf("get %s = %d %s", ten.ID, resp.StatusCode, body)
		}
		if _, has := got["organization"]; has != (ten.OrganizationID != "") {
			t.Errorf("tenant %s organization present = %v", ten.ID, has)
		}
	}
	resp, body := b.partnerGet(t, "/partner/v1/tenants/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")
	wantError(t, resp, body, 404, "resourceNotFound")
}

func TestTenantMix(t *testing.T) {
	t.Parallel()
	srv := New(Options{Tenants: 60, NowFunc: func() time.Time { return testNow }})
	types, regions := map[string]int{}, map[string]int{}
	for _, ten := range srv.Tenants() {
		types[ten.BillingType]++
		regions[ten.DataRegion]++
		if regionGeography[ten.DataRegion] != ten.DataGeography {
			t.Errorf("tenant %s: region %s with geography %s", ten.ID, ten.DataRegion, ten.DataGeography)
		}
	}
	if types["usage"] == 0 || types["term"] == 0 || types["trial"] == 0 || len(regions) < 4 {
		t.Errorf("billing types %v, regions %v; want all three types and several regions", types, regions)
	}
}

func TestCustomersTopUp(t *testing.T) {
	t.Parallel()
	base := sample.Customers(5, 3)
	srv := New(Options{Customers: base, Tenants: 40, NowFunc: func() time.Time { return testNow }})
	ts := srv.Tenants()
	if len(ts) != 40 {
		t.Fatalf("%d tenants, want 40", len(ts))
	}
	ids := map[string]bool{}
	for i, ten := range ts {
		if i < len(base) && (ten.ID != base[i].TenantID || ten.Name != base[i].TenantName) {
			t.Errorf("tenant %d = %s %q, want the given customer", i, ten.ID, ten.Name)
		}
		if ids[ten.ID] {
			t.Errorf("duplicate tenant id %s", ten.ID)
		}
		ids[ten.ID] = true
	}
	again := New(Options{Customers: base, Tenants: 40, NowFunc: func() time.Time { return testNow }}).Tenants()
	if again[39].ID != ts[39].ID {
		t.Error("generated tenants differ between runs")
	}
}
