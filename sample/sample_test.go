package sample

import (
	"regexp"
	"testing"
)

func TestCustomers(t *testing.T) {
	t.Parallel()
	a, b := Customers(500, 7), Customers(500, 7)
	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	names, ids := map[string]bool{}, map[string]bool{}
	kinds := map[string]int{}
	missing, ambiguous := 0, 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("customer %d differs for the same seed: %+v vs %+v", i, a[i], b[i])
		}
		c := a[i]
		if !uuidRE.MatchString(c.TenantID) {
			t.Errorf("tenant id %q is not a v4 uuid", c.TenantID)
		}
		if names[c.TenantName] || ids[c.TenantID] {
			t.Errorf("duplicate tenant %q / %q", c.TenantName, c.TenantID)
		}
		names[c.TenantName], ids[c.TenantID] = true, true
		kinds[c.BillingType]++
		if c.CompanyName == "" {
			missing++
		}
		if c.Ambiguous {
			ambiguous++
		}
	}
	if kinds["usage"] == 0 || kinds["term"] == 0 || kinds["trial"] == 0 {
		t.Errorf("billing types not mixed: %v", kinds)
	}
	if missing == 0 || ambiguous != 2 {
		t.Errorf("want some customers without a company and exactly two ambiguous; got %d and %d", missing, ambiguous)
	}
	if Customers(3, 1)[0].TenantID == Customers(3, 2)[0].TenantID {
		t.Error("different seeds give the same tenant ids")
	}
}
