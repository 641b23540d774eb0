package web

import "net/http"

// apiAudit returns audit entries in the order they were appended (oldest
// first), at most 1000; page on with since= or run=.
func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) {
	_, f, err := parseAuditFilter(r.URL.Query())
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	entries, err := s.cfg.Store.Audit(r.Context(), f)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	out := make([]apiAuditEntry, 0, len(entries))
	for _, a := range entries {
		out = append(out, apiAuditEntryOf(a))
	}
	writeJSON(w, http.StatusOK, struct {
		Entries   []apiAuditEntry `json:"entries"`
		Truncated bool            `json:"truncated"`
	}{out, len(entries) >= f.Limit})
}
