package web

import "net/http"

// handleHome sends the console's root to the Setup page, the first thing
// a new install needs.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/setup", http.StatusSeeOther)
}
