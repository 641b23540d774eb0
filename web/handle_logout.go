package web

import "net/http"

// handleLogout ends the session and returns to the sign-in form.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if err := s.endSession(w, r); err != nil {
		s.fail(w, r, false, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
