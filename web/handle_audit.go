package web

import (
	"net/http"
	"slices"
)

// auditPage is the audit log with its filters.
type auditPage struct {
	Layout
	Filter      AuditFilter
	FilterError string
	Entries     []AuditRow
	Truncated   bool
	Limit       int
}

// handleAudit shows the audit log, newest first. A malformed filter is
// reported and ignored, so the page still shows something useful.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	p := &auditPage{Layout: Layout{Title: "audit.title", Nav: "/audit", Path: "/audit"}, Limit: auditLimit}
	typed, f, err := parseAuditFilter(r.URL.Query())
	p.Filter = typed
	if err != nil {
		_, p.FilterError = publicError(err)
	}
	entries, err := s.cfg.Store.Audit(r.Context(), f)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	p.Truncated = len(entries) >= f.Limit
	for _, a := range slices.Backward(entries) {
		p.Entries = append(p.Entries, auditRow(a))
	}
	s.render(w, r, http.StatusOK, "audit", p)
}
