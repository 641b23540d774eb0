package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// States of a ticket link.
const (
	TicketOpen     = "open"     // the ticket is open and tracks open alerts
	TicketResolved = "resolved" // alerts gone, ticket left open (close_on_resolve off)
	TicketClosed   = "closed"
)

// TicketLink ties one alert consolidation key (tenant + alert type +
// device) to the ConnectWise ticket it has now. A zero TicketID is only
// allowed while PendingCreate is set: the ticket is being created, and a
// run that finds the row so looks the key up in ConnectWise before it
// creates anything.
type TicketLink struct {
	Key           string
	TenantID      string
	CompanyID     int64
	TicketID      int64
	Summary       string
	State         string // TicketOpen, TicketResolved or TicketClosed
	Severity      string // the severity behind the ticket's priority
	Occurrences   int
	AlertIDs      []string // the open alerts the ticket tracks
	FirstSeen     time.Time
	LastAlertAt   time.Time
	ClosedAt      time.Time
	PendingCreate bool
	PendingSince  time.Time
	// NotePending is the digest of a note a run was about to add to the
	// ticket; empty when none is in flight.
	NotePending string
	UpdatedAt   time.Time // set by the store
}

// TicketLinkFilter narrows TicketLinks; zero fields do not filter.
type TicketLinkFilter struct {
	TenantID string
	States   []string
}

// SaveTicketLink creates or replaces the link of l.Key.
func (h *handle) SaveTicketLink(ctx context.Context, l TicketLink) error {
	if err := validLink(l); err != nil {
		return err
	}
	ids := l.AlertIDs
	if ids == nil {
		ids = []string{}
	}
	alertIDs, _ := json.Marshal(ids) // a []string always encodes
	_, err := h.exec(ctx, `INSERT INTO ticket_links (link_key, tenant_id, company_id, ticket_id, summary, state, severity,
			occurrences, alert_ids, first_seen, last_alert_at, closed_at, pending_create, pending_since, note_pending, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (link_key) DO UPDATE SET tenant_id = excluded.tenant_id, company_id = excluded.company_id,
			ticket_id = excluded.ticket_id, summary = excluded.summary, state = excluded.state, severity = excluded.severity,
			occurrences = excluded.occurrences, alert_ids = excluded.alert_ids, first_seen = excluded.first_seen,
			last_alert_at = excluded.last_alert_at, closed_at = excluded.closed_at, pending_create = excluded.pending_create,
			pending_since = excluded.pending_since, note_pending = excluded.note_pending, updated_at = excluded.updated_at`,
		l.Key, l.TenantID, idArg(l.CompanyID), idArg(l.TicketID), l.Summary, l.State, l.Severity, l.Occurrences, string(alertIDs),
		h.d.timeArg(l.FirstSeen), h.d.timeArg(l.LastAlertAt), h.d.timeArg(l.ClosedAt), l.PendingCreate,
		h.d.timeArg(l.PendingSince), l.NotePending, h.d.timeArg(h.now()))
	if err != nil {
		return classify(err, "store ticket link %s", l.Key)
	}
	return nil
}

func validLink(l TicketLink) error {
	switch {
	case strings.TrimSpace(l.Key) == "":
		return invalid("ticket link has no key")
	case l.TenantID == "":
		return invalid("ticket link %s has no tenant", l.Key)
	case l.State != TicketOpen && l.State != TicketResolved && l.State != TicketClosed:
		return invalid("ticket link %s: state %q is not open, resolved or closed", l.Key, l.State)
	case l.TicketID == 0 && !l.PendingCreate:
		return invalid("ticket link %s has no ticket and is not being created", l.Key)
	case l.TicketID < 0 || l.Occurrences < 0:
		return invalid("ticket link %s: negative ticket id or occurrences", l.Key)
	}
	return nil
}

// TicketLink returns the link of one key, or a KindNotFound error.
func (h *handle) TicketLink(ctx context.Context, key string) (TicketLink, error) {
	links, err := h.ticketLinks(ctx, `WHERE link_key = ?`, key)
	if err != nil {
		return TicketLink{}, err
	}
	if len(links) == 0 {
		return TicketLink{}, notFound("no ticket link for key %s", key)
	}
	return links[0], nil
}

