package sophosemu

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// alertIDs lists a tenant's alerts through the API with a query.
func alertIDs(t *testing.T, b *testBundle, ten Tenant, query string) []string {
	t.Helper()
	resp, body := b.tenantDo(t, ten, "GET", "/common/v1/alerts?"+query, "")
	if resp.StatusCode != 200 {
		t.Fatalf("alerts?%s: %d %s", query, resp.StatusCode, body)
	}
	var p page
	mustJSON(t, body, &p)
	var ids []string
	for _, it := range p.Items {
		ids = append(ids, it["id"].(string))
	}
	return ids
}

func TestAlertsList(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 20, AlertsPerTenant: 12})
	ten := b.firstTenant(t, func(x Tenant) bool { return x.Reachable })
	open := b.srv.OpenAlerts(ten.ID)
	if len(open) != 12 {
		t.Fatalf("%d open alerts, want 12", len(open))
	}
	_, body := b.tenantDo(t, ten, "GET", "/common/v1/alerts?pageSize=100", "")
	var p page
	mustJSON(t, body, &p)
	for _, it := range p.Items {
		agent := it["managedAgent"].(map[string]any)
		if !slices.Contains([]string{"high", "medium", "low"}, it["severity"].(string)) ||
			!slices.Contains([]string{"computer", "server", "mobile", "xgFirewall", "accessPoint"}, agent["type"].(string)) ||
			it["tenant"].(map[string]any)["id"] != ten.ID || len(it["allowedActions"].([]any)) == 0 {
			t.Errorf("alert %v", it)
		}
		if _, err := time.Parse("2006-01-02T15:04:05.000Z", it["raisedAt"].(string)); err != nil {
			t.Errorf("raisedAt: %v", err)
		}
	}

	filter := func(keep func(Alert) bool) []string {
		var ids []string
		for _, a := range open {
			if keep(a) {
				ids = append(ids, a.ID)
			}
		}
		sort.Strings(ids)
		return ids
	}
	mid := open[len(open)/2].RaisedAt
	a0 := open[0]
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"All", "", filter(func(Alert) bool { return true })},
		{"Severity", "severity=high,low", filter(func(a Alert) bool { return a.Severity != "medium" })},
		{"SeverityRepeated", "severity=high&severity=low", filter(func(a Alert) bool { return a.Severity != "medium" })},
		{"Product", "product=" + a0.Product, filter(func(a Alert) bool { return a.Product == a0.Product })},
		{"Category", "category=" + a0.Category, filter(func(a Alert) bool { return a.Category == a0.Category })},
		{"GroupKey", "groupKey=" + url.QueryEscape(a0.GroupKey), filter(func(a Alert) bool { return a.GroupKey == a0.GroupKey })},
		{"IDs", "ids=" + a0.ID + "," + open[1].ID, filter(func(a Alert) bool { return a.ID == a0.ID || a.ID == open[1].ID })},
		{"FromInclusive", "from=" + url.QueryEscape(stamp(mid)), filter(func(a Alert) bool { return !a.RaisedAt.Before(mid) })},
		{"ToExclusiveNoZone", "to=" + mid.Format("2006-01-02T15:04:05.000"), filter(func(a Alert) bool { return a.RaisedAt.Before(mid) })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := alertIDs(t, b, ten, tt.query)
			sort.Strings(got)
			if len(tt.want) == 0 || !slices.Equal(got, tt.want) {
				t.Errorf("got %d ids %v, want %d %v", len(got), got, len(tt.want), tt.want)
			}
		})
	}
	t.Run("Sort", func(t *testing.T) {
		asc := alertIDs(t, b, ten, "sort=raisedAt:asc")
		desc := alertIDs(t, b, ten, "sort=raisedAt:desc")
		slices.Reverse(desc)
		var wantAsc []string
		for _, a := range open {
			wantAsc = append(wantAsc, a.ID)
		}
		if !slices.Equal(asc, wantAsc) || !slices.Equal(desc, wantAsc) {
			t.Errorf("asc %v\ndesc reversed %v\nwant %v", asc, desc, wantAsc)
		}
	})
	t.Run("KeyPages", func(t *testing.T) {
		var all []string
		key := ""
		for range 10 {
			q := "pageSize=5&sort=raisedAt:desc"
			if key != "" {
				q += "&pageFromKey=" + key
			}
			_, body := b.tenantDo(t, ten, "GET", "/common/v1/alerts?"+q, "")
			var p page
			mustJSON(t, body, &p)
			for _, it := range p.Items {
				all = append(all, it["id"].(string))
			}
			next, ok := p.Pages["nextKey"].(string)
			if !ok {
				break
			}
			key = next
		}
		if want := alertIDs(t, b, ten, "sort=raisedAt:desc"); !slices.Equal(all, want) {
			t.Errorf("paged %v\nwant  %v", all, want)
		}
	})
	t.Run("Search", func(t *testing.T) {
		resp, body := b.tenantDo(t, ten, "POST", "/common/v1/alerts/search",
			fmt.Sprintf(`{"severity":["high","low"],"sort":["raisedAt:desc"],"pageSize":50,"pageTotal":true,"from":%q}`, stamp(open[0].RaisedAt)))
		var p page
		mustJSON(t, body, &p)
		var got []string
		for _, it := range p.Items {
			got = append(got, it["id"].(string))
		}
		if want := alertIDs(t, b, ten, "severity=high,low&sort=raisedAt:desc"); resp.StatusCode != 200 || !slices.Equal(got, want) || p.Pages["items"] != float64(len(want)) {
			t.Errorf("search %d %v pages %v, want %v", resp.StatusCode, got, p.Pages, want)
		}
	})
	for _, q := range []string{"sort=colour", "sort=raisedAt:sideways", "from=yesterday", "pageSize=0", "pageFromKey=12"} {
		t.Run("Err_"+q, func(t *testing.T) {
			resp, body := b.tenantDo(t, ten, "GET", "/common/v1/alerts?"+q, "")
			wantError(t, resp, body, 400, "badRequest")
		})
	}
}

