package sophos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"centralpsa"
)

// alertsServer serves n alerts for tenant "t-1" on the regional server in
// key pages; the global server fails the test if asked for alerts.
func alertsServer(t *testing.T, b *testBundle, n int) {
	b.global.HandleFunc("/common/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("alert call %s %s reached the global host", r.Method, r.URL.Path)
		writeJSON(w, 404, map[string]string{"error": "wrongHost"})
	})
	alert := func(i int) map[string]any {
		return map[string]any{"id": fmt.Sprintf("al-%03d", i), "allowedActions": []string{"acknowledge"}, "category": "updating",
			"description": fmt.Sprintf("PC-%d is out of date.", i), "groupKey": "MSxFdmVudDo6RW5kcG9pbnQ6Ok91dE9mRGF0ZSw1MTMs",
			"managedAgent": map[string]string{"id": fmt.Sprintf("dev-%d", i), "type": "computer", "name": fmt.Sprintf("PC-%d", i)},
			"product":      "endpoint", "raisedAt": "2025-03-01T10:00:00.123", "severity": []string{"low", "medium", "high"}[i%3],
			"tenant": map[string]string{"id": "t-1", "name": "One"}, "type": "Event::Endpoint::OutOfDate"}
	}
	b.region.HandleFunc("GET /common/v1/alerts", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Tenant-ID") != "t-1" {
			writeJSON(w, 401, map[string]string{"error": "Unauthorized"})
			return
		}
		q := r.URL.Query()
		size, _ := strconv.Atoi(q.Get("pageSize"))
		from, _ := strconv.Atoi(q.Get("pageFromKey"))
		items := []any{}
		for i := from; i < min(from+size, n); i++ {
			items = append(items, alert(i))
		}
		pages := map[string]any{"size": size, "maxSize": 100}
		if from+size < n {
			pages["nextKey"] = strconv.Itoa(from + size) // real keys are digit strings
		}
		writeJSON(w, 200, map[string]any{"items": items, "pages": pages})
	})
	b.region.HandleFunc("GET /common/v1/alerts/{id}", func(w http.ResponseWriter, r *http.Request) {
		var i int
		if _, err := fmt.Sscanf(r.PathValue("id"), "al-%d", &i); err != nil || i >= n {
			writeJSON(w, 404, map[string]string{"error": "resourceNotFound", "message": "Alert not found", "correlationId": "c-9"})
			return
		}
		writeJSON(w, 200, alert(i))
	})
	b.region.HandleFunc("POST /common/v1/alerts/{id}/actions", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Action string }
		_ = json.NewDecoder(r.Body).Decode(&body)
		writeJSON(w, 201, map[string]any{"id": "act-1", "alertId": r.PathValue("id"), "action": body.Action,
			"status": "requested", "requestedAt": "2025-03-01T10:05:00.000Z", "completedAt": nil, "result": ""})
	})
}

