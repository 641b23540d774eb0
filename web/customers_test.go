package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"centralpsa"
	"centralpsa/store"
)

// customersOut is GET /api/v1/customers.
type customersOut struct {
	Customers []CustomerRow `json:"customers"`
	Total     int           `json:"total"`
}

func (br *browser) customers(query string) customersOut {
	br.t.Helper()
	r := br.get("/api/v1/customers" + query)
	var out customersOut
	if r.status != 200 || json.Unmarshal([]byte(r.body), &out) != nil {
		br.t.Fatalf("customers%s: %d %s", query, r.status, r.body)
	}
	return out
}

// Auto-map runs as a task with progress; the filters narrow the list on
// the page and in the API alike; the bulk switches change only what they
// may.
func TestCustomersAutoMapFiltersAndBulk(t *testing.T) {
	t.Parallel()
	lb := setupLive(t, 12)
	br := lb.browser(t)
	csrf := br.signIn("admin", testPassword)

	r := br.post("/customers/bulk", url.Values{"csrf_token": {csrf}, "action": {"automap"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/tasks/") {
		t.Fatalf("automap: %d → %q", r.status, r.location())
	}
	task := br.waitTask(strings.TrimPrefix(r.location(), "/tasks/"))
	var am AutoMapResult
	if task.Status != taskDone || json.Unmarshal(task.Result, &am) != nil || am.Matched == 0 || task.Total != 12 || task.Done != 12 {
		t.Fatalf("automap task: %+v", task)
	}
	page := br.get(r.location())
	if !strings.Contains(page.body, "tenants mapped") || !strings.Contains(page.body, `href="/customers"`) {
		t.Fatalf("task page:\n%s", page.body)
	}

	all := br.customers("")
	if all.Total != 12 || len(all.Customers) != 12 {
		t.Fatalf("all: %d of %d", len(all.Customers), all.Total)
	}
	flex := br.customers("?show=usage")
	for _, c := range flex.Customers {
		if c.BillingType != "usage" {
			t.Fatalf("show=usage listed a %s tenant", c.BillingType)
		}
	}
	if len(flex.Customers) == 0 || len(flex.Customers) == 12 {
		t.Fatalf("show=usage kept %d of 12", len(flex.Customers))
	}
	first := all.Customers[0]
	if got := br.customers("?q=" + url.QueryEscape(strings.ToUpper(first.TenantName[:5]))); len(got.Customers) == 0 || got.Customers[0].TenantID != first.TenantID {
		t.Fatalf("search by name: %+v", got.Customers)
	}

	// A failed last sync with advice: the failed filter finds it and the
	// page shows the advice.
	runID, _ := lb.db.CreateRun(t.Context(), store.Run{Kind: store.RunKindUsage, Month: "2026-01"})
	_ = lb.db.AddRunResult(t.Context(), store.RunResult{RunID: runID, TenantID: first.TenantID, Status: store.ResultFailed,
		Message: "403 forbidden", Advice: "give the API member Finance > Agreements Edit"})
	_ = lb.db.FinishRun(t.Context(), runID, "partial", "")
	_ = lb.db.SetUsageStatus(t.Context(), first.TenantID, store.ResultFailed, "2026-01: 403 forbidden", lb.srv.now())
	failed := br.customers("?status=failed")
	if len(failed.Customers) != 1 || failed.Customers[0].LastUsageAdvice != "give the API member Finance > Agreements Edit" {
		t.Fatalf("status=failed: %+v", failed.Customers)
	}
	if ok := br.customers("?status=ok"); len(ok.Customers) != 0 {
		t.Fatalf("status=ok listed %d", len(ok.Customers))
	}
	page = br.get("/customers?status=failed")
	for _, want := range []string{"403 forbidden", "Finance &gt; Agreements Edit", "1 of 12 tenants shown."} {
		if !strings.Contains(page.body, want) {
			t.Errorf("filtered page lacks %q", want)
		}
	}
	wantAPIError(t, "bad filter", br.get("/api/v1/customers?status=maybe"), 400, centralpsa.KindInvalid)
	if page := br.get("/customers?status=maybe"); page.status != 200 || !strings.Contains(page.body, "status must be") {
		t.Errorf("a bad filter on the page: %d", page.status)
	}

	// Tickets on for a mapped and an unmapped tenant: one changes, one is
	// refused with the reason; tickets off for the mapped one.
	var mapped, unmapped CustomerRow
	for _, c := range all.Customers {
		if c.Mapped() && !c.Tickets && mapped.TenantID == "" {
			mapped = c
		}
		if !c.Mapped() && unmapped.TenantID == "" {
			unmapped = c
		}
	}
	task = br.waitTask(started(t, "tickets on", br.api("POST", "/api/v1/customers/bulk",
		apiBulkRequest{Action: "tickets_on", Tenants: []string{mapped.TenantID, unmapped.TenantID}}, csrf)).ID)
	var bulk BulkResult
	if json.Unmarshal(task.Result, &bulk) != nil || bulk.Changed != 1 || len(bulk.Failed) != 1 || bulk.Failed[0].TenantID != unmapped.TenantID ||
		!strings.Contains(bulk.Failed[0].Message, "needs a ConnectWise company") {
		t.Fatalf("tickets on: %s", task.Result)
	}
	if m, _ := lb.db.Mapping(t.Context(), mapped.TenantID); !m.TicketsEnabled || m.CompanyID != mapped.CompanyID {
		t.Fatalf("after tickets on: %+v", m)
	}
	r = br.post("/customers/bulk", url.Values{"csrf_token": {csrf}, "action": {"tickets_off"}, "tenant": {mapped.TenantID}})
	br.waitTask(strings.TrimPrefix(r.location(), "/tasks/"))
	if m, _ := lb.db.Mapping(t.Context(), mapped.TenantID); m.TicketsEnabled {
		t.Fatal("tickets off did not switch off")
	}
	wantStatus(t, "switch without tenants", br.post("/customers/bulk", url.Values{"csrf_token": {csrf}, "action": {"usage_on"}}), 400)
	wantAPIError(t, "unknown action", br.api("POST", "/api/v1/customers/bulk", apiBulkRequest{Action: "explode"}, csrf), 400, centralpsa.KindInvalid)
	task = br.waitTask(started(t, "dry automap", br.api("POST", "/api/v1/customers/automap", map[string]bool{"dryRun": true}, csrf)).ID)
	if json.Unmarshal(task.Result, &am) != nil || !am.DryRun || am.AlreadyMapped == 0 {
		t.Fatalf("dry-run automap: %s", task.Result)
	}
}

// Mapping one tenant on its page: search, pick a company, show its
// agreements (without JavaScript), save; a refused mapping shows the form
// again with the reason, and the API gives the same answer.
func TestCustomerMappingForm(t *testing.T) {
	t.Parallel()
	lb := setupLive(t, 12)
	br := lb.browser(t)
	csrf := br.signIn("admin", testPassword)
	br.waitTask(started(t, "refresh", br.api("POST", "/api/v1/customers/refresh", nil, csrf)).ID)
	cu := lb.customers[0]
	for _, c := range lb.customers {
		if c.CompanyName != "" && !c.Ambiguous {
			cu = c
			break
		}
	}
	path := "/customers/" + cu.TenantID

	page := br.get(path + "?q=" + url.QueryEscape(cu.CompanyName))
	m := regexp1(`<option value="(\d+)"[^>]*>` + htmlEscape(cu.CompanyName)).FindStringSubmatch(page.body)
	if page.status != 200 || m == nil {
		t.Fatalf("search page (%d) does not offer %q", page.status, cu.CompanyName)
	}
	company := m[1]
	// htmx's live search answers the options alone.
	frag := br.get("/lookup/companies?q=" + url.QueryEscape(cu.CompanyName))
	if strings.Contains(frag.body, "<html") || !strings.Contains(frag.body, `value="`+company+`"`) {
		t.Fatalf("company fragment:\n%s", frag.body)
	}
	agr := br.get("/lookup/agreements?company=" + company)
	if strings.Contains(agr.body, "<html") || !strings.Contains(agr.body, "Automatic") {
		t.Fatalf("agreement fragment:\n%s", agr.body)
	}
	// "Show agreements" lists them and saves nothing.
	r := br.post(path, url.Values{"csrf_token": {csrf}, "company": {company}, "op": {"agreements"}})
	if r.status != 200 || !strings.Contains(r.body, `id="agreement"`) {
		t.Fatalf("show agreements: %d", r.status)
	}
	if m, _ := lb.db.Mapping(t.Context(), strings.ToLower(cu.TenantID)); m.Mapped() {
		t.Fatal("show agreements saved the mapping")
	}

	// An agreement of another company is refused, with the reason.
	other := otherAgreement(t, lb, company)
	r = br.post(path, url.Values{"csrf_token": {csrf}, "company": {company}, "agreement": {other}, "usage": {"on"}})
	if r.status != 400 || !strings.Contains(r.body, `role="alert"`) {
		t.Fatalf("foreign agreement: %d\n%s", r.status, r.body)
	}
	wantAPIError(t, "API: foreign agreement", br.api("PUT", "/api/v1/customers/"+cu.TenantID,
		map[string]any{"companyId": atoi(company), "agreementId": atoi(other)}, csrf), 400, centralpsa.KindInvalid)
	wantAPIError(t, "API: unknown company", br.api("PUT", "/api/v1/customers/"+cu.TenantID,
		map[string]any{"companyId": 999999}, csrf), 404, centralpsa.KindNotFound)
	wantStatus(t, "unknown tenant page", br.get("/customers/no-such-tenant"), 404)

	// The company's own agreement is accepted.
	var agreements struct{ Choices []Choice }
	_ = json.Unmarshal([]byte(br.get("/api/v1/lookup/agreements?company="+company).body), &agreements)
	if len(agreements.Choices) == 0 {
		t.Skip("the sample company has no active agreement")
	}
	r = br.post(path, url.Values{"csrf_token": {csrf}, "company": {company}, "agreement": {itoa(agreements.Choices[0].ID)}, "usage": {"on"}})
	if r.status != http.StatusSeeOther || r.location() != "/customers?saved=1" {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	got, _ := lb.db.Mapping(t.Context(), strings.ToLower(cu.TenantID))
	if itoa(got.CompanyID) != company || got.AgreementID != agreements.Choices[0].ID || !got.UsageEnabled || got.TicketsEnabled {
		t.Fatalf("stored %+v", got)
	}
	if page := br.get("/customers?saved=1"); !strings.Contains(page.body, "Mapping saved.") {
		t.Fatal("no flash after saving")
	}
}

// otherAgreement returns an active agreement of a company other than
// company.
func otherAgreement(t *testing.T, lb *liveBundle, company string) string {
	t.Helper()
	for _, a := range lb.cw.Agreements() {
		ref, _ := a["company"].(map[string]any)
		if ref != nil && itoa(int64(ref["id"].(float64))) != company && a["agreementStatus"] == "Active" {
			return itoa(int64(a["id"].(float64)))
		}
	}
	t.Fatal("no other agreement")
	return ""
}
