package usagesync_test

import (
	"net/http"
	"strings"
	"testing"

	"centralpsa/emu"
	"centralpsa/sophosemu"
	"centralpsa/store"
	"centralpsa/usage"
	"centralpsa/usagesync"
)

// A product centralpsa created a catalog item for stays managed after it
// leaves the report entirely, so its addition is zeroed, not billed on.
func TestVanishedProductIsZeroed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mappings := b.mapCustomers(t)
	b.run(t, usagesync.Options{})
	items, err := b.db.UsageItems(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ident := usage.DefaultIdentifier(sophosemu.UnknownProductCode)
	if !containsItem(items, ident) {
		t.Fatalf("created catalog item %s not recorded: %+v", ident, items)
	}
	var buyer store.Mapping
	for _, l := range b.so.Usage(b.month.Year, b.month.Month) {
		if l.ProductCode == sophosemu.UnknownProductCode {
			buyer = mappings[l.AccountID]
		}
	}
	if buyer.AgreementID == 0 {
		t.Fatal("the buyer of the unknown product is not synced in the sample")
	}
	b.so.RemoveUsage(buyer.TenantID, sophosemu.UnknownProductCode)
	res := b.run(t, usagesync.Options{})
	if res.Writes[string(usage.OpZeroAddition)] != 1 {
		t.Fatalf("writes %v, want the vanished product's addition zeroed", res.Writes)
	}
	if q := b.billed(t, []int64{buyer.AgreementID})[slotKey{buyer.AgreementID, strings.ToLower(ident)}]; q != 0 {
		t.Fatalf("%s still billed at %d", ident, q)
	}
}

func containsItem(items []store.UsageItem, ident string) bool {
	for _, it := range items {
		if it.Identifier == ident && it.CatalogID != 0 {
			return true
		}
	}
	return false
}

func TestCatalogSetupCreatedOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOptions{settings: map[string]string{"usage.catalog_type": "Sophos Licences",
		"usage.catalog_category": "Software", "usage.catalog_subcategory": "Sophos Central"}})
	b.mapCustomers(t)
	res := b.run(t, usagesync.Options{})
	// The category exists in the seed; the type and subcategory do not.
	if res.Writes["create_product_type"] != 1 || res.Writes["create_product_subcategory"] != 1 || res.Writes["create_product_category"] != 0 {
		t.Fatalf("setup writes %v", res.Writes)
	}
	count := func(resource, name string) int {
		n := 0
		for _, r := range b.cw.Records(resource) {
			if r["name"] == name {
				n++
			}
		}
		return n
	}
	if count("productTypes", "Sophos Licences") != 1 || count("subcategories", "Sophos Central") != 1 || count("categories", "Software") != 1 {
		t.Fatal("setup rows missing or duplicated")
	}
	for _, c := range b.cw.CatalogItems() {
		id, _ := c["identifier"].(string)
		if !strings.HasPrefix(id, "Sophos_") {
			continue
		}
		sub, _ := c["subcategory"].(map[string]any)
		if c["integrationXRef"] != "centralpsa" || sub["name"] != "Sophos Central" {
			t.Fatalf("catalog item %s: %v", id, c)
		}
	}
	items, err := b.db.UsageItems(t.Context())
	if err != nil || len(items) != res.Writes[string(usage.OpCreateCatalogItem)] {
		t.Fatalf("%d usage items recorded for %d created (%v)", len(items), res.Writes[string(usage.OpCreateCatalogItem)], err)
	}
}

// Without the right to create catalog items, the customers that need a
// new item fail with the fix, and nothing is billed half-way.
func TestCatalogRefusedFailsCustomersThatNeedIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mappings := b.mapCustomers(t)
	b.cw.Faults().Add(emu.Fault{Kind: emu.FaultStatus, Method: http.MethodPost, Status: http.StatusForbidden,
		Body: `{"code":"Forbidden","message":"not allowed"}`, ContentType: "application/json", PathPrefix: b.cw.APIPath("/procurement/catalog")})
	res := b.run(t, usagesync.Options{})
	if res.Status != usagesync.StatusFailed || res.Failed != len(res.Customers) || res.Writes[string(usage.OpCreateAddition)] != 0 {
		t.Fatalf("status %s, %d of %d failed, writes %v", res.Status, res.Failed, len(res.Customers), res.Writes)
	}
	for _, c := range res.Customers {
		if !strings.Contains(c.Advice, "Procurement > Product Catalog Add") {
			t.Fatalf("customer %d advice %q", c.AgreementID, c.Advice)
		}
	}
	if got := b.billed(t, agreementsOf(mappings)); len(got) != 0 {
		t.Fatalf("billed %v without catalog items", got)
	}
	if run, _ := b.db.Run(t.Context(), res.RunID); run.Status != usagesync.StatusFailed {
		t.Fatalf("run status %q", run.Status)
	}
}
