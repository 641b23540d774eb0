package connectwise_test

import (
	"net/http"
	"testing"

	"centralpsa/connectwise"
	"centralpsa/cwemu"
)

// TestEmulatorTicketLifecycle is what alert sync does with a ticket: look
// it up by its correlation key, create it, find it again by the key, add a
// note and read the notes back. The keys include a near miss (a prefix of
// another key) and characters that need escaping, so Eq must match exactly.
func TestEmulatorTicketLifecycle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, key, decoy string
	}{
		{name: "PlainKey", key: "sophos:alert:1f0c2d3e", decoy: "sophos:alert:1f0c2d3e-2"},
		{name: "KeyWithWildcards", key: "sophos:alert:100%_[x]", decoy: "sophos:alert:100XX[x]"},
		{name: "KeyWithQuoteAmpersandPlus", key: "sophos:alert:o'brien&co #1+2", decoy: "sophos:alert:o'brien&co #1 2"},
		{name: "KeyNonASCII", key: "sophos:alert:müller-株式会社", decoy: "sophos:alert:muller-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := startEmu(t, cwemu.Options{})
			ctx := t.Context()
			byKey := &connectwise.ListOptions{Conditions: connectwise.Eq("externalXRef", tt.key)}
			if found, err := b.cw.Tickets.List(ctx, byKey); err != nil || len(found) != 0 {
				t.Fatalf("before create: found %v, %v; want none", found, err)
			}
			if _, err := b.srv.Create("tickets", 0, map[string]any{"summary": "Decoy", "externalXRef": tt.decoy,
				"company": map[string]any{"id": firstCompany(b)}, "board": map[string]any{"name": "Sophos Alerts"}}); err != nil {
				t.Fatal(err)
			}
			created, err := b.cw.Tickets.Create(ctx, newTicket(b, tt.key))
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if created.ID == 0 || created.ExternalXRef != tt.key || created.Board == nil || created.Board.ID != boardID(b, "Sophos Alerts") {
				t.Errorf("created ticket %+v", created)
			}
			rec, ok := b.srv.Record("tickets", created.ID)
			if !ok || str(rec, "externalXRef") != tt.key || int(num(ref(rec, "company", "id"))) != firstCompany(b) {
				t.Fatalf("emulator holds %v", rec)
			}
			found, err := b.cw.Tickets.List(ctx, byKey)
			if err != nil || len(found) != 1 || found[0].ID != created.ID {
				t.Fatalf("lookup by key: %v, %v; want ticket %d only", found, err, created.ID)
			}
			note, err := b.cw.Tickets.CreateNote(ctx, created.ID, &connectwise.Note{
				Text: "Alert repeated on LAPTOP-7 at 10:42 (2 occurrences).", InternalAnalysisFlag: true})
			if err != nil {
				t.Fatalf("add note: %v", err)
			}
			notes, err := b.cw.Tickets.ListNotes(ctx, created.ID, nil)
			if err != nil {
				t.Fatalf("list notes: %v", err)
			}
			// The initial description became the first note (§10.17).
			if len(notes) != 2 || notes[0].Text != newTicket(b, tt.key).InitialDescription || notes[1].ID != note.ID ||
				notes[1].Text != note.Text || !notes[1].InternalAnalysisFlag {
				t.Errorf("notes %+v", notes)
			}
			if got := b.srv.Notes(created.ID); len(got) != 2 || str(got[1], "text") != note.Text {
				t.Errorf("emulator notes %v", got)
			}
			if n := len(b.requests(http.MethodPost, "/service/tickets")); n != 1 {
				t.Errorf("%d ticket POSTs, want 1", n)
			}
		})
	}
}
