package ticketsync

import (
	"strings"
	"testing"
	"time"

	"centralpsa/sophosemu"
	"centralpsa/store"
	"centralpsa/ticket"
)

const outOfDate = "Event::Endpoint::OutOfDate"

// TestConsolidation: one ticket per key with the mapped company, board,
// status, priority and key; a repeat on the same device becomes a note;
// a second run with nothing new writes nothing.
func TestConsolidation(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, newDSN func(*testing.T) string) {
		b := setup(t, bundleOptions{dsn: newDSN(t)})
		t0 := b.tenants[0]
		pc := sophosemu.AlertSpec{Type: outOfDate, Severity: "medium", AgentID: "PC-1-ID", AgentType: "computer", AgentName: "PC-1"}
		a1 := b.raise(0, pc)
		b.clock.Advance(time.Minute)
		a2 := b.raise(0, pc) // same key: consolidated into the first ticket
		b.raise(0, sophosemu.AlertSpec{Type: "Event::Endpoint::Threat::CleanupFailed", Severity: "high", Category: "malware",
			AgentID: "PC-1-ID", AgentType: "computer", AgentName: "PC-1"})
		b.raise(0, sophosemu.AlertSpec{Type: outOfDate, Severity: "low", AgentID: "SRV-ID", AgentType: "server", AgentName: "SRV-1"})
		b.raise(1, pc)

		res := b.run()
		if res.Totals.Created != 4 || res.Failed() != 0 {
			t.Fatalf("first run: %s", res.Summary())
		}
		tickets := b.ourTickets()
		if len(tickets) != 4 {
			t.Fatalf("%d keys with tickets, want 4: %v", len(tickets), tickets)
		}
		key := keyOf(t0.ID, outOfDate, "pc-1-id")
		tk := tickets[ticket.XRef(key)]
		if len(tk) != 1 {
			t.Fatalf("key %s has %d tickets", key, len(tk))
		}
		got := tk[0]
		if refID(got, "company") != b.company[t0.ID] || refName(got, "board") != "Sophos Alerts" || refName(got, "status") != "New" ||
			refName(got, "priority") != "Priority 2 - Quick Response" || got["summary"] != "Sophos Endpoint: Out of date on PC-1" {
			t.Fatalf("ticket fields: %v", got)
		}
		notes := b.cw.Notes(ticketID(got))
		if len(notes) != 1 || !strings.Contains(notes[0]["text"].(string), "Alert id: "+a1) ||
			!strings.Contains(notes[0]["text"].(string), a2) || !strings.Contains(notes[0]["text"].(string), "/manage/endpoint/devices/computers/pc-1-id") {
			t.Fatalf("initial description: %v", notes)
		}
		l := b.link(key)
		if l.TicketID != int64(ticketID(got)) || l.State != store.TicketOpen || l.Occurrences != 2 || len(l.AlertIDs) != 2 || l.PendingCreate {
			t.Fatalf("link: %+v", l)
		}
		srv := tickets[ticket.XRef(keyOf(t0.ID, outOfDate, "srv-id"))]
		if len(srv) != 1 || refName(srv[0], "priority") != "Priority 3 - Normal Response" {
			t.Fatalf("server ticket: %v", srv)
		}

		// A repeat on the same device: a note, no ticket.
		b.clock.Advance(10 * time.Minute)
		a3 := b.raise(0, pc)
		res = b.run()
		if res.Totals.Created != 0 || res.Totals.Noted != 1 {
			t.Fatalf("second run: %s", res.Summary())
		}
		notes = b.cw.Notes(ticketID(got))
		if len(notes) != 2 || !strings.Contains(notes[1]["text"].(string), a3) {
			t.Fatalf("notes after a repeat: %v", notes)
		}
		if l := b.link(key); l.Occurrences != 3 || len(l.AlertIDs) != 3 {
			t.Fatalf("link after a repeat: %+v", l)
		}

		// Nothing new: nothing written.
		before := len(b.cw.Log().Writes())
		res = b.run()
		if res.Totals != (Counts{}) || res.Failed() != 0 {
			t.Fatalf("third run: %s", res.Summary())
		}
		if w := b.cw.Log().Writes(); len(w) != before {
			t.Fatalf("a run with nothing new wrote to ConnectWise: %v", w[before:])
		}
		if n := len(b.ourTickets()); n != 4 {
			t.Fatalf("%d keys with tickets after three runs", n)
		}
	})
}

