package ticketsync

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"centralpsa/sophosemu"
	"centralpsa/store"
	"centralpsa/ticket"
)

// TestCursorOverlap: a tenant without open tickets is read from its cursor
// minus the overlap, so an alert that reached Sophos late (raised before
// the last run) still gets its ticket; a tenant with an open ticket is
// read in full.
func TestCursorOverlap(t *testing.T) {
	t.Parallel()
	b := setup(t, bundleOptions{})
	b.run()
	cursor := b.clock.Now()
	b.clock.Advance(2 * time.Minute)
	b.so.Log().Reset()
	late := b.raise(0, sophosemu.AlertSpec{Type: outOfDate, AgentID: "d1", RaisedAt: cursor.Add(-40 * time.Minute)})
	if res := b.run(); res.Totals.Created != 1 {
		t.Fatalf("late alert: %s", res.Summary())
	}
	from := map[string]string{} // tenant path → from parameter
	for _, r := range b.so.Log().Requests() {
		if strings.HasSuffix(r.Path, "/common/v1/alerts") {
			q, _ := url.ParseQuery(r.Query)
			from[r.Path+q.Get("from")] = q.Get("from")
		}
	}
	want := cursor.Add(-DefaultOverlap).Format("2006-01-02T15:04:05.000Z")
	n := 0
	for _, f := range from {
		if f != want {
			t.Errorf("alerts read from %q, want %q", f, want)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no alert list request")
	}
	if l := b.link(keyOf(b.tenants[0].ID, outOfDate, "d1")); l.AlertIDs[0] != late {
		t.Fatalf("link: %+v", l)
	}

	// With a ticket open, the tenant is read in full: an old alert of the
	// same key is tracked, not missed.
	b.so.Log().Reset()
	b.clock.Advance(2 * time.Minute)
	b.run()
	full := false
	for _, r := range b.so.Log().Requests() {
		q, _ := url.ParseQuery(r.Query)
		full = full || (strings.HasSuffix(r.Path, "/common/v1/alerts") && !q.Has("from"))
	}
	if !full {
		t.Fatal("a tenant with an open ticket was not read in full")
	}
}

// TestPriorityFollowsSeverity: a more severe occurrence raises the open
// ticket's priority.
func TestPriorityFollowsSeverity(t *testing.T) {
	t.Parallel()
	b := setup(t, bundleOptions{})
	spec := sophosemu.AlertSpec{Type: outOfDate, AgentID: "d1", Severity: "low"}
	b.raise(0, spec)
	b.run()
	spec.Severity = "high"
	b.raise(0, spec)
	b.run()
	tk := b.ourTickets()[ticket.XRef(keyOf(b.tenants[0].ID, outOfDate, "d1"))]
	if len(tk) != 1 || refName(tk[0], "priority") != "Priority 1 - Emergency Response" {
		t.Fatalf("ticket: %v", tk)
	}
}

// TestDeletedTicket: a ticket deleted in ConnectWise is let go, and the
// next occurrence gets a new ticket rather than an error.
func TestDeletedTicket(t *testing.T) {
	t.Parallel()
	b := setup(t, bundleOptions{})
	spec := sophosemu.AlertSpec{Type: outOfDate, AgentID: "d1"}
	b.raise(0, spec)
	b.run()
	key := keyOf(b.tenants[0].ID, outOfDate, "d1")
	old := b.link(key).TicketID
	if err := b.cw.Delete("tickets", int(old)); err != nil {
		t.Fatal(err)
	}
	if res := b.run(); res.Failed() != 0 || b.link(key).State != store.TicketClosed {
		t.Fatalf("after delete: %s, link %+v", res.Summary(), b.link(key))
	}
	b.raise(0, spec)
	if res := b.run(); res.Failed() != 0 || res.Totals.Created != 1 {
		t.Fatalf("recurrence: %s %+v", res.Summary(), res.Tenants)
	}
	if l := b.link(key); l.TicketID == old || l.State != store.TicketOpen {
		t.Fatalf("link: %+v", l)
	}
}
