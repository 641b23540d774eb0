package store

import (
	"context"
	"encoding/json"
	"time"
)

// Operation states within a run.
const (
	OpPending = "pending"
	OpDone    = "done"
	OpFailed  = "failed"
)

// Op is the progress of one remote change within a run, keyed by a
// caller-chosen string that is stable across retries (for example
// "addition:<agreement>:<product>"). A retried run reads Ops and skips
// the keys that are done.
type Op struct {
	RunID     int64
	Key       string
	Status    string // OpPending, OpDone or OpFailed
	Result    []byte // JSON, e.g. the id ConnectWise assigned
	Error     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// MarkOp records the state of an operation. Done is final: once an op is
// done, later marks (a retry that marks it pending again, or done with a
// different result) leave it as it was, so repeating a mark is harmless.
// Marking clears any earlier error.
func (h *handle) MarkOp(ctx context.Context, runID int64, opKey, status string, result []byte) error {
	return h.markOp(ctx, runID, opKey, status, result, "")
}

// FailOp marks an operation failed with the reason; a retry may then mark
// it pending or done. An op that is already done stays done.
func (h *handle) FailOp(ctx context.Context, runID int64, opKey, message string) error {
	return h.markOp(ctx, runID, opKey, OpFailed, nil, message)
}

func (h *handle) markOp(ctx context.Context, runID int64, opKey, status string, result []byte, message string) error {
	switch status {
	case OpPending, OpDone, OpFailed:
	default:
		return invalid("run %d, op %s: status %q is not pending, done or failed", runID, opKey, status)
	}
	if opKey == "" {
		return invalid("run %d: op key is empty", runID)
	}
	if len(result) > 0 && !json.Valid(result) {
		return invalid("run %d, op %s: result is not valid JSON", runID, opKey)
	}
	now := h.d.timeArg(h.now())
	_, err := h.exec(ctx, `INSERT INTO run_ops (run_id, op_key, status, result, error, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (run_id, op_key) DO UPDATE SET status = excluded.status, result = excluded.result,
			error = excluded.error, updated_at = excluded.updated_at
		WHERE run_ops.status <> 'done'`,
		runID, opKey, status, jsonArg(result), message, now, now)
	if err != nil {
		return classify(err, "mark op %s of run %d %s", opKey, runID, status)
	}
	return nil
}

// Ops returns a run's operations in the order they were first marked.
func (h *handle) Ops(ctx context.Context, runID int64) ([]Op, error) {
	rows, err := h.query(ctx, `SELECT run_id, op_key, status, result, error, created_at, updated_at
		FROM run_ops WHERE run_id = ? ORDER BY created_at, op_key`, runID)
	if err != nil {
		return nil, classify(err, "read ops of run %d", runID)
	}
	defer rows.Close()
	out := []Op{}
	for rows.Next() {
		var o Op
		var result *string
		if err := rows.Scan(&o.RunID, &o.Key, &o.Status, &result, &o.Error, timeScanner{&o.CreatedAt}, timeScanner{&o.UpdatedAt}); err != nil {
			return nil, classify(err, "read ops of run %d", runID)
		}
		if result != nil {
			o.Result = []byte(*result)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err, "read ops of run %d", runID)
	}
	return out, nil
}
