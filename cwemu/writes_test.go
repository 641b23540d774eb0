package cwemu_test

import (
	"maps"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"centralpsa/cwemu"
)

func catalogItem(identifier string) map[string]any {
	return map[string]any{"identifier": identifier, "description": "Sophos Central Intercept X Advanced",
		"customerDescription": "Sophos Central Intercept X Advanced", "subcategory": map[string]any{"name": "Security"},
		"type": map[string]any{"name": "Non-Inventory"}, "price": 5.0, "cost": 3.0}
}

func TestCreateValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	long := strings.Repeat("x", 76)
	tests := []struct {
		name   string
		path   string
		body   any
		status int
		code   string // top-level code
		errs   []string
	}{
		{"CatalogCreated", "/procurement/catalog", catalogItem("Sophos_Intercept_X_Advanced"), http.StatusCreated, "", nil},
		{"CatalogDuplicateAnyCase", "/procurement/catalog", catalogItem("MSP-edr-bundle"), http.StatusBadRequest, "InvalidObject", []string{"ObjectExists identifier"}},
		{"CatalogMissing", "/procurement/catalog", map[string]any{"identifier": "X"}, http.StatusBadRequest, "InvalidObject",
			[]string{"MissingRequiredField description", "MissingRequiredField subcategory", "MissingRequiredField type", "MissingRequiredField customerDescription"}},
		{"CatalogTooLong", "/procurement/catalog", catalogItem(long), http.StatusBadRequest, "InvalidObject", []string{"InvalidField identifier"}},
		{"CatalogBadEnum", "/procurement/catalog", with(catalogItem("Sophos_Y"), "productClass", "Gadget"), http.StatusBadRequest, "InvalidObject", []string{"InvalidField productClass"}},
		{"CatalogUnknownSubcategory", "/procurement/catalog", with(catalogItem("Sophos_Z"), "subcategory", map[string]any{"name": "Nope"}), http.StatusBadRequest, "InvalidObject", []string{"InvalidField subcategory"}},
		{"CatalogWrongNumberType", "/procurement/catalog", with(catalogItem("Sophos_W"), "price", "cheap"), http.StatusInternalServerError, "ConnectWiseApi", nil},
		{"CatalogScalarReference", "/procurement/catalog", with(catalogItem("Sophos_V"), "type", "22"), http.StatusBadRequest, "ConnectWiseApi", nil},
		{"TicketSummaryTooLong", "/service/tickets", map[string]any{"summary": strings.Repeat("é", 101), "company": map[string]any{"id": 250}}, http.StatusBadRequest, "InvalidObject", []string{"InvalidField summary"}},
		{"TicketSummaryExactly100Runes", "/service/tickets", map[string]any{"summary": strings.Repeat("é", 100), "company": map[string]any{"id": 250}}, http.StatusCreated, "", nil},
		{"TicketNoCompany", "/service/tickets", map[string]any{"summary": "x"}, http.StatusBadRequest, "InvalidObject", []string{"MissingRequiredField company"}},
		{"TicketStatusOfOtherBoard", "/service/tickets", map[string]any{"summary": "x", "company": map[string]any{"id": 250},
			"board": map[string]any{"name": "Sophos Alerts"}, "status": map[string]any{"id": 1}}, http.StatusBadRequest, "InvalidObject", []string{"InvalidField status"}},
		{"NotJSON", "/service/tickets", "{not json", http.StatusBadRequest, "InvalidObject", nil},
		{"AdditionMissingBillCustomer", "/finance/agreements/600/additions", map[string]any{"product": map[string]any{"id": 40}}, http.StatusBadRequest, "InvalidObject", []string{"MissingRequiredField billCustomer"}},
		{"AdditionBillCustomerNoDefault", "/finance/agreements/600/additions", map[string]any{"product": map[string]any{"id": 40}, "billCustomer": "NoDefault"}, http.StatusBadRequest, "InvalidObject", []string{"InvalidField billCustomer"}},
		{"NoteWithoutKind", "/service/tickets/1500/notes", map[string]any{"text": "hello"}, http.StatusBadRequest, "InvalidObject", []string{"MissingRequiredField detailDescriptionFlag"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do(t, http.MethodPost, tt.path, tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.code == "" {
				return
			}
			var env struct {
				Code, Message string
				Errors        []struct{ Code, Field, Resource, Message string }
			}
			r.json(t, &env)
			if env.Code != tt.code || env.Message == "" {
				t.Errorf("envelope %s, want code %s", r.body, tt.code)
			}
			var got []string
			for _, e := range env.Errors {
				got = append(got, e.Code+" "+e.Field)
				if e.Resource == "" || e.Message == "" {
					t.Errorf("field error without resource or message: %s", r.body)
				}
			}
			if tt.errs != nil && !cmp.Equal(got, tt.errs) {
				t.Errorf("errors %v, want %v", got, tt.errs)
			}
		})
	}
}

