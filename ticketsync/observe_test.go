package ticketsync

import (
	"net/http"
	"strings"
	"testing"

	"centralpsa/store"
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
