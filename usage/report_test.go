package usage

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func reportInput() Input {
	in := testInput()
	in.Tenants = append(in.Tenants, Tenant{ID: "t3", Name: "=HYPERLINK(\"x\")", BillingType: "usage"}, Tenant{ID: "t4", Name: "Trialist", BillingType: "trial"})
	in.Mappings = append(in.Mappings, Mapping{TenantID: "t3", CompanyID: 1, AgreementID: 10, UsageEnabled: true})
	in.Lines = []Line{
		line("t1", "CIXA-MSP", 2), line("t3", "CIXA-MSP", 3), line("t4", "CIXA-MSP", 1),
		line("t2", "CIXA-MSP", 4), line("", "CDE-MSP", 6),
	}
	in.Additions = []Addition{
		{ID: 1, AgreementID: 10, CatalogIdentifier: "Sophos_Intercept_X_Advanced", Quantity: 4},
		{ID: 2, AgreementID: 10, CatalogIdentifier: "Sophos_Intercept_X_Advanced_XDR", Quantity: 1},
		{ID: 3, AgreementID: 20, CatalogIdentifier: "Sophos_Intercept_X_Advanced", Quantity: 4},
	}
	return in
}

func TestPlanReport(t *testing.T) {
	t.Parallel()
	p := mustPlan(t, reportInput())
	type row struct {
		Tenant, Product, Ident string
		Agreement              int64
		Sophos, Before, After  int64
		Action                 Action
		Code                   SkipCode
	}
	var got []row
	for _, r := range p.Report {
		if r.Reason == "" {
			t.Errorf("row %+v has no reason", r)
		}
		got = append(got, row{r.TenantID, r.ProductCode, r.CatalogIdentifier, r.AgreementID, r.SophosQuantity, r.Before, r.After, r.Action, r.Code})
	}
	want := []row{
		{"", "", "Sophos_Intercept_X_Advanced_XDR", 10, 0, 1, 0, ActionZero, ""},
		{"", "CDE-MSP", "Sophos_Device_Encryption", 0, 6, 0, 0, ActionSkip, SkipNoAccountID},
		{"t3", "CIXA-MSP", "Sophos_Intercept_X_Advanced", 10, 3, 4, 5, ActionUpdate, ""}, // "=" sorts before letters
		{"t1", "CIXA-MSP", "Sophos_Intercept_X_Advanced", 10, 2, 4, 5, ActionUpdate, ""},
		{"t2", "CIXA-MSP", "Sophos_Intercept_X_Advanced", 20, 4, 4, 4, ActionUnchanged, ""},
		{"t4", "CIXA-MSP", "Sophos_Intercept_X_Advanced", 0, 1, 0, 0, ActionSkip, SkipNotUsageBilled},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if r := p.Report[3]; r.CompanyName != "Acme Ltd" || r.AgreementName != "Acme MSP" || !strings.Contains(r.Reason, "summed over 2 tenants") {
		t.Errorf("shared row lacks names or aggregation note: %+v", r)
	}
}

func TestWriteCSV(t *testing.T) {
	t.Parallel()
	p := mustPlan(t, reportInput())
	var buf bytes.Buffer
	if err := WriteCSV(&buf, p.Month, p.Report); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse back: %v", err)
	}
	if diff := cmp.Diff(csvHeader, recs[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if len(recs) != len(p.Report)+1 {
		t.Fatalf("%d records for %d rows", len(recs), len(p.Report))
	}
	t3 := recs[3]
	want := []string{"2026-03", "t3", `'=HYPERLINK("x")`, "1", "Acme Ltd", "10", "Acme MSP", "CIXA-MSP", "Sophos_Intercept_X_Advanced", "1", "3", "4", "5", "update"}
	if diff := cmp.Diff(want, t3[:len(want)]); diff != "" {
		t.Errorf("row (-want +got):\n%s", diff)
	}
	if recs[1][5] != "10" || recs[2][5] != "" {
		t.Errorf("agreement ids: zero should be blank, got %q and %q", recs[1][5], recs[2][5])
	}
}

func TestWriteJSON(t *testing.T) {
	t.Parallel()
	p := mustPlan(t, reportInput())
	var buf bytes.Buffer
	if err := WriteJSON(&buf, p.Month, p.Report); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("JSON does not parse back: %v", err)
	}
	if diff := cmp.Diff(Report{Month: p.Month, Rows: p.Report}, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	buf.Reset()
	if err := WriteJSON(&buf, march, nil); err != nil || !strings.Contains(buf.String(), `"rows": []`) {
		t.Errorf("empty report = %q, %v; want an empty rows list", buf.String(), err)
	}
}

// TestPlanJSONRoundTrip: a stored plan (the dry run the user approved)
// reads back equal, hash included.
func TestPlanJSONRoundTrip(t *testing.T) {
	t.Parallel()
	p := mustPlan(t, reportInput())
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Plan
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if !bytes.Contains(b, []byte(`"month":"2026-03"`)) {
		t.Errorf("month not written as YYYY-MM: %s", b[:60])
	}
}