// TicketLinks returns the links matching f, ordered by tenant and key.
func (h *handle) TicketLinks(ctx context.Context, f TicketLinkFilter) ([]TicketLink, error) {
	var where []string
	var args []any
	if f.TenantID != "" {
		where, args = append(where, "tenant_id = ?"), append(args, f.TenantID)
	}
	if len(f.States) > 0 {
		where = append(where, "state IN (?"+strings.Repeat(", ?", len(f.States)-1)+")")
		for _, s := range f.States {
			args = append(args, s)
		}
	}
	clause := ""
	if len(where) > 0 {
		clause = "WHERE " + strings.Join(where, " AND ")
	}
	return h.ticketLinks(ctx, clause, args...)
}

// DeleteTicketLink forgets a key; deleting a key that is not stored is not
// an error, so a retry is harmless.
func (h *handle) DeleteTicketLink(ctx context.Context, key string) error {
	if _, err := h.exec(ctx, `DELETE FROM ticket_links WHERE link_key = ?`, key); err != nil {
		return classify(err, "delete ticket link %s", key)
	}
	return nil
}

func (h *handle) ticketLinks(ctx context.Context, where string, args ...any) ([]TicketLink, error) {
	rows, err := h.query(ctx, `SELECT link_key, tenant_id, company_id, ticket_id, summary, state, severity, occurrences,
			alert_ids, first_seen, last_alert_at, closed_at, pending_create, pending_since, note_pending, updated_at
		FROM ticket_links `+where+` ORDER BY tenant_id, link_key`, args...)
	if err != nil {
		return nil, classify(err, "read ticket links")
	}
	defer rows.Close()
	out := []TicketLink{}
	for rows.Next() {
		var l TicketLink
		var company, ticket sql.NullInt64
		var alertIDs string
		if err := rows.Scan(&l.Key, &l.TenantID, &company, &ticket, &l.Summary, &l.State, &l.Severity, &l.Occurrences,
			&alertIDs, timeScanner{&l.FirstSeen}, timeScanner{&l.LastAlertAt}, timeScanner{&l.ClosedAt}, &l.PendingCreate,
			timeScanner{&l.PendingSince}, &l.NotePending, timeScanner{&l.UpdatedAt}); err != nil {
			return nil, classify(err, "read ticket links")
		}
		l.CompanyID, l.TicketID = company.Int64, ticket.Int64
		if err := json.Unmarshal([]byte(alertIDs), &l.AlertIDs); err != nil {
			return nil, classify(err, "read alert ids of ticket link %s", l.Key)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err, "read ticket links")
	}
	return out, nil
}

// AlertCursor returns where the next read of a tenant's alerts starts (the
// reader subtracts its overlap), or the zero time when the tenant was
// never read.
func (h *handle) AlertCursor(ctx context.Context, tenantID string) (time.Time, error) {
	var t time.Time
	err := h.queryRow(ctx, `SELECT last_raised_at FROM alert_cursors WHERE tenant_id = ?`, tenantID).Scan(timeScanner{&t})
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, classify(err, "read alert cursor of tenant %s", tenantID)
	}
	return t, nil
}

// SetAlertCursor records how far a tenant's alerts have been handled. The
// cursor is stored as given, also backwards: a clock that was wrong must
// be correctable.
func (h *handle) SetAlertCursor(ctx context.Context, tenantID string, at time.Time) error {
	if tenantID == "" || at.IsZero() {
		return invalid("alert cursor needs a tenant and a time")
	}
	now := h.d.timeArg(h.now())
	_, err := h.exec(ctx, `INSERT INTO alert_cursors (tenant_id, last_raised_at, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET last_raised_at = excluded.last_raised_at, updated_at = excluded.updated_at`,
		tenantID, h.d.timeArg(at), now)
	if err != nil {
		return classify(err, "store alert cursor of tenant %s", tenantID)
	}
	return nil
}
