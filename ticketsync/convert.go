package ticketsync

import (
	"centralpsa/sophos"
	"centralpsa/store"
	"centralpsa/ticket"
)

// fromSophos converts an alert of the mapped tenant m. The key is built
// from the mapping's tenant id, not the alert's tenant object, which the
// API does not promise to send.
func fromSophos(a sophos.Alert, m store.Mapping) ticket.Alert {
	sev, _ := ticket.ParseSeverity(a.Severity)
	out := ticket.Alert{ID: a.ID, TenantID: m.TenantID, TenantName: m.TenantName, Type: a.Type, Category: a.Category,
		Product: a.Product, Severity: sev, Description: a.Description, GroupKey: a.GroupKey, RaisedAt: a.RaisedAt,
		AllowedActions: a.AllowedActions}
	if out.TenantName == "" && a.Tenant != nil {
		out.TenantName = a.Tenant.Name
	}
	if a.ManagedAgent != nil {
		out.DeviceID, out.DeviceType, out.DeviceName = a.ManagedAgent.ID, a.ManagedAgent.Type, a.ManagedAgent.Name
	}
	if a.Person != nil {
		out.PersonName = a.Person.Name
	}
	return out
}

// toDomain is the stored link as Decide sees it.
func toDomain(l store.TicketLink) *ticket.Link {
	sev, _ := ticket.ParseSeverity(l.Severity)
	if l.Severity == "" {
		sev = 0
	}
	return &ticket.Link{Key: l.Key, TicketID: l.TicketID, State: ticket.State(l.State), AlertIDs: l.AlertIDs,
		Occurrences: l.Occurrences, Severity: sev, FirstSeen: l.FirstSeen, LastAlertAt: l.LastAlertAt, ClosedAt: l.ClosedAt}
}

// toStore is the link to store for the decided next state; tenant,
// company and summary come from the stored link when there is one.
func toStore(next ticket.Link, prev *store.TicketLink, m store.Mapping, summary string) store.TicketLink {
	l := store.TicketLink{Key: next.Key, TenantID: m.TenantID, CompanyID: m.CompanyID, TicketID: next.TicketID,
		Summary: summary, State: string(next.State), Severity: next.Severity.String(), Occurrences: next.Occurrences,
		AlertIDs: next.AlertIDs, FirstSeen: next.FirstSeen, LastAlertAt: next.LastAlertAt, ClosedAt: next.ClosedAt}
	if prev != nil && next.TicketID == prev.TicketID {
		l.CompanyID = prev.CompanyID // the ticket stays with the company it was opened for
		if summary == "" {
			l.Summary = prev.Summary
		}
	}
	return l
}
