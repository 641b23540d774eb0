package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"centralpsa"
	"centralpsa/usage"
	"centralpsa/usagesync"
)

// applyRequest is what Apply sends: the plan shown, named by its month and
// hash. The page and POST /api/v1/usage/apply share it.
type applyRequest struct {
	Month    string `json:"month"`
	PlanHash string `json:"planHash"`
}

// startApply checks req and starts the apply as a task. The service plans
// again and applies only if that gives exactly the plan reviewed; if
// ConnectWise or Sophos changed meanwhile, the task fails with a conflict
// and carries the fresh plan, and nothing is written.
func (s *Server) startApply(req applyRequest) (Task, error) {
	svc := s.cfg.Services.Usage
	if svc == nil {
		return Task{}, unavailable("usage sync")
	}
	m, err := usage.ParseMonth(strings.TrimSpace(req.Month))
	if err != nil {
		return Task{}, centralpsa.Errorf(centralpsa.KindInvalid, "month must be YYYY-MM, the month of the plan reviewed")
	}
	hash := strings.TrimSpace(req.PlanHash)
	if hash == "" {
		return Task{}, centralpsa.Errorf(centralpsa.KindInvalid, "planHash is required: apply the plan you reviewed (GET /api/v1/usage/plan)")
	}
	return s.tasks.start("usage_apply", func(ctx context.Context, h *taskHandle) (any, error) {
		res, err := svc.Run(ctx, usagesync.Options{Month: m, PlanHash: hash}, h.progress)
		if res != nil && res.RunID != 0 {
			h.link("/runs/" + strconv.FormatInt(res.RunID, 10))
		}
		return res, err
	}), nil
}

// handleUsageApply starts the apply and shows its progress page.
func (s *Server) handleUsageApply(w http.ResponseWriter, r *http.Request) {
	t, err := s.startApply(applyRequest{Month: r.PostFormValue("month"), PlanHash: r.PostFormValue("plan_hash")})
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	http.Redirect(w, r, "/tasks/"+t.ID, http.StatusSeeOther)
}