// TestResolveAndReopen: a cleared alert closes its ticket; a recurrence
// within tickets.reopen_days reopens it; after the window a new ticket is
// made and the old one stays closed.
func TestResolveAndReopen(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, newDSN func(*testing.T) string) {
		b := setup(t, bundleOptions{dsn: newDSN(t), settings: map[string]string{"tickets.reopen_days": "1"}})
		pc := sophosemu.AlertSpec{Type: outOfDate, Severity: "medium", AgentID: "PC-1-ID", AgentType: "computer", AgentName: "PC-1"}
		key := keyOf(b.tenants[0].ID, outOfDate, "pc-1-id")
		xref := ticket.XRef(key)
		a1 := b.raise(0, pc)
		b.run()
		first := ticketID(b.ourTickets()[xref][0])

		b.so.ClearAlert(a1)
		b.clock.Advance(time.Hour)
		if res := b.run(); res.Totals.Closed != 1 {
			t.Fatalf("run after clearing: %s", res.Summary())
		}
		tk := b.ourTickets()[xref]
		if len(tk) != 1 || tk[0]["closedFlag"] != true || refName(tk[0], "status") != "Closed" {
			t.Fatalf("ticket after its alert cleared: %v", tk)
		}
		notes := b.cw.Notes(first)
		if last := notes[len(notes)-1]["text"].(string); !strings.Contains(last, "no longer lists") || !strings.Contains(last, a1) {
			t.Fatalf("closing note: %q", last)
		}
		if l := b.link(key); l.State != store.TicketClosed || !l.ClosedAt.Equal(b.clock.Now()) {
			t.Fatalf("link after close: %+v", l)
		}

		// Back within a day: the same ticket reopens.
		b.clock.Advance(20 * time.Hour)
		a2 := b.raise(0, pc)
		if res := b.run(); res.Totals.Reopened != 1 || res.Totals.Created != 0 {
			t.Fatalf("recurrence within the window: %s", res.Summary())
		}
		tk = b.ourTickets()[xref]
		if len(tk) != 1 || tk[0]["closedFlag"] != false || refName(tk[0], "status") != "New" {
			t.Fatalf("reopened ticket: %v", tk)
		}
		if l := b.link(key); l.State != store.TicketOpen || l.TicketID != int64(first) || l.Occurrences != 2 {
			t.Fatalf("link after reopen: %+v", l)
		}

		// Cleared again, back two days later: a new ticket.
		b.so.ClearAlert(a2)
		b.run()
		b.clock.Advance(49 * time.Hour)
		b.raise(0, pc)
		if res := b.run(); res.Totals.Created != 1 || res.Totals.Reopened != 0 {
			t.Fatalf("recurrence after the window: %s", res.Summary())
		}
		tk = b.ourTickets()[xref]
		if len(tk) != 2 || ticketID(tk[0]) != first || tk[0]["closedFlag"] != true || tk[1]["closedFlag"] != false {
			t.Fatalf("tickets after a late recurrence: %v", tk)
		}
		desc := b.cw.Notes(ticketID(tk[1]))[0]["text"].(string)
		if l := b.link(key); l.TicketID != int64(ticketID(tk[1])) || l.State != store.TicketOpen || l.Occurrences != 1 ||
			!strings.Contains(desc, "previous ticket for this alert") {
			t.Fatalf("link after a late recurrence: %+v\n%s", l, desc)
		}
	})
}

// TestResolveWithoutClosing: with tickets.close_on_resolve off the ticket
// gets one note and stays open.
func TestResolveWithoutClosing(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, newDSN func(*testing.T) string) {
		b := setup(t, bundleOptions{dsn: newDSN(t), settings: map[string]string{"tickets.close_on_resolve": "false"}})
		a := b.raise(0, sophosemu.AlertSpec{Type: outOfDate, AgentID: "d1", AgentName: "PC-1"})
		b.run()
		b.so.ClearAlert(a)
		for range 2 {
			b.run()
		}
		key := keyOf(b.tenants[0].ID, outOfDate, "d1")
		tk := b.ourTickets()[ticket.XRef(key)]
		if len(tk) != 1 || tk[0]["closedFlag"] != false {
			t.Fatalf("ticket: %v", tk)
		}
		if notes := b.cw.Notes(ticketID(tk[0])); len(notes) != 2 || !strings.Contains(notes[1]["text"].(string), "stays open") {
			t.Fatalf("notes: %v", notes)
		}
		if l := b.link(key); l.State != store.TicketResolved {
			t.Fatalf("link: %+v", l)
		}
	})
}

// TestClosedByTechnician: a ticket closed in ConnectWise stays closed
// while its alert is still open; with tickets.acknowledge_on_close the
// alert is acknowledged in Sophos, when Sophos allows it.
func TestClosedByTechnician(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, newDSN func(*testing.T) string) {
		for _, ack := range []bool{false, true} {
			t.Run(map[bool]string{false: "KeepAlert", true: "Acknowledge"}[ack], func(t *testing.T) {
				t.Parallel()
				b := setup(t, bundleOptions{dsn: newDSN(t), settings: map[string]string{"tickets.acknowledge_on_close": map[bool]string{false: "false", true: "true"}[ack]}})
				a := b.raise(0, sophosemu.AlertSpec{Type: outOfDate, AgentID: "d1", AgentName: "PC-1", AllowedActions: []string{"acknowledge"}})
				b.raise(0, sophosemu.AlertSpec{Type: "Event::Endpoint::Threat::CleanupFailed", AgentID: "d1", AllowedActions: []string{"clearThreat"}})
				b.run()
				key := keyOf(b.tenants[0].ID, outOfDate, "d1")
				id := b.link(key).TicketID
				if err := b.cw.CloseTicket(int(id)); err != nil {
					t.Fatal(err)
				}
				other := b.link(keyOf(b.tenants[0].ID, "Event::Endpoint::Threat::CleanupFailed", "d1")).TicketID
				if err := b.cw.CloseTicket(int(other)); err != nil {
					t.Fatal(err)
				}
				for range 2 {
					if res := b.run(); res.Failed() != 0 || res.Totals.Reopened+res.Totals.Created != 0 {
						t.Fatalf("run after the technician closed it: %s", res.Summary())
					}
				}
				if l := b.link(key); l.State != store.TicketClosed {
					t.Fatalf("link: %+v", l)
				}
				if tk, _ := b.cw.Record("tickets", int(id)); tk["closedFlag"] != true {
					t.Fatalf("the ticket was reopened: %v", tk)
				}
				open := len(b.so.OpenAlerts(b.tenants[0].ID))
				if alert, _ := b.so.Alert(a); alert.Open == ack {
					t.Fatalf("acknowledge_on_close=%v: alert open = %v", ack, alert.Open)
				}
				if want := map[bool]int{false: 2, true: 1}[ack]; open != want {
					t.Fatalf("%d open alerts, want %d (clearThreat-only alerts are never acknowledged)", open, want)
				}
			})
		}
	})
}
