package ticketsync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"

	"centralpsa/connectwise"
	"centralpsa/sophos"
	"centralpsa/store"
	"centralpsa/ticket"
)

// apply carries out one decision. Every step can be repeated: notes are
// checked before they are added, status changes are idempotent and the
// link is stored last, so a failure half-way is finished by the next run.
func (r *tenantRun) apply(ctx context.Context, prev *store.TicketLink, act ticket.Action, open []ticket.Alert) error {
	if act.Kind == ticket.Create {
		return r.create(ctx, prev, act)
	}
	if prev == nil {
		return nil // Nothing for a key without a ticket
	}
	next := toStore(act.Next, prev, r.m, "")
	id := prev.TicketID
	var err error
	var counter *int
	switch act.Kind {
	case ticket.Nothing:
		if sameLink(*prev, next) {
			return nil
		}
	case ticket.AppendNote:
		err, counter = r.noteThenPatch(ctx, prev, act.Note, r.priorityOps(act.Priority)), &r.counts.Noted
	case ticket.Reopen:
		err = r.update(ctx, id, append([]connectwise.PatchOp{connectwise.Replace("status", connectwise.Ref(r.rf.statusNew))},
			r.priorityOps(act.Priority)...))
		if isStatus(err, http.StatusNotFound) { // deleted in ConnectWise since it was closed: start again
			l := toDomain(*prev)
			l.GoneInPSA = true
			return r.apply(ctx, prev, ticket.Decide(l, open, r.now, r.st.rule), open)
		}
		if err == nil {
			err = r.ensureNote(ctx, prev, act.Note)
		}
		counter = &r.counts.Reopened
	case ticket.Close:
		err, counter = r.close(ctx, prev, act.Note), &r.counts.Closed
	case ticket.Resolve:
		err, counter = r.ensureNote(ctx, prev, act.Note), &r.counts.Resolved
	case ticket.RecordClose:
		err = r.acknowledge(ctx, prev, act)
	default:
		return fmt.Errorf("unknown ticket action %q", act.Kind)
	}
	if err != nil {
		return err
	}
	if counter != nil {
		*counter++
	}
	r.log.Debug("ticket updated", "ticket_id", id, "action", string(act.Kind))
	return r.save(ctx, next)
}

// close explains, then closes. The PATCH path is the same as for any
// edit, so a 403 gets advice naming the function closing needs (§a.2 R9)
// rather than the client's generic Service Tickets hint.
func (r *tenantRun) close(ctx context.Context, l *store.TicketLink, note string) error {
	if err := r.ensureNote(ctx, l, note); err != nil {
		return err
	}
	err := r.update(ctx, l.TicketID, []connectwise.PatchOp{connectwise.Replace("status", connectwise.Ref(r.rf.statusClosed))})
	if isStatus(err, http.StatusForbidden) {
		return &adviceError{err: err, advice: "give the API member's security role Service Desk > Close Service Tickets " +
			"Edit level All, or turn tickets.close_on_resolve off"}
	}
	return err
}

func (r *tenantRun) noteThenPatch(ctx context.Context, l *store.TicketLink, note string, ops []connectwise.PatchOp) error {
	if err := r.ensureNote(ctx, l, note); err != nil {
		return err
	}
	if len(ops) == 0 {
		return nil
	}
	return r.update(ctx, l.TicketID, ops)
}

func (r *tenantRun) priorityOps(sev ticket.Severity) []connectwise.PatchOp {
	if id := r.rf.priority[sev]; sev != 0 && id != 0 {
		return []connectwise.PatchOp{connectwise.Replace("priority", connectwise.Ref(id))}
	}
	return nil
}

// acknowledge acknowledges the alerts of a ticket a person closed, when
// tickets.acknowledge_on_close asks for it. An alert already gone (404)
// needs nothing more.
func (r *tenantRun) acknowledge(ctx context.Context, l *store.TicketLink, act ticket.Action) error {
	for _, id := range act.Acknowledge {
		_, err := r.s.Sophos.AlertAction(ctx, r.tenant, r.alerts[id], "acknowledge")
		r.audit("POST", "/common/v1/alerts/"+id+"/actions", "sophos_alert", 0, map[string]string{"alert_id": id, "action": "acknowledge"}, err)
		if err != nil && !errors.Is(err, sophos.ErrNotFound) {
			return fmt.Errorf("acknowledge alert %s: %w", id, err)
		}
		r.counts.Acknowledged++
	}
	if act.Note == "" {
		return nil
	}
	return r.ensureNote(ctx, l, act.Note)
}

