package bench

import (
	"slices"

	"centralpsa/store"
	"centralpsa/ticket"
)

// ticketMinimum is the least one ticket pass can cost, counted from the
// open alerts of every ticket-enabled tenant and the links the previous
// pass left:
//
//   - Sophos: the session, and each tenant's open alerts in pages of 100
//     (at least one call per tenant: alerts are read tenant by tenant);
//   - ConnectWise: the session; the board, its statuses and the
//     priorities (one read each); the open tickets centralpsa holds, in
//     pages of 1,000 (at least one, which on a first pass proves there are
//     none); and one write per real change: a ticket to create for a key
//     with open alerts and no open ticket, a note for a key whose ticket
//     gained an alert, a close for a ticket whose alerts are all gone.
func ticketMinimum(s *site, mappings []store.Mapping, links []store.TicketLink) Minimum {
	var m Minimum
	m.session()
	byKey := map[string]store.TicketLink{}
	byTenant := map[string][]store.TicketLink{}
	openTickets := 0
	for _, l := range links {
		byKey[l.Key] = l
		byTenant[l.TenantID] = append(byTenant[l.TenantID], l)
		if l.State != store.TicketClosed && l.TicketID != 0 {
			openTickets++
		}
	}
	alertPages, creates, notes, closes := 0, 0, 0, 0
	for _, mp := range mappings {
		if !mp.Mapped() || !mp.TicketsEnabled {
			continue
		}
		open := s.sophos.OpenAlerts(mp.TenantID)
		alertPages += pages(len(open), sophosMaxPage)
		keys := map[string][]string{}
		for _, a := range open {
			k := ticket.Key(mp.TenantID, a.Type, a.AgentID, a.GroupKey)
			keys[k] = append(keys[k], a.ID)
		}
		for k, ids := range keys {
			l, ok := byKey[k]
			switch {
			case !ok || l.State == store.TicketClosed:
				creates++
			case slices.ContainsFunc(ids, func(id string) bool { return !slices.Contains(l.AlertIDs, id) }):
				notes++
			}
		}
		for _, l := range byTenant[mp.TenantID] {
			if l.State == store.TicketOpen && keys[l.Key] == nil {
				closes++
			}
		}
	}
	m.add(Sophos, "open alerts, per tenant (100 a page)", alertPages)
	m.add(ConnectWise, "board, statuses and priorities (one read each)", 3)
	m.add(ConnectWise, "open tickets of ours (1,000 a page)", pages(openTickets, cwMaxPage))
	m.add(ConnectWise, "tickets to create", creates)
	m.add(ConnectWise, "notes for alerts that recurred", notes)
	m.add(ConnectWise, "tickets to close", closes)
	return m
}
