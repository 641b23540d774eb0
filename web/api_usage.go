package web

import (
	"net/http"
	"strings"
	"time"

	"centralpsa"
	"centralpsa/jobs"
	"centralpsa/usage"
)

// apiUsagePlan plans ?month= (default: the latest month with billing
// data) without writing anything. Apply it with its month and planHash.
func (s *Server) apiUsagePlan(w http.ResponseWriter, r *http.Request) {
	svc := s.cfg.Services.Usage
	if svc == nil {
		s.fail(w, r, true, unavailable("usage sync"))
		return
	}
	var month *usage.Month
	if v := strings.TrimSpace(r.URL.Query().Get("month")); v != "" {
		m, err := usage.ParseMonth(v)
		if err != nil {
			s.fail(w, r, true, centralpsa.Errorf(centralpsa.KindInvalid, "month must be YYYY-MM, not %q", v))
			return
		}
		month = &m
	}
	p, err := svc.Plan(r.Context(), month)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Month    string     `json:"month"`
		PlanHash string     `json:"planHash"`
		Empty    bool       `json:"empty"`
		Plan     usage.Plan `json:"plan"`
	}{p.Month.String(), p.Plan.Hash, p.Plan.Empty(), p.Plan})
}

// apiUsageApply applies a reviewed plan in a task: {"month", "planHash"}.
// When the plan changed meanwhile the task fails with code conflict and
// its result carries the fresh plan; nothing is written.
func (s *Server) apiUsageApply(w http.ResponseWriter, r *http.Request) {
	var req applyRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, true, err)
		return
	}
	t, err := s.startApply(req)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeTask(w, t)
}

// apiUsageSync queues a usage sync ({"month"} optional) and starts a
// task that follows it.
func (s *Server) apiUsageSync(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Month string `json:"month"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &req); err != nil {
			s.fail(w, r, true, err)
			return
		}
	}
	t, _, err := s.startUsageSync(req.Month)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeTask(w, t)
}

// apiUsageSchedule returns the schedule and the next scheduled run (null
// for manual). Change it with PUT /api/v1/settings/usage.schedule and
// usage.time.
func (s *Server) apiUsageSchedule(w http.ResponseWriter, r *http.Request) {
	settings, err := s.cfg.SettingsFunc(r.Context())
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	out := struct {
		Schedule string     `json:"schedule"`
		Time     string     `json:"time"`
		Next     *time.Time `json:"next"`
	}{Schedule: settings.Get("usage.schedule"), Time: settings.Get("usage.time")}
	if next, ok, err := jobs.NextUsageSync(settings, s.now(), s.cfg.Location); err == nil && ok {
		out.Next = &next
	}
	writeJSON(w, http.StatusOK, out)
}
