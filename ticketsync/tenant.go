package ticketsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"centralpsa/connectwise"
	"centralpsa/sophos"
	"centralpsa/store"
	"centralpsa/ticket"
)

// tenantRun is one tenant's part of a run.
type tenantRun struct {
	s      *Service
	st     settings
	rf     refs
	pre    ticketStates // ticket states read for the whole run
	m      store.Mapping
	tenant sophos.Tenant
	runID  int64
	now    time.Time
	log    *slog.Logger
	counts Counts
	audits []store.Audit           // writes not yet recorded
	alerts map[string]sophos.Alert // every open alert seen, by id
	links  map[string]*store.TicketLink
	groups map[string][]ticket.Alert // open alerts by consolidation key
}

func (s *Service) syncTenant(ctx context.Context, st settings, rf refs, pre ticketStates, m store.Mapping, runID int64, now time.Time) TenantResult {
	r := &tenantRun{s: s, st: st, rf: rf, pre: pre, m: m, runID: runID, now: now,
		log:    s.logger().With("tenant_id", m.TenantID, "company_id", m.CompanyID),
		alerts: map[string]sophos.Alert{}, links: map[string]*store.TicketLink{}, groups: map[string][]ticket.Alert{}}
	err := r.sync(ctx)
	if ferr := r.flushAudit(context.WithoutCancel(ctx)); ferr != nil {
		err = errors.Join(err, ferr)
	}
	tr := TenantResult{TenantID: m.TenantID, TenantName: m.TenantName, CompanyID: m.CompanyID, Status: store.ResultOK, Counts: r.counts}
	if err != nil {
		tr.Status, tr.Error, tr.Advice, tr.err = store.ResultFailed, err.Error(), advice(err), err
		r.log.Warn("ticket sync failed for tenant", "error", err)
	}
	return tr
}

