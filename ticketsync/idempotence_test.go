package ticketsync

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"centralpsa/cwemu"
	"centralpsa/emu"
	"centralpsa/sophosemu"
	"centralpsa/store"
	"centralpsa/ticket"
)

// TestSlowCreate: ConnectWise creates the ticket but answers after the
// client has given up; the run finds the ticket by its key instead of
// making a second one.
func TestSlowCreate(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, newDSN func(*testing.T) string) {
		b := setup(t, bundleOptions{dsn: newDSN(t), cwTimeout: 200 * time.Millisecond})
		fault := cwemu.SlowSuccess(b.cw.APIPath("/service/tickets"), time.Second)
		fault.Times = 1
		b.cw.Faults().Add(fault)
		b.raise(0, sophosemu.AlertSpec{Type: outOfDate, AgentID: "d1", AgentName: "PC-1"})
		res := b.run()
		if res.Failed() != 0 || res.Totals.Created != 1 {
			t.Fatalf("run: %s %+v", res.Summary(), res.Tenants)
		}
		posts := 0
		for _, w := range b.cw.Log().Writes() {
			if w.Method == "POST" && strings.HasSuffix(w.Path, "/service/tickets") {
				posts++
			}
		}
		key := keyOf(b.tenants[0].ID, outOfDate, "d1")
		if tk := b.ourTickets()[ticket.XRef(key)]; len(tk) != 1 || posts != 1 {
			t.Fatalf("%d tickets after %d POSTs, want one of each", len(tk), posts)
		}
		if l := b.link(key); l.PendingCreate || l.TicketID == 0 {
			t.Fatalf("link: %+v", l)
		}
		b.run()
		if n := len(b.ourTickets()); n != 1 {
			t.Fatalf("%d tickets after a second run", n)
		}
	})
}

// TestCrashBetweenCreateAndLink: the process dies after ConnectWise made
// the ticket and before the link was written. A fresh process adopts the
// ticket; if the alert cleared meanwhile, it adopts and then closes it,
// so no ticket is orphaned.
func TestCrashBetweenCreateAndLink(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, newDSN func(*testing.T) string) {
		for _, clearFirst := range []bool{false, true} {
			t.Run(map[bool]string{false: "Adopts", true: "AdoptsAndCloses"}[clearFirst], func(t *testing.T) {
				t.Parallel()
				b := setup(t, bundleOptions{dsn: newDSN(t)})
				a := b.raise(0, sophosemu.AlertSpec{Type: outOfDate, AgentID: "d1", AgentName: "PC-1"})
				died := errors.New("process died")
				svc := b.service()
				svc.afterCreate = func(string, int) error { return died }
				res, err := svc.Run(t.Context())
				if err != nil || res.Failed() != 1 || !errors.Is(res.Tenants[0].err, died) {
					t.Fatalf("crashed run: %v %+v", err, res)
				}
				key := keyOf(b.tenants[0].ID, outOfDate, "d1")
				if l := b.link(key); !l.PendingCreate || l.TicketID != 0 {
					t.Fatalf("link after the crash: %+v", l)
				}
				if clearFirst {
					b.so.ClearAlert(a)
				}
				res = b.run()
				tk := b.ourTickets()[ticket.XRef(key)]
				if res.Failed() != 0 || len(tk) != 1 {
					t.Fatalf("after restart: %s, %d tickets", res.Summary(), len(tk))
				}
				l := b.link(key)
				if l.PendingCreate || l.TicketID != int64(ticketID(tk[0])) {
					t.Fatalf("link after restart: %+v", l)
				}
				if clearFirst != (tk[0]["closedFlag"] == true) || clearFirst != (l.State == store.TicketClosed) {
					t.Fatalf("alert cleared=%v: ticket closed=%v, link %s", clearFirst, tk[0]["closedFlag"], l.State)
				}
			})
		}
	})
}

// TestPendingCreateNeverMade: a create that failed before reaching
// ConnectWise leaves a pending link; the next run finds no ticket and
// creates it once.
func TestPendingCreateNeverMade(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, newDSN func(*testing.T) string) {
		b := setup(t, bundleOptions{dsn: newDSN(t)})
		f := cwemu.ServerError()
		f.Method, f.PathPrefix, f.Times = "POST", b.cw.APIPath("/service/tickets"), 1
		b.cw.Faults().Add(f)
		b.raise(0, sophosemu.AlertSpec{Type: outOfDate, AgentID: "d1"})
		res := b.run()
		key := keyOf(b.tenants[0].ID, outOfDate, "d1")
		if res.Failed() != 1 || !strings.Contains(res.Tenants[0].Error, "next run looks again") || !b.link(key).PendingCreate {
			t.Fatalf("run with a lost create: %+v", res.Tenants[0])
		}
		if res := b.run(); res.Failed() != 0 || res.Totals.Created != 1 || len(b.ourTickets()) != 1 {
			t.Fatalf("next run: %s, %d tickets", res.Summary(), len(b.ourTickets()))
		}
	})
}

