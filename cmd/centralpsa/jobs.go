package main

import (
	"context"
	"fmt"
	"time"

	"centralpsa"
	"centralpsa/jobs"
	"centralpsa/metrics"
	"centralpsa/store"
	"centralpsa/usage"
	"centralpsa/usagesync"
	"centralpsa/web"
)

// usageJob runs a usage_sync job with the services of the moment.
type usageJob struct {
	f *serviceFactory
	m *metrics.Registry
}

// SyncUsage continues the unfinished run when the job is a retry or a
// rescue, and plans afresh otherwise. Per-customer failures are recorded
// on the run and do not fail the job: retrying the whole run would not
// mend a missing permission, and the next scheduled run retries them.
func (j usageJob) SyncUsage(ctx context.Context, req jobs.UsageRequest) error {
	sv, err := j.f.build(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := j.resume(ctx, sv.usage, req)
	if err == nil && res == nil {
		var opts usagesync.Options
		if req.Month != "" {
			if opts.Month, err = usage.ParseMonth(req.Month); err != nil {
				return &centralpsa.Error{Kind: centralpsa.KindInvalid, Message: "job month", Err: err}
			}
		}
		res, err = sv.usage.Run(ctx, opts)
	}
	status := "ok"
	switch {
	case err != nil:
		status = "error"
	case res.Failed > 0:
		status = "partial"
	}
	j.m.ObserveSync("usage", status, time.Since(start))
	if res != nil {
		for kind, n := range res.Writes {
			j.m.AddWrites(kind, n)
		}
	}
	return err
}

// resume continues the newest unfinished run; a stale one (the world
// changed since it was planned) is closed by the service and a fresh run
// follows.
func (j usageJob) resume(ctx context.Context, svc *usagesync.Service, req jobs.UsageRequest) (*usagesync.Result, error) {
	if !req.Resume {
		return nil, nil
	}
	runs, err := svc.Unfinished(ctx)
	if err != nil || len(runs) == 0 {
		return nil, err
	}
	res, err := svc.Resume(ctx, runs[0].ID)
	if centralpsa.ErrorKind(err) == centralpsa.KindConflict {
		return nil, nil
	}
	return res, err
}

// ticketJob runs a ticket_sync job with the services of the moment.
type ticketJob struct {
	f *serviceFactory
	m *metrics.Registry
}

func (j ticketJob) SyncTickets(ctx context.Context) error {
	sv, err := j.f.build(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := sv.tickets.Run(ctx)
	status := "ok"
	switch {
	case err != nil:
		status = "error"
	case res.Failed() > 0:
		status = "partial"
	}
	j.m.ObserveSync("tickets", status, time.Since(start))
	if res != nil {
		t := res.Totals
		for kind, n := range map[string]int{"ticket_create": t.Created, "ticket_note": t.Noted + t.Resolved,
			"ticket_reopen": t.Reopened, "ticket_close": t.Closed} {
			j.m.AddWrites(kind, n)
		}
		if res.Failed() == len(res.Tenants) && len(res.Tenants) > 0 {
			return fmt.Errorf("ticket sync: every tenant failed")
		}
	}
	return err
}

// refreshJob refreshes tenant and company details once a day, so that
// renames reach the mappings and ticketing-only customers can be mapped
// without a usage sync (Sophos's integration does the same every 24 h).
type refreshJob struct{ f *serviceFactory }

func (j refreshJob) RefreshCustomers(ctx context.Context) error {
	sv, err := j.f.build(ctx)
	if err != nil {
		return err
	}
	_, err = sv.customers.Refresh(ctx)
	return err
}

// startJobs builds the River runner for the serving process and hooks its
// queue depth and the ticket states into the metrics.
func (a *app) startJobs(ctx context.Context, d *serveDeps, f *serviceFactory) (*jobs.Runner, error) {
	s, err := f.settings(ctx)
	if err != nil {
		return nil, err
	}
	cfg, err := a.tuneJobs(jobs.Config{
		Usage: usageJob{f, d.metrics}, Tickets: ticketJob{f, d.metrics}, Refresh: refreshJob{f},
		Settings: s, Logger: a.logger.With("component", "jobs"), SettingsFunc: f.settings,
	})
	if err != nil {
		return nil, err
	}
	r, err := jobs.New(ctx, d.db, a.dsn(), cfg)
	if err != nil {
		return nil, err
	}
	d.metrics.SetQueueDepthFunc(r.QueueDepth)
	d.metrics.SetTicketsFunc(func(ctx context.Context) (map[string]int, error) { return ticketStates(ctx, d.db) })
	return r, nil
}

func ticketStates(ctx context.Context, db *store.DB) (map[string]int, error) {
	links, err := db.TicketLinks(ctx, store.TicketLinkFilter{})
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, l := range links {
		out[l.State]++
	}
	return out, nil
}

var _ web.Jobs = (*jobs.Runner)(nil)