// sync reads the tenant's links and alerts, then decides and acts key by
// key. A key that fails is reported and the other keys go on; the cursor
// only moves when every key succeeded, so nothing is skipped for good.
func (r *tenantRun) sync(ctx context.Context) error {
	if err := r.resolveTenant(ctx); err != nil {
		return err
	}
	stored, err := r.s.Store.TicketLinks(ctx, store.TicketLinkFilter{TenantID: r.m.TenantID})
	if err != nil {
		return err
	}
	if err := r.readAlerts(ctx, stored); err != nil {
		return err
	}
	var errs []error
	skip := map[string]bool{}
	for _, l := range stored {
		if l.PendingCreate {
			settled, kept, err := r.settle(ctx, l)
			if err != nil {
				errs, skip[l.Key] = append(errs, err), true
				continue
			}
			if !kept {
				continue
			}
			l = settled
		}
		r.links[l.Key] = &l
	}
	closed, gone, err := r.observe(ctx, r.openTicketIDs())
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	errs = append(errs, r.confirm(ctx, skip)...)
	errs = append(errs, r.decideAll(ctx, closed, gone, skip)...)
	if len(errs) == 0 {
		if err := r.s.Store.SetAlertCursor(ctx, r.m.TenantID, r.now); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// decideAll decides and acts on every key but the skipped ones, given the
// tickets ConnectWise shows closed or gone.
func (r *tenantRun) decideAll(ctx context.Context, closed, gone map[int64]bool, skip map[string]bool) []error {
	var errs []error
	for _, key := range r.keys() {
		if skip[key] {
			continue
		}
		var link *ticket.Link
		if l := r.links[key]; l != nil {
			link = toDomain(*l)
			link.ClosedInPSA = closed[l.TicketID] && l.State != store.TicketClosed
			link.GoneInPSA = gone[l.TicketID]
		}
		act := ticket.Decide(link, r.groups[key], r.now, r.st.rule)
		if err := r.apply(ctx, r.links[key], act, r.groups[key]); err != nil {
			r.log.Warn("ticket action failed", "key", key, "action", string(act.Kind), "error", err)
			errs = append(errs, fmt.Errorf("%s for %s: %w", act.Kind, key, err))
		}
	}
	return errs
}

// resolveTenant finds the tenant's API host, from the mapping or, when the
// tenant list was never refreshed, from Sophos.
func (r *tenantRun) resolveTenant(ctx context.Context) error {
	r.tenant = sophos.Tenant{ID: r.m.TenantID, Name: r.m.TenantName, APIHost: r.m.APIHost}
	if r.tenant.APIHost != "" {
		return nil
	}
	t, err := r.s.Sophos.GetTenant(ctx, r.m.TenantID)
	if err != nil {
		return fmt.Errorf("find the tenant's API host: %w", err)
	}
	r.tenant = *t
	return nil
}

// readAlerts lists the tenant's open alerts: all of them while one of its
// tickets is open (closing needs the complete picture) or on the first
// run, else those raised since the cursor minus the overlap.
func (r *tenantRun) readAlerts(ctx context.Context, stored []store.TicketLink) error {
	cursor, err := r.s.Store.AlertCursor(ctx, r.m.TenantID)
	if err != nil {
		return err
	}
	opts := sophos.AlertsOptions{}
	complete := cursor.IsZero() || slices.ContainsFunc(stored, func(l store.TicketLink) bool {
		return l.State == store.TicketOpen || l.PendingCreate
	})
	if !complete {
		opts.From = cursor.Add(-r.s.overlap())
	}
	listed, err := r.s.Sophos.ListAlerts(ctx, r.tenant, opts)
	if err != nil {
		return fmt.Errorf("read alerts: %w", err)
	}
	for _, a := range listed {
		r.add(a)
	}
	return nil
}

func (r *tenantRun) add(a sophos.Alert) {
	if _, dup := r.alerts[a.ID]; dup {
		return
	}
	r.alerts[a.ID] = a
	ta := fromSophos(a, r.m)
	r.groups[ta.Key()] = append(r.groups[ta.Key()], ta)
}

// confirm asks Sophos about each tracked alert of an open ticket that the
// list did not show: only a 404 proves it is gone (doc §9.1). A key whose
// alerts cannot be confirmed is skipped this run rather than closed.
func (r *tenantRun) confirm(ctx context.Context, skip map[string]bool) []error {
	var errs []error
	for key, l := range r.links {
		if l.State != store.TicketOpen {
			continue
		}
		for _, id := range l.AlertIDs {
			if _, ok := r.alerts[id]; ok {
				continue
			}
			a, err := r.s.Sophos.GetAlert(ctx, r.tenant, id)
			switch {
			case errors.Is(err, sophos.ErrNotFound):
			case err != nil:
				errs, skip[key] = append(errs, fmt.Errorf("confirm alert %s of %s: %w", id, key, err)), true
			default:
				r.alerts[a.ID] = *a
				r.groups[key] = append(r.groups[key], fromSophos(*a, r.m))
			}
		}
	}
	return errs
}

// openTicketIDs are the tickets whose ConnectWise state matters: those
// the links hold open.
func (r *tenantRun) openTicketIDs() []int64 {
	var ids []int64
	for _, l := range r.links {
		if l.State != store.TicketClosed && l.TicketID != 0 {
			ids = append(ids, l.TicketID)
		}
	}
	slices.Sort(ids)
	return ids
}

// keys are the keys to decide on, sorted: every key with open alerts and
// every key whose ticket is not closed.
func (r *tenantRun) keys() []string {
	var keys []string
	for k := range r.groups {
		keys = append(keys, k)
	}
	for k, l := range r.links {
		if l.State != store.TicketClosed {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// advice is the one sentence a person needs to fix err, if there is one.
func advice(err error) string {
	var ae *adviceError
	if errors.As(err, &ae) {
		return ae.advice
	}
	var se *sophos.Error
	if errors.As(err, &se) {
		return se.Advice()
	}
	var ce *connectwise.Error
	if errors.As(err, &ce) {
		return ce.Hint
	}
	return ""
}

// adviceError gives an error better advice than its cause carries.
type adviceError struct {
	err    error
	advice string
}

func (e *adviceError) Error() string { return e.err.Error() }
func (e *adviceError) Unwrap() error { return e.err }
