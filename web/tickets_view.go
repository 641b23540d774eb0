package web

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/store"
)

// The Tickets page and the tickets API share this file: the links
// between alerts and tickets, and the ticket settings whose values are
// ConnectWise names (board, statuses, priorities), offered as dropdowns.

// ticketStates are the link states the filter offers; "all" shows every.
var ticketStates = []string{"open", "resolved", "closed", "all"}

// TicketRow is one alert ↔ ticket link.
type TicketRow struct {
	Key         string   `json:"key"`
	TenantID    string   `json:"tenantId"`
	TenantName  string   `json:"tenantName,omitempty"`
	CompanyID   int64    `json:"companyId"`
	TicketID    int64    `json:"ticketId"`
	Summary     string   `json:"summary"`
	State       string   `json:"state"`
	Severity    string   `json:"severity"`
	Occurrences int      `json:"occurrences"`
	AlertIDs    []string `json:"alertIds"`
	FirstSeen   string   `json:"firstSeen"`
	LastAlertAt string   `json:"lastAlertAt"`
	ClosedAt    string   `json:"closedAt,omitempty"`
	Pending     bool     `json:"pendingCreate,omitempty"`
}

// parseTicketState reads ?state= ("" = open).
func parseTicketState(q url.Values) (string, error) {
	st := cmpOrDefault(q.Get("state"), "open")
	if !slices.Contains(ticketStates, st) {
		return "open", centralpsa.Errorf(centralpsa.KindInvalid, "state must be one of %s, not %q", strings.Join(ticketStates, ", "), st)
	}
	return st, nil
}

// ticketRows lists the links in state ("all" for every one), by tenant.
func (s *Server) ticketRows(ctx context.Context, state string) ([]TicketRow, error) {
	f := store.TicketLinkFilter{}
	if state != "all" {
		f.States = []string{state}
	}
	links, err := s.cfg.Store.TicketLinks(ctx, f)
	if err != nil {
		return nil, err
	}
	maps, err := s.cfg.Store.Mappings(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(maps))
	for _, m := range maps {
		names[m.TenantID] = m.TenantName
	}
	out := make([]TicketRow, 0, len(links))
	for _, l := range links {
		out = append(out, TicketRow{Key: l.Key, TenantID: l.TenantID, TenantName: names[l.TenantID], CompanyID: l.CompanyID,
			TicketID: l.TicketID, Summary: l.Summary, State: l.State, Severity: l.Severity, Occurrences: l.Occurrences,
			AlertIDs: l.AlertIDs, FirstSeen: stamp(l.FirstSeen), LastAlertAt: stamp(l.LastAlertAt), ClosedAt: stamp(l.ClosedAt),
			Pending: l.PendingCreate})
	}
	return out, nil
}

// stamp formats a time in UTC for tables, "" when zero.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// ticketSettingKeys are the ticket settings chosen from ConnectWise.
var ticketSettingKeys = []string{"tickets.board", "tickets.status_new", "tickets.status_closed",
	"tickets.priority.high", "tickets.priority.medium", "tickets.priority.low"}

// SelectField is a setting chosen from a list; Options nil means the list
// could not be read and a text box is shown instead.
type SelectField struct {
	Field
	Options *OptionsView
}

// ticketChoices are the dropdowns' contents, read from ConnectWise.
type ticketChoices struct {
	boards, statuses, priorities []Choice
	err                          error
}

// readTicketChoices asks ConnectWise for boards, the board's statuses and
// the priorities. The first failure stops it: the fields fall back to text.
func (s *Server) readTicketChoices(ctx context.Context, board string) ticketChoices {
	dir := s.cfg.Services.Directory
	if dir == nil {
		return ticketChoices{err: unavailable("the ConnectWise lookup")}
	}
	var c ticketChoices
	if c.boards, c.err = dir.Boards(ctx); c.err != nil {
		return c
	}
	if c.priorities, c.err = dir.Priorities(ctx); c.err != nil {
		return c
	}
	if strings.TrimSpace(board) != "" {
		c.statuses, c.err = dir.BoardStatuses(ctx, board)
	}
	return c
}

// ticketFields builds the settings form; submitted values and problems
// (from a refused save) override what is stored.
func ticketFields(l Locale, settings *config.Settings, c ticketChoices, submitted, problems map[string]string) []SelectField {
	out := make([]SelectField, 0, len(ticketSettingKeys))
	for _, key := range ticketSettingKeys {
		f := SelectField{Field: fieldOf(settings, key)}
		if v, ok := submitted[key]; ok {
			f.Value = v
		}
		f.Error = problems[key]
		list := c.priorities
		switch {
		case key == "tickets.board":
			list = c.boards
		case strings.HasPrefix(key, "tickets.status_"):
			list = c.statuses
		}
		if c.err == nil && list != nil {
			f.Options = &OptionsView{Locale: l, Placeholder: l.T("tickets.choose"), Choices: withCurrent(l, list, f.Value), Selected: f.Value, ByName: true}
		}
		out = append(out, f)
	}
	return out
}

// withCurrent keeps a stored value that ConnectWise no longer lists, so
// saving the form does not silently change it.
func withCurrent(l Locale, list []Choice, cur string) []Choice {
	if cur == "" || slices.ContainsFunc(list, func(c Choice) bool { return c.Name == cur }) {
		return list
	}
	return append([]Choice{{Name: cur, Detail: l.T("tickets.not_listed")}}, list...)
}

// FieldView is a SelectField with the language to label it in, for the
// "selectfield" template.
type FieldView struct {
	Locale
	SelectField
}

// FieldView pairs f with l, so a template can render a field in a range.
func (l Locale) FieldView(f SelectField) FieldView { return FieldView{Locale: l, SelectField: f} }
