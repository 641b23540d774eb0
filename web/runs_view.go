package web

import (
	"time"

	"centralpsa/store"
)

// RunRow is one sync run in a history table.
type RunRow struct {
	ID                  int64
	Month               string
	Status, StatusClass string
	Summary             string
	DryRun              bool
	Started, StartedISO string
	Finished            string
	HasPlan             bool
}

// runRow formats a run in UTC, like the audit log.
func runRow(r store.Run) RunRow {
	row := RunRow{ID: r.ID, Month: r.Month, Status: r.Status, StatusClass: statusClass(r.Status), Summary: r.Summary, DryRun: r.DryRun,
		Started: r.StartedAt.UTC().Format("2006-01-02 15:04:05"), StartedISO: r.StartedAt.UTC().Format(time.RFC3339),
		HasPlan: len(r.Plan) > 0}
	if !r.FinishedAt.IsZero() {
		row.Finished = r.FinishedAt.UTC().Format("2006-01-02 15:04:05")
	}
	return row
}

// statusClass picks the colour of a status: ok, failed (or stale),
// partial, or running.
func statusClass(status string) string {
	switch status {
	case "ok", "failed", "partial", "running", "skipped":
		return status
	case "stale", "interrupted":
		return "failed"
	}
	return "other"
}

// runRows formats runs.
func runRows(runs []store.Run) []RunRow {
	out := make([]RunRow, len(runs))
	for i, r := range runs {
		out[i] = runRow(r)
	}
	return out
}
