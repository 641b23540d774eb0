package sophos_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/emu"
	"centralpsa/sophos"
	"centralpsa/sophosemu"
)

func TestEmulatorAlertsRegionalHosts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		opts  sophosemu.Options
		extra int // alerts raised on the first tenant, to force key paging
	}{
		{name: "TwoRegions", opts: sophosemu.Options{Tenants: 30}},
		{name: "TwoRegionsPaged", opts: sophosemu.Options{Tenants: 30}, extra: 150},
		{name: "HostsWithTrailingSlash", opts: sophosemu.Options{Tenants: 30, HostTrailingSlash: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := startRig(t, tc.opts)
			byID := r.tenantsByID(t)
			var picked []sophos.Tenant
			for _, et := range r.emu.Tenants() {
				if et.Reachable && !slices.ContainsFunc(picked, func(p sophos.Tenant) bool { return p.DataRegion == et.DataRegion }) {
					picked = append(picked, byID[et.ID])
				}
			}
			if len(picked) < 2 {
				t.Fatalf("test set-up: reachable tenants in %d regions, want 2", len(picked))
			}
			picked = picked[:2]
			for range tc.extra {
				r.emu.RaiseAlert(picked[0].ID, sophosemu.AlertSpec{Severity: "low"})
			}
			for _, ten := range picked {
				r.emu.Log().Reset()
				got, err := r.client.ListAlerts(t.Context(), ten, sophos.AlertsOptions{})
				if err != nil {
					t.Fatalf("ListAlerts %s (%s): %v", ten.ID, ten.DataRegion, err)
				}
				var want []string
				for _, a := range r.emu.OpenAlerts(ten.ID) {
					want = append(want, a.ID)
				}
				var ids []string
				for _, a := range got {
					ids = append(ids, a.ID)
					if a.Tenant == nil || a.Tenant.ID != ten.ID {
						t.Errorf("alert %s names tenant %+v, want %s", a.ID, a.Tenant, ten.ID)
					}
				}
				slices.Sort(ids)
				slices.Sort(want)
				if !slices.Equal(ids, want) {
					t.Errorf("tenant %s: %d alerts, want %d", ten.ID, len(ids), len(want))
				}
				reqs := r.emu.Log().Requests()
				if pages := (len(want) + 99) / 100; len(reqs) != max(pages, 1) {
					t.Errorf("tenant %s: %d requests, want %d pages", ten.ID, len(reqs), pages)
				}
				prefix := "/r/" + ten.DataRegion + "/common/v1/alerts"
				for _, q := range reqs {
					if q.Path != prefix || q.Status != http.StatusOK {
						t.Errorf("tenant %s in %s: request %s %s → %d, want GET %s → 200",
							ten.ID, ten.DataRegion, q.Method, q.Path, q.Status, prefix)
					}
				}
			}
		})
	}
}

