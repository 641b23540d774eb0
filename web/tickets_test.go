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

// The Tickets page lists links by state and offers ConnectWise's boards,
// statuses and priorities as dropdowns; settings are validated and the
// API does the same.
func TestTicketsPageAndSettings(t *testing.T) {
	t.Parallel()
	lb := setupLive(t, 4)
	br := lb.browser(t)
	csrf := br.signIn("admin", testPassword)
	now := time.Now().UTC()
	for i, st := range []string{store.TicketOpen, store.TicketClosed} {
		if err := lb.db.SaveTicketLink(t.Context(), store.TicketLink{Key: "k" + itoa(int64(i)), TenantID: strings.ToLower(lb.customers[0].TenantID),
			CompanyID: 7, TicketID: int64(100 + i), Summary: "Malware detected " + st, State: st, Severity: "high", Occurrences: 3,
			AlertIDs: []string{"a1"}, FirstSeen: now, LastAlertAt: now}); err != nil {
			t.Fatal(err)
		}
	}

	page := br.get("/tickets")
	for _, want := range []string{"#100", "Malware detected open", `<select id="f-tickets.board" name="tickets.board"`, `<option value="Sophos Alerts" selected>`,
		`<option value="Help Desk">`, `value="Priority 2 - Quick Response"`, `<option value="Closed" selected>`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("tickets page lacks %q", want)
		}
	}
	if strings.Contains(page.body, "#101") {
		t.Error("the open filter shows a closed ticket")
	}
	if all := br.get("/tickets?state=all"); !strings.Contains(all.body, "#101") {
		t.Error("state=all hides the closed ticket")
	}
	var links struct{ Tickets []TicketRow }
	if err := json.Unmarshal([]byte(br.get("/api/v1/tickets?state=closed").body), &links); err != nil || len(links.Tickets) != 1 || links.Tickets[0].TicketID != 101 {
		t.Fatalf("API closed tickets: %v %+v", err, links)
	}
	wantAPIError(t, "bad state", br.get("/api/v1/tickets?state=gone"), 400, centralpsa.KindInvalid)

	// Changing the board reloads its statuses (htmx fragment).
	frag := br.get("/lookup/statuses?tickets.board=" + url.QueryEscape("Help Desk"))
	if strings.Contains(frag.body, "<html") || !strings.Contains(frag.body, `value="Waiting Customer"`) || !strings.Contains(frag.body, `name="tickets.status_closed"`) {
		t.Fatalf("statuses fragment:\n%s", frag.body)
	}
	if bad := br.get("/lookup/statuses?tickets.board=Nope"); !strings.Contains(bad.body, "no service board called") {
		t.Fatalf("unknown board fragment:\n%s", bad.body)
	}

	r := br.post("/tickets/settings", url.Values{"csrf_token": {csrf}, "tickets.board": {"Help Desk"}, "tickets.status_new": {"Waiting Customer"},
		"tickets.priority.low": {"Priority 3 - Normal Response"}})
	if r.status != http.StatusSeeOther || r.location() != "/tickets?saved=1" {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	stored, _ := lb.db.Settings(t.Context())
	if stored["tickets.board"] != "Help Desk" || stored["tickets.status_new"] != "Waiting Customer" {
		t.Fatalf("stored %v", stored)
	}
	r = br.post("/tickets/settings", url.Values{"csrf_token": {csrf}, "tickets.status_new": {" "}, "tickets.min_severity": {"extreme"}})
	if r.status != 400 || !strings.Contains(r.body, "Nothing was saved") {
		t.Fatalf("invalid settings: %d", r.status)
	}

	var got struct{ Settings []apiSetting }
	r = br.api("PUT", "/api/v1/tickets/settings", map[string]string{"tickets.board": "Sophos Alerts", "tickets.status_new": ""}, csrf)
	if r.status != 200 || json.Unmarshal([]byte(r.body), &got) != nil || len(got.Settings) < 10 {
		t.Fatalf("API settings: %d %s", r.status, r.body)
	}
	for _, s := range got.Settings {
		if (s.Key == "tickets.board" && s.Value != "Sophos Alerts") || (s.Key == "tickets.status_new" && (s.Value != "New" || s.Source != "default")) {
			t.Fatalf("after PUT: %+v", s)
		}
	}
	wantAPIError(t, "not a ticket setting", br.api("PUT", "/api/v1/tickets/settings", map[string]string{"cw.url": "x"}, csrf), 400, centralpsa.KindInvalid)
	wantAPIError(t, "bad value", br.api("PUT", "/api/v1/tickets/settings", map[string]string{"tickets.min_severity": "x"}, csrf), 400, centralpsa.KindInvalid)
	var choices struct{ Choices []Choice }
	if err := json.Unmarshal([]byte(br.get("/api/v1/lookup/priorities").body), &choices); err != nil || len(choices.Choices) != 3 {
		t.Fatalf("priorities: %v %+v", err, choices)
	}
	if err := json.Unmarshal([]byte(br.get("/api/v1/lookup/statuses?board=Sophos%20Alerts").body), &choices); err != nil || len(choices.Choices) != 3 || choices.Choices[2].Detail != "closed" {
		t.Fatalf("statuses: %v %+v", err, choices)
	}
	if err := json.Unmarshal([]byte(br.get("/api/v1/lookup/boards").body), &choices); err != nil || len(choices.Choices) != 2 {
		t.Fatalf("boards: %v %+v", err, choices)
	}
}

