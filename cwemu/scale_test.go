package cwemu_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"centralpsa/cwemu"
	"centralpsa/sample"
)

// TestScale seeds a large MSP (20,000 customers, an agreement each for most
// usage customers) and checks that per-request work stays proportional to
// the answer, not to the site: indexed lookups by identifier, additions per
// agreement, and creates with duplicate checks.
func TestScale(t *testing.T) {
	if testing.Short() {
		t.Skip("large seed; skipped with -short")
	}
	t.Parallel()
	customers := sample.Customers(20000, 3)
	start := time.Now()
	b := setup(t, func(o *cwemu.Options) { o.Customers = customers })
	seeded := time.Since(start)
	agreements := b.srv.Agreements()
	if len(agreements) < 5000 {
		t.Fatalf("only %d agreements", len(agreements))
	}
	start = time.Now()
	for i := range 5000 {
		if _, err := b.srv.Create("additions", int(num(agreements[i]["id"])), map[string]any{
			"product": map[string]any{"identifier": "MSP-EDR-BUNDLE"}, "billCustomer": "Billable", "quantity": float64(i % 50)}); err != nil {
			t.Fatal(err)
		}
	}
	added := time.Since(start)
	start = time.Now()
	const lookups = 300
	for i := range lookups {
		c := customers[(i*61)%len(customers)]
		if c.CompanyIdentifier == "" {
			continue
		}
		list := b.get(t, q("/company/companies", "conditions", `identifier = "`+c.CompanyIdentifier+`" and deletedFlag = false`)).list(t)
		if len(list) != 1 {
			t.Fatalf("lookup %s found %d", c.CompanyIdentifier, len(list))
		}
		ag := agreements[(i*17)%5000]
		adds := b.get(t, q("/finance/agreements/"+strconv.Itoa(int(num(ag["id"])))+"/additions", "conditions", `product/identifier = "MSP-EDR-BUNDLE"`)).list(t)
		if len(adds) < 1 {
			t.Fatalf("agreement %v has no addition", ag["id"])
		}
	}
	perRequest := time.Since(start) / (2 * lookups)
	t.Logf("seed %v, 5000 additions %v, %v per indexed request", seeded, added, perRequest)
	if perRequest > 20*time.Millisecond {
		t.Errorf("indexed requests take %v each; something scans the whole site", perRequest)
	}
	if r := b.do(t, http.MethodGet, "/company/companies/count", nil); r.status != http.StatusOK {
		t.Fatal(r.status)
	}
}
