package web

import (
	"net/http"

	"centralpsa"
)

// apiNotFound answers API paths and methods that do not exist.
func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, true, centralpsa.Errorf(centralpsa.KindNotFound, "no API route %s %s", r.Method, r.URL.Path))
}
