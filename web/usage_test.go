package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/store"
	"centralpsa/usage"
)

// taskOut is a task as the API returns it.
type taskOut struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
	Done   int    `json:"done"`
	Total  int    `json:"total"`
	Link   string `json:"link"`
	Error  *struct {
		Code    centralpsa.Kind `json:"code"`
		Message string          `json:"message"`
	} `json:"error"`
	Result json.RawMessage `json:"result"`
}

// waitTask polls the task through the API until it has finished, for at
// most ten seconds.
func (br *browser) waitTask(id string) taskOut {
	br.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := br.get("/api/v1/tasks/" + id)
		var t taskOut
		if err := json.Unmarshal([]byte(r.body), &t); err != nil || r.status != 200 {
			br.t.Fatalf("GET task %s: %d %s", id, r.status, r.body)
		}
		if t.Status != taskRunning {
			return t
		}
		if time.Now().After(deadline) {
			br.t.Fatalf("task %s still running: %+v", id, t)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// started decodes a 202 answer that started a task.
func started(t *testing.T, what string, r response) taskOut {
	t.Helper()
	var task taskOut
	if r.status != http.StatusAccepted || json.Unmarshal([]byte(r.body), &task) != nil || task.ID == "" ||
		r.header.Get("Location") != "/api/v1/tasks/"+task.ID {
		t.Fatalf("%s: %d %s (Location %q)", what, r.status, r.body, r.header.Get("Location"))
	}
	return task
}

// mapOne refreshes the tenants and maps the first MSP Flex customer that
// ConnectWise has, through the API; it returns the tenant id.
func (lb *liveBundle) mapOne(t *testing.T, br *browser, csrf string) string {
	t.Helper()
	task := br.waitTask(started(t, "refresh", br.api("POST", "/api/v1/customers/refresh", nil, csrf)).ID)
	if task.Status != taskDone {
		t.Fatalf("refresh: %+v", task)
	}
	for _, c := range lb.customers {
		if c.BillingType != "usage" || c.CompanyName == "" || c.Ambiguous {
			continue
		}
		var found struct{ Choices []Choice }
		r := br.get("/api/v1/lookup/companies?q=" + url.QueryEscape(c.CompanyName))
		if json.Unmarshal([]byte(r.body), &found) != nil || len(found.Choices) == 0 {
			t.Fatalf("company search for %q: %d %s", c.CompanyName, r.status, r.body)
		}
		var agreements struct{ Choices []Choice }
		r = br.get("/api/v1/lookup/agreements?company=" + itoa(found.Choices[0].ID))
		if json.Unmarshal([]byte(r.body), &agreements) != nil || len(agreements.Choices) == 0 {
			continue // no active agreement: try the next customer
		}
		r = br.api("PUT", "/api/v1/customers/"+c.TenantID, map[string]any{"companyId": found.Choices[0].ID,
			"agreementId": agreements.Choices[0].ID, "usage": true}, csrf)
		wantStatus(t, "map "+c.TenantName, r, 200)
		return strings.ToLower(c.TenantID)
	}
	t.Fatal("no mappable customer in the sample")
	return ""
}

type planOut struct {
	Month    string     `json:"month"`
	PlanHash string     `json:"planHash"`
	Empty    bool       `json:"empty"`
	Plan     usage.Plan `json:"plan"`
}

func (br *browser) plan(month string) planOut {
	br.t.Helper()
	r := br.get("/api/v1/usage/plan?month=" + month)
	var p planOut
	if r.status != 200 || json.Unmarshal([]byte(r.body), &p) != nil {
		br.t.Fatalf("plan: %d %s", r.status, r.body)
	}
	return p
}

// Applying a plan that went stale (Sophos changed after the preview) is
// refused: the task fails with a conflict, carries the fresh plan (the
// API's result and the task page both show it), and nothing is written to
// ConnectWise or the database. The fresh plan then applies.
func TestApplyStalePlanRefused(t *testing.T) {
	t.Parallel()
	lb := setupLive(t, 12)
	br := lb.browser(t)
	csrf := br.signIn("admin", testPassword)
	tenant := lb.mapOne(t, br, csrf)

	shown := br.plan("")
	var op usage.Op
	for _, o := range shown.Plan.Ops {
		if o.Kind == usage.OpCreateAddition && len(o.Tenants) == 1 && o.Tenants[0] == tenant {
			op = o
		}
	}
	if op.Key == "" {
		t.Fatalf("the plan has no addition for tenant %s: %+v", tenant, shown.Plan.Ops)
	}
	m, _ := usage.ParseMonth(shown.Month)
	lb.so.SetUsageIn(m.Year, m.Month, tenant, op.ProductCodes[0], op.New+5)

	runsBefore, _ := lb.db.Runs(t.Context(), "", 100)
	auditBefore, _ := lb.db.Audit(t.Context(), store.AuditFilter{})
	lb.cw.Log().Reset()
	task := br.waitTask(started(t, "apply", br.api("POST", "/api/v1/usage/apply", applyRequest{shown.Month, shown.PlanHash}, csrf)).ID)
	if task.Status != taskFailed || task.Error == nil || task.Error.Code != centralpsa.KindConflict || !strings.Contains(task.Error.Message, "changed since it was reviewed") {
		t.Fatalf("stale apply: %+v", task)
	}
	var fresh struct {
		DryRun bool       `json:"dryRun"`
		Plan   usage.Plan `json:"plan"`
	}
	if err := json.Unmarshal(task.Result, &fresh); err != nil || !fresh.DryRun || fresh.Plan.Hash == shown.PlanHash {
		t.Fatalf("the refused task lacks the fresh plan: %v %s", err, task.Result)
	}
	if !hasOp(fresh.Plan, op.Key, op.New+5) {
		t.Fatalf("the fresh plan does not bill the new quantity %d: %+v", op.New+5, fresh.Plan.Ops)
	}
	if w := lb.cw.Log().Writes(); len(w) != 0 {
		t.Fatalf("a refused apply wrote to ConnectWise: %v", w)
	}
	runsAfter, _ := lb.db.Runs(t.Context(), "", 100)
	auditAfter, _ := lb.db.Audit(t.Context(), store.AuditFilter{})
	if len(runsAfter) != len(runsBefore) || len(auditAfter) != len(auditBefore) {
		t.Fatalf("a refused apply recorded runs (%d → %d) or audit entries (%d → %d)", len(runsBefore), len(runsAfter), len(auditBefore), len(auditAfter))
	}

	// The task page says so and offers the fresh plan with its own hash.
	page := br.get("/tasks/" + task.ID)
	for _, want := range []string{"Nothing was applied.", "The plan as it is now", `name="plan_hash" value="` + fresh.Plan.Hash + `"`,
		strings.TrimSpace(strings.Split(op.CatalogIdentifier, " ")[0])} {
		if !strings.Contains(page.body, want) {
			t.Errorf("task page lacks %q", want)
		}
	}
	if strings.Contains(page.body, "hx-trigger") || strings.Contains(page.body, `http-equiv="refresh"`) {
		t.Error("a finished task page still polls")
	}

	// Applying the fresh plan from the form works.
	r := br.post("/usage/apply", url.Values{"csrf_token": {csrf}, "month": {shown.Month}, "plan_hash": {fresh.Plan.Hash}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/tasks/") {
		t.Fatalf("apply form: %d → %q", r.status, r.location())
	}
	done := br.waitTask(strings.TrimPrefix(r.location(), "/tasks/"))
	if done.Status != taskDone || !strings.HasPrefix(done.Link, "/runs/") || done.Total == 0 || done.Done != done.Total {
		t.Fatalf("apply: %+v", done)
	}
	if len(lb.cw.Log().Writes()) == 0 {
		t.Fatal("the fresh plan wrote nothing")
	}
	run := br.get(done.Link)
	if run.status != 200 || !strings.Contains(run.body, `class="status ok">ok`) {
		t.Fatalf("run page: %d", run.status)
	}
	checkReport(t, br, done.Link, shown.Month, op.New+5)
}

func hasOp(p usage.Plan, key string, qty int64) bool {
	for _, o := range p.Ops {
		if o.Key == key && o.New == qty {
			return true
		}
	}
	return false
}

// checkReport downloads the run's CSV from the page and the API.
func checkReport(t *testing.T, br *browser, runLink, month string, qty int64) {
	t.Helper()
	for _, p := range []string{runLink + "/report.csv", "/api/v1" + runLink + "/report.csv"} {
		r := br.get(p)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("GET %s: %d %v", p, r.status, r.header)
		}
		rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil || len(rows) < 2 || rows[0][0] != "month" || rows[1][0] != month {
			t.Fatalf("GET %s: %v %v", p, err, rows)
		}
		if !regexp.MustCompile(`,` + itoa(qty) + `,`).MatchString(r.body) {
			t.Errorf("GET %s: the report lacks the quantity %d", p, qty)
		}
	}
	wantAPIError(t, "report of no run", br.get("/api/v1/runs/999/report.csv"), 404, centralpsa.KindNotFound)
}
