package doctor

import (
	"context"
	"fmt"
	"strings"

	"centralpsa/config"
	"centralpsa/connectwise"
)

// boardChecks verifies the ticket settings: the board named by
// tickets.board with its new and closed statuses, and the priorities.
func boardChecks(ctx context.Context, c *connectwise.Client, s *config.Settings) []Check {
	name := s.Get("tickets.board")
	if name == "" {
		return []Check{{Name: "ticket board", Status: Warn, Detail: "tickets.board is not set: ticket sync will refuse to run",
			Fix: "centralpsa config set tickets.board \"<board name>\" (or set CENTRALPSA_TICKETS_BOARD)"}}
	}
	boards, err := c.Boards.List(ctx, &connectwise.ListOptions{Conditions: connectwise.Eq("name", name)})
	if err != nil {
		return []Check{{Name: "ticket board", Status: Fail, Detail: err.Error()}}
	}
	if len(boards) == 0 {
		return []Check{{Name: "ticket board", Status: Fail, Detail: fmt.Sprintf("no service board named %q", name),
			Fix: "create it (System > Setup Tables > Service Board) or set tickets.board to an existing board's name"}}
	}
	out := []Check{{Name: "ticket board", Status: OK, Detail: name}}
	statuses, err := c.Boards.ListStatuses(ctx, boards[0].ID, nil)
	if err != nil {
		return append(out, Check{Name: "board statuses", Status: Fail, Detail: err.Error()})
	}
	for _, want := range []struct {
		key    string
		closed bool
	}{{"tickets.status_new", false}, {"tickets.status_closed", true}} {
		out = append(out, statusCheck(statuses, s.Get(want.key), want.key, want.closed, name))
	}
	prios, err := c.Priorities.List(ctx, nil)
	if err != nil {
		return append(out, Check{Name: "priorities", Status: Fail, Detail: err.Error()})
	}
	var missing []string
	for _, key := range []string{"tickets.priority.high", "tickets.priority.medium", "tickets.priority.low"} {
		if !hasPriority(prios, s.Get(key)) {
			missing = append(missing, fmt.Sprintf("%q (%s)", s.Get(key), key))
		}
	}
	if len(missing) > 0 {
		return append(out, Check{Name: "priorities", Status: Fail, Detail: "missing: " + strings.Join(missing, ", "),
			Fix: "create them in System > Setup Tables > Priority, or change the settings to existing names"})
	}
	return append(out, Check{Name: "priorities", Status: OK})
}

func statusCheck(statuses []connectwise.BoardStatus, name, key string, closed bool, board string) Check {
	ch := Check{Name: "status " + key}
	for _, st := range statuses {
		if strings.EqualFold(st.Name, name) {
			if closed && !st.ClosedStatus {
				ch.Status, ch.Detail = Fail, fmt.Sprintf("status %q on board %q does not close tickets", name, board)
				ch.Fix = "tick Closed on that status (board > Statuses tab) or set " + key + " to a closed status"
				return ch
			}
			ch.Status, ch.Detail = OK, name
			return ch
		}
	}
	ch.Status, ch.Detail = Fail, fmt.Sprintf("board %q has no status %q", board, name)
	ch.Fix = "add it on the board's Statuses tab or set " + key + " to an existing status"
	return ch
}

func hasPriority(prios []connectwise.Priority, name string) bool {
	for _, p := range prios {
		if strings.EqualFold(p.Name, name) {
			return true
		}
	}
	return false
}
