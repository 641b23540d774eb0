package web

import (
	"context"
	"slices"

	"centralpsa"
	"centralpsa/mapping"
	"centralpsa/store"
)

// The bulk actions of the Customers page and POST
// /api/v1/customers/bulk: auto-map and refresh work on every tenant; the
// switches work on the tenants chosen. Each runs as a task.

// bulkActions are the actions, in the order the page offers them.
var bulkActions = []string{"automap", "refresh", "usage_on", "usage_off", "tickets_on", "tickets_off"}

// BulkResult is what a switch action did.
type BulkResult struct {
	Changed   int          `json:"changed"`
	Unchanged int          `json:"unchanged"`
	Failed    []BulkFailed `json:"failed"`
}

// BulkFailed is a tenant whose switch could not be set.
type BulkFailed struct {
	TenantID   string `json:"tenantId"`
	TenantName string `json:"tenantName,omitempty"`
	Message    string `json:"message"`
}

// AutoMapResult counts auto-map's suggestions by status and keeps them.
type AutoMapResult struct {
	Matched       int                  `json:"matched"`
	Ambiguous     int                  `json:"ambiguous"`
	NoMatch       int                  `json:"noMatch"`
	AlreadyMapped int                  `json:"alreadyMapped"`
	DryRun        bool                 `json:"dryRun"`
	Suggestions   []mapping.Suggestion `json:"suggestions"`
}

// startBulk checks the action and starts its task.
func (s *Server) startBulk(action string, tenants []string, dryRun bool) (Task, error) {
	svc := s.cfg.Services.Customers
	if svc == nil {
		return Task{}, unavailable("the customer service")
	}
	switch {
	case !slices.Contains(bulkActions, action):
		return Task{}, centralpsa.Errorf(centralpsa.KindInvalid, "unknown action %q; use one of %v", action, bulkActions)
	case action == "automap":
		return s.tasks.start("automap", func(ctx context.Context, h *taskHandle) (any, error) {
			return autoMap(ctx, svc, dryRun, h)
		}), nil
	case action == "refresh":
		return s.tasks.start("refresh", func(ctx context.Context, h *taskHandle) (any, error) {
			res, err := svc.Refresh(ctx)
			return res, err
		}), nil
	case len(tenants) == 0:
		return Task{}, centralpsa.Errorf(centralpsa.KindInvalid, "choose at least one customer for %s", action)
	}
	tenants = slices.Compact(slices.Sorted(slices.Values(tenants)))
	return s.tasks.start(action, func(ctx context.Context, h *taskHandle) (any, error) {
		return s.setSwitches(ctx, action, tenants, h)
	}), nil
}

func autoMap(ctx context.Context, svc Customers, dryRun bool, h *taskHandle) (*AutoMapResult, error) {
	sugg, err := svc.AutoMap(ctx, dryRun, h.progress)
	if err != nil {
		return nil, err
	}
	res := &AutoMapResult{DryRun: dryRun, Suggestions: sugg}
	for _, sg := range sugg {
		switch sg.Status {
		case mapping.StatusMatched:
			res.Matched++
		case mapping.StatusAmbiguous:
			res.Ambiguous++
		case mapping.StatusNoMatch:
			res.NoMatch++
		case mapping.StatusAlreadyMapped:
			res.AlreadyMapped++
		}
	}
	h.link("/customers")
	return res, nil
}

// setSwitches turns usage or ticket sync on or off for each tenant.
// Turning off always works; usage on needs an agreement and tickets on a
// company, since a switch on an unmapped tenant would do nothing. Only
// the switch changes: the mapping itself was validated when it was made.
func (s *Server) setSwitches(ctx context.Context, action string, tenants []string, h *taskHandle) (*BulkResult, error) {
	res := &BulkResult{Failed: []BulkFailed{}}
	on := action == "usage_on" || action == "tickets_on"
	for i, id := range tenants {
		h.progress(i, len(tenants))
		msg, changed, err := s.setSwitch(ctx, action, id, on)
		switch {
		case err != nil && centralpsa.ErrorKind(err) != centralpsa.KindNotFound:
			return res, err
		case err != nil || msg != "":
			if err != nil {
				_, msg = publicError(err)
			}
			res.Failed = append(res.Failed, BulkFailed{TenantID: id, Message: msg})
		case changed:
			res.Changed++
		default:
			res.Unchanged++
		}
	}
	h.link("/customers")
	return res, nil
}

// setSwitch sets one tenant's switch; msg says why it could not.
func (s *Server) setSwitch(ctx context.Context, action, tenantID string, on bool) (msg string, changed bool, err error) {
	err = s.cfg.Store.Tx(ctx, func(tx *store.Tx) error {
		m, err := tx.Mapping(ctx, tenantID)
		if err != nil {
			return err
		}
		cur := &m.UsageEnabled
		if action == "tickets_on" || action == "tickets_off" {
			cur = &m.TicketsEnabled
		}
		switch {
		case *cur == on:
			return nil
		case on && cur == &m.UsageEnabled && m.AgreementID == 0:
			msg = m.TenantName + ": usage sync needs an agreement; map the tenant first"
			return nil
		case on && !m.Mapped():
			msg = m.TenantName + ": ticket sync needs a ConnectWise company; map the tenant first"
			return nil
		}
		*cur, changed = on, true
		return tx.SetMapping(ctx, m)
	})
	return msg, changed, err
}
