package ticketsync

import (
	"strconv"
	"strings"
	"time"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/ticket"
)

// settings are the tickets.* values one run uses, read once.
type settings struct {
	board, statusNew, statusClosed string
	priority                       map[ticket.Severity]string // setting value per severity
	typ, subtype, source           string                     // "" = not set
	rule                           ticket.Settings
	concurrency                    int // tenants synced at once
}

// priorityKeys names the priority setting of each severity.
var priorityKeys = map[ticket.Severity]string{
	ticket.High: "tickets.priority.high", ticket.Medium: "tickets.priority.medium", ticket.Low: "tickets.priority.low",
}

// readSettings checks and reads the ticket settings. tickets.board has no
// default on purpose: alert tickets on a board nobody watches are worse
// than none, so the run refuses until a person picks one.
func readSettings(s *config.Settings) (settings, error) {
	if strings.TrimSpace(s.Get("tickets.board")) == "" {
		return settings{}, centralpsa.Errorf(centralpsa.KindInvalid,
			"tickets.board is not set: ticket sync needs the name of the ConnectWise service board for alert tickets "+
				"(centralpsa config set tickets.board \"<board name>\", or set %s)", config.EnvName("tickets.board"))
	}
	keys := []string{"tickets.status_new", "tickets.status_closed", "tickets.min_severity", "tickets.close_on_resolve",
		"tickets.reopen_days", "tickets.acknowledge_on_close", "tickets.concurrency"}
	for _, k := range priorityKeys {
		keys = append(keys, k)
	}
	if probs := s.Check(keys...); len(probs) > 0 {
		msgs := make([]string, len(probs))
		for i, p := range probs {
			msgs[i] = p.Error()
		}
		return settings{}, centralpsa.Errorf(centralpsa.KindInvalid, "ticket settings: %s", strings.Join(msgs, "; "))
	}
	days, _ := strconv.Atoi(s.Get("tickets.reopen_days")) // validated by Check
	concurrency, _ := strconv.Atoi(s.Get("tickets.concurrency"))
	minSev, _ := ticket.ParseSeverity(s.Get("tickets.min_severity"))
	st := settings{
		board:        strings.TrimSpace(s.Get("tickets.board")),
		statusNew:    strings.TrimSpace(s.Get("tickets.status_new")),
		statusClosed: strings.TrimSpace(s.Get("tickets.status_closed")),
		priority:     map[ticket.Severity]string{},
		typ:          strings.TrimSpace(s.Get("tickets.type")),
		subtype:      strings.TrimSpace(s.Get("tickets.subtype")),
		source:       strings.TrimSpace(s.Get("tickets.source")),
		rule: ticket.Settings{MinSeverity: minSev, CloseOnResolve: s.Bool("tickets.close_on_resolve"),
			ReopenWindow: time.Duration(days) * 24 * time.Hour, AcknowledgeOnClose: s.Bool("tickets.acknowledge_on_close")},
		concurrency: max(1, concurrency),
	}
	for sev, k := range priorityKeys {
		st.priority[sev] = strings.TrimSpace(s.Get(k))
	}
	return st, nil
}
