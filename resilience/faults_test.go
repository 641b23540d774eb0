package resilience_test

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"centralpsa/cwemu"
	"centralpsa/emu"
	"centralpsa/sophosemu"
	"centralpsa/usagesync"
)

// maxRuns bounds the runs a sync gets to converge under faults. A run may
// leave customers failed when a request used up its retries; the next run
// picks them up. At a 20% fault rate a run with no failure at all is not
// certain even with few changes left (a create whose answer is lost is
// only made again by the next run): six runs fell short about once in a
// few dozen test runs, and ten make that far rarer.
const maxRuns = 10

// faultRate is the share of requests a fault hits, on both emulators.
const faultRate = 0.2

// faultCase is one kind of misbehaviour, applied to every API request of
// both emulators (the emulator control paths are never faulted).
type faultCase struct {
	name    string
	cw, so  []emu.Fault
	timeout time.Duration // per-attempt client timeout; 0 = the world's default
}

func faultCases() []faultCase {
	one := func(f emu.Fault) []emu.Fault { return []emu.Fault{f} }
	gateway := func(status int) []emu.Fault { // what a proxy in front answers: HTML, not JSON
		return one(emu.Fault{Kind: emu.FaultStatus, Status: status, ContentType: "text/html", Body: "<html><body>gateway</body></html>"})
	}
	// Each faulted attempt costs the client its timeout, so the slow cases
	// use 150 ms against a 600 ms delay (not seconds) to stay fast.
	slow := one(emu.Fault{Kind: emu.FaultDelay, Delay: 600 * time.Millisecond})
	slowSuccess := one(emu.Fault{Kind: emu.FaultSlowSuccess, Delay: 600 * time.Millisecond})
	malformed := one(emu.Fault{Kind: emu.FaultMalformed})
	var malformedWrites []emu.Fault
	for _, m := range []string{http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete} {
		malformedWrites = append(malformedWrites, emu.Fault{Kind: emu.FaultMalformed, Method: m})
	}
	cases := []faultCase{
		{name: "TooManyRequests", cw: one(cwemu.TooManyRequests(time.Second)), so: one(sophosemu.TooManyRequests(time.Second))},
		{name: "Status500", cw: one(cwemu.ServerError()), so: one(sophosemu.ServerError(500))},
		{name: "Status502", cw: gateway(http.StatusBadGateway), so: one(sophosemu.ServerError(502))},
		{name: "Status503", cw: gateway(http.StatusServiceUnavailable), so: one(sophosemu.ServerError(503))},
		{name: "ConnectionReset", cw: one(emu.Fault{Kind: emu.FaultReset}), so: one(emu.Fault{Kind: emu.FaultReset})},
		{name: "SlowPastTimeout", cw: slow, so: slow, timeout: 150 * time.Millisecond},
		{name: "SlowSuccessPastTimeout", cw: slowSuccess, so: slowSuccess, timeout: 150 * time.Millisecond},
		// ConnectWise writes and every Sophos request get cut bodies here;
		// ConnectWise reads in the next case.
		{name: "MalformedBody", cw: malformedWrites, so: malformed},
		{name: "MalformedReadBody", cw: malformed, so: malformed},
	}
	return cases
}

// TestFaultsConverge runs the usage and the ticket sync through two
// rounds (first sync; then usage and alerts change and both sync again)
// while one kind of fault hits 20% of the requests to both emulators.
// Each sync is repeated until a run reports no failure; the emulators must
// then hold exactly what the same scenario leaves without faults.
func TestFaultsConverge(t *testing.T) {
	t.Parallel()
	var once sync.Once
	var want endState
	var wantLinks []string
	var failures atomic.Int64
	t.Cleanup(func() { // after every parallel case
		if failures.Load() == 0 && !t.Failed() {
			t.Error("no run reported a single failure under faults: the per-customer reporting went untested")
		}
	})
	var refOK bool
	reference := func(t *testing.T) {
		once.Do(func() {
			w := newWorld(t, worldOptions{})
			scenario(t, w)
			want, wantLinks = w.state(t), w.links(t)
			checkRich(t, want)
			refOK = !t.Failed()
		})
		if !refOK {
			t.Fatal("the fault-free reference run failed")
		}
	}
	for _, fc := range faultCases() {
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			reference(t)
			w := newWorld(t, worldOptions{timeout: fc.timeout})
			for _, f := range fc.cw {
				f.Rate = faultRate
				w.cw.Faults().Add(f)
			}
			for _, f := range fc.so {
				f.Rate = faultRate
				w.so.Faults().Add(f)
			}

			scenario(t, w)
			failures.Add(w.failures.Load())
			t.Logf("%d failures reported on the way", w.failures.Load())

			w.cw.Faults().Clear()
			w.so.Faults().Clear()
			fired(t, w, fc)
			_, soSecret := w.so.Credentials()
			for _, secret := range []string{cwemu.DefaultPrivateKey, soSecret} {
				if strings.Contains(w.logs.String(), secret) {
					t.Error("a credential leaked into the logs")
				}
			}
			if diff := cmp.Diff(want, w.state(t)); diff != "" {
				t.Errorf("ConnectWise after the faults differs from the fault-free run (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantLinks, w.links(t)); diff != "" {
				t.Errorf("ticket links differ from the fault-free run (-want +got):\n%s", diff)
			}
			// Converged means converged: a fault-free run has nothing left to do.
			w.cw.Log().Reset()
			if res, err := w.usage().Run(t.Context(), usagesync.Options{}); err != nil || len(res.Plan.Ops) != 0 || res.Failed != 0 {
				t.Errorf("a fault-free usage run after convergence: err %v, %d ops planned", err, len(res.Plan.Ops))
			}
			if writes := w.cw.Log().Writes(); len(writes) != 0 {
				t.Errorf("a fault-free usage run after convergence wrote %d times", len(writes))
			}
		})
	}
}

// scenario is the same story for every world: sync, change the world,
// sync again.
func scenario(t *testing.T, w *world) {
	t.Helper()
	syncUsage(t, w)
	syncTickets(t, w)

	// Between the rounds, usage moves and alerts clear or appear, the same
	// way in every world.
	month, changed := w.so.Usage(w.so.LastUsageMonth()), 0
	for _, l := range month {
		if l.AccountID == "" || l.BillableQuantity == 0 {
			continue
		}
		switch changed {
		case 0, 1, 2:
			w.so.SetUsage(l.AccountID, l.ProductCode, l.BillableQuantity+7)
		case 3:
			w.so.RemoveUsage(l.AccountID, l.ProductCode)
		}
		changed++
	}
	for i, m := range w.mapped {
		if !m.TicketsEnabled {
			continue
		}
		if open := w.so.OpenAlerts(m.TenantID); i%2 == 0 && len(open) > 0 {
			w.so.ClearAlert(open[0].ID)
		} else {
			w.so.RaiseAlert(m.TenantID, sophosemu.AlertSpec{Type: "Event::Endpoint::Threat::Detected", Category: "malware",
				Severity: "high", AgentName: "PC-" + m.TenantName[:1], RaisedAt: epoch.Add(-time.Minute)})
		}
	}

	syncUsage(t, w)
	syncTickets(t, w)
}
