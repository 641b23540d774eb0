package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"centralpsa/config"
	"centralpsa/jobs"
	"centralpsa/store"
	"centralpsa/usage"
	"centralpsa/web/i18n"
)

// usagePage previews the month's usage sync and applies exactly what it
// shows, queues a sync, sets the schedule and lists the runs.
type usagePage struct {
	Layout
	Available     bool
	JobsAvailable bool
	Month         string   // the month asked for ("" = the latest with data)
	Months        []string // the month picker's choices, newest first
	Plan          *PlanView
	PlanError     string
	Schedule      []Field
	ScheduleError bool
	Next          string // the next scheduled run, local time; "" for manual
	NextISO       string
	Runs          []RunRow
	LastReport    int64 // the newest applied run with a report
}

// PlanBlock is the previewed plan with its Apply form.
func (p *usagePage) PlanBlock() PlanBlock {
	return PlanBlock{Locale: p.Locale, Plan: *p.Plan, CSRF: p.CSRF, CanApply: true}
}

// handleUsage shows the Usage page. Planning reads Sophos and ConnectWise
// but writes nothing; a plan that cannot be made (settings, a month
// without billing data) is shown as a message on the page.
func (s *Server) handleUsage(w http.ResponseWriter, r *http.Request) {
	settings, err := s.cfg.SettingsFunc(r.Context())
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	p, err := s.newUsagePage(r, settings, nil)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.planInto(r.Context(), p)
	s.render(w, r, http.StatusOK, "usage", p)
}

// newUsagePage fills everything but the plan; problems are refused
// schedule values to show beside their fields.
func (s *Server) newUsagePage(r *http.Request, settings *config.Settings, problems map[string]string) (*usagePage, error) {
	lang := langFrom(r.Context())
	p := &usagePage{Layout: Layout{Title: "usage.title", Nav: "/usage", Path: "/usage"},
		Available: s.cfg.Services.Usage != nil, JobsAvailable: s.cfg.Services.Jobs != nil,
		Month: strings.TrimSpace(r.URL.Query().Get("month")), ScheduleError: len(problems) > 0}
	now := s.now()
	for i := range 4 {
		p.Months = append(p.Months, usage.MonthOf(now.AddDate(0, -i, 0)).String())
	}
	for _, key := range []string{"usage.schedule", "usage.time"} {
		f := fieldOf(settings, key)
		if v, ok := problems[key]; ok {
			f.Error = v
		}
		p.Schedule = append(p.Schedule, f)
	}
	if next, ok, err := jobs.NextUsageSync(settings, now, s.cfg.Location); err == nil && ok {
		p.Next, p.NextISO = next.In(s.cfg.Location).Format("2006-01-02 15:04 MST"), next.UTC().Format(time.RFC3339)
	}
	runs, err := s.cfg.Store.Runs(r.Context(), store.RunKindUsage, 20)
	if err != nil {
		return nil, err
	}
	p.Runs = runRows(runs)
	for _, run := range runs {
		if !run.DryRun && len(run.Plan) > 0 {
			p.LastReport = run.ID
			break
		}
	}
	switch {
	case r.URL.Query().Get("saved") == "1":
		p.Flash = i18n.T(lang, "setup.saved")
	}
	return p, nil
}

// planInto computes the plan of p.Month, or says why it cannot.
func (s *Server) planInto(ctx context.Context, p *usagePage) {
	if !p.Available {
		return
	}
	var month *usage.Month
	if p.Month != "" {
		m, err := usage.ParseMonth(p.Month)
		if err != nil {
			p.PlanError = p.T("usage.bad_month", p.Month)
			return
		}
		month = &m
	}
	prep, err := s.cfg.Services.Usage.Plan(ctx, month)
	if err != nil {
		_, p.PlanError = publicError(err)
		s.log.Info("usage plan failed", "error", err)
		return
	}
	v := planView(prep.Plan)
	p.Plan, p.Month = &v, prep.Month.String()
}