func TestEmulatorAlertsForbiddenTenant(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		pick func(sophosemu.Tenant) bool
	}{
		{"TermWithoutPartnerAssistance", func(et sophosemu.Tenant) bool { return et.BillingType == "term" && !et.PartnerAssistance }},
		{"Trial", func(et sophosemu.Tenant) bool { return et.BillingType == "trial" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := startRig(t, sophosemu.Options{Tenants: 40})
			byID := r.tenantsByID(t)
			ets := r.emu.Tenants()
			i := slices.IndexFunc(ets, tc.pick)
			if i < 0 {
				t.Fatal("test set-up: no such tenant in the emulator")
			}
			blocked := byID[ets[i].ID]
			r.emu.Log().Reset()
			_, err := r.client.ListAlerts(t.Context(), blocked, sophos.AlertsOptions{})
			ae, ok := errors.AsType[*sophos.Error](err)
			if !ok || ae.Status != http.StatusForbidden || ae.TenantID != blocked.ID {
				t.Fatalf("ListAlerts on %s: %v, want a 403 *sophos.Error for that tenant", blocked.ID, err)
			}
			if !strings.Contains(ae.Advice(), "Partner Assistance") || !strings.Contains(err.Error(), "Partner Assistance") {
				t.Errorf("advice %q / error %q do not mention Partner Assistance", ae.Advice(), err)
			}
			if k := sophos.ErrorKind(err); k != centralpsa.KindForbidden {
				t.Errorf("ErrorKind = %s, want forbidden", k)
			}
			if n := len(r.emu.Log().Requests()); n != 1 {
				t.Errorf("%d requests for the refused tenant, want 1 (no retry)", n)
			}

			// Every other tenant is still read; only the unreachable ones fail.
			for _, et := range ets {
				_, err := r.client.ListAlerts(t.Context(), byID[et.ID], sophos.AlertsOptions{})
				if et.Reachable != (err == nil) {
					t.Errorf("tenant %s (%s, reachable %v): %v", et.ID, et.BillingType, et.Reachable, err)
				}
			}
			if tc.name == "TermWithoutPartnerAssistance" {
				r.emu.SetPartnerAssistance(blocked.ID, true)
				if _, err := r.client.ListAlerts(t.Context(), blocked, sophos.AlertsOptions{}); err != nil {
					t.Errorf("after Partner Assistance was turned on: %v", err)
				}
			}
		})
	}
}

func TestEmulatorAlertAcknowledge(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		allowed []string
		action  string
		clear   bool // Sophos closes the alert before the action arrives
		// lostAnswer truncates the action's 201, so the client retries an
		// action that Sophos already applied.
		lostAnswer bool
		// wantKind is the error's kind; "" means the action succeeds.
		wantKind   centralpsa.Kind
		wantWrites int
	}{
		{name: "Acknowledge", allowed: []string{"acknowledge"}, action: "acknowledge", wantWrites: 1},
		{name: "AcknowledgeAmongOthers", allowed: []string{"cleanPua", "acknowledge"}, action: "acknowledge", wantWrites: 1},
		{name: "ErrNotAllowed", allowed: []string{"clearThreat"}, action: "acknowledge", wantKind: centralpsa.KindInvalid},
		{name: "ErrAlreadyClosed", allowed: []string{"acknowledge"}, action: "acknowledge", clear: true,
			wantKind: centralpsa.KindNotFound, wantWrites: 1},
		{name: "ErrAnswerLostAlertGone", allowed: []string{"acknowledge"}, action: "acknowledge", lostAnswer: true,
			wantKind: centralpsa.KindNotFound, wantWrites: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := startRig(t, sophosemu.Options{Tenants: 10, AlertsPerTenant: -1})
			et := firstReachable(r)
			ten := r.tenantsByID(t)[et.ID]
			id := r.emu.RaiseAlert(et.ID, sophosemu.AlertSpec{AllowedActions: tc.allowed, AgentName: "ACME-PC07"})
			list, err := r.client.ListAlerts(t.Context(), ten, sophos.AlertsOptions{})
			if err != nil || len(list) != 1 || list[0].ID != id {
				t.Fatalf("ListAlerts: %+v, %v; want the raised alert %s", list, err, id)
			}
			if tc.clear {
				r.emu.ClearAlert(id)
			}
			if tc.lostAnswer {
				r.emu.Faults().Add(emu.Fault{Kind: emu.FaultMalformed, Method: "POST", PathPrefix: "/r/", Times: 1})
			}
			res, err := r.client.AlertAction(t.Context(), ten, list[0], tc.action)
			if n := len(r.calls("POST", "/r/")); n != tc.wantWrites {
				t.Errorf("%d writes, want %d", n, tc.wantWrites)
			}
			stillOpen := slices.ContainsFunc(r.emu.OpenAlerts(et.ID), func(a sophosemu.Alert) bool { return a.ID == id })
			if tc.wantKind != "" {
				if k := sophos.ErrorKind(err); err == nil || k != tc.wantKind {
					t.Fatalf("AlertAction: %+v, %v (kind %s); want kind %s", res, err, k, tc.wantKind)
				}
				if stillOpen != (tc.wantWrites == 0) {
					t.Errorf("alert open = %v after a refused action", stillOpen)
				}
				// A closed alert answers 404 resourceNotFound, which callers
				// read as "gone": the same outcome as their own acknowledge.
				if tc.wantWrites > 0 && !errors.Is(err, sophos.ErrNotFound) {
					t.Errorf("AlertAction on a closed alert: %v, want ErrNotFound", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("AlertAction: %v", err)
			}
			if res.AlertID != id || res.Action != tc.action || res.Status != "completed" {
				t.Errorf("result %+v, want %s completed for %s", res, tc.action, id)
			}
			if stillOpen {
				t.Error("the emulator still has the alert open")
			}
			if _, err := r.client.GetAlert(t.Context(), ten, id); !errors.Is(err, sophos.ErrNotFound) {
				t.Errorf("GetAlert after %s: %v, want ErrNotFound", tc.action, err)
			}
			if after, err := r.client.ListAlerts(t.Context(), ten, sophos.AlertsOptions{}); err != nil || len(after) != 0 {
				t.Errorf("ListAlerts after %s: %+v, %v; want none", tc.action, after, err)
			}
		})
	}
}