// create opens the ticket of a key without making a second one: the intent
// is stored first (pending), the key is looked up before the POST (in the
// pass's board listing) and again, in ConnectWise, when the POST's answer
// is lost, and the link is stored with the
// ticket id at the end. When ConnectWise surely made nothing (the look-up
// failed, or the POST was refused), the previous link is put back, so no
// pending row is left for a create that never happened.
func (r *tenantRun) create(ctx context.Context, prev *store.TicketLink, act ticket.Action) error {
	link := toStore(act.Next, nil, r.m, act.Summary)
	link.PendingCreate, link.PendingSince = true, r.now
	if err := r.save(ctx, link); err != nil {
		return err
	}
	xref := ticket.XRef(link.Key)
	id, found, err := r.lookup(ctx, xref)
	if err == nil && !found {
		id, err = r.post(ctx, act, xref)
	}
	if err != nil {
		if !errors.Is(err, connectwise.ErrOutcomeUnknown) {
			err = errors.Join(err, r.restore(ctx, prev, link.Key))
		}
		return err
	}
	if r.s.afterCreate != nil {
		if err := r.s.afterCreate(link.Key, id); err != nil {
			return err
		}
	}
	link.TicketID, link.PendingCreate, link.PendingSince = int64(id), false, timeZero
	r.counts.Created++
	r.log.Info("ticket created", "ticket_id", id, "key", link.Key)
	return r.save(ctx, link)
}

// restore puts back the link a create replaced, or forgets the key.
func (r *tenantRun) restore(ctx context.Context, prev *store.TicketLink, key string) error {
	if prev != nil {
		return r.save(context.WithoutCancel(ctx), *prev)
	}
	return r.s.Store.DeleteTicketLink(context.WithoutCancel(ctx), key)
}

// post sends the ticket. When the answer is lost (timeout, 5xx) the key
// is looked up once more; if the ticket is not there yet the link stays
// pending and the next run looks again, rather than risk a duplicate by
// posting twice.
func (r *tenantRun) post(ctx context.Context, act ticket.Action, xref string) (int, error) {
	t := r.newTicket(act, xref)
	created, err := r.s.CW.Tickets.Create(ctx, t)
	id := int64(0)
	if created != nil {
		id = int64(created.ID)
	}
	r.audit("POST", "/service/tickets", "ticket", id, t, err)
	if err == nil {
		return created.ID, nil
	}
	if !errors.Is(err, connectwise.ErrOutcomeUnknown) {
		return 0, fmt.Errorf("create ticket: %w", err)
	}
	found, ok, ferr := r.findOpen(ctx, xref)
	if ok {
		r.log.Info("ticket answer lost, found it by its key", "ticket_id", found, "external_xref", xref)
		return found, nil
	}
	return 0, errors.Join(fmt.Errorf("create ticket: outcome unknown and not found by its key yet; the next run looks again: %w", err), ferr)
}

func (r *tenantRun) newTicket(act ticket.Action, xref string) *connectwise.Ticket {
	t := &connectwise.Ticket{Summary: act.Summary, Board: connectwise.Ref(r.rf.board), Status: connectwise.Ref(r.rf.statusNew),
		Company: connectwise.Ref(int(r.m.CompanyID)), ExternalXRef: xref, InitialDescription: act.Description}
	if id := r.rf.priority[act.Priority]; id != 0 {
		t.Priority = connectwise.Ref(id)
	}
	for _, ref := range []struct {
		id  int
		dst **connectwise.Reference
	}{{r.rf.typ, &t.Type}, {r.rf.subtype, &t.SubType}, {r.rf.source, &t.Source}} {
		if ref.id != 0 {
			*ref.dst = connectwise.Ref(ref.id)
		}
	}
	return t
}

// settle finishes a create that an earlier run left pending: the ticket
// is adopted if ConnectWise has it (kept is true and l is the link to go
// on with), else the link is dropped so the key is decided afresh.
func (r *tenantRun) settle(ctx context.Context, l store.TicketLink) (_ store.TicketLink, kept bool, err error) {
	id, found, err := r.findOpen(ctx, ticket.XRef(l.Key))
	if err != nil {
		return l, false, err
	}
	if !found {
		r.log.Info("pending ticket was never created; deciding again", "key", l.Key)
		return l, false, r.s.Store.DeleteTicketLink(ctx, l.Key)
	}
	l.TicketID, l.PendingCreate, l.PendingSince = int64(id), false, timeZero
	r.counts.Created++
	r.log.Info("pending ticket found in ConnectWise", "ticket_id", id, "key", l.Key)
	return l, true, r.save(ctx, l)
}

// save stores a link together with the writes that led to it, in one
// transaction.
func (r *tenantRun) save(ctx context.Context, l store.TicketLink) error {
	err := r.s.Store.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveTicketLink(ctx, l); err != nil {
			return err
		}
		for _, a := range r.audits {
			if err := tx.AppendAudit(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store ticket link %s: %w", l.Key, err)
	}
	r.audits = nil
	return nil
}

// sameLink reports whether storing next would change nothing.
func sameLink(a, b store.TicketLink) bool {
	if !slices.Equal(a.AlertIDs, b.AlertIDs) {
		return false
	}
	a.AlertIDs, b.AlertIDs, a.UpdatedAt, b.UpdatedAt = nil, nil, timeZero, timeZero
	return reflect.DeepEqual(a, b)
}