// TestRefusedCreateLeavesNoPendingLink: a create ConnectWise refused
// (403: the role may not add tickets) surely made nothing, so no pending
// link is left behind, and the advice names the role function.
func TestRefusedCreateLeavesNoPendingLink(t *testing.T) {
	t.Parallel()
	b := setup(t, bundleOptions{})
	b.cw.SetRole(cwemu.FullRole().With(cwemu.FnServiceTickets, cwemu.Levels{Add: cwemu.None, Edit: cwemu.All, Inquire: cwemu.All}))
	b.raise(0, sophosemu.AlertSpec{Type: outOfDate, AgentID: "d1"})
	res := b.run()
	if res.Failed() != 1 || !strings.Contains(res.Tenants[0].Advice, "Service Tickets") {
		t.Fatalf("run: %+v", res.Tenants[0])
	}
	links, _ := b.db.TicketLinks(t.Context(), store.TicketLinkFilter{})
	if len(links) != 0 {
		t.Fatalf("links after a refused create: %+v", links)
	}
	b.cw.SetRole(cwemu.FullRole())
	if res := b.run(); res.Totals.Created != 1 || len(b.ourTickets()) != 1 {
		t.Fatalf("after fixing the role: %s", res.Summary())
	}
}

// TestFaultsConverge: with 20% of requests answered 429 or 500 on both
// sides, repeated runs end with exactly the tickets of a fault-free run.
func TestFaultsConverge(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, newDSN func(*testing.T) string) {
		world := func(t *testing.T, faults bool) string {
			b := setup(t, bundleOptions{dsn: newDSN(t), tenants: 10, alertsPer: 3, faultSeed: 42})
			if faults {
				for _, f := range []emu.Fault{cwemu.TooManyRequests(time.Millisecond), cwemu.ServerError()} {
					f.Rate = 0.2
					b.cw.Faults().Add(f)
				}
				for _, f := range []emu.Fault{sophosemu.TooManyRequests(time.Millisecond), sophosemu.ServerError(500)} {
					f.Rate, f.PathPrefix = 0.2, "/r/" // the regional hosts: alerts
					b.so.Faults().Add(f)
				}
			}
			clearSome := func() { // the same alerts clear in both worlds
				for _, tn := range b.tenants[:3] {
					if open := b.so.OpenAlerts(tn.ID); len(open) > 0 {
						b.so.ClearAlert(open[0].ID)
					}
				}
			}
			for step := range 2 {
				for range 4 {
					if res, err := b.service().Run(t.Context()); err == nil && res.Failed() == 0 {
						break
					}
				}
				if step == 0 {
					clearSome()
				}
			}
			if faults {
				for name, log := range map[string]*emu.RequestLog{"ConnectWise": b.cw.Log(), "Sophos": b.so.Log()} {
					hit := map[int]int{}
					for _, r := range log.Requests() {
						hit[r.Status]++
					}
					if hit[429] == 0 || hit[500] == 0 {
						t.Fatalf("%s: no fault fired: %v", name, hit)
					}
					t.Logf("%s answers by status: %v", name, hit)
				}
			}
			b.cw.Faults().Clear()
			b.so.Faults().Clear()
			if res := b.run(); res.Failed() != 0 {
				t.Fatalf("fault-free run after the faults: %+v", res.Tenants)
			}
			return ticketSet(t, b)
		}
		want := world(t, false)
		got := world(t, true)
		if got != want {
			t.Fatalf("tickets with faults differ from the fault-free run:\nwith faults:\n%s\nwithout:\n%s", got, want)
		}
		if !strings.Contains(want, "closed") || strings.Count(want, "\n") < 10 {
			t.Fatalf("the scenario is too small to show anything:\n%s", want)
		}
	})
}

// ticketSet describes our tickets in a form two worlds can compare, and
// fails on a key with two open tickets.
func ticketSet(t *testing.T, b *testBundle) string {
	t.Helper()
	var lines []string
	for xref, tks := range b.ourTickets() {
		open := 0
		for _, tk := range tks {
			state := "open"
			if tk["closedFlag"] == true {
				state = "closed"
			} else {
				open++
			}
			lines = append(lines, fmt.Sprintf("%s company=%d %q %s %s", xref, refID(tk, "company"), tk["summary"], refName(tk, "priority"), state))
		}
		if open > 1 {
			t.Fatalf("key %s has %d open tickets", xref, open)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}
