package usagesync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"centralpsa"
	"centralpsa/connectwise"
	"centralpsa/store"
)

// conclude records a customer's result on the run and on its tenants.
func (a *applier) conclude(ctx context.Context, c *CustomerResult, g *group, errs []error) {
	c.Status, c.Message = StatusOK, "up to date"
	if c.Applied > 0 {
		c.Message = fmt.Sprintf("%d change(s) applied", c.Applied)
	}
	if len(errs) > 0 {
		c.Status, c.Advice = StatusFailed, adviceFor(errs[0])
		c.Message = fmt.Sprintf("%d of %d change(s) failed: %v", len(errs), len(g.ops), errs[0])
	}
	a.mu.Lock()
	if len(errs) > 0 {
		a.res.Failed++
		for _, op := range g.ops {
			if !a.done[op.Key] && a.failed[op.Key] == "" {
				a.failed[op.Key] = "not applied: " + c.Message
			}
		}
	}
	a.res.Customers = append(a.res.Customers, *c)
	a.mu.Unlock()
	status := store.ResultOK
	if c.Status == StatusFailed {
		status = store.ResultFailed
	}
	extra := a.productSkips
	for _, t := range g.tenants {
		msg := c.Message
		if more := extra[t]; len(more) > 0 {
			msg += "; " + strings.Join(more, "; ")
		}
		a.result(ctx, t, status, msg, c.Advice)
	}
}

// result records one tenant's outcome on the run and, for tenants the
// store knows, as its last usage status.
func (a *applier) result(ctx context.Context, tenantID, status, msg, advice string) {
	a.bookkeep(ctx, "record result of tenant "+tenantID, func(ctx context.Context) error {
		return a.s.Store.AddRunResult(ctx, store.RunResult{RunID: a.runID, TenantID: tenantID, Status: status, Message: msg, Advice: advice})
	})
	if !a.p.knows(tenantID) {
		return
	}
	a.bookkeep(ctx, "record usage status of tenant "+tenantID, func(ctx context.Context) error {
		return a.s.Store.SetUsageStatus(ctx, tenantID, status, a.p.Month.String()+": "+msg, a.s.now())
	})
}

// skips records the tenants the plan left out, in the plan's order.
func (a *applier) skips() {
	for _, sk := range a.p.Plan.Skips {
		if sk.TenantID != "" && sk.ProductCode == "" {
			a.result(context.Background(), sk.TenantID, store.ResultSkipped, fmt.Sprintf("%s: %s", sk.Code, sk.Reason), "")
		}
	}
}

// finish records the run's outcome.
func (a *applier) finish() (*Result, error) {
	ok := len(a.res.Customers) - a.res.Failed
	switch {
	case a.res.Failed == 0:
		a.res.Status = StatusOK
	case ok > 0:
		a.res.Status = StatusPartial
	default:
		a.res.Status = StatusFailed
	}
	summary := fmt.Sprintf("%d write(s); %d customer(s) ok, %d failed; %d tenant(s) skipped",
		a.res.TotalWrites(), ok, a.res.Failed, len(a.p.skippedTenants()))
	a.bookkeep(context.Background(), "finish run", func(ctx context.Context) error {
		return a.s.Store.FinishRun(ctx, a.runID, a.res.Status, summary)
	})
	a.res.notApplied = a.failed
	a.log.Info("usage sync finished", "status", a.res.Status, "writes", a.res.TotalWrites(), "failed", a.res.Failed)
	if a.bookErr != nil {
		return a.res, fmt.Errorf("usage sync run %d: %w", a.runID, a.bookErr)
	}
	return a.res, nil
}

// interrupted ends an apply that stopped early. The run stays running so
// Resume can finish it.
func (a *applier) interrupted(ctx context.Context) (*Result, error) {
	a.res.Status, a.res.notApplied = StatusInterrupted, a.failed
	cause := a.bookErr
	if cause == nil {
		cause = context.Cause(ctx)
	}
	a.log.Warn("usage sync interrupted", "writes", a.writes, "error", cause)
	return a.res, &centralpsa.Error{Kind: centralpsa.KindUnavailable,
		Message: fmt.Sprintf("usage sync run %d stopped after %d write(s); resume it to finish", a.runID, a.writes), Err: cause}
}

// adviceFor says what a person should do about a customer's failure.
func adviceFor(err error) string {
	var ce *connectwise.Error
	if errors.As(err, &ce) && ce.Hint != "" {
		return ce.Hint
	}
	switch {
	case errors.Is(err, connectwise.ErrOutcomeUnknown):
		return "ConnectWise did not confirm a create and the record was not found; the next run looks it up again before creating"
	case centralpsa.ErrorKind(err) == centralpsa.KindUnavailable:
		return "ConnectWise did not answer; the next run retries"
	case centralpsa.ErrorKind(err) == centralpsa.KindInvalid:
		return "ConnectWise refused the change; check the agreement and the catalog item in ConnectWise"
	}
	return ""
}