func with(m map[string]any, kv ...any) map[string]any {
	out := maps.Clone(m)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func TestCreateReturnsRecord(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, http.MethodPost, "/procurement/catalog", catalogItem("Sophos_MTR_Standard"))
	item := r.object(t)
	if r.status != http.StatusCreated || item["id"] == nil {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	info, _ := item["_info"].(map[string]any)
	if info["lastUpdated"] == nil || info["enteredBy"] == nil || ref(item["subcategory"], "id") == nil ||
		ref(item["category"], "name") != "Software" || ref(item["subcategory"], "_info") == nil {
		t.Errorf("created item lacks server fields: %s", r.body)
	}
	for k, v := range item {
		if v == nil {
			t.Errorf("field %s is null; nulls are omitted", k)
		}
	}
	partial := b.do(t, http.MethodPost, "/procurement/catalog?fields=id,identifier", catalogItem("Sophos_MTR_Advanced"))
	if p := partial.object(t); partial.status != http.StatusCreated || len(p) != 2 {
		t.Errorf("POST with fields: %d %s", partial.status, partial.body)
	}
}

func TestPatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	before := b.get(t, "/finance/agreements/600/additions").list(t)[0]
	id := int(num(before["id"]))
	path := "/finance/agreements/600/additions/" + strconv.Itoa(id)
	tests := []struct {
		name   string
		body   any
		status int
		change map[string]any // fields expected to differ from before (nil = none)
	}{
		{"ReplaceQuantity", []any{map[string]any{"op": "replace", "path": "quantity", "value": 12}}, http.StatusOK, map[string]any{"quantity": 12.0, "extPrice": 150.0, "extCost": 57.0, "margin": 93.0}},
		{"LeadingSlashAndCapitalOp", []any{map[string]any{"op": "Replace", "path": "/quantity", "value": 10}}, http.StatusOK, nil},
		{"NestedPathIsIgnored", []any{map[string]any{"op": "replace", "path": "product/identifier", "value": "other"}}, http.StatusOK, nil},
		{"ObjectNotArray", map[string]any{"op": "replace", "path": "quantity", "value": 3}, http.StatusBadRequest, nil},
		{"UnknownOp", []any{map[string]any{"op": "move", "path": "quantity", "value": 3}}, http.StatusBadRequest, nil},
		{"RemoveRequired", []any{map[string]any{"op": "remove", "path": "billCustomer"}}, http.StatusBadRequest, nil},
		{"WrongType", []any{map[string]any{"op": "replace", "path": "quantity", "value": "lots"}}, http.StatusInternalServerError, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do(t, http.MethodPatch, path, tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			after := b.get(t, path).object(t)
			for k, v := range before {
				if k == "_info" {
					continue
				}
				want, changed := tt.change[k]
				if !changed {
					want = v
				}
				if !cmp.Equal(after[k], want) {
					t.Errorf("field %s = %v, want %v", k, after[k], want)
				}
			}
			if tt.change != nil {
				b.do(t, http.MethodPatch, path, []any{map[string]any{"op": "replace", "path": "quantity", "value": before["quantity"]}})
			}
		})
	}
}

func TestPutAndDelete(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.srv.SetRole(cwemu.FullRole().With(cwemu.FnTableSetup, cwemu.Levels{Add: cwemu.All, Edit: cwemu.All, Delete: cwemu.All, Inquire: cwemu.All}).
		With(cwemu.FnAgreements, cwemu.Levels{Delete: cwemu.All, Inquire: cwemu.All}))
	created := b.do(t, http.MethodPost, "/service/sources", map[string]any{"name": "Webhook", "defaultFlag": true}).object(t)
	path := "/service/sources/" + strconv.Itoa(int(num(created["id"])))
	put := b.do(t, http.MethodPut, path, map[string]any{"name": "Webhooks"})
	got := put.object(t)
	if put.status != http.StatusOK || got["name"] != "Webhooks" || got["defaultFlag"] != nil || got["dateEntered"] != created["dateEntered"] {
		t.Errorf("PUT: %d %s", put.status, put.body)
	}
	del := b.do(t, http.MethodDelete, path, nil)
	if del.status != http.StatusNoContent || len(del.body) != 0 {
		t.Errorf("DELETE: %d %q", del.status, del.body)
	}
	if r := b.do(t, http.MethodGet, path, nil); r.status != http.StatusNotFound {
		t.Errorf("GET after DELETE: %d", r.status)
	}
	// Deleting an agreement takes its additions with it.
	if r := b.do(t, http.MethodDelete, "/finance/agreements/600", nil); r.status != http.StatusNoContent {
		t.Fatalf("delete agreement: %d %s", r.status, r.body)
	}
	if n := len(b.srv.Additions(600)); n != 0 {
		t.Errorf("agreement deleted, %d additions left", n)
	}
}
