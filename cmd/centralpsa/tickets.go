package main

import (
	"cmp"
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"centralpsa"
	"centralpsa/store"
	"centralpsa/ticketsync"
)

func init() {
	register("tickets", command{
		summary: "list the ConnectWise tickets opened for Sophos Central alerts",
		usage:   "list [--json]",
		run:     (*app).ticketsCmd,
	})
	syncCommands["tickets"] = (*app).syncTickets
}

func (a *app) ticketsCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "list" {
		return centralpsa.Errorf(centralpsa.KindInvalid, "usage: centralpsa tickets list [--json]")
	}
	return a.ticketsList(ctx, args[1:])
}

// ticketRow is one line of `tickets list`.
type ticketRow struct {
	Key         string    `json:"key"`
	TenantID    string    `json:"tenantId"`
	TenantName  string    `json:"tenantName"`
	CompanyID   int64     `json:"companyId"`
	CompanyName string    `json:"companyName"`
	TicketID    int64     `json:"ticketId"` // 0 while the ticket is being created
	Summary     string    `json:"summary"`
	State       string    `json:"state"` // open, resolved, closed or creating
	Occurrences int       `json:"occurrences"`
	LastAlertAt time.Time `json:"lastAlertAt,omitzero"`
}

func (a *app) ticketsList(ctx context.Context, args []string) error {
	fs := a.flags("tickets")
	asJSON := fs.Bool("json", false, "print the tickets as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	links, err := db.TicketLinks(ctx, store.TicketLinkFilter{})
	if err != nil {
		return err
	}
	mappings, err := db.Mappings(ctx)
	if err != nil {
		return err
	}
	byTenant := map[string]store.Mapping{}
	for _, m := range mappings {
		byTenant[m.TenantID] = m
	}
	rows := make([]ticketRow, 0, len(links))
	for _, l := range links {
		m := byTenant[l.TenantID]
		r := ticketRow{Key: l.Key, TenantID: l.TenantID, TenantName: m.TenantName, CompanyID: l.CompanyID, TicketID: l.TicketID,
			Summary: l.Summary, State: l.State, Occurrences: l.Occurrences, LastAlertAt: l.LastAlertAt}
		if m.CompanyID == l.CompanyID {
			r.CompanyName = m.CompanyName
		}
		if l.PendingCreate {
			r.State = "creating"
		}
		rows = append(rows, r)
	}
	if *asJSON {
		return a.writeJSON(rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(a.stdout, "no alert tickets yet: map tenants with --tickets=true and run `centralpsa sync tickets`")
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TICKET\tSTATE\tOCCURRENCES\tLAST ALERT\tTENANT\tCOMPANY\tKEY")
	for _, r := range rows {
		ticket, last := "-", "-"
		if r.TicketID != 0 {
			ticket = fmt.Sprint(r.TicketID)
		}
		if !r.LastAlertAt.IsZero() {
			last = r.LastAlertAt.Format("2006-01-02 15:04 UTC")
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", ticket, r.State, r.Occurrences, last,
			cmp.Or(r.TenantName, r.TenantID), cmp.Or(r.CompanyName, fmt.Sprint(r.CompanyID)), r.Key)
	}
	return tw.Flush()
}

// syncTickets runs one ticket sync. The exit status is 1 when any tenant
// failed (the others still got their tickets), 2 for bad flags or
// settings.
func (a *app) syncTickets(ctx context.Context, args []string) error {
	fs := a.flags("sync")
	fs.Usage = func() { fmt.Fprintln(a.stderr, "Usage: centralpsa sync tickets [--json]"); fs.PrintDefaults() }
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return centralpsa.Errorf(centralpsa.KindInvalid, "unexpected argument %q; usage: centralpsa sync tickets [--json]", fs.Arg(0))
	}
	sv, closeFn, err := a.openServices(ctx)
	if err != nil {
		return err
	}
	defer closeFn()
	svc := sv.tickets
	res, err := svc.Run(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		if err := a.writeJSON(res); err != nil {
			return err
		}
	} else if err := a.writeTicketResult(res); err != nil {
		return err
	}
	if n := res.Failed(); n > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("ticket sync run %d: %d tenant(s) failed; see the advice above", res.RunID, n)}
	}
	return nil
}

func (a *app) writeTicketResult(res *ticketsync.Result) error {
	fmt.Fprintf(a.stdout, "ticket sync run %d: %s\n", res.RunID, res.Summary())
	if len(res.Tenants) == 0 {
		fmt.Fprintln(a.stdout, "no tenant has ticket sync on: map one with `centralpsa map set --tenant ID --company CWID --tickets=true`")
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TENANT\tSTATUS\tCREATED\tNOTED\tREOPENED\tCLOSED\tRESOLVED\tACKNOWLEDGED")
	for _, t := range res.Tenants {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\n", cmp.Or(t.TenantName, t.TenantID), t.Status,
			t.Created, t.Noted, t.Reopened, t.Closed, t.Resolved, t.Acknowledged)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, t := range res.Tenants {
		if t.Error != "" {
			fmt.Fprintf(a.stdout, "\n%s (%s) failed: %s\n", cmp.Or(t.TenantName, t.TenantID), t.TenantID, t.Error)
			if t.Advice != "" {
				fmt.Fprintf(a.stdout, "  what to do: %s\n", t.Advice)
			}
		}
	}
	return nil
}
