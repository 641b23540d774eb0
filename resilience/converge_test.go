package resilience_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/emu"
	"centralpsa/store"
	"centralpsa/usagesync"
)

// syncUsage runs the usage sync until a run reports no failure. Every
// customer failure on the way must name the customer and say why.
func syncUsage(t *testing.T, w *world) {
	t.Helper()
	var last string
	for range maxRuns {
		res, err := w.usage().Run(t.Context(), usagesync.Options{})
		w.inflight.idle(t, 5*time.Second)
		if err != nil {
			// Nothing could be planned (a read ran out of retries): that
			// is the vendor's outage, not our bug.
			if k := centralpsa.ErrorKind(err); k != centralpsa.KindUnavailable {
				t.Errorf("a run failed with an error of kind %s: %v", k, err)
			}
			w.failures.Add(1)
			last = "run error: " + err.Error()
			continue
		}
		recorded := w.failedResults(t, res.RunID)
		for _, c := range res.Customers {
			if c.Status != store.ResultFailed {
				continue
			}
			w.failures.Add(1)
			if c.AgreementID == 0 || len(c.Tenants) == 0 || c.CompanyName == "" || c.Message == "" {
				t.Errorf("a failed customer is not named or not explained: %+v", c)
			}
			for _, tn := range c.Tenants {
				if recorded[tn] == "" {
					t.Errorf("the failure of %s (tenant %s) is not recorded in run %d", c.CompanyName, tn, res.RunID)
				}
			}
		}
		if res.Failed == 0 && res.Status == usagesync.StatusOK {
			return
		}
		last = res.Status + ": " + failedCustomers(res)
	}
	t.Fatalf("usage sync did not converge in %d runs; last: %s", maxRuns, last)
}

// failedResults are the failures a run recorded in the store, message by
// tenant: what the console and `sync` show after the run.
func (w *world) failedResults(t *testing.T, runID int64) map[string]string {
	t.Helper()
	out := map[string]string{}
	if runID == 0 {
		return out
	}
	results, err := w.db.RunResults(t.Context(), runID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Status == store.ResultFailed {
			out[r.TenantID] = r.Message
		}
	}
	return out
}

func failedCustomers(res *usagesync.Result) string {
	var out []string
	for _, c := range res.Customers {
		if c.Status == store.ResultFailed {
			out = append(out, c.CompanyName+": "+c.Message)
		}
	}
	return strings.Join(out, "; ")
}

// syncTickets runs the ticket sync until a run reports no failure.
func syncTickets(t *testing.T, w *world) {
	t.Helper()
	var last string
	for range maxRuns {
		res, err := w.tickets().Run(t.Context())
		w.inflight.idle(t, 5*time.Second)
		if err != nil {
			w.failures.Add(1)
			last = "run error: " + err.Error()
			continue
		}
		var failed []string
		for _, tr := range res.Tenants {
			if tr.Status != store.ResultFailed {
				continue
			}
			w.failures.Add(1)
			if w.failedResults(t, res.RunID)[tr.TenantID] == "" {
				t.Errorf("the failure of tenant %s is not recorded in run %d", tr.TenantID, res.RunID)
			}
			if tr.TenantID == "" || tr.TenantName == "" || tr.Error == "" {
				t.Errorf("a failed tenant is not named or not explained: %+v", tr)
			}
			failed = append(failed, tr.TenantName+": "+tr.Error)
		}
		if len(failed) == 0 {
			return
		}
		last = strings.Join(failed, "; ")
	}
	t.Fatalf("ticket sync did not converge in %d runs; last: %s", maxRuns, last)
}

// links are the store's ticket links without ticket ids.
func (w *world) links(t *testing.T) []string {
	t.Helper()
	links, err := w.db.TicketLinks(t.Context(), store.TicketLinkFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range links {
		if l.PendingCreate {
			t.Errorf("link %s is still pending", l.Key)
		}
		out = append(out, l.Key+" "+l.State)
	}
	sort.Strings(out)
	return out
}

// fired fails the test when a fault never hit: the test would then
// prove nothing. Status faults show in the request logs; the others in
// what the clients and services logged about them.
func fired(t *testing.T, w *world, fc faultCase) {
	t.Helper()
	logs := w.logs.String()
	for _, side := range []struct {
		name  string
		log   *emu.RequestLog
		fault emu.Fault
		signs []string
	}{
		{"ConnectWise", w.cw.Log(), fc.cw[0], []string{"connectwise request failed", "answer was lost", "answer lost"}},
		{"Sophos", w.so.Log(), fc.so[0], []string{"sophos request failed"}},
	} {
		hit := map[int]int{}
		for _, r := range side.log.Requests() {
			hit[r.Status]++
		}
		if side.fault.Kind == emu.FaultStatus && hit[side.fault.Status] == 0 {
			t.Errorf("%s: the %d fault never fired: %v", side.name, side.fault.Status, hit)
		}
		if !slices.ContainsFunc(side.signs, func(s string) bool { return strings.Contains(logs, s) }) {
			t.Errorf("%s: no client or service logged a failure; did the %s fault fire?", side.name, side.fault.Kind)
		}
	}
	if ra := fc.cw[0].RetryAfter; ra > 0 && !w.sleeps.has(ra) {
		t.Errorf("no client waited the Retry-After of %s", ra)
	}
}

// checkRich fails a reference end state too poor to show anything: it
// must hold additions on several agreements, a changed and a removed
// product, and tickets both open and closed, some with notes.
func checkRich(t *testing.T, s endState) {
	t.Helper()
	var additions, agreements int
	for _, list := range s.Additions {
		additions += len(list)
		agreements++
	}
	all := fmt.Sprint(s.Tickets)
	if additions < 10 || agreements < 3 || len(s.Catalog) < 5 || !strings.Contains(all, " closed ") ||
		!strings.Contains(all, " open ") || !strings.Contains(all, "notes=2") {
		t.Fatalf("the reference scenario is too small to show anything: %d additions on %d agreements, %d catalog items, tickets %v",
			additions, agreements, len(s.Catalog), s.Tickets)
	}
}
