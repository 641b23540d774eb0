package ticket

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// State is where the ticket of a key stands.
type State string

// The states of a link.
const (
	// StateOpen: the ticket is open and tracks the key's open alerts.
	StateOpen State = "open"
	// StateResolved: the alerts are gone and the ticket was told so but
	// left open, because tickets.close_on_resolve is off.
	StateResolved State = "resolved"
	// StateClosed: the ticket is closed, by centralpsa or by a person.
	StateClosed State = "closed"
)

// Link is what is known of the ticket of one consolidation key.
type Link struct {
	Key         string
	TicketID    int64 // 0: no ticket yet
	State       State
	AlertIDs    []string // the open alerts the ticket tracks, sorted
	Occurrences int      // alerts the ticket has seen in all
	Severity    Severity // the severity behind the priority last set
	FirstSeen   time.Time
	LastAlertAt time.Time
	ClosedAt    time.Time

	// ClosedInPSA and GoneInPSA are what ConnectWise showed this run, not
	// stored: the ticket is closed there although the link is not (a
	// technician closed it), or it no longer exists.
	ClosedInPSA bool
	GoneInPSA   bool
}

// Settings are the ticket settings Decide applies.
type Settings struct {
	MinSeverity        Severity      // tickets.min_severity
	CloseOnResolve     bool          // tickets.close_on_resolve
	ReopenWindow       time.Duration // tickets.reopen_days; 0 never reopens
	AcknowledgeOnClose bool          // tickets.acknowledge_on_close
}

// Kind is what to do with a key's ticket.
type Kind string

// The kinds of Action.
const (
	Nothing     Kind = "nothing"
	Create      Kind = "create"       // open a new ticket
	AppendNote  Kind = "append_note"  // new occurrences on the open ticket
	Reopen      Kind = "reopen"       // status back to tickets.status_new, with a note
	Close       Kind = "close"        // alerts gone: note, then tickets.status_closed
	Resolve     Kind = "resolve"      // alerts gone, close_on_resolve off: note only
	RecordClose Kind = "record_close" // a person closed it: remember, maybe acknowledge
)

// Action is the decision for one key. Next is the link to store once the
// action has been carried out; for Create its TicketID is left for the
// caller to fill in.
type Action struct {
	Kind        Kind
	Summary     string   // Create
	Description string   // Create: the initial description
	Note        string   // "" for none
	Priority    Severity // set the priority for this severity; 0 keeps it
	// Acknowledge lists the alerts to acknowledge in Sophos Central (only
	// ones whose allowedActions hold "acknowledge").
	Acknowledge []string
	Next        Link
}

// Decide applies the lifecycle rule to one key. link is nil when the key
// has no ticket yet; open are the key's alerts that Sophos lists as open
// now. While the link is open or resolved, open must be complete (the
// caller re-reads every open alert of the tenant and confirms missing ones
// one by one), because a tracked alert missing from it counts as gone. For
// a closed link it may hold only recent alerts.
//
// Alerts below MinSeverity never start or extend a ticket, but one the
// ticket already tracks keeps it open whatever the setting says now.
func Decide(link *Link, open []Alert, now time.Time, s Settings) Action {
	open = sortAlerts(open)
	if link == nil || link.TicketID == 0 {
		_, fresh := split(nil, open, s.MinSeverity)
		return create(link, fresh, now)
	}
	l := *link
	l.AlertIDs = slices.Clone(link.AlertIDs)
	l.ClosedInPSA, l.GoneInPSA = false, false
	closedByPerson := false
	if l.State != StateClosed && (link.ClosedInPSA || link.GoneInPSA) {
		l.State, l.ClosedAt, closedByPerson = StateClosed, now, true
	}
	tracked, fresh := split(l.AlertIDs, open, s.MinSeverity)
	if l.State == StateClosed {
		if len(fresh) == 0 {
			return closed(l, tracked, closedByPerson, s)
		}
		if link.GoneInPSA || !within(l.ClosedAt, now, s.ReopenWindow) {
			return create(&l, fresh, now)
		}
		return reopen(l, tracked, fresh)
	}
	if len(fresh) > 0 {
		return appendNote(l, tracked, fresh)
	}
	if len(tracked) > 0 || l.State == StateResolved {
		l.AlertIDs = ids(tracked) // forget the alerts that are gone
		return Action{Kind: Nothing, Next: l}
	}
	return resolve(l, now, s)
}

func create(prev *Link, fresh []Alert, now time.Time) Action {
	if len(fresh) == 0 {
		a := Action{Kind: Nothing}
		if prev != nil {
			a.Next = *prev
		}
		return a
	}
	first := fresh[0]
	var extra strings.Builder
	if len(fresh) > 1 {
		extra.WriteString("Other open alerts of the same type on the same device:\n" + occurrences(fresh[1:]))
	}
	if prev != nil && prev.TicketID != 0 {
		fmt.Fprintf(&extra, "The previous ticket for this alert, #%d, was closed %s.\n", prev.TicketID, stamp(prev.ClosedAt))
	}
	sev := highest(fresh)
	next := Link{Key: first.Key(), State: StateOpen, AlertIDs: ids(fresh), Occurrences: len(fresh), Severity: sev,
		FirstSeen: first.RaisedAt, LastAlertAt: latest(fresh)}
	if prev != nil && prev.Key != "" {
		next.Key = prev.Key
	}
	if next.FirstSeen.IsZero() {
		next.FirstSeen = now
	}
	return Action{Kind: Create, Summary: Summary(first), Description: describe(first, extra.String()),
		Priority: sev, Next: next}
}

