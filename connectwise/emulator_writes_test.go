package connectwise_test

import (
	"maps"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"centralpsa/connectwise"
	"centralpsa/cwemu"
)

// TestEmulatorPatchChangesOnlyThePatchedField patches one field and
// compares the whole record before and after through the emulator's
// inspection API: the patched field changes, the fields the server derives
// from it follow, and nothing else moves.
func TestEmulatorPatchChangesOnlyThePatchedField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		resource string
		setup    func(t *testing.T, b *emuBundle) (id, parent int)
		patch    func(t *testing.T, b *emuBundle, id, parent int) error
		path     func(id, parent int) string
		want     map[string]any // fields the patch must set
		derived  []string       // fields the server recomputes from them
	}{
		{name: "AdditionQuantity", resource: "additions", setup: newAddition,
			patch: func(t *testing.T, b *emuBundle, id, parent int) error {
				a, err := b.cw.Agreements.UpdateAddition(t.Context(), parent, id, []connectwise.PatchOp{connectwise.Replace("quantity", 7)})
				if err == nil && (a.Quantity == nil || *a.Quantity != 7) {
					t.Errorf("returned addition has quantity %v", a.Quantity)
				}
				return err
			},
			path:    func(id, parent int) string { return "/finance/agreements/" + itoa(parent) + "/additions/" + itoa(id) },
			want:    map[string]any{"quantity": 7.0, "extPrice": 87.5, "extCost": 33.25, "margin": 54.25},
			derived: []string{"extPrice", "extCost", "margin"}},
		{name: "AdditionQuantityZero", resource: "additions", setup: newAddition,
			patch: func(t *testing.T, b *emuBundle, id, parent int) error {
				_, err := b.cw.Agreements.UpdateAddition(t.Context(), parent, id, []connectwise.PatchOp{connectwise.Replace("quantity", 0)})
				return err
			},
			path:    func(id, parent int) string { return "/finance/agreements/" + itoa(parent) + "/additions/" + itoa(id) },
			want:    map[string]any{"quantity": 0.0, "extPrice": 0.0, "extCost": 0.0, "margin": 0.0},
			derived: []string{"extPrice", "extCost", "margin"}},
		{name: "CatalogDescription", resource: "catalog",
			setup: func(t *testing.T, b *emuBundle) (int, int) {
				for _, item := range b.srv.CatalogItems() {
					if str(item, "identifier") == "MSP-EDR-BUNDLE" {
						return recID(item), 0
					}
				}
				t.Fatal("no MSP-EDR-BUNDLE in the seed")
				return 0, 0
			},
			patch: func(t *testing.T, b *emuBundle, id, _ int) error {
				item, err := b.cw.Catalog.Update(t.Context(), id, []connectwise.PatchOp{
					connectwise.Replace("description", `Müller & "Söhne" EDR – 100% managed`)})
				if err == nil && item.Description != `Müller & "Söhne" EDR – 100% managed` {
					t.Errorf("returned description %q", item.Description)
				}
				return err
			},
			path: func(id, _ int) string { return "/procurement/catalog/" + itoa(id) },
			want: map[string]any{"description": `Müller & "Söhne" EDR – 100% managed`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := startEmu(t, cwemu.Options{})
			id, parent := tt.setup(t, b)
			before, _ := b.srv.Record(tt.resource, id)
			if err := tt.patch(t, b, id, parent); err != nil {
				t.Fatalf("patch: %v", err)
			}
			after, _ := b.srv.Record(tt.resource, id)
			for k, v := range tt.want {
				if !cmp.Equal(after[k], v) {
					t.Errorf("%s = %v after the patch, want %v", k, after[k], v)
				}
			}
			strip := func(rec map[string]any) map[string]any {
				out := maps.Clone(rec)
				for k := range tt.want {
					delete(out, k)
				}
				info := maps.Clone(out["_info"].(map[string]any))
				delete(info, "lastUpdated")
				delete(info, "updatedBy")
				out["_info"] = info
				return out
			}
			if diff := cmp.Diff(strip(before), strip(after)); diff != "" {
				t.Errorf("the patch changed other fields (-before +after):\n%s", diff)
			}
			if got := str(after["_info"].(map[string]any), "updatedBy"); got != "centralpsa" {
				t.Errorf("_info.updatedBy = %q, want the API member", got)
			}
			path := tt.path(id, parent)
			writes := 0
			for _, r := range b.srv.Log().Writes() {
				if r.Path == b.srv.APIPath(path) {
					writes++
					if r.Method != http.MethodPatch {
						t.Errorf("update sent %s, want PATCH only", r.Method)
					}
				}
			}
			if writes != 1 {
				t.Errorf("%d writes to %s, want 1 PATCH", writes, path)
			}
		})
	}
}

// newAddition adds a known line to the seed's first agreement, as an
// accountant would, so the test knows every field of it.
func newAddition(t *testing.T, b *emuBundle) (int, int) {
	t.Helper()
	ag := firstAgreement(b)
	rec, err := b.srv.Create("additions", ag, map[string]any{
		"product": map[string]any{"identifier": "MSP-EDR-BUNDLE"}, "billCustomer": "Billable", "quantity": 10.0,
		"unitPrice": 12.5, "unitCost": 4.75, "invoiceDescription": "Managed EDR, March", "serialNumber": "SN-1",
		"effectiveDate": "2026-03-01T00:00:00Z", "taxableFlag": true})
	if err != nil {
		t.Fatal(err)
	}
	return recID(rec), ag
}

// TestEmulatorCreatedRecordsMatchFlagFilters creates records through the
// client, which leaves false flags out of the body, and finds them with
// the usual "not deleted" / "active" filters. The emulator stores those
// columns as false, as ConnectWise does; it once left them absent, so the
// filters silently skipped every record created through the API.
func TestEmulatorCreatedRecordsMatchFlagFilters(t *testing.T) {
	t.Parallel()
	b := startEmu(t, cwemu.Options{})
	item, err := b.cw.Catalog.Create(t.Context(), &connectwise.CatalogItem{
		Identifier: "SOPHOS-MDR-ESSENTIALS", Description: "Sophos MDR Essentials",
		CustomerDescription: "Managed detection and response", Subcategory: &connectwise.Reference{Name: "Security"},
		Type: &connectwise.Reference{Name: "Non-Inventory"}, Price: connectwise.Float(9)})
	if err != nil {
		t.Fatalf("create catalog item: %v", err)
	}
	got, err := b.cw.Catalog.List(t.Context(), &connectwise.ListOptions{Conditions: connectwise.And(
		connectwise.Eq("identifier", "SOPHOS-MDR-ESSENTIALS"), connectwise.Eq("inactiveFlag", false))})
	if err != nil || len(got) != 1 || got[0].ID != item.ID {
		t.Errorf("active catalog items with the new identifier: %v, %v; want item %d", got, err, item.ID)
	}
	co, err := b.srv.Create("companies", 0, map[string]any{"identifier": "NewCo", "name": "New Co Ltd"})
	if err != nil {
		t.Fatal(err)
	}
	cos, err := b.cw.Companies.List(t.Context(), &connectwise.ListOptions{Conditions: connectwise.And(
		connectwise.Eq("name", "New Co Ltd"), connectwise.Eq("deletedFlag", false))})
	if err != nil || len(cos) != 1 || cos[0].ID != recID(co) {
		t.Errorf("companies not deleted named New Co Ltd: %v, %v; want company %d", cos, err, recID(co))
	}
}