func TestAlerts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("ListFromTenantHost", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		alertsServer(t, b, 250)
		from := time.Date(2025, 3, 1, 9, 30, 0, 0, time.FixedZone("CET", 3600))
		got, err := b.client.ListAlerts(ctx, b.tenant("t-1"), AlertsOptions{From: from, Severity: []string{"high", "medium"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 250 {
			t.Fatalf("%d alerts", len(got))
		}
		want := Alert{ID: "al-004", AllowedActions: []string{"acknowledge"}, Category: "updating", Description: "PC-4 is out of date.",
			GroupKey: "MSxFdmVudDo6RW5kcG9pbnQ6Ok91dE9mRGF0ZSw1MTMs", ManagedAgent: &ManagedAgent{ID: "dev-4", Type: "computer", Name: "PC-4"},
			Product: "endpoint", RaisedAt: time.Date(2025, 3, 1, 10, 0, 0, 123e6, time.UTC), Severity: "medium",
			Tenant: &AlertTenant{ID: "t-1", Name: "One"}, Type: "Event::Endpoint::OutOfDate"}
		if d := cmp.Diff(want, got[4]); d != "" {
			t.Errorf("alert 4 (-want +got):\n%s", d)
		}
		calls := b.callsTo("/common/")
		if len(calls) != 3 {
			t.Fatalf("%d alert requests, want 3", len(calls))
		}
		for i, c := range calls {
			q, _ := url.ParseQuery(c.Query)
			if c.Server != "region" || c.Header.Get("X-Tenant-ID") != "t-1" || c.Header.Get("X-Partner-ID") != "" {
				t.Errorf("call %d: server %s headers %v", i, c.Server, c.Header)
			}
			if q.Get("from") != "2025-03-01T08:30:00.000Z" || q.Get("pageSize") != "100" || q.Get("severity") != "high,medium" {
				t.Errorf("call %d query %q", i, c.Query)
			}
			if (i == 0) != (q.Get("pageFromKey") == "") {
				t.Errorf("call %d pageFromKey %q", i, q.Get("pageFromKey"))
			}
		}
	})

	t.Run("ErrTenantWithoutAPIHost", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		alertsServer(t, b, 1)
		tn := b.tenant("t-1")
		tn.APIHost = "" // must not be rebuilt from DataRegion "eu02"
		_, err := b.client.ListAlerts(ctx, tn, AlertsOptions{})
		if ErrorKind(err) != centralpsa.KindInvalid || !strings.Contains(err.Error(), "apiHost") {
			t.Fatalf("error %v", err)
		}
		if n := len(b.callsTo("")); n != 0 {
			t.Errorf("%d requests", n)
		}
	})

	t.Run("ErrForbiddenTenant", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.region.HandleFunc("GET /common/v1/alerts", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 403, map[string]string{"error": "Forbidden", "correlationId": "corr-403", "requestId": "req-403"})
		})
		_, err := b.client.ListAlerts(ctx, b.tenant("t-term"), AlertsOptions{})
		ae, ok := errors.AsType[*Error](err)
		if !ok || ae.Status != 403 || ae.TenantID != "t-term" || ae.CorrelationID != "corr-403" || ae.RequestID != "req-403" {
			t.Fatalf("error %#v", err)
		}
		if !strings.Contains(err.Error(), "Partner Assistance may be off for this term tenant") || ErrorKind(err) != centralpsa.KindForbidden {
			t.Errorf("message %q kind %s", err, ErrorKind(err))
		}
	})

	t.Run("GetAndNotFound", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		alertsServer(t, b, 5)
		a, err := b.client.GetAlert(ctx, b.tenant("t-1"), "al-002")
		if err != nil || a.ID != "al-002" || a.Severity != "high" {
			t.Fatalf("%+v, %v", a, err)
		}
		_, err = b.client.GetAlert(ctx, b.tenant("t-1"), "al-404")
		if !errors.Is(err, ErrNotFound) || ErrorKind(err) != centralpsa.KindNotFound {
			t.Fatalf("error %v, want ErrNotFound", err)
		}
		if ae, _ := errors.AsType[*Error](err); ae.Code != "resourceNotFound" || ae.Path != "/common/v1/alerts/al-404" {
			t.Errorf("error %+v", ae)
		}
	})

	t.Run("Action", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		alertsServer(t, b, 5)
		a := Alert{ID: "al-001", AllowedActions: []string{"acknowledge", "cleanPua"}}
		res, err := b.client.AlertAction(ctx, b.tenant("t-1"), a, "acknowledge")
		if err != nil || res.Status != "requested" || res.AlertID != "al-001" || res.Action != "acknowledge" {
			t.Fatalf("%+v, %v", res, err)
		}
		c := b.callsTo("/common/v1/alerts/al-001/actions")
		if len(c) != 1 || c[0].Server != "region" || c[0].Body != `{"action":"acknowledge"}` ||
			c[0].Header.Get("Content-Type") != "application/json" {
			t.Errorf("calls %+v", c)
		}
	})

	t.Run("ErrActionNotAllowed", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		alertsServer(t, b, 5)
		a := Alert{ID: "al-001", AllowedActions: []string{"clearThreat"}}
		_, err := b.client.AlertAction(ctx, b.tenant("t-1"), a, "acknowledge")
		if ErrorKind(err) != centralpsa.KindInvalid || !strings.Contains(err.Error(), `does not allow "acknowledge"`) {
			t.Fatalf("error %v", err)
		}
		if n := len(b.callsTo("")); n != 0 {
			t.Errorf("%d requests for a refused action", n)
		}
	})
}

func TestParseTime(t *testing.T) {
	t.Parallel()
	want := time.Date(2020, 11, 4, 9, 31, 17, 546e6, time.UTC)
	for _, s := range []string{"2020-11-04T09:31:17.546Z", "2020-11-04T09:31:17.546", "2020-11-04T10:31:17.546+01:00"} {
		if got, err := ParseTime(s); err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "yesterday", "2020-11-04"} {
		if _, err := ParseTime(s); err == nil {
			t.Errorf("ParseTime(%q) succeeded", s)
		}
	}
	var a Alert
	if err := json.Unmarshal([]byte(`{"id":"x","raisedAt":"soon"}`), &a); err == nil || !strings.Contains(err.Error(), "raisedAt") {
		t.Errorf("bad raisedAt: %v", err)
	}
}
