package web

import (
	"context"
	"net/http"
	"strings"

	"centralpsa"
	"centralpsa/store"
	"centralpsa/usage"
)

// startUsageSync queues a usage sync for month ("" = the latest with
// data) and follows it.
func (s *Server) startUsageSync(month string) (Task, *JobOutcome, error) {
	month = strings.TrimSpace(month)
	if month != "" {
		if _, err := usage.ParseMonth(month); err != nil {
			return Task{}, nil, centralpsa.Errorf(centralpsa.KindInvalid, "month must be YYYY-MM or empty, not %q", month)
		}
	}
	return s.startJob("usage_sync", store.RunKindUsage, func(ctx context.Context) (int64, bool, error) {
		return s.cfg.Services.Jobs.EnqueueUsageSync(ctx, month)
	})
}

// startTicketSync queues a ticket sync and follows it.
func (s *Server) startTicketSync() (Task, *JobOutcome, error) {
	return s.startJob("ticket_sync", store.RunKindTickets, func(ctx context.Context) (int64, bool, error) {
		return s.cfg.Services.Jobs.EnqueueTicketSync(ctx)
	})
}

// handleUsageSync is the Usage page's "Sync now".
func (s *Server) handleUsageSync(w http.ResponseWriter, r *http.Request) {
	t, _, err := s.startUsageSync(r.PostFormValue("month"))
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	http.Redirect(w, r, "/tasks/"+t.ID, http.StatusSeeOther)
}

// handleTicketSync is the Tickets page's "Sync now".
func (s *Server) handleTicketSync(w http.ResponseWriter, r *http.Request) {
	t, _, err := s.startTicketSync()
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	http.Redirect(w, r, "/tasks/"+t.ID, http.StatusSeeOther)
}
