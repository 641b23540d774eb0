package resilience_test

import (
	"fmt"
	"net/http"
	"testing"
)

// editRecords applies f to every record of a list answer (or to a single
// record) and reports the page as changed when f says so.
func editRecords(f func(rec map[string]any) bool) editFunc {
	return func(_ *http.Request, body any) []byte {
		changed := false
		switch v := body.(type) {
		case []any:
			for _, it := range v {
				if rec, ok := it.(map[string]any); ok && f(rec) {
					changed = true
				}
			}
		case map[string]any:
			changed = f(v)
		}
		if !changed {
			return nil
		}
		return encode(body)
	}
}

// TestUsageSyncBadConnectWiseRecords: ConnectWise answers that are
// broken (wrong types, missing fields, values outside the documented
// enums) must not turn into writes that the real data would not have
// caused: no duplicate catalog item or addition, no addition touched on
// an agreement we could not read properly. See checkBadUsage.
func TestUsageSyncBadConnectWiseRecords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		path  string // the answers to rewrite
		edit  func(v victim, rec map[string]any) bool
		field string // what a refusal must name
	}{
		{"AdditionQuantityString", "/additions", func(_ victim, rec map[string]any) bool {
			rec["quantity"] = fmt.Sprint(rec["quantity"])
			return true
		}, "quantity"},
		{"AdditionIDString", "/additions", func(_ victim, rec map[string]any) bool {
			rec["id"] = fmt.Sprint(rec["id"])
			return true
		}, "id"},
		{"AdditionWithoutProduct", "/additions", func(_ victim, rec map[string]any) bool {
			delete(rec, "product")
			return true
		}, "product"},
		{"AdditionWithoutID", "/additions", func(_ victim, rec map[string]any) bool {
			delete(rec, "id")
			return true
		}, "id"},
		{"AgreementStatusUnknown", "/finance/agreements", func(v victim, rec map[string]any) bool {
			if num(rec["id"]) != v.mapping.AgreementID || rec["agreementStatus"] == nil {
				return false
			}
			rec["agreementStatus"] = "Suspended"
			return true
		}, "agreement"},
		{"CatalogItemWithoutIdentifier", "/procurement/catalog", func(_ victim, rec map[string]any) bool {
			delete(rec, "identifier")
			return true
		}, "identifier"},
		{"CatalogIDString", "/procurement/catalog", func(_ victim, rec map[string]any) bool {
			rec["id"] = fmt.Sprint(rec["id"])
			return true
		}, "id"},
		// A list answered with null or {} reads as "no additions" to a
		// lenient decoder; creating them again would bill twice.
		{"AdditionsNull", "/additions", nil, "additions"},
		{"CatalogNull", "/procurement/catalog", nil, "catalog"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkBadUsage(t, badUsage{field: tt.field, breakFunc: func(w *world, v victim) {
				if tt.edit == nil {
					w.cwEdit.replace(tt.path, "null")
					return
				}
				w.cwEdit.set(tt.path, editRecords(func(rec map[string]any) bool { return tt.edit(v, rec) }))
			}})
		})
	}
}
