package ticketsync

import (
	"context"
	"fmt"
	"sync"

	"centralpsa/store"
)

// syncTenants syncs the tenants, tickets.concurrency at a time, and
// records each result as its tenant finishes. A tenant is a unit of its
// own (its links, its alerts, its tickets), so tenants share only the
// clients, whose rate limiters pace them all, and the store. Results are
// reported in the order of the mappings. A result that cannot be recorded
// stops the run.
func (s *Service) syncTenants(ctx context.Context, st settings, rf refs, pre ticketStates, tenants []store.Mapping, res *Result) error {
	results := make([]*TenantResult, len(tenants))
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(st.concurrency, len(tenants)) {
		wg.Go(func() {
			for i := range next {
				m := tenants[i]
				tr := s.syncTenant(ctx, st, rf, pre, m, res.RunID, s.now())
				rr := store.RunResult{RunID: res.RunID, TenantID: m.TenantID, Status: tr.Status, Message: tr.Error, Advice: tr.Advice}
				if rr.Message == "" {
					rr.Message = countsText(tr.Counts)
				}
				if err := s.Store.AddRunResult(ctx, rr); err != nil {
					cancel(fmt.Errorf("record result of tenant %s: %w", m.TenantID, err))
					continue
				}
				results[i] = &tr
			}
		})
	}
feed:
	for i := range tenants {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	for _, tr := range results {
		if tr != nil {
			res.Tenants = append(res.Tenants, *tr)
			res.Totals.add(tr.Counts)
		}
	}
	return context.Cause(ctx)
}
