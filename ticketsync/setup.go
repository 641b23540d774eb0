package ticketsync

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"centralpsa"
	"centralpsa/connectwise"
	"centralpsa/ticket"
)

// refs are the ConnectWise ids behind the ticket settings, resolved once
// per run so that a missing board is one error, not one per alert.
type refs struct {
	board, statusNew, statusClosed int
	priority                       map[ticket.Severity]int
	typ, subtype, source           int // 0 = not set
}

// subtype is a board subtype (doc §10.15); the client has no model for it.
type subtype struct {
	ID           int    `json:"id"`
	Name         string `json:"name"`
	InactiveFlag bool   `json:"inactiveFlag"`
}

// resolve looks every configured name up in ConnectWise and reports all
// that are missing in one KindNotFound error naming the settings to fix.
func resolve(ctx context.Context, cw *connectwise.Client, st settings) (refs, error) {
	r := refs{priority: map[ticket.Severity]int{}}
	var missing []string
	miss := func(format string, args ...any) { missing = append(missing, fmt.Sprintf(format, args...)) }

	boards, err := cw.Boards.List(ctx, &connectwise.ListOptions{Conditions: connectwise.Eq("name", st.board)})
	if err != nil {
		return refs{}, fmt.Errorf("look up ticket board %q: %w", st.board, err)
	}
	i := slices.IndexFunc(boards, func(b connectwise.Board) bool { return strings.EqualFold(b.Name, st.board) && !b.InactiveFlag })
	if i < 0 {
		miss("no active service board named %q (tickets.board; System > Setup Tables > Service Board)", st.board)
	} else {
		r.board = boards[i].ID
		if err := r.boardChildren(ctx, cw, st, miss); err != nil {
			return refs{}, err
		}
	}
	prios, err := cw.Priorities.List(ctx, nil)
	if err != nil {
		return refs{}, fmt.Errorf("look up ticket priorities: %w", err)
	}
	for _, sev := range []ticket.Severity{ticket.High, ticket.Medium, ticket.Low} {
		i := slices.IndexFunc(prios, func(p connectwise.Priority) bool { return strings.EqualFold(p.Name, st.priority[sev]) })
		if i < 0 {
			miss("no priority named %q (%s; System > Setup Tables > Priority)", st.priority[sev], priorityKeys[sev])
			continue
		}
		r.priority[sev] = prios[i].ID
	}
	if st.source != "" {
		sources, err := cw.Sources.List(ctx, nil)
		if err != nil {
			return refs{}, fmt.Errorf("look up ticket sources: %w", err)
		}
		if i := slices.IndexFunc(sources, func(s connectwise.Source) bool { return strings.EqualFold(s.Name, st.source) }); i >= 0 {
			r.source = sources[i].ID
		} else {
			miss("no ticket source named %q (tickets.source)", st.source)
		}
	}
	if len(missing) > 0 {
		return refs{}, &centralpsa.Error{Kind: centralpsa.KindNotFound,
			Message: "ConnectWise is not set up for ticket sync: " + strings.Join(missing, "; ") +
				"; create them in ConnectWise or change the settings to existing names"}
	}
	return r, nil
}

// boardChildren resolves the statuses, type and subtype on the board.
func (r *refs) boardChildren(ctx context.Context, cw *connectwise.Client, st settings, miss func(string, ...any)) error {
	statuses, err := cw.Boards.ListStatuses(ctx, r.board, nil)
	if err != nil {
		return fmt.Errorf("look up statuses of board %q: %w", st.board, err)
	}
	for _, want := range []struct {
		name, key string
		closed    bool
		id        *int
	}{{st.statusNew, "tickets.status_new", false, &r.statusNew}, {st.statusClosed, "tickets.status_closed", true, &r.statusClosed}} {
		i := slices.IndexFunc(statuses, func(s connectwise.BoardStatus) bool { return strings.EqualFold(s.Name, want.name) && !s.Inactive })
		switch {
		case i < 0:
			miss("board %q has no status %q (%s)", st.board, want.name, want.key)
		case statuses[i].ClosedStatus != want.closed && want.closed:
			miss("status %q on board %q does not close tickets (%s: tick Closed on the status or pick a closed one)", want.name, st.board, want.key)
		case statuses[i].ClosedStatus != want.closed:
			miss("status %q on board %q closes tickets, so it cannot be the new-ticket status (%s)", want.name, st.board, want.key)
		default:
			*want.id = statuses[i].ID
		}
	}
	if st.typ != "" {
		types, err := cw.Boards.ListTypes(ctx, r.board, nil)
		if err != nil {
			return fmt.Errorf("look up ticket types of board %q: %w", st.board, err)
		}
		if i := slices.IndexFunc(types, func(t connectwise.BoardType) bool { return strings.EqualFold(t.Name, st.typ) && !t.InactiveFlag }); i >= 0 {
			r.typ = types[i].ID
		} else {
			miss("board %q has no ticket type %q (tickets.type)", st.board, st.typ)
		}
	}
	if st.subtype != "" {
		// The client has no typed method for subtypes (doc §10.15), hence Do.
		var subs []subtype
		path := fmt.Sprintf("/service/boards/%d/subtypes", r.board)
		if err := cw.Do(ctx, "GET", path, url.Values{"pageSize": {"1000"}}, nil, &subs); err != nil {
			return fmt.Errorf("look up ticket subtypes of board %q: %w", st.board, err)
		}
		if i := slices.IndexFunc(subs, func(s subtype) bool { return strings.EqualFold(s.Name, st.subtype) && !s.InactiveFlag }); i >= 0 {
			r.subtype = subs[i].ID
		} else {
			miss("board %q has no ticket subtype %q (tickets.subtype)", st.board, st.subtype)
		}
	}
	return nil
}
