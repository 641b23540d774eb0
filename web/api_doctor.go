package web

import (
	"net/http"

	"centralpsa"
	"centralpsa/doctor"
)

// apiDoctor runs the setup checks and returns them like `centralpsa
// doctor --json`. Failed checks are a normal answer (200, ok false).
func (s *Server) apiDoctor(w http.ResponseWriter, r *http.Request) {
	if s.cfg.DoctorFunc == nil {
		s.fail(w, r, true, centralpsa.Errorf(centralpsa.KindUnavailable, "the doctor is not available in this process"))
		return
	}
	settings, err := s.cfg.SettingsFunc(r.Context())
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	rep := s.cfg.DoctorFunc(r.Context(), settings).Localize(langFrom(r.Context()))
	writeJSON(w, http.StatusOK, struct {
		OK     bool           `json:"ok"`
		Checks []doctor.Check `json:"checks"`
	}{rep.OK(), rep.Checks})
}