// TestEmulatorAlertFilters checks that the client's filters reach the
// emulator in a form it reads: the result is what the emulator itself
// holds for the same filter, in the order asked for.
func TestEmulatorAlertFilters(t *testing.T) {
	t.Parallel()
	r := startRig(t, sophosemu.Options{Tenants: 10, AlertsPerTenant: -1})
	et := firstReachable(r)
	ten := r.tenantsByID(t)[et.ID]
	for i := range 120 {
		sev := []string{"low", "medium", "high"}[i%3]
		prod := []string{"endpoint", "server"}[i%2]
		r.emu.RaiseAlert(et.ID, sophosemu.AlertSpec{Severity: sev, Product: prod, RaisedAt: emuNow.Add(-time.Duration(i) * time.Hour)})
	}
	match := func(pred func(sophosemu.Alert) bool) []string {
		var ids []string
		for _, a := range r.emu.OpenAlerts(et.ID) {
			if pred(a) {
				ids = append(ids, a.ID)
			}
		}
		return ids
	}
	from, to := emuNow.Add(-72*time.Hour), emuNow.Add(-24*time.Hour)
	for _, tc := range []struct {
		name string
		opts sophos.AlertsOptions
		want []string // ids, oldest first unless the options sort otherwise
	}{
		{"All", sophos.AlertsOptions{PageSize: 50}, match(func(sophosemu.Alert) bool { return true })},
		{"SeverityHigh", sophos.AlertsOptions{Severity: []string{"high"}},
			match(func(a sophosemu.Alert) bool { return a.Severity == "high" })},
		{"ServerLowOrMedium", sophos.AlertsOptions{Product: []string{"server"}, Severity: []string{"low", "medium"}},
			match(func(a sophosemu.Alert) bool { return a.Product == "server" && a.Severity != "high" })},
		{"FromTo", sophos.AlertsOptions{From: from, To: to},
			match(func(a sophosemu.Alert) bool { return !a.RaisedAt.Before(from) && a.RaisedAt.Before(to) })},
		{"NewestFirst", sophos.AlertsOptions{Sort: "raisedAt:desc", PageSize: 30},
			reversed(match(func(sophosemu.Alert) bool { return true }))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.client.ListAlerts(t.Context(), ten, tc.opts)
			if err != nil {
				t.Fatalf("ListAlerts: %v", err)
			}
			ids := make([]string, len(got))
			for i, a := range got {
				ids[i] = a.ID
			}
			if len(tc.want) == 0 || !slices.Equal(ids, tc.want) {
				t.Errorf("got %d alerts %v, want %d %v", len(ids), ids, len(tc.want), tc.want)
			}
		})
	}
}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}
