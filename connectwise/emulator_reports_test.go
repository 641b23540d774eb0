package connectwise_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"centralpsa/connectwise"
	"centralpsa/cwemu"
	"centralpsa/sample"
)

// TestEmulatorReports runs reporting-API views and checks every row
// against the records the view is built on: the columnar form must decode
// into the right values under the right names, across pages.
func TestEmulatorReports(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		customers int
		report    string
		opts      func(b *emuBundle) *connectwise.ReportOptions
		records   func(b *emuBundle) []map[string]any // the rows expected, in id order
		idCol     string
		cols      map[string]func(rec map[string]any) any // column → value from the record
		pages     int
	}{
		{name: "CompaniesOverTwoPages", customers: 1200, report: "Company", idCol: "Company_RecID", pages: 2,
			records: func(b *emuBundle) []map[string]any { return b.srv.Companies() },
			cols: map[string]func(map[string]any) any{
				"Company_ID":     func(r map[string]any) any { return r["identifier"] },
				"Company_Name":   func(r map[string]any) any { return r["name"] },
				"Company_Status": func(r map[string]any) any { return ref(r, "status", "name") },
				"Delete_Flag":    func(r map[string]any) any { return r["deletedFlag"] },
			}},
		{name: "CompanyByTrickyName", customers: 60, report: "Company", idCol: "Company_RecID", pages: 1,
			opts: func(*emuBundle) *connectwise.ReportOptions {
				return &connectwise.ReportOptions{Conditions: connectwise.Eq("Company_Name", "O'Brien & Söhne 100%"),
					Columns: []string{"Company_RecID", "Company_Name"}}
			},
			records: func(b *emuBundle) []map[string]any {
				var out []map[string]any
				for _, c := range b.srv.Companies() {
					if str(c, "name") == "O'Brien & Söhne 100%" {
						out = append(out, c)
					}
				}
				return out
			},
			cols: map[string]func(map[string]any) any{"Company_Name": func(r map[string]any) any { return r["name"] }}},
		{name: "AdditionsOfOneAgreement", customers: 60, report: "Agreement_Addition", idCol: "AGR_Detail_RecID", pages: 1,
			opts: func(b *emuBundle) *connectwise.ReportOptions {
				return &connectwise.ReportOptions{Conditions: connectwise.Eq("AGR_Header_RecID", firstAgreement(b))}
			},
			records: func(b *emuBundle) []map[string]any { return b.srv.Additions(firstAgreement(b)) },
			cols: map[string]func(map[string]any) any{
				"AGR_Header_RecID": func(r map[string]any) any { return r["agreementId"] },
				"Item_ID":          func(r map[string]any) any { return ref(r, "product", "identifier") },
				"Quantity":         func(r map[string]any) any { return r["quantity"] },
				"Unit_Price":       func(r map[string]any) any { return r["unitPrice"] },
				"Cancelled_Date":   func(r map[string]any) any { return r["cancelledDate"] },
				"Last_Update_UTC":  func(r map[string]any) any { return ref(r, "_info", "lastUpdated") },
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := startEmu(t, cwemu.Options{Customers: sample.Customers(tt.customers, 1)})
			if _, err := b.srv.Create("companies", 0, map[string]any{"identifier": "OBrienSoehne", "name": "O'Brien & Söhne 100%"}); err != nil {
				t.Fatal(err)
			}
			if _, err := b.srv.Create("companies", 0, map[string]any{"identifier": "OBrienSoehneX", "name": "O'Brien & Söhne 100X"}); err != nil {
				t.Fatal(err)
			}
			for _, q := range []float64{3, 12.5} {
				if _, err := b.srv.Create("additions", firstAgreement(b), map[string]any{"product": map[string]any{"identifier": "MSP-EDR-BUNDLE"},
					"billCustomer": "Billable", "quantity": q, "cancelledDate": "2026-02-28T00:00:00Z"}); err != nil {
					t.Fatal(err)
				}
			}
			var opts *connectwise.ReportOptions
			if tt.opts != nil {
				opts = tt.opts(b)
			}
			data, err := b.cw.Reports.Get(t.Context(), tt.report, opts)
			if err != nil {
				t.Fatalf("Reports.Get: %v", err)
			}
			want := tt.records(b)
			if len(want) == 0 || len(data.Rows) != len(want) {
				t.Fatalf("%d rows, want %d (non-zero)", len(data.Rows), len(want))
			}
			if opts != nil && len(opts.Columns) > 0 && len(data.Columns) != len(opts.Columns) {
				t.Errorf("columns %+v, want only %v", data.Columns, opts.Columns)
			}
			for i, row := range data.Rows {
				rec := want[i]
				if got := cell(row[tt.idCol]); got != cell(rec["id"]) {
					t.Fatalf("row %d: %s = %v, want id %v", i, tt.idCol, row[tt.idCol], rec["id"])
				}
				for col, from := range tt.cols {
					if got, exp := cell(row[col]), cell(from(rec)); got != exp {
						t.Errorf("row %d (id %v): %s = %q, want %q", i, rec["id"], col, got, exp)
					}
				}
			}
			if n := len(b.requests(http.MethodGet, "/system/reports/"+tt.report)); n != tt.pages {
				t.Errorf("%d report pages requested, want %d", n, tt.pages)
			}
			if n, err := b.cw.Reports.Count(t.Context(), tt.report, optsConditions(opts)); err != nil || n != len(want) {
				t.Errorf("Reports.Count = %d, %v; want %d", n, err, len(want))
			}
		})
	}
}

func optsConditions(o *connectwise.ReportOptions) connectwise.Condition {
	if o == nil {
		return connectwise.Condition{}
	}
	return o.Conditions
}

// cell prints a report or record value in one form, so that 3 (int64 from
// the report) equals 3.0 (float64 from the record) and a decoded time
// equals its RFC 3339 text.
func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case int64:
		return fmt.Sprint(float64(x))
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}
