package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"centralpsa/customers"
	"centralpsa/mapping"
	"centralpsa/sample"
)

// demoCompany returns the id of the demo site's company with name.
func demoCompany(t *testing.T, d *demoEnv, name string) int64 {
	t.Helper()
	for _, c := range d.cw.Companies() {
		if c["name"] == name {
			return int64(c["id"].(float64))
		}
	}
	t.Fatalf("no company %q", name)
	return 0
}

func mapRows(t *testing.T, env map[string]string) []customers.Row {
	t.Helper()
	code, out, errOut := cli(t, env, "map", "list", "--json")
	if code != 0 {
		t.Fatalf("map list --json: exit %d: %s", code, errOut)
	}
	var rows []customers.Row
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("map list --json: %v\n%s", err, out)
	}
	return rows
}

func TestMapCommands(t *testing.T) {
	t.Parallel()
	d, env := demoEnvVars(t)
	matchable := 0
	for _, c := range sample.Customers(20, 1) {
		if c.CompanyName != "" && !c.Ambiguous {
			matchable++
		}
	}
	if code, out, _ := cli(t, env, "map", "list"); code != 0 || !strings.Contains(out, "no tenants yet") {
		t.Fatalf("empty list: %d %q", code, out)
	}

	code, out, errOut := cli(t, env, "map", "auto", "--dry-run", "--json")
	if code != 0 {
		t.Fatalf("dry run: exit %d: %s", code, errOut)
	}
	var sugg []mapping.Suggestion
	if err := json.Unmarshal([]byte(out), &sugg); err != nil {
		t.Fatal(err)
	}
	if n := statusCount(sugg, mapping.StatusMatched); len(sugg) != 20 || n != matchable {
		t.Fatalf("dry run: %d suggestions, %d matched; want 20 and %d", len(sugg), n, matchable)
	}
	if rows := mapRows(t, env); len(rows) != 0 {
		t.Fatalf("dry run stored %d tenants", len(rows))
	}

	// A manual mapping with tickets on, made before auto-mapping.
	manual := ""
	for _, s := range sugg {
		if s.Status == mapping.StatusMatched {
			manual = s.TenantID
			break
		}
	}
	internal := demoCompany(t, d, "Internal IT")
	code, out, errOut = cli(t, env, "map", "set", "--tenant", manual, "--company", fmt.Sprint(internal), "--tickets=true")
	if code != 0 || !strings.Contains(out, "Internal IT") || !strings.Contains(out, "tickets on") {
		t.Fatalf("map set: exit %d\n%s%s", code, out, errOut)
	}

	code, out, errOut = cli(t, env, "map", "auto")
	if want := fmt.Sprintf("mapped %d, already mapped 1, ambiguous 2", matchable-1); code != 0 || !strings.Contains(out, want) || !strings.Contains(out, "candidate: --company") {
		t.Fatalf("map auto: exit %d, want %q\n%s%s", code, want, out, errOut)
	}
	rows := mapRows(t, env)
	mapped := 0
	for _, r := range rows {
		if r.Mapped() {
			mapped++
		}
		if r.TenantID == manual && (r.CompanyID != internal || !r.Tickets) {
			t.Errorf("manual mapping overwritten: %+v", r)
		}
		if r.TenantID != manual && r.Tickets {
			t.Errorf("%s: tickets on by default", r.TenantName)
		}
	}
	if len(rows) != 20 || mapped != matchable {
		t.Fatalf("%d rows, %d mapped; want 20 and %d", len(rows), mapped, matchable)
	}

	// The JSON shape the console and scripts rely on.
	_, out, _ = cli(t, env, "map", "list", "--json")
	var raw []map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	keys := []string{"tenantId", "tenantName", "billingType", "usage", "tickets"}
	for _, r := range raw {
		want := keys
		if r["tenantId"] == manual {
			want = append(keys, "companyId", "companyName")
		}
		for _, k := range want {
			if _, ok := r[k]; !ok {
				t.Errorf("map list --json lacks %q: %v", k, r)
			}
		}
	}
	if code, out, _ := cli(t, env, "map", "list"); code != 0 || !strings.Contains(out, "TENANT ID") || !strings.Contains(out, "Internal IT") {
		t.Fatalf("map list: %d\n%s", code, out)
	}

	code, out, _ = cli(t, env, "map", "auto", "--json")
	if err := json.Unmarshal([]byte(out), &sugg); err != nil || code != 0 {
		t.Fatalf("second map auto: %d %v", code, err)
	}
	if n := statusCount(sugg, mapping.StatusMatched); n != 0 {
		t.Fatalf("second map auto matched %d again", n)
	}
	if code, out, _ := cli(t, env, "map", "refresh"); code != 0 || !strings.Contains(out, "20 tenants (0 new, 0 updated)") {
		t.Fatalf("map refresh: %d %q", code, out)
	}
	if w := d.cw.Log().Writes(); len(w) != 0 {
		t.Fatalf("map commands wrote to ConnectWise: %+v", w)
	}
}

