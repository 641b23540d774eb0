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
	board := newCheck("cw.board", OK, m("doctor.cw.board.name"))
	name := s.Get("tickets.board")
	if name == "" {
		board.Status = Warn
		return []Check{board.withDetail(m("doctor.cw.board.unset")).withFix(m("doctor.cw.board.unset_fix"))}
	}
	boards, err := c.Boards.List(ctx, &connectwise.ListOptions{Conditions: connectwise.Eq("name", name)})
	if err != nil {
		board.Status = Fail
		return []Check{board.withDetail(verbatim(err.Error()))}
	}
	if len(boards) == 0 {
		board.Status = Fail
		return []Check{board.withDetail(m("doctor.cw.board.missing", name)).withFix(m("doctor.cw.board.missing_fix"))}
	}
	out := []Check{board.withDetail(verbatim(name))}
	statuses, err := c.Boards.ListStatuses(ctx, boards[0].ID, nil)
	if err != nil {
		return append(out, newCheck("cw.board.statuses", Fail, m("doctor.cw.statuses.name")).withDetail(verbatim(err.Error())))
	}
	for _, want := range []struct {
		key    string
		closed bool
	}{{"tickets.status_new", false}, {"tickets.status_closed", true}} {
		out = append(out, statusCheck(statuses, s.Get(want.key), want.key, want.closed, name))
	}
	return append(out, priorityCheck(ctx, c, s))
}

// statusCheck finds the status that the setting key names on the board;
// the one for closing must close tickets.
func statusCheck(statuses []connectwise.BoardStatus, name, key string, closed bool, board string) Check {
	ch := newCheck("cw.board."+strings.TrimPrefix(key, "tickets."), OK, m("doctor.cw.status.name", key))
	for _, st := range statuses {
		if strings.EqualFold(st.Name, name) {
			if closed && !st.ClosedStatus {
				ch.Status = Fail
				return ch.withDetail(m("doctor.cw.status.not_closing", name, board)).withFix(m("doctor.cw.status.not_closing_fix", key))
			}
			return ch.withDetail(verbatim(name))
		}
	}
	ch.Status = Fail
	return ch.withDetail(m("doctor.cw.status.missing", board, name)).withFix(m("doctor.cw.status.missing_fix", key))
}

// priorityCheck looks for the three priorities that tickets are given.
func priorityCheck(ctx context.Context, c *connectwise.Client, s *config.Settings) Check {
	ch := newCheck("cw.priorities", OK, m("doctor.cw.priorities.name"))
	prios, err := c.Priorities.List(ctx, nil)
	if err != nil {
		ch.Status = Fail
		return ch.withDetail(verbatim(err.Error()))
	}
	var missing []string
	for _, key := range []string{"tickets.priority.high", "tickets.priority.medium", "tickets.priority.low"} {
		if !hasPriority(prios, s.Get(key)) {
			missing = append(missing, fmt.Sprintf("%q (%s)", s.Get(key), key))
		}
	}
	if len(missing) > 0 {
		ch.Status = Fail
		return ch.withDetail(m("doctor.cw.priorities.missing", strings.Join(missing, ", "))).withFix(m("doctor.cw.priorities.fix"))
	}
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
