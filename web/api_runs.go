package web

import (
	"net/http"
	"strconv"
	"time"

	"centralpsa"
	"centralpsa/store"
)

// apiRun is a run as the API returns it; the plan is left out (GET the
// report for what it did).
type apiRun struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"`
	Month      string    `json:"month,omitempty"`
	DryRun     bool      `json:"dryRun"`
	PlanHash   string    `json:"planHash,omitempty"`
	Status     string    `json:"status"`
	Summary    string    `json:"summary"`
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`
}

func apiRunOf(r store.Run) apiRun {
	return apiRun{ID: r.ID, Kind: r.Kind, Month: r.Month, DryRun: r.DryRun, PlanHash: r.PlanHash, Status: r.Status,
		Summary: r.Summary, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt}
}

// apiRuns lists the latest runs, newest first: ?kind=usage|tickets (all
// when absent), ?limit= (50 by default, at most 500).
func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	kind := q.Get("kind")
	if kind != "" && kind != store.RunKindUsage && kind != store.RunKindTickets {
		s.fail(w, r, true, centralpsa.Errorf(centralpsa.KindInvalid, "kind must be usage or tickets, not %q", kind))
		return
	}
	limit := 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			s.fail(w, r, true, centralpsa.Errorf(centralpsa.KindInvalid, "limit must be 1 to 500, not %q", v))
			return
		}
		limit = n
	}
	runs, err := s.cfg.Store.Runs(r.Context(), kind, limit)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	out := make([]apiRun, len(runs))
	for i, run := range runs {
		out[i] = apiRunOf(run)
	}
	writeJSON(w, http.StatusOK, struct {
		Runs []apiRun `json:"runs"`
	}{out})
}

// apiRunGet returns a run with each customer's result.
func (s *Server) apiRunGet(w http.ResponseWriter, r *http.Request) {
	id, err := parseRunID(r)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	run, results, err := s.runResults(r.Context(), id)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		apiRun
		Results []ResultRow `json:"results"`
	}{apiRunOf(run), results})
}
