package web

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"centralpsa"
)

// apiTickets lists the alert ↔ ticket links in ?state= (open by default;
// resolved, closed or all).
func (s *Server) apiTickets(w http.ResponseWriter, r *http.Request) {
	st, err := parseTicketState(r.URL.Query())
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	rows, err := s.ticketRows(r.Context(), st)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Tickets []TicketRow `json:"tickets"`
	}{rows})
}

// apiTicketSettings returns every tickets.* setting as resolved.
func (s *Server) apiTicketSettings(w http.ResponseWriter, r *http.Request) {
	settings, err := s.cfg.SettingsFunc(r.Context())
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	out := []apiSetting{}
	for _, key := range keysWithPrefix("tickets.") {
		out = append(out, apiSettingOf(settings, key))
	}
	writeJSON(w, http.StatusOK, struct {
		Settings []apiSetting `json:"settings"`
	}{out})
}

// apiTicketSettingsPut stores several ticket settings at once, all or
// none: {"tickets.board": "...", "tickets.status_new": "..."}. An empty
// value goes back to the default.
func (s *Server) apiTicketSettingsPut(w http.ResponseWriter, r *http.Request) {
	var req map[string]string
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, true, err)
		return
	}
	var changes []change
	for _, k := range slices.Sorted(maps.Keys(req)) {
		v := req[k]
		if !strings.HasPrefix(k, "tickets.") {
			s.fail(w, r, true, centralpsa.Errorf(centralpsa.KindInvalid, "%q is not a ticket setting; use PUT /api/v1/settings/{key}", k))
			return
		}
		c := change{Key: k, Value: strings.TrimSpace(v)}
		c.Unset = c.Value == ""
		changes = append(changes, c)
	}
	problems, err := s.applySettings(r.Context(), changes)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	for _, c := range changes {
		if msg, bad := problems[c.Key]; bad {
			s.fail(w, r, true, centralpsa.Errorf(centralpsa.KindInvalid, "%s: %s", c.Key, msg))
			return
		}
	}
	s.apiTicketSettings(w, r)
}

// apiTicketsSync queues a ticket sync and starts a task that follows it.
func (s *Server) apiTicketsSync(w http.ResponseWriter, r *http.Request) {
	t, _, err := s.startTicketSync()
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeTask(w, t)
}