func TestAlertActions(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 5, AlertsPerTenant: -1})
	ten := b.firstTenant(t, func(x Tenant) bool { return x.Reachable })
	ack := b.srv.RaiseAlert(ten.ID, AlertSpec{AllowedActions: []string{"acknowledge"}, AgentName: "ACME-PC01"})
	pua := b.srv.RaiseAlert(ten.ID, AlertSpec{Type: "Event::Endpoint::PUADetected", Category: "pua", AllowedActions: []string{"cleanPua", "authPua"}})
	act := func(id, body string) (int, map[string]any) {
		resp, data := b.tenantDo(t, ten, "POST", "/common/v1/alerts/"+id+"/actions", body)
		var m map[string]any
		mustJSON(t, data, &m)
		return resp.StatusCode, m
	}
	if st, m := act(ack, `{"action":"cleanPua"}`); st != 400 || m["error"] != "badRequest" {
		t.Errorf("action not allowed: %d %v", st, m)
	}
	if got := alertIDs(t, b, ten, ""); !slices.Contains(got, ack) {
		t.Errorf("refused action closed the alert")
	}
	st, m := act(ack, `{"action":"acknowledge","message":"ticket 42"}`)
	if st != 201 || m["alertId"] != ack || m["status"] != "completed" || m["action"] != "acknowledge" {
		t.Errorf("acknowledge: %d %v", st, m)
	}
	if got := alertIDs(t, b, ten, ""); slices.Contains(got, ack) {
		t.Errorf("acknowledged alert still listed")
	}
	resp, body := b.tenantDo(t, ten, "GET", "/common/v1/alerts/"+ack, "")
	wantError(t, resp, body, 404, "resourceNotFound")
	if st, m := act(ack, `{"action":"acknowledge"}`); st != 404 || m["error"] != "resourceNotFound" {
		t.Errorf("second acknowledge: %d %v", st, m)
	}
	if st, m := act("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", `{"action":"acknowledge"}`); st != 404 || m["error"] != "resourceNotFound" {
		t.Errorf("unknown alert: %d %v", st, m)
	}
	if st, _ := act(pua, `not json`); st != 400 {
		t.Errorf("bad body: %d", st)
	}
	if st, m := act(pua, `{"action":"cleanPua"}`); st != 201 || m["status"] != "requested" || m["completedAt"] != nil {
		t.Errorf("cleanPua: %d %v", st, m)
	}
	if a, ok := b.srv.Alert(pua); !ok || a.Open {
		t.Errorf("alert after cleanPua: %+v", a)
	}
}

func TestRaiseAndClear(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 5, AlertsPerTenant: -1})
	ten := b.firstTenant(t, func(x Tenant) bool { return x.Reachable })
	other := b.firstTenant(t, func(x Tenant) bool { return x.Reachable && x.ID != ten.ID })
	spec := AlertSpec{Type: "Event::Endpoint::SavDisabled", Category: "protection", Product: "server", Severity: "high",
		AgentType: "server", AgentName: "ACME-SRV01", Description: "Real-time protection disabled on %s."}
	id := b.srv.RaiseAlert(ten.ID, spec)
	resp, body := b.tenantDo(t, ten, "GET", "/common/v1/alerts/"+id, "")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"description":"Real-time protection disabled on ACME-SRV01."`) ||
		!strings.Contains(string(body), `"raisedAt":"2025-09-15T12:00:00.000Z"`) {
		t.Errorf("raised alert: %d %s", resp.StatusCode, body)
	}
	resp, body = b.tenantDo(t, other, "GET", "/common/v1/alerts/"+id, "")
	wantError(t, resp, body, 404, "resourceNotFound")

	if !b.srv.ClearAlert(id) || b.srv.ClearAlert(id) {
		t.Error("ClearAlert should succeed once")
	}
	if got := alertIDs(t, b, ten, ""); len(got) != 0 || len(b.srv.OpenAlerts(ten.ID)) != 0 {
		t.Errorf("cleared alert still open: %v", got)
	}
	again := b.srv.RaiseAlert(ten.ID, spec)
	if again == id || again == "" || !slices.Equal(alertIDs(t, b, ten, ""), []string{again}) {
		t.Errorf("re-raised alert %q (first %q)", again, id)
	}
	if b.srv.RaiseAlert("no-such-tenant", spec) != "" {
		t.Error("raised an alert on an unknown tenant")
	}
}
