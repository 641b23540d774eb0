package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/store"
)

// The Usage page: the plan of the latest month, the schedule with the
// next run, the runs API; bad input is refused the same way on the page
// and in the API.
func TestUsagePageScheduleAndRuns(t *testing.T) {
	t.Parallel()
	lb := setupLive(t, 6)
	br := lb.browser(t)
	csrf := br.signIn("admin", testPassword)

	page := br.get("/usage")
	if page.status != 200 || !strings.Contains(page.body, "changes to additions") || !strings.Contains(page.body, "Next scheduled sync:") {
		t.Fatalf("usage page: %d", page.status)
	}
	if bad := br.get("/usage?month=13-2026"); !strings.Contains(bad.body, "is not a month") {
		t.Error("a bad month is not reported on the page")
	}
	wantAPIError(t, "API bad month", br.get("/api/v1/usage/plan?month=13-2026"), 400, centralpsa.KindInvalid)

	r := br.post("/usage/schedule", url.Values{"csrf_token": {csrf}, "usage.schedule": {"monthly:3"}, "usage.time": {"04:30"}, "tickets.board": {"ignored"}})
	if r.status != http.StatusSeeOther || r.location() != "/usage?saved=1" {
		t.Fatalf("schedule: %d %s", r.status, r.body)
	}
	stored, _ := lb.db.Settings(t.Context())
	if stored["usage.schedule"] != "monthly:3" || stored["usage.time"] != "04:30" || stored["tickets.board"] != "Sophos Alerts" {
		t.Fatalf("stored %v", stored)
	}
	var sched struct {
		Schedule, Time string
		Next           *time.Time
	}
	if err := json.Unmarshal([]byte(br.get("/api/v1/usage/schedule").body), &sched); err != nil || sched.Next == nil ||
		sched.Next.In(time.Local).Day() != 3 || sched.Next.In(time.Local).Hour() != 4 {
		t.Fatalf("schedule API: %v %+v", err, sched)
	}
	r = br.post("/usage/schedule", url.Values{"csrf_token": {csrf}, "usage.schedule": {"weekly"}})
	if r.status != 400 || !strings.Contains(r.body, `value="weekly"`) || !strings.Contains(r.body, `aria-invalid="true"`) {
		t.Fatalf("bad schedule: %d", r.status)
	}
	_ = br.post("/usage/schedule", url.Values{"csrf_token": {csrf}, "usage.schedule": {"manual"}})
	if page := br.get("/usage"); !strings.Contains(page.body, "the schedule is manual") {
		t.Error("a manual schedule still shows a next run")
	}

	runID, _ := lb.db.CreateRun(t.Context(), store.Run{Kind: store.RunKindUsage, Month: "2026-01", DryRun: true})
	_ = lb.db.FinishRun(t.Context(), runID, "planned", "dry")
	var runs struct{ Runs []apiRun }
	if err := json.Unmarshal([]byte(br.get("/api/v1/runs?kind=usage&limit=5").body), &runs); err != nil || len(runs.Runs) != 1 || runs.Runs[0].ID != runID {
		t.Fatalf("runs: %v %+v", err, runs)
	}
	var one struct {
		apiRun
		Results []ResultRow
	}
	if err := json.Unmarshal([]byte(br.get("/api/v1/runs/"+itoa(runID)).body), &one); err != nil || one.ID != runID || one.Results == nil {
		t.Fatalf("run: %v %+v", err, one)
	}
	wantAPIError(t, "bad kind", br.get("/api/v1/runs?kind=other"), 400, centralpsa.KindInvalid)
	wantAPIError(t, "bad limit", br.get("/api/v1/runs?limit=0"), 400, centralpsa.KindInvalid)
	wantAPIError(t, "no run", br.get("/api/v1/runs/77"), 404, centralpsa.KindNotFound)
	wantAPIError(t, "report of a run without a plan", br.get("/api/v1/runs/"+itoa(runID)+"/report.csv"), 404, centralpsa.KindNotFound)
	wantStatus(t, "run page", br.get("/runs/"+itoa(runID)), 200)
	wantStatus(t, "run page of no run", br.get("/runs/x"), 404)
	wantAPIError(t, "apply without a hash", br.api("POST", "/api/v1/usage/apply", applyRequest{Month: "2026-01"}, csrf), 400, centralpsa.KindInvalid)
	wantAPIError(t, "apply without a month", br.api("POST", "/api/v1/usage/apply", applyRequest{PlanHash: "x"}, csrf), 400, centralpsa.KindInvalid)
}

// Without the services, the API answers unavailable in the one error
// shape rather than failing oddly.
func TestAPIWithoutServices(t *testing.T) {
	t.Parallel()
	b := setup(t).withAdmin(t)
	br := b.browser(t)
	csrf := br.signIn("admin", testPassword)
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/customers"}, {"GET", "/api/v1/products"}, {"GET", "/api/v1/usage/plan"}, {"GET", "/api/v1/lookup/boards"},
		{"POST", "/api/v1/usage/sync"}, {"POST", "/api/v1/tickets/sync"}, {"POST", "/api/v1/customers/refresh"},
	} {
		wantAPIError(t, c.method+" "+c.path, br.api(c.method, c.path, nil, csrf), 503, centralpsa.KindUnavailable)
	}
}
