package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"centralpsa"
	"centralpsa/store"
	"centralpsa/usage"
)

// runPage is one sync run with the outcome of each customer.
type runPage struct {
	Layout
	Run     RunRow
	Kind    string
	Results []ResultRow
	Plan    *PlanView
}

// PlanBlock is the run's stored plan, without an Apply form.
func (p *runPage) PlanBlock() PlanBlock { return PlanBlock{Locale: p.Locale, Plan: *p.Plan} }

// ResultRow is one tenant's outcome in a run.
type ResultRow struct {
	TenantID   string `json:"tenantId"`
	TenantName string `json:"tenantName,omitempty"`
	Status     string `json:"status"`
	Message    string `json:"message"`
	Advice     string `json:"advice,omitempty"`
}

// parseRunID reads the {id} of a run route.
func parseRunID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, centralpsa.Errorf(centralpsa.KindNotFound, "no run %q", r.PathValue("id"))
	}
	return id, nil
}

// runResults returns a run and its results with tenant names. The page
// and GET /api/v1/runs/{id} share it.
func (s *Server) runResults(ctx context.Context, id int64) (store.Run, []ResultRow, error) {
	run, err := s.cfg.Store.Run(ctx, id)
	if err != nil {
		return run, nil, err
	}
	results, err := s.cfg.Store.RunResults(ctx, id)
	if err != nil {
		return run, nil, err
	}
	maps, err := s.cfg.Store.Mappings(ctx)
	if err != nil {
		return run, nil, err
	}
	names := make(map[string]string, len(maps))
	for _, m := range maps {
		names[m.TenantID] = m.TenantName
	}
	out := make([]ResultRow, 0, len(results))
	for _, res := range results {
		out = append(out, ResultRow{TenantID: res.TenantID, TenantName: names[res.TenantID], Status: res.Status, Message: res.Message, Advice: res.Advice})
	}
	return run, out, nil
}

// handleRun shows a run: per-customer results, the plan it carried out
// and links to its audit entries and report.
func (s *Server) handleRun(w http.ResponseWriter, r *http.Request) {
	id, err := parseRunID(r)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	run, results, err := s.runResults(r.Context(), id)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	nav := "/usage"
	if run.Kind == store.RunKindTickets {
		nav = "/tickets"
	}
	p := &runPage{Layout: Layout{Title: "run.title", Nav: nav}, Run: runRow(run), Kind: run.Kind, Results: results}
	var plan usage.Plan
	if len(run.Plan) > 0 && json.Unmarshal(run.Plan, &plan) == nil {
		v := planView(plan)
		p.Plan = &v
	}
	s.render(w, r, http.StatusOK, "run", p)
}
