package ticketsync

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"centralpsa/emu"
	"centralpsa/sophosemu"
	"centralpsa/store"
	"centralpsa/ticket"
)

// TestTicketStatesReadOncePerPass: a pass reads the state of every open
// ticket in one batched request for the whole run, not one per tenant,
// and still sees a ticket a technician closed and one someone deleted.
func TestTicketStatesReadOncePerPass(t *testing.T) {
	t.Parallel()
	b := setup(t, bundleOptions{tenants: 6, alertsPer: 2})
	if res := b.run(); res.Totals.Created == 0 {
		t.Fatalf("first pass created nothing: %s", res.Summary())
	}
	links, err := b.db.TicketLinks(t.Context(), store.TicketLinkFilter{})
	if err != nil || len(links) < 3 {
		t.Fatalf("links: %d, %v", len(links), err)
	}
	closed, deleted := links[0], links[len(links)-1]
	if err := b.cw.CloseTicket(int(closed.TicketID)); err != nil {
		t.Fatal(err)
	}
	if err := b.cw.Delete("tickets", int(deleted.TicketID)); err != nil {
		t.Fatal(err)
	}
	b.cw.Log().Reset()
	b.run()

	lists := 0
	for _, r := range b.cw.Log().Requests() {
		if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/service/tickets") && strings.Contains(r.Query, "id%20in") {
			lists++
		}
	}
	if lists != 1 {
		t.Errorf("ticket states read with %d list requests for %d tenants, want 1", lists, len(b.tenants))
	}
	for what, key := range map[string]string{"closed by a technician": closed.Key, "deleted": deleted.Key} {
		if l := b.link(key); l.State != store.TicketClosed {
			t.Errorf("ticket %s: link state %q, want closed", what, l.State)
		}
	}
}

// ticketReads counts the GET requests on /service/tickets (lists and
// single tickets, not notes).
func ticketReads(b *testBundle) (lists, byKey int) {
	for _, r := range b.cw.Log().Requests() {
		if r.Method != http.MethodGet || !strings.Contains(r.Path, "/service/tickets") || strings.Contains(r.Path, "/notes") {
			continue
		}
		lists++
		if q, _ := url.ParseQuery(r.Query); strings.Contains(q.Get("conditions"), "externalXRef") {
			byKey++
		}
	}
	return lists, byKey
}

// TestFirstPassListsTheBoardOnce: before its creates a pass looks the keys
// up in one listing of the board's open tickets, not one request per key,
// so a first pass costs one read besides its creates.
func TestFirstPassListsTheBoardOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, bundleOptions{tenants: 6, alertsPer: 2})
	b.cw.Log().Reset()
	res := b.run()
	if res.Failed() != 0 || res.Totals.Created < 6 {
		t.Fatalf("first pass: %s", res.Summary())
	}
	lists, byKey := ticketReads(b)
	if lists != 1 || byKey != 0 {
		t.Errorf("first pass read tickets %d times (%d by key) for %d creates; want one listing", lists, byKey, res.Totals.Created)
	}
}

