package web

import (
	"net/http"
	"strings"

	"centralpsa/config"
	"centralpsa/store"
	"centralpsa/web/i18n"
)

// ticketsPage shows the alert ↔ ticket links, the ticket settings with
// ConnectWise's boards, statuses and priorities as dropdowns, and "Sync
// now".
type ticketsPage struct {
	Layout
	JobsAvailable bool
	State         string
	States        []string
	StateError    string
	Links         []TicketRow
	Fields        []SelectField
	HasErrors     bool
	LookupError   string
	Runs          []RunRow
}

// Board is the board field; Statuses the two status fields (the fragment
// htmx swaps when the board changes); Priorities the rest.
func (p *ticketsPage) Board() SelectField { return p.Fields[0] }

// Statuses is the status fragment's data.
func (p *ticketsPage) Statuses() StatusBlock {
	return StatusBlock{Locale: p.Locale, Fields: p.Fields[1:3]}
}

// Priorities are the three priority fields.
func (p *ticketsPage) Priorities() []SelectField { return p.Fields[3:] }

// StatusBlock is the two status fields of the ticket settings.
type StatusBlock struct {
	Locale
	Fields []SelectField
}

func (s *Server) handleTickets(w http.ResponseWriter, r *http.Request) {
	settings, err := s.cfg.SettingsFunc(r.Context())
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	p, err := s.newTicketsPage(r, settings, nil, nil)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.render(w, r, http.StatusOK, "tickets", p)
}

func (s *Server) newTicketsPage(r *http.Request, settings *config.Settings, submitted, problems map[string]string) (*ticketsPage, error) {
	lang := langFrom(r.Context())
	p := &ticketsPage{Layout: Layout{Title: "tickets.title", Nav: "/tickets", Path: "/tickets"}, JobsAvailable: s.cfg.Services.Jobs != nil,
		States: ticketStates, HasErrors: len(problems) > 0}
	st, err := parseTicketState(r.URL.Query())
	if err != nil {
		_, p.StateError = publicError(err)
	}
	p.State = st
	if p.Links, err = s.ticketRows(r.Context(), st); err != nil {
		return nil, err
	}
	board := settings.Get("tickets.board")
	if v, ok := submitted["tickets.board"]; ok {
		board = v
	}
	choices := s.readTicketChoices(r.Context(), board)
	if choices.err != nil {
		_, p.LookupError = publicError(choices.err)
	}
	p.Fields = ticketFields(Locale{Lang: lang}, settings, choices, submitted, problems)
	runs, err := s.cfg.Store.Runs(r.Context(), store.RunKindTickets, 10)
	if err != nil {
		return nil, err
	}
	p.Runs = runRows(runs)
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = i18n.T(lang, "setup.saved")
	}
	return p, nil
}

// handleTicketSettings stores the ticket settings with the Setup page's
// rules; a refused value shows the page again with the reason.
func (s *Server) handleTicketSettings(w http.ResponseWriter, r *http.Request) {
	settings, err := s.cfg.SettingsFunc(r.Context())
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, false, err)
		return
	}
	for k := range r.PostForm {
		if !strings.HasPrefix(k, "tickets.") {
			delete(r.PostForm, k)
		}
	}
	changes, submitted := formChanges(r, settings)
	problems, err := s.applySettings(r.Context(), changes)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	if len(problems) == 0 {
		http.Redirect(w, r, "/tickets?saved=1", http.StatusSeeOther)
		return
	}
	p, err := s.newTicketsPage(r, settings, submitted, problems)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.render(w, r, http.StatusBadRequest, "tickets", p)
}

// handleLookupStatuses answers the status fields for the board chosen,
// for htmx to swap in when the board changes.
func (s *Server) handleLookupStatuses(w http.ResponseWriter, r *http.Request) {
	settings, err := s.cfg.SettingsFunc(r.Context())
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	l := Locale{Lang: langFrom(r.Context())}
	board := r.URL.Query().Get("tickets.board")
	c := ticketChoices{}
	if dir := s.cfg.Services.Directory; dir == nil {
		c.err = unavailable("the ConnectWise lookup")
	} else if strings.TrimSpace(board) != "" {
		c.statuses, c.err = dir.BoardStatuses(r.Context(), board)
	}
	c.boards, c.priorities = []Choice{}, []Choice{}
	fields := ticketFields(l, settings, c, nil, nil)[1:3]
	if c.err != nil {
		for i := range fields {
			fields[i].Error = s.lookupError(r, c.err)
		}
	}
	s.renderFragment(w, http.StatusOK, "tickets", "statuses", StatusBlock{Locale: l, Fields: fields})
}
