package bench

import (
	"context"
	"fmt"

	"centralpsa/connectwise"
	"centralpsa/sophos"
	"centralpsa/store"
)

// naiveAlertPage is the Sophos alerts API's default page size.
const naiveAlertPage = 50

// tickets makes a ticket for every open alert it has none for, found by
// summary, and notes every other alert again, tenant by tenant. It
// returns how many tenants failed.
func (n *naive) tickets(ctx context.Context) (failed int, err error) {
	for _, m := range n.mappings {
		if !m.Mapped() || !m.TicketsEnabled {
			continue
		}
		if err := n.ticketTenant(ctx, m); err != nil {
			if ctx.Err() != nil {
				return failed, ctx.Err()
			}
			failed++
		}
	}
	return failed, nil
}

func (n *naive) ticketTenant(ctx context.Context, m store.Mapping) error {
	alerts, err := n.sophos.ListAlerts(ctx, sophos.Tenant{ID: m.TenantID, APIHost: m.APIHost}, sophos.AlertsOptions{PageSize: naiveAlertPage})
	if err != nil {
		return err
	}
	for _, a := range alerts {
		summary := fmt.Sprintf("Sophos alert %s", a.ID)
		found, err := n.cw.Tickets.List(ctx, &connectwise.ListOptions{PageSize: naivePageSize,
			Conditions: connectwise.And(connectwise.Eq("summary", summary), connectwise.Eq("company/id", m.CompanyID))})
		if err != nil {
			return err
		}
		if len(found) > 0 {
			_, err = n.cw.Tickets.CreateNote(ctx, found[0].ID, &connectwise.Note{Text: "Alert still open: " + a.Description, InternalAnalysisFlag: true})
		} else {
			_, err = n.cw.Tickets.Create(ctx, &connectwise.Ticket{Summary: summary, Board: &connectwise.Reference{Name: "Sophos Alerts"},
				Company: connectwise.Ref(int(m.CompanyID)), InitialDescription: a.Description})
		}
		if err != nil {
			return err
		}
	}
	return nil
}