// "Sync now" queues a job and the task follows it to its end, with the
// run it recorded; an already queued sync is followed instead of a new
// one; a queue that refuses is an error at once.
func TestSyncNowFollowsTheJob(t *testing.T) {
	t.Parallel()
	lb := setupLive(t, 2)
	br := lb.browser(t)
	csrf := br.signIn("admin", testPassword)

	r := br.post("/usage/sync", url.Values{"csrf_token": {csrf}, "month": {"2026-01"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/tasks/") {
		t.Fatalf("sync now: %d %s", r.status, r.body)
	}
	id := strings.TrimPrefix(r.location(), "/tasks/")
	if page := br.get(r.location()); !strings.Contains(page.body, `hx-trigger="every 1s"`) || !strings.Contains(page.body, `<noscript><meta http-equiv="refresh" content="1"></noscript>`) {
		t.Fatalf("a running task's page does not refresh:\n%s", page.body)
	}
	// The job runs: it records a run with results, then completes.
	runID, _ := lb.db.CreateRun(t.Context(), store.Run{Kind: store.RunKindUsage, Month: "2026-01"})
	_ = lb.db.AddRunResult(t.Context(), store.RunResult{RunID: runID, TenantID: "t1", Status: store.ResultOK, Message: "ok"})
	_ = lb.db.FinishRun(t.Context(), runID, "ok", "1 write(s)")
	lb.jobs.setState(1, "completed")
	task := br.waitTask(id)
	var out JobOutcome
	if task.Status != taskDone || json.Unmarshal(task.Result, &out) != nil || out.State != "completed" || out.RunID != runID ||
		!out.Inserted || task.Link != "/runs/"+itoa(runID) || task.Done != 1 || task.Total != 1 {
		t.Fatalf("followed job: %+v %s", task, task.Result)
	}
	if lb.jobs.queued[0] != "usage_sync:2026-01" {
		t.Fatalf("queued %v", lb.jobs.queued)
	}

	// A ticket sync already queued is followed; its failed attempt shows.
	lb.jobs.existing = 1
	lb.jobs.setState(1, "retryable", "board not found")
	task = br.waitTask(started(t, "ticket sync", br.api("POST", "/api/v1/tickets/sync", nil, csrf)).ID)
	if json.Unmarshal(task.Result, &out) != nil || out.Inserted || out.State != "retryable" || len(out.Errors) != 1 {
		t.Fatalf("existing job: %s", task.Result)
	}
	if page := br.get("/tasks/" + task.ID); !strings.Contains(page.body, "already queued or running") || !strings.Contains(page.body, "board not found") {
		t.Fatal("the task page does not explain the followed job")
	}

	lb.jobs.err = centralpsa.Errorf(centralpsa.KindInvalid, "the usage sync is not configured")
	wantAPIError(t, "refused enqueue", br.api("POST", "/api/v1/usage/sync", nil, csrf), 400, centralpsa.KindInvalid)
	wantAPIError(t, "bad month", br.api("POST", "/api/v1/usage/sync", map[string]string{"month": "January"}, csrf), 400, centralpsa.KindInvalid)
	wantAPIError(t, "unknown task", br.get("/api/v1/tasks/nope"), 404, centralpsa.KindNotFound)
	wantStatus(t, "unknown task page", br.get("/tasks/nope"), 404)
	var list struct{ Tasks []Task }
	if err := json.Unmarshal([]byte(br.get("/api/v1/tasks").body), &list); err != nil || len(list.Tasks) != 2 {
		t.Fatalf("tasks: %v %d", err, len(list.Tasks))
	}
}
