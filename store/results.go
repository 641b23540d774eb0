package store

import (
	"context"
	"time"
)

// Per-customer outcomes of a run.
const (
	ResultOK      = "ok"
	ResultFailed  = "failed"
	ResultSkipped = "skipped"
)

// RunResult is what a run did for one customer: a failure is recorded on
// that customer with advice for the person fixing it, and the run goes on.
type RunResult struct {
	RunID    int64
	TenantID string
	Status   string // ResultOK, ResultFailed or ResultSkipped
	Message  string
	Advice   string
	At       time.Time // set by the store
}

// AddRunResult records one customer's outcome. A second result for the
// same run and tenant (a retried job) replaces the first. A run that does
// not exist gives a KindConflict error.
func (h *handle) AddRunResult(ctx context.Context, r RunResult) error {
	switch r.Status {
	case ResultOK, ResultFailed, ResultSkipped:
	default:
		return invalid("run %d, tenant %s: result status %q is not ok, failed or skipped", r.RunID, r.TenantID, r.Status)
	}
	if r.TenantID == "" {
		return invalid("run %d: result has no tenant id", r.RunID)
	}
	_, err := h.exec(ctx, `INSERT INTO run_results (run_id, tenant_id, status, message, advice, created_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (run_id, tenant_id) DO UPDATE SET status = excluded.status, message = excluded.message,
			advice = excluded.advice, created_at = excluded.created_at`,
		r.RunID, r.TenantID, r.Status, r.Message, r.Advice, h.d.timeArg(h.now()))
	if err != nil {
		return classify(err, "record result of run %d for tenant %s", r.RunID, r.TenantID)
	}
	return nil
}

// RunResults returns a run's per-customer results in the order they were
// first recorded.
func (h *handle) RunResults(ctx context.Context, runID int64) ([]RunResult, error) {
	rows, err := h.query(ctx, `SELECT run_id, tenant_id, status, message, advice, created_at
		FROM run_results WHERE run_id = ? ORDER BY id`, runID)
	if err != nil {
		return nil, classify(err, "read results of run %d", runID)
	}
	defer rows.Close()
	out := []RunResult{}
	for rows.Next() {
		var r RunResult
		if err := rows.Scan(&r.RunID, &r.TenantID, &r.Status, &r.Message, &r.Advice, timeScanner{&r.At}); err != nil {
			return nil, classify(err, "read results of run %d", runID)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err, "read results of run %d", runID)
	}
	return out, nil
}