// TestLostLinksAreAdopted: when the store lost its links and cursors (a
// database rebuilt after a loss) the open tickets with our keys are found in
// the board listing and adopted, not created again; and when the listing
// itself fails, each key is looked up on its own, with the same result.
func TestLostLinksAreAdopted(t *testing.T) {
	t.Parallel()
	for _, listingFails := range []bool{false, true} {
		t.Run(map[bool]string{false: "FromListing", true: "KeyByKey"}[listingFails], func(t *testing.T) {
			t.Parallel()
			b := setup(t, bundleOptions{tenants: 4, alertsPer: 2})
			first := b.run()
			before := b.ourTickets()
			links, err := b.db.TicketLinks(t.Context(), store.TicketLinkFilter{})
			if err != nil || len(links) == 0 || first.Failed() != 0 {
				t.Fatalf("first pass: %s; links %d, %v", first.Summary(), len(links), err)
			}
			for _, l := range links {
				if err := b.db.DeleteTicketLink(t.Context(), l.Key); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := b.db.SQL().ExecContext(t.Context(), `DELETE FROM alert_cursors`); err != nil {
				t.Fatal(err)
			}
			if listingFails {
				b.cw.Faults().Add(emu.Fault{Kind: emu.FaultStatus, Status: http.StatusBadRequest, Method: http.MethodGet,
					PathPrefix: b.cw.APIPath("/service/tickets"), Times: 1})
			}
			b.cw.Log().Reset()
			res := b.run()
			after := b.ourTickets()
			if res.Failed() != 0 || len(after) != len(before) {
				t.Fatalf("second pass: %s; %d keys with tickets, want %d", res.Summary(), len(after), len(before))
			}
			for _, l := range links {
				tk := after[ticket.XRef(l.Key)]
				if got := b.link(l.Key); len(tk) != 1 || got.TicketID != l.TicketID {
					t.Errorf("key %s: %d tickets, link to %d, want the one ticket %d", l.Key, len(tk), got.TicketID, l.TicketID)
				}
			}
			if _, byKey := ticketReads(b); listingFails != (byKey > 0) {
				t.Errorf("listing fails %v: %d look-ups by key", listingFails, byKey)
			}
		})
	}
}

// TestOnePassAtATime: a pass started while another process holds the
// ticket sync lease refuses at once, records no run and writes nothing;
// the job queue waits out the lease (RetryAfterDelay).
func TestOnePassAtATime(t *testing.T) {
	t.Parallel()
	b := setup(t, bundleOptions{tenants: 2, alertsPer: 2})
	other, err := store.Open(t.Context(), b.dsn, store.Options{NowFunc: b.clock.Now, SecretKey: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	err = other.Hold(t.Context(), store.LeaseTicketSync, 0, func(context.Context) error {
		res, err := b.service().Run(t.Context())
		var held *store.LeaseHeldError
		if !errors.As(err, &held) || res != nil || held.RetryAfterDelay() <= 0 {
			t.Errorf("Run beside a held lease = %+v, %v; want a held lease", res, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	runs, err := b.db.Runs(t.Context(), store.RunKindTickets, 0)
	if err != nil || len(runs) != 0 || len(b.ourTickets()) != 0 {
		t.Fatalf("refused pass left %d runs (%v) and %d tickets", len(runs), err, len(b.ourTickets()))
	}
	if res := b.run(); res.Totals.Created == 0 {
		t.Fatalf("pass after the lease was released: %s", res.Summary())
	}
}

// TestClosingReadsNoNotes: a pass that closes tickets adds the closing
// note without reading the ticket's notes first, because no earlier
// attempt left that note pending (TestCloseForbidden shows the read after
// one did).
func TestClosingReadsNoNotes(t *testing.T) {
	t.Parallel()
	b := setup(t, bundleOptions{})
	var ids []string
	for i := range 3 {
		ids = append(ids, b.raise(0, sophosemu.AlertSpec{Type: outOfDate, AgentID: "d" + string(rune('1'+i))}))
	}
	if res := b.run(); res.Totals.Created != 3 {
		t.Fatalf("first pass: %s", res.Summary())
	}
	for _, id := range ids {
		b.so.ClearAlert(id)
	}
	b.cw.Log().Reset()
	if res := b.run(); res.Totals.Closed != 3 || res.Failed() != 0 {
		t.Fatalf("closing pass: %s", res.Summary())
	}
	reads, posts := 0, 0
	for _, r := range b.cw.Log().Requests() {
		if strings.HasSuffix(r.Path, "/notes") {
			if r.Method == http.MethodGet {
				reads++
			} else {
				posts++
			}
		}
	}
	if reads != 0 || posts != 3 {
		t.Errorf("closing 3 tickets: %d notes read, %d added; want 0 and 3", reads, posts)
	}
}
