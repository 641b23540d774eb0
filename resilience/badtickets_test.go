package resilience_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"centralpsa/sophosemu"
	"centralpsa/store"
	"centralpsa/ticketsync"
)

// ticketVictim is the first mapped tenant with ticket sync on.
func (w *world) ticketVictim(t *testing.T) store.Mapping {
	t.Helper()
	for _, m := range w.mapped {
		if m.TicketsEnabled {
			return m
		}
	}
	t.Fatal("no tenant with ticket sync on")
	return store.Mapping{}
}

// TestTicketSyncRefusesBadAlerts: an alert list that is broken for one
// tenant (missing id, wrong types, a truncated page) fails that tenant
// with a message naming the field, and changes none of its tickets — in
// particular no ticket is closed because its alerts "disappeared" — while
// the other tenants sync as usual.
func TestTicketSyncRefusesBadAlerts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(alert map[string]any)
		field string
	}{
		{"IDMissing", func(a map[string]any) { delete(a, "id") }, "id"},
		{"IDNumber", func(a map[string]any) { a["id"] = 42 }, "id"},
		{"RaisedAtNumber", func(a map[string]any) { a["raisedAt"] = 1700000000 }, "raisedAt"},
		{"RaisedAtGarbage", func(a map[string]any) { a["raisedAt"] = "yesterday" }, "raisedAt"},
		{"ManagedAgentString", func(a map[string]any) { a["managedAgent"] = "PC-1" }, "managedAgent"},
		{"SeverityNumber", func(a map[string]any) { a["severity"] = 3 }, "severity"},
		{"AlertIsNull", nil, "alert"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, worldOptions{customers: 6})
			syncTickets(t, w)
			v := w.ticketVictim(t)
			before := w.state(t).Tickets
			// Every alert of the victim is cleared and a new one raised: a
			// sync that took the broken list for "no alerts" would close
			// its tickets.
			for _, a := range w.so.OpenAlerts(v.TenantID) {
				w.so.ClearAlert(a.ID)
			}
			w.so.RaiseAlert(v.TenantID, sophosemu.AlertSpec{Type: "Event::Endpoint::Threat::Detected", Severity: "high", AgentName: "PC-NEW"})
			w.so.RaiseAlert(v.TenantID, sophosemu.AlertSpec{Type: "Event::Endpoint::OutOfDate", Severity: "low", AgentName: "PC-OLD"})
			w.soEdit.set("/common/v1/alerts", editAlerts(tt.edit))

			res, err := w.tickets().Run(t.Context())
			if err != nil {
				t.Fatalf("run error: %v", err)
			}
			if w.soEdit.edits() == 0 {
				t.Fatal("no alert list was rewritten")
			}
			if diff := cmp.Diff(before, w.state(t).Tickets); diff != "" {
				t.Errorf("tickets changed although the alerts could not be read (-before +after):\n%s", diff)
			}
			var got *ticketsync.TenantResult
			for i, tr := range res.Tenants {
				if tr.TenantID == v.TenantID {
					got = &res.Tenants[i]
				}
			}
			if got == nil || got.Status != store.ResultFailed || !strings.Contains(got.Error, tt.field) {
				t.Fatalf("the victim's result %+v does not fail naming %s", got, tt.field)
			}
			if got.TenantName == "" {
				t.Errorf("the failure does not name the tenant: %+v", got)
			}
		})
	}
}

// editAlerts applies f to the first alert of every alert page that has
// one (nil f: the alert becomes JSON null).
func editAlerts(f func(alert map[string]any)) editFunc {
	return func(_ *http.Request, body any) []byte {
		page, _ := body.(map[string]any)
		items, _ := page["items"].([]any)
		if len(items) == 0 {
			return nil
		}
		if f == nil {
			items[0] = nil
		} else if a, ok := items[0].(map[string]any); ok {
			f(a)
		}
		return encode(page)
	}
}

// TestTicketSyncHostileAlertText: alerts whose text is hostile but
// readable (control characters, a bidi override, CRLF, ten megabytes, a
// severity Sophos does not document) still become exactly one ticket
// each, with a one-line summary within ConnectWise's limit, a bounded
// description, and never the emergency priority on a guess.
func TestTicketSyncHostileAlertText(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("x", 10<<20)
	tests := []struct {
		name string
		spec sophosemu.AlertSpec
	}{
		{"NULInDeviceName", sophosemu.AlertSpec{AgentName: "PC\x00-1"}},
		{"CRLFInDeviceName", sophosemu.AlertSpec{AgentName: "PC-1\r\nInjected: header"}},
		{"BidiOverride", sophosemu.AlertSpec{AgentName: "PC-\u202e1exe.txt", Description: "Threat \u202edetected"}},
		{"SeverityCritical", sophosemu.AlertSpec{Severity: "critical"}},
		{"TenMegabyteDescription", sophosemu.AlertSpec{Description: huge}},
		{"TenMegabyteDeviceName", sophosemu.AlertSpec{AgentName: huge}},
		{"ControlsOnlyType", sophosemu.AlertSpec{Type: "\x00\r\n\u202e"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, worldOptions{customers: 4})
			v := w.ticketVictim(t)
			for _, a := range w.so.OpenAlerts(v.TenantID) {
				w.so.ClearAlert(a.ID)
			}
			spec := tt.spec
			if spec.Severity == "" {
				spec.Severity = "medium"
			}
			spec.RaisedAt = epoch.Add(-time.Minute)
			w.so.RaiseAlert(v.TenantID, spec)

			syncTickets(t, w)
			syncTickets(t, w) // a second run changes nothing

			var ours []map[string]any
			for _, tk := range w.cw.Tickets() {
				if co, _ := tk["company"].(map[string]any); num(co["id"]) == v.CompanyID && tk["externalXRef"] != nil {
					ours = append(ours, tk)
				}
			}
			if len(ours) != 1 {
				t.Fatalf("%d tickets for one alert", len(ours))
			}
			summary, _ := ours[0]["summary"].(string)
			if !plainText(summary) || utf8.RuneCountInString(summary) > 100 {
				t.Errorf("summary %q is not one line of plain text within 100 characters", clip(summary))
			}
			if p, _ := ours[0]["priority"].(map[string]any); strings.Contains(strings.ToLower(p["name"].(string)), "emergency") {
				t.Errorf("an unknown severity got the priority %v", p["name"])
			}
			for _, n := range w.cw.Notes(int(num(ours[0]["id"]))) {
				if text, _ := n["text"].(string); len(text) > 64<<10 {
					t.Errorf("a note of %d bytes was written", len(text))
				}
			}
		})
	}
}
