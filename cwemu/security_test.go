package cwemu_test

import (
	"net/http"
	"strings"
	"testing"

	"centralpsa/cwemu"
)

// TestRoleFunctions takes one level away at a time and checks that exactly
// the calls governed by it (connectwise-api.md §11) answer 403, while the
// full role lets them through.
func TestRoleFunctions(t *testing.T) {
	t.Parallel()
	closeTicket := []any{map[string]any{"op": "replace", "path": "status", "value": map[string]any{"name": "Closed"}}}
	summary := []any{map[string]any{"op": "replace", "path": "summary", "value": "Printer offline"}}
	quantity := []any{map[string]any{"op": "replace", "path": "quantity", "value": 11}}
	price := []any{map[string]any{"op": "replace", "path": "price", "value": 13}}
	tests := []struct {
		fn           cwemu.Function
		access       cwemu.Access
		method, path string
		body         any
	}{
		{cwemu.FnCompanyMaintenance, cwemu.Inquire, http.MethodGet, "/company/companies", nil},
		{cwemu.FnCompanyMaintenance, cwemu.Inquire, http.MethodGet, "/company/companies/count", nil},
		{cwemu.FnCompanyMaintenance, cwemu.Inquire, http.MethodGet, "/company/companies/250", nil},
		{cwemu.FnAgreements, cwemu.Inquire, http.MethodGet, "/finance/agreements", nil},
		{cwemu.FnAgreements, cwemu.Inquire, http.MethodGet, "/finance/agreements/600/additions", nil},
		{cwemu.FnAgreements, cwemu.Add, http.MethodPost, "/finance/agreements/600/additions", map[string]any{"product": map[string]any{"id": 40}, "billCustomer": "Billable"}},
		{cwemu.FnAgreements, cwemu.Edit, http.MethodPatch, "/finance/agreements/600/additions/7000", quantity},
		{cwemu.FnProductCatalog, cwemu.Inquire, http.MethodGet, "/procurement/catalog/count", nil},
		{cwemu.FnProductCatalog, cwemu.Add, http.MethodPost, "/procurement/catalog", catalogItem("Sophos_Device_Encryption")},
		{cwemu.FnProductCatalog, cwemu.Edit, http.MethodPatch, "/procurement/catalog/40", price},
		{cwemu.FnTableSetup, cwemu.Inquire, http.MethodGet, "/service/boards/count", nil},
		{cwemu.FnTableSetup, cwemu.Inquire, http.MethodGet, "/service/boards/2/statuses", nil},
		{cwemu.FnTableSetup, cwemu.Inquire, http.MethodGet, "/service/priorities", nil},
		{cwemu.FnTableSetup, cwemu.Inquire, http.MethodGet, "/service/sources", nil},
		{cwemu.FnTableSetup, cwemu.Inquire, http.MethodGet, "/procurement/subcategories/", nil},
		{cwemu.FnTableSetup, cwemu.Inquire, http.MethodGet, "/finance/agreements/types", nil},
		{cwemu.FnTableSetup, cwemu.Inquire, http.MethodGet, "/system/integratorlogins/count", nil},
		{cwemu.FnTableSetup, cwemu.Add, http.MethodPost, "/procurement/manufacturers", map[string]any{"name": "Sophos Ltd"}},
		{cwemu.FnMemberMaintenance, cwemu.Inquire, http.MethodGet, "/system/members/count", nil},
		{cwemu.FnMemberMaintenance, cwemu.Inquire, http.MethodGet, "/system/apiMembers", nil},
		{cwemu.FnServiceTickets, cwemu.Inquire, http.MethodGet, "/service/tickets/count", nil},
		{cwemu.FnServiceTickets, cwemu.Inquire, http.MethodPost, "/service/tickets/search", map[string]any{"conditions": "id > 0"}},
		{cwemu.FnServiceTickets, cwemu.Inquire, http.MethodGet, "/service/tickets/1500/notes", nil},
		{cwemu.FnServiceTickets, cwemu.Add, http.MethodPost, "/service/tickets", map[string]any{"summary": "x", "company": map[string]any{"id": 250}}},
		{cwemu.FnServiceTickets, cwemu.Edit, http.MethodPatch, "/service/tickets/1500", summary},
		{cwemu.FnCloseServiceTickets, cwemu.Edit, http.MethodPatch, "/service/tickets/1500", closeTicket},
		{cwemu.FnAPIReports, cwemu.Inquire, http.MethodGet, "/system/reports?pageSize=1", nil},
		{cwemu.FnAPIReports, cwemu.Inquire, http.MethodGet, "/system/reports/Company/count", nil},
	}
	for _, tt := range tests {
		t.Run(tt.fn.Name+"/"+tt.access.String()+"/"+tt.method+tt.path, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.srv.SetRole(cwemu.FullRole().Without(tt.fn, tt.access))
			r := b.do(t, tt.method, tt.path, tt.body)
			env := r.object(t)
			if r.status != http.StatusForbidden || env["code"] != "Forbidden" || !strings.Contains(env["message"].(string), tt.fn.Name) {
				t.Fatalf("without %s %s: %d %s, want 403 naming the function", tt.fn.Name, tt.access, r.status, r.body)
			}
			b.srv.SetRole(cwemu.FullRole())
			if r := b.do(t, tt.method, tt.path, tt.body); r.status >= 300 {
				t.Errorf("with the full role: %d %s", r.status, r.body)
			}
		})
	}
}

