package web

import "net/http"

// handleUsageSchedule stores usage.schedule and usage.time with the Setup
// page's rules (validated, a field the environment sets is left alone);
// the job runner reschedules at once. A refused value shows the page
// again with the reason beside the field.
func (s *Server) handleUsageSchedule(w http.ResponseWriter, r *http.Request) {
	settings, err := s.cfg.SettingsFunc(r.Context())
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, false, err)
		return
	}
	for k := range r.PostForm {
		if k != "usage.schedule" && k != "usage.time" && k != "csrf_token" {
			delete(r.PostForm, k)
		}
	}
	changes, _ := formChanges(r, settings)
	problems, err := s.applySettings(r.Context(), changes)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	if len(problems) == 0 {
		http.Redirect(w, r, "/usage?saved=1", http.StatusSeeOther)
		return
	}
	p, err := s.newUsagePage(r, settings, problems)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	for i, f := range p.Schedule {
		if _, bad := problems[f.Key]; bad {
			p.Schedule[i].Value = r.PostForm.Get(f.Key)
		}
	}
	p.Path = "/usage"
	s.render(w, r, http.StatusBadRequest, "usage", p)
}
