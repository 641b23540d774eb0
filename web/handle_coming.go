package web

import "net/http"

// comingPage is a page whose content arrives in a later release.
type comingPage struct {
	Layout
	Available bool // the service the page needs is wired in
}

// handleComing renders a placeholder inside the layout for the menu entry
// titled by key; the real page replaces it in routes.go.
func (s *Server) handleComing(key string, available bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := &comingPage{Layout: Layout{Title: key, Nav: r.URL.Path}, Available: available}
		s.render(w, r, http.StatusOK, "coming", p)
	}
}