func TestMapSetErrors(t *testing.T) {
	t.Parallel()
	d, env := demoEnvVars(t)
	tenant := d.sophos.Tenants()[0].ID
	var cancelledCo, cancelledAg, otherAg int64
	for _, a := range d.cw.Agreements() {
		co := int64(a["company"].(map[string]any)["id"].(float64))
		if a["cancelledFlag"] == true {
			cancelledCo, cancelledAg = co, int64(a["id"].(float64))
		} else if otherAg == 0 {
			otherAg = int64(a["id"].(float64))
		}
	}
	internal := fmt.Sprint(demoCompany(t, d, "Internal IT"))
	deleted := fmt.Sprint(demoCompany(t, d, "Old Ventures Ltd"))
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"NoSubcommand", []string{"map"}, 2, "usage"},
		{"UnknownSubcommand", []string{"map", "zap"}, 2, "unknown map command"},
		{"MissingTenant", []string{"map", "set", "--company", internal}, 2, "tenant id is required"},
		{"BadSwitch", []string{"map", "set", "--tenant", tenant, "--company", internal, "--usage=maybe"}, 2, "usage"},
		{"UnknownTenant", []string{"map", "set", "--tenant", "no-such-tenant", "--company", internal}, 1, "unknown tenant"},
		{"UnknownCompany", []string{"map", "set", "--tenant", tenant, "--company", "424242"}, 1, "unknown company 424242"},
		{"DeletedCompany", []string{"map", "set", "--tenant", tenant, "--company", deleted}, 2, "deleted"},
		{"AgreementOfAnotherCompany", []string{"map", "set", "--tenant", tenant, "--company", internal, "--agreement", fmt.Sprint(otherAg)}, 2, "belongs to company"},
		{"CancelledAgreement", []string{"map", "set", "--tenant", tenant, "--company", fmt.Sprint(cancelledCo), "--agreement", fmt.Sprint(cancelledAg)}, 2, "cancelled"},
	}
	for _, tt := range tests {
		code, out, errOut := cli(t, env, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.msg) {
			t.Errorf("%s: exit %d, stderr %q; want %d mentioning %q (stdout %q)", tt.name, code, errOut, tt.code, tt.msg, out)
		}
	}
	for _, r := range mapRows(t, env) {
		if r.Mapped() {
			t.Fatalf("a refused map set stored %+v", r)
		}
	}
}

func TestMapNeedsSettings(t *testing.T) {
	t.Parallel()
	env := map[string]string{"CENTRALPSA_DB": filepath.Join(t.TempDir(), "c.db"), "CENTRALPSA_CW_PRIVATE_KEY": "HiddenKey123"}
	code, _, errOut := cli(t, env, "map", "auto")
	if code != 2 || !strings.Contains(errOut, "cw.url") || !strings.Contains(errOut, "cw.company") {
		t.Fatalf("exit %d, want 2 naming the missing keys:\n%s", code, errOut)
	}
	if strings.Contains(errOut, "HiddenKey123") {
		t.Fatal("the private key was printed")
	}
}

func TestProductsCommands(t *testing.T) {
	t.Parallel()
	_, env := demoEnvVars(t)
	code, out, errOut := cli(t, env, "products", "list", "--json")
	if code != 0 {
		t.Fatalf("products list: exit %d: %s", code, errOut)
	}
	var list customers.ProductList
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	if list.Month == "" || len(list.Products) < 14 {
		t.Fatalf("month %q, %d products", list.Month, len(list.Products))
	}
	steps := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"products", "set", "--code", "CIXA-MSP", "--catalog", "NOPE-ITEM"}, 1, "no ConnectWise catalog item"},
		{[]string{"products", "set", "--code", "CIXA-MSP", "--catalog", "LEGACY-AV-SEAT"}, 2, "inactive"},
		{[]string{"products", "set", "--catalog", "MSP-EDR-BUNDLE"}, 2, "product code is required"},
		{[]string{"products", "bogus"}, 2, "unknown products command"},
		{[]string{"products", "set", "--code", "CIXA-MSP", "--catalog", "MSP-EDR-BUNDLE"}, 0, "source user"},
		{[]string{"products", "list"}, 0, "MSP-EDR-BUNDLE"},
	}
	for _, s := range steps {
		code, out, errOut := cli(t, env, s.args...)
		if code != s.code || !strings.Contains(out+errOut, s.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s%s", s.args, code, s.code, s.want, out, errOut)
		}
	}
	_, out, _ = cli(t, env, "products", "list", "--json")
	var raw struct {
		Month    string           `json:"month"`
		Products []map[string]any `json:"products"`
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	for _, p := range raw.Products {
		if p["code"] == "CIXA-MSP" && (p["source"] != "user" || p["catalogIdentifier"] != "MSP-EDR-BUNDLE" || p["inConnectWise"] != true) {
			t.Errorf("override row: %v", p)
		}
	}
}

func statusCount(sugg []mapping.Suggestion, st mapping.Status) int {
	n := 0
	for _, s := range sugg {
		if s.Status == st {
			n++
		}
	}
	return n
}
