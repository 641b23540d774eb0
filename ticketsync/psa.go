package ticketsync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"centralpsa/connectwise"
)

// ticketFields are the fields read back when only state matters.
var ticketFields = []string{"id", "closedFlag", "externalXRef", "status"}

// findOpen returns the id of the open ticket that carries xref; ok is
// false when there is none. It is asked
// before every create and after a create whose answer was lost: an open
// ticket with our key is, by the one-open-ticket-per-key rule, ours.
// Closed ones belong to earlier occurrences and are left alone.
//
// Whether ConnectWise filters on externalXRef is not documented (doc
// §10.17, uncertain): every page is read and the key compared here, so a
// server that ignored the condition costs time, never a duplicate.
func (r *tenantRun) findOpen(ctx context.Context, xref string) (id int, ok bool, err error) {
	var mine []connectwise.Ticket
	for t, err := range r.s.CW.Tickets.All(ctx, &connectwise.ListOptions{
		Conditions: connectwise.And(connectwise.Eq("externalXRef", xref), connectwise.Eq("closedFlag", false)),
		Fields:     ticketFields, OrderBy: "id asc",
	}) {
		if err != nil {
			return 0, false, fmt.Errorf("look up ticket by key %s: %w", xref, err)
		}
		if strings.EqualFold(t.ExternalXRef, xref) && !t.ClosedFlag {
			mine = append(mine, t)
		}
	}
	if len(mine) == 0 {
		return 0, false, nil
	}
	if len(mine) > 1 {
		r.log.Warn("several open tickets carry one key; using the oldest", "external_xref", xref, "ticket_id", mine[0].ID, "count", len(mine))
	}
	return mine[0].ID, true, nil
}

// observe reads the ConnectWise state of the given tickets, 50 per
// request. A ticket missing from the answer is fetched on its own, so
// only a real 404 counts as deleted.
func (r *tenantRun) observe(ctx context.Context, ids []int64) (closed, gone map[int64]bool, err error) {
	closed, gone = map[int64]bool{}, map[int64]bool{}
	for start := 0; start < len(ids); start += 50 {
		chunk := ids[start:min(start+50, len(ids))]
		vals := make([]any, len(chunk))
		for i, id := range chunk {
			vals[i] = id
		}
		got, err := r.s.CW.Tickets.List(ctx, &connectwise.ListOptions{Conditions: connectwise.In("id", vals...), Fields: ticketFields})
		if err != nil {
			return nil, nil, fmt.Errorf("read ticket states: %w", err)
		}
		seen := map[int64]bool{}
		for _, t := range got {
			seen[int64(t.ID)] = true
			closed[int64(t.ID)] = t.ClosedFlag
		}
		for _, id := range chunk {
			if seen[id] {
				continue
			}
			t, err := r.s.CW.Tickets.Get(ctx, int(id))
			switch {
			case isStatus(err, http.StatusNotFound):
				gone[id] = true
			case err != nil:
				return nil, nil, fmt.Errorf("read ticket %d: %w", id, err)
			default:
				closed[id] = t.ClosedFlag
			}
		}
	}
	return closed, gone, nil
}

// ensureNote adds text to a ticket unless the ticket already has it, so
// a run repeated after a failure half-way does not repeat its notes.
// Texts are compared with their white space folded, because ConnectWise
// may turn line breaks into spaces (doc §8, uncertain). Notes are
// internal analysis: they document the automation without mailing the
// customer.
func (r *tenantRun) ensureNote(ctx context.Context, ticketID int64, text string) error {
	has, err := r.hasNote(ctx, ticketID, text)
	if err != nil || has {
		return err
	}
	n := &connectwise.Note{Text: text, InternalAnalysisFlag: true}
	_, err = r.s.CW.Tickets.CreateNote(ctx, int(ticketID), n)
	r.audit("POST", fmt.Sprintf("/service/tickets/%d/notes", ticketID), "ticket_note", ticketID, n, err)
	if errors.Is(err, connectwise.ErrOutcomeUnknown) {
		if has, herr := r.hasNote(ctx, ticketID, text); herr == nil && has {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("add note to ticket %d: %w", ticketID, err)
	}
	return nil
}

func (r *tenantRun) hasNote(ctx context.Context, ticketID int64, text string) (bool, error) {
	notes, err := r.s.CW.Tickets.ListNotes(ctx, int(ticketID), &connectwise.ListOptions{Fields: []string{"id", "text"}})
	if err != nil {
		return false, fmt.Errorf("read notes of ticket %d: %w", ticketID, err)
	}
	want := fold(text)
	for _, n := range notes {
		if fold(n.Text) == want {
			return true, nil
		}
	}
	return false, nil
}

func fold(s string) string { return strings.Join(strings.Fields(s), " ") }

// update applies patch operations to a ticket.
func (r *tenantRun) update(ctx context.Context, ticketID int64, ops []connectwise.PatchOp) error {
	_, err := r.s.CW.Tickets.Update(ctx, int(ticketID), ops)
	r.audit("PATCH", fmt.Sprintf("/service/tickets/%d", ticketID), "ticket", ticketID, ops, err)
	if err != nil {
		return fmt.Errorf("update ticket %d: %w", ticketID, err)
	}
	return nil
}

func isStatus(err error, status int) bool {
	var ce *connectwise.Error
	return errors.As(err, &ce) && ce.Status == status
}
