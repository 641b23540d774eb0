package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"
)

// Run kinds and the status of a run that has not finished.
const (
	RunKindUsage   = "usage"
	RunKindTickets = "tickets"
	RunRunning     = "running"
)

// Run is one usage or ticket sync. Plan is the JSON plan the run carries
// out and PlanHash its digest, so a confirmed dry run can be replayed
// only if nothing changed since.
type Run struct {
	ID         int64
	Kind       string // RunKindUsage or RunKindTickets
	Month      string // YYYY-MM for usage runs
	DryRun     bool
	Plan       []byte
	PlanHash   string
	Status     string // RunRunning until FinishRun
	Summary    string
	StartedAt  time.Time
	FinishedAt time.Time // zero while running
}

// CreateRun records a new run as running and returns its id. ID, Status,
// StartedAt and FinishedAt of r are ignored.
func (h *handle) CreateRun(ctx context.Context, r Run) (int64, error) {
	if r.Kind != RunKindUsage && r.Kind != RunKindTickets {
		return 0, invalid("run kind %q is not %s or %s", r.Kind, RunKindUsage, RunKindTickets)
	}
	if r.Month != "" {
		if _, err := time.Parse("2006-01", r.Month); err != nil {
			return 0, invalid("run month %q is not YYYY-MM", r.Month)
		}
	}
	if len(r.Plan) > 0 && !json.Valid(r.Plan) {
		return 0, invalid("run plan is not valid JSON")
	}
	var id int64
	err := h.queryRow(ctx, `INSERT INTO runs (kind, month, dry_run, plan, plan_hash, status, started_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.Kind, r.Month, r.DryRun, jsonArg(r.Plan), r.PlanHash, RunRunning, h.d.timeArg(h.now())).Scan(&id)
	if err != nil {
		return 0, classify(err, "create %s run", r.Kind)
	}
	return id, nil
}

// FinishRun records a run's final status (such as ok, partial or failed)
// and a summary. Calling it again, as a retried job does, overwrites both.
func (h *handle) FinishRun(ctx context.Context, id int64, status, summary string) error {
	if status == "" || status == RunRunning {
		return invalid("run %d: finish status %q is not a final status", id, status)
	}
	res, err := h.exec(ctx, `UPDATE runs SET status = ?, summary = ?, finished_at = ? WHERE id = ?`,
		status, summary, h.d.timeArg(h.now()), id)
	if err != nil {
		return classify(err, "finish run %d", id)
	}
	if ok, err := rowsAffected(res); err != nil {
		return classify(err, "finish run %d", id)
	} else if !ok {
		return notFound("run %d does not exist", id)
	}
	return nil
}

const runColumns = `id, kind, month, dry_run, plan, plan_hash, status, summary, started_at, finished_at`

func scanRun(row interface{ Scan(...any) error }) (Run, error) {
	var r Run
	var plan sql.NullString
	err := row.Scan(&r.ID, &r.Kind, &r.Month, &r.DryRun, &plan, &r.PlanHash, &r.Status, &r.Summary,
		timeScanner{&r.StartedAt}, timeScanner{&r.FinishedAt})
	if plan.Valid {
		r.Plan = []byte(plan.String)
	}
	return r, err
}

// Run returns one run, or a KindNotFound error.
func (h *handle) Run(ctx context.Context, id int64) (Run, error) {
	r, err := scanRun(h.queryRow(ctx, `SELECT `+runColumns+` FROM runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, notFound("run %d does not exist", id)
	}
	if err != nil {
		return Run{}, classify(err, "read run %d", id)
	}
	return r, nil
}

// Runs returns the latest runs, newest first: of one kind, or of every
// kind when kind is empty. limit <= 0 means 50.
func (h *handle) Runs(ctx context.Context, kind string, limit int) ([]Run, error) {
	if limit <= 0 {
		limit = 50
	}
	q, args := `SELECT `+runColumns+` FROM runs`, []any{}
	if kind != "" {
		q, args = q+` WHERE kind = ?`, append(args, kind)
	}
	rows, err := h.query(ctx, q+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, classify(err, "read runs")
	}
	defer rows.Close()
	out := []Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, classify(err, "read runs")
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err, "read runs")
	}
	return out, nil
}
