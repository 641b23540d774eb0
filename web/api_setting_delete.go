package web

import "net/http"

// apiSettingDelete removes a stored setting so its default applies again,
// and returns the setting as now resolved.
func (s *Server) apiSettingDelete(w http.ResponseWriter, r *http.Request) {
	s.apiChangeSetting(w, r, change{Key: r.PathValue("key"), Unset: true})
}
