package web

import "net/http"

// apiMe returns the signed-in user and the session's CSRF token.
func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	sess := sessionFrom(r.Context())
	writeJSON(w, http.StatusOK, apiSession{Username: sess.Username, CSRFToken: sess.CSRFToken})
}