func TestRoleDefaults(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, p := range []string{"/system/securityroles", "/system/securityRoles/2/settings", "/company/contacts"} {
		if r := b.do(t, http.MethodGet, p, nil); r.status != http.StatusForbidden {
			t.Errorf("GET %s with the integration's role: %d, want 403 (not in the checklist)", p, r.status)
		}
	}
	for _, p := range []string{"/system/myMembers", "/system/mySecurity", "/system/mySecurity/customizeItems/", "/system/info"} {
		if r := b.do(t, http.MethodGet, p, nil); r.status != http.StatusOK {
			t.Errorf("GET %s: %d %s", p, r.status, r.body)
		}
	}
}

func TestMyLevelNarrows(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.srv.SetLevel(cwemu.FnServiceTickets, cwemu.Levels{Add: cwemu.All, Edit: cwemu.My, Inquire: cwemu.My})
	if n := b.get(t, "/service/tickets/count").object(t)["count"]; n != 0.0 {
		t.Errorf("My sees %v seeded tickets, want 0", n)
	}
	b.do(t, http.MethodPost, "/service/tickets", map[string]any{"summary": "mine", "company": map[string]any{"id": 250}})
	if list := b.get(t, "/service/tickets").list(t); len(list) != 1 || list[0]["summary"] != "mine" {
		t.Errorf("My list = %v", list)
	}
	patch := []any{map[string]any{"op": "replace", "path": "summary", "value": "theirs"}}
	if r := b.do(t, http.MethodPatch, "/service/tickets/1500", patch); r.status != http.StatusForbidden {
		t.Errorf("editing someone else's ticket at My: %d", r.status)
	}
}

func TestMySecurity(t *testing.T) {
	t.Parallel()
	b := setup(t)
	role := cwemu.FullRole().Without(cwemu.FnAgreements, cwemu.Add)
	role.Customize = map[cwemu.Function][]string{cwemu.FnTableSetup: {"Service / Service Board"}}
	b.srv.SetRole(role)
	rows := b.get(t, q("/system/mySecurity", "conditions", `moduleFunctionName="Agreements"`)).list(t)
	if len(rows) != 1 || rows[0]["addLevel"] != "None" || rows[0]["inquireLevel"] != "All" || rows[0]["moduleName"] != "Finance" ||
		ref(rows[0]["member"], "identifier") != "centralpsa" {
		t.Errorf("Agreements row = %v", rows)
	}
	items := b.get(t, "/system/mySecurity/customizeItems/").list(t)
	if len(items) != 1 || items[0]["itemIdentifier"] != "Service / Service Board" {
		t.Errorf("customize items = %v", items)
	}
	if r := b.do(t, http.MethodGet, "/service/boards", nil); r.status != http.StatusOK {
		t.Errorf("allowed table: %d", r.status)
	}
	if r := b.do(t, http.MethodGet, "/service/priorities", nil); r.status != http.StatusForbidden {
		t.Errorf("table outside the Customize list: %d", r.status)
	}
	settings := b.srv.Role()
	if settings.Level(cwemu.FnAgreements, cwemu.Add) != cwemu.None || settings.Level(cwemu.FnAgreements, cwemu.Edit) != cwemu.All {
		t.Errorf("Role() = %+v", settings.Levels[cwemu.FnAgreements])
	}
}

func TestMySecurityDisabledAndLicense(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *cwemu.Options) { o.MySecurityDisabled = true; o.LicenseClass = "F"; o.NoIntegratorLogins = true })
	for _, p := range []string{"/system/mySecurity", "/system/mySecurity/customizeItems/"} {
		if r := b.do(t, http.MethodGet, p, nil); r.status != http.StatusForbidden {
			t.Errorf("GET %s: %d, want 403", p, r.status)
		}
	}
	me := b.get(t, "/system/myMembers").object(t)
	if me["licenseClass"] != "F" || ref(me["securityRole"], "name") != "centralpsa API" {
		t.Errorf("myMembers = %v", me)
	}
	if n := b.get(t, "/system/integratorlogins/count").object(t)["count"]; n != 0.0 {
		t.Errorf("integrator logins = %v, want 0", n)
	}
}

func TestReports(t *testing.T) {
	t.Parallel()
	b := setup(t)
	names := b.get(t, "/system/reports").list(t)
	if len(names) < 3 || names[0]["name"] == nil {
		t.Fatalf("reports = %v", names)
	}
	var rep struct {
		ColumnDefinitions []map[string]struct {
			Type       string
			IsNullable bool
		} `json:"column_definitions"`
		RowValues [][]any `json:"row_values"`
	}
	b.get(t, q("/system/reports/company", "conditions", `Company_ID = "CedarDental2"`, "columns", "Company_RecID,Company_Name")).json(t, &rep)
	if len(rep.ColumnDefinitions) != 2 || rep.ColumnDefinitions[0]["Company_RecID"].Type != "Numeric" ||
		len(rep.RowValues) != 1 || rep.RowValues[0][1] != "Cedar  Dental" {
		t.Errorf("report = %+v", rep)
	}
	if r := b.do(t, http.MethodGet, "/system/reports/NoSuchReport", nil); r.status != http.StatusNotFound {
		t.Errorf("unknown report: %d", r.status)
	}
}
