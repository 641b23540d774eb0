package web

import (
	"net/http"

	"centralpsa/doctor"
)

// handleSetupTest runs the doctor. From htmx (HX-Request) it answers the
// checklist fragment alone; a plain form post gets the whole Setup page
// with the checklist filled in, so the button works without JavaScript.
func (s *Server) handleSetupTest(w http.ResponseWriter, r *http.Request) {
	settings, err := s.cfg.SettingsFunc(r.Context())
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	var report *doctor.Report
	if s.cfg.DoctorFunc != nil {
		report = s.cfg.DoctorFunc(r.Context(), settings).Localize(langFrom(r.Context()))
	}
	view := doctorView(langFrom(r.Context()), s.cfg.DoctorFunc != nil, report)
	if r.Header.Get("HX-Request") == "true" {
		s.renderFragment(w, http.StatusOK, "setup", "checklist", view)
		return
	}
	p := s.newSetupPage(r, settings, nil, nil)
	p.Doctor = view
	s.render(w, r, http.StatusOK, "setup", p)
}
