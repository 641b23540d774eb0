package web

import (
	"bytes"
	"fmt"
	"net/http"

	"centralpsa/usage"
	"centralpsa/usagesync"
)

// handleRunReport downloads a usage run's reconciliation report as CSV,
// rebuilt from the plan the run stored and the changes it made, so any
// past run's report (the last one's included) stays available. It is
// also GET /api/v1/runs/{id}/report.csv, with JSON errors.
func (s *Server) handleRunReport(w http.ResponseWriter, r *http.Request) {
	api := isAPIPath(r.URL.Path)
	id, err := parseRunID(r)
	if err != nil {
		s.fail(w, r, api, err)
		return
	}
	run, rows, err := usagesync.StoredReport(r.Context(), s.cfg.Store, id)
	if err != nil {
		s.fail(w, r, api, err)
		return
	}
	month, err := usage.ParseMonth(run.Month)
	if err != nil {
		s.fail(w, r, api, fmt.Errorf("run %d has month %q: %w", id, run.Month, err))
		return
	}
	var buf bytes.Buffer
	if err := usage.WriteCSV(&buf, month, rows); err != nil {
		s.fail(w, r, api, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="centralpsa-usage-%s-run%d.csv"`, run.Month, id))
	_, _ = buf.WriteTo(w)
}