func appendNote(l Link, tracked, fresh []Alert) Action {
	prefix := "New occurrence of this alert:\n"
	if len(fresh) > 1 {
		prefix = fmt.Sprintf("%d new occurrences of this alert:\n", len(fresh))
	}
	if l.State == StateResolved {
		prefix = "The alert is back after it was resolved. " + prefix
	}
	next := grow(l, tracked, fresh, ids(append(slices.Clone(tracked), fresh...)))
	a := Action{Kind: AppendNote, Next: next, Note: prefix + occurrences(fresh)}
	a.Priority, a.Note = priority(l.Severity, next.Severity, a.Note)
	return a
}

func reopen(l Link, tracked, fresh []Alert) Action {
	closedAt := l.ClosedAt
	next := grow(l, tracked, fresh, union(l.AlertIDs, ids(fresh)))
	next.ClosedAt = time.Time{}
	a := Action{Kind: Reopen, Next: next,
		Note: fmt.Sprintf("Reopened: the alert came back after the ticket was closed %s.\n", stamp(closedAt)) + occurrences(fresh)}
	a.Priority, a.Note = priority(l.Severity, next.Severity, a.Note)
	return a
}

// grow is the link after fresh alerts joined the ticket.
func grow(l Link, tracked, fresh []Alert, alertIDs []string) Link {
	next := l
	next.State = StateOpen
	next.AlertIDs = alertIDs
	next.Occurrences += len(fresh)
	next.Severity = highest(append(slices.Clone(tracked), fresh...))
	if t := latest(fresh); t.After(next.LastAlertAt) {
		next.LastAlertAt = t
	}
	return next
}

// priority follows the highest severity among the open alerts whenever
// the ticket is touched, and says so in the note.
func priority(was, now Severity, note string) (Severity, string) {
	if now == was {
		return 0, note
	}
	return now, note + fmt.Sprintf("Priority set for %s severity.\n", strings.ToLower(now.Title()))
}

func resolve(l Link, now time.Time, s Settings) Action {
	note := "Sophos Central no longer lists the alerts of this ticket (acknowledged or cleared there).\n"
	if len(l.AlertIDs) > 0 {
		note = "Sophos Central no longer lists the alerts of this ticket (acknowledged or cleared there): " + strings.Join(l.AlertIDs, ", ") + ".\n"
	}
	l.AlertIDs = nil
	if !s.CloseOnResolve {
		l.State = StateResolved
		return Action{Kind: Resolve, Next: l, Note: note + "The ticket stays open because tickets.close_on_resolve is off.\n"}
	}
	l.State, l.ClosedAt = StateClosed, now
	return Action{Kind: Close, Next: l, Note: note + "Closing the ticket.\n"}
}

// closed handles a closed ticket with nothing new. Its alert ids are kept,
// not pruned: open may be partial for a closed link, and an alert a
// person closed the ticket on must not come back as new.
func closed(l Link, tracked []Alert, closedByPerson bool, s Settings) Action {
	if !closedByPerson {
		return Action{Kind: Nothing, Next: l}
	}
	a := Action{Kind: RecordClose, Next: l}
	if s.AcknowledgeOnClose {
		for _, t := range tracked {
			if t.Allows("acknowledge") {
				a.Acknowledge = append(a.Acknowledge, t.ID)
			}
		}
	}
	if len(a.Acknowledge) > 0 {
		a.Note = fmt.Sprintf("The ticket was closed in ConnectWise: acknowledging its open alerts in Sophos Central: %s.\n",
			strings.Join(a.Acknowledge, ", "))
	}
	return a
}

func within(closedAt, now time.Time, window time.Duration) bool {
	return window > 0 && !closedAt.IsZero() && now.Sub(closedAt) <= window
}

// split sorts the open alerts into those the ticket tracks and the fresh
// ones that qualify to join it; an alert listed twice counts once.
func split(known []string, open []Alert, min Severity) (tracked, fresh []Alert) {
	seen := map[string]bool{}
	for _, a := range open {
		if seen[a.ID] {
			continue
		}
		seen[a.ID] = true
		switch {
		case slices.Contains(known, a.ID):
			tracked = append(tracked, a)
		case a.Severity.AtLeast(min):
			fresh = append(fresh, a)
		}
	}
	return tracked, fresh
}

// sortAlerts orders alerts oldest first (then by id), so every text and
// choice Decide makes is the same whatever order Sophos listed them in.
func sortAlerts(in []Alert) []Alert {
	out := slices.Clone(in)
	slices.SortStableFunc(out, func(a, b Alert) int {
		if c := a.RaisedAt.Compare(b.RaisedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

func ids(alerts []Alert) []string {
	out := make([]string, 0, len(alerts))
	for _, a := range alerts {
		out = append(out, a.ID)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func union(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

func highest(alerts []Alert) Severity {
	var s Severity
	for _, a := range alerts {
		s = max(s, a.Severity)
	}
	return s
}

func latest(alerts []Alert) time.Time {
	var t time.Time
	for _, a := range alerts {
		if a.RaisedAt.After(t) {
			t = a.RaisedAt
		}
	}
	return t
}
