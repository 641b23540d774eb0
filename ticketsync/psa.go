package ticketsync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// ticketStates are what a pass reads of ConnectWise before the tenants
// are synced: tickets closed or not, tickets gone (a 404), and the open
// tickets on the board by their key.
type ticketStates struct {
	closed, gone map[int64]bool
	// byXRef maps the lower-cased externalXRef of every open ticket on
	// the board to its id (the lowest when several). It answers the
	// look-up before a create for the whole pass, one paged read instead
	// of one read per create. It is nil when the board could not be read:
	// creates then look their key up one by one.
	byXRef map[string]int
}

// observeBatch is how many tickets one state read asks for: enough to
// keep the requests few, few enough for the query string that on-premises
// servers behind IIS accept.
const observeBatch = 200

// observeAll reads, before the tenants are synced one by one, the open
// tickets on the board (1,000 a page), and then, observeBatch to a
// request, the state of the tickets the links hold open that the board
// did not show (closed, moved to another board, deleted). A pass then
// costs a few requests in all rather than at least one per tenant and one
// per create. A failure here is only logged: each tenant then reads its
// own states and looks each key up before its create.
func (s *Service) observeAll(ctx context.Context, rf refs, mappings []store.Mapping) ticketStates {
	pre := ticketStates{closed: map[int64]bool{}, gone: map[int64]bool{}}
	if byXRef, listed, err := openOnBoard(ctx, s.CW, rf.board); err != nil {
		s.logger().Warn("cannot list the open tickets on the board; looking each key up before its create", "error", err)
	} else {
		pre.byXRef = byXRef
		for _, id := range listed {
			pre.closed[id] = false
		}
	}
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
		if _, known := pre.closed[l.TicketID]; synced[l.TenantID] && l.TicketID != 0 && !known {
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
	maps.Copy(pre.closed, closed)
	pre.gone = gone
	return pre
}

// openOnBoard lists the open tickets on the board: the index of their
// keys (externalXRef) to ids, and every listed id. The
// conditions are documented filters (doc §10.17); each ticket is checked
// here as well, so a server that ignored one costs time, never a wrong
// answer.
func openOnBoard(ctx context.Context, cw *connectwise.Client, board int) (map[string]int, []int64, error) {
	byXRef := map[string]int{}
	var ids []int64
	for t, err := range cw.Tickets.All(ctx, &connectwise.ListOptions{
		Conditions: connectwise.And(connectwise.Eq("board/id", board), connectwise.Eq("closedFlag", false)),
		Fields:     append(slices.Clone(ticketFields), "board"), OrderBy: "id asc",
	}) {
		if err != nil {
			return nil, nil, fmt.Errorf("list the open tickets on the board: %w", err)
		}
		if t.ClosedFlag || (t.Board != nil && t.Board.ID != board) {
			continue
		}
		ids = append(ids, int64(t.ID))
		if t.ExternalXRef == "" {
			continue
		}
		x := strings.ToLower(t.ExternalXRef)
		if cur, ok := byXRef[x]; !ok || t.ID < cur {
			byXRef[x] = t.ID
		}
	}
	return byXRef, ids, nil
}

// lookup is the check before a create: the open ticket that carries xref,
// from the board listing read at the start of the pass when there is one,
// else from ConnectWise. The listing is as good as a read per create:
// the pass holds the ticket sync lease, so no other process creates
// tickets meanwhile, and a create an earlier pass left unfinished is
// settled from its pending link (settle) before anything is decided.
func (r *tenantRun) lookup(ctx context.Context, xref string) (id int, ok bool, err error) {
	if r.pre.byXRef == nil {
		return r.findOpen(ctx, xref)
	}
	id, ok = r.pre.byXRef[strings.ToLower(xref)]
	return id, ok, nil
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

// ensureNote adds text to the ticket of link l unless the ticket already
// has it, so a run repeated after a failure half-way does not repeat its
// notes. The ticket's notes are read only when an earlier attempt may
// have added this very note: the link's NotePending, stored before the
// POST and cleared when the link is stored after the action, says so.
// Texts are compared with their white space folded, because ConnectWise
// may turn line breaks into spaces (doc §8, uncertain). Notes are
// internal analysis: they document the automation without mailing the
// customer.
func (r *tenantRun) ensureNote(ctx context.Context, l *store.TicketLink, text string) error {
	ticketID, digest := l.TicketID, noteDigest(text)
	if l.NotePending == digest {
		has, err := r.hasNote(ctx, ticketID, text)
		if err != nil || has {
			return err
		}
	}
	l.NotePending = digest
	if err := r.save(ctx, *l); err != nil {
		return err
	}
	n := &connectwise.Note{Text: text, InternalAnalysisFlag: true}
	_, err := r.s.CW.Tickets.CreateNote(ctx, int(ticketID), n)
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

// noteDigest names a note's text, white space folded, in NotePending.
func noteDigest(text string) string {
	sum := sha256.Sum256([]byte(fold(text)))
	return "sha256:" + hex.EncodeToString(sum[:8])
}

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
