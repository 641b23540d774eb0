package ticketsync

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"centralpsa/connectwise"
	"centralpsa/store"
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

// ticketStates are the ConnectWise states of tickets: closed or not, and
// gone (a 404).
type ticketStates struct {
	closed, gone map[int64]bool
}

// observeBatch is how many tickets one state read asks for: enough to
// keep the requests few, few enough for the query string that on-premises
// servers behind IIS accept.
const observeBatch = 200

// observeAll reads, before the tenants are synced one by one, the state of
// every ticket the links hold open, observeBatch to a request, so a pass
// costs a request per observeBatch tickets rather than at least one per
// tenant. A failure here is only logged: each tenant then reads its own.
func (s *Service) observeAll(ctx context.Context, mappings []store.Mapping) ticketStates {
	pre := ticketStates{closed: map[int64]bool{}, gone: map[int64]bool{}}
	links, err := s.Store.TicketLinks(ctx, store.TicketLinkFilter{States: []string{store.TicketOpen, store.TicketResolved}})
	if err != nil {
		s.logger().Warn("cannot read ticket links; reading ticket states tenant by tenant", "error", err)
		return pre
	}
	synced := map[string]bool{}
	for _, m := range mappings {
		synced[m.TenantID] = m.TicketsEnabled && m.Mapped()
	}
	var ids []int64
	for _, l := range links {
		if synced[l.TenantID] && l.TicketID != 0 {
			ids = append(ids, l.TicketID)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	closed, gone, err := observe(ctx, s.CW, ids, observeBatch)
	if err != nil {
		s.logger().Warn("cannot read ticket states; reading them tenant by tenant", "error", err)
		return pre
	}
	return ticketStates{closed: closed, gone: gone}
}

// observe returns the state of the given tickets: those read before the
// tenants were synced, and the others (tickets of creates settled in this
// run) read now, 50 per request.
func (r *tenantRun) observe(ctx context.Context, ids []int64) (closed, gone map[int64]bool, err error) {
	var rest []int64
	closed, gone = map[int64]bool{}, map[int64]bool{}
	for _, id := range ids {
		c, known := r.pre.closed[id]
		switch {
		case r.pre.gone[id]:
			gone[id] = true
		case known:
			closed[id] = c
		default:
			rest = append(rest, id)
		}
	}
	more, moreGone, err := observe(ctx, r.s.CW, rest, 50)
	if err != nil {
		return nil, nil, err
	}
	maps.Copy(closed, more)
	maps.Copy(gone, moreGone)
	return closed, gone, nil
}

// observe reads the ConnectWise state of the given tickets, batch per
// request. A ticket missing from the answer is fetched on its own, so
// only a real 404 counts as deleted.
func observe(ctx context.Context, cw *connectwise.Client, ids []int64, batch int) (closed, gone map[int64]bool, err error) {
	closed, gone = map[int64]bool{}, map[int64]bool{}
	for start := 0; start < len(ids); start += batch {
		chunk := ids[start:min(start+batch, len(ids))]
		vals := make([]any, len(chunk))
		for i, id := range chunk {
			vals[i] = id
		}
		got, err := cw.Tickets.List(ctx, &connectwise.ListOptions{Conditions: connectwise.In("id", vals...), Fields: ticketFields})
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
			t, err := cw.Tickets.Get(ctx, int(id))
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
