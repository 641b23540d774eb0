package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/customers"
	"centralpsa/mapping"
)

const mapUsage = "auto [--dry-run] [--json] | set --tenant ID --company CWID [--agreement CWID] [--usage=BOOL] [--tickets=BOOL] | list [--json] | refresh [--json]"

func init() {
	register("map", command{
		summary: "map Sophos Central tenants to ConnectWise companies and agreements",
		usage:   mapUsage,
		run:     (*app).mapCmd,
	})
}

func (a *app) mapCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return centralpsa.Errorf(centralpsa.KindInvalid, "usage: centralpsa map %s", mapUsage)
	}
	sub := map[string]func(*app, context.Context, []string) error{
		"auto": (*app).mapAuto, "set": (*app).mapSet, "list": (*app).mapList, "refresh": (*app).mapRefresh,
	}[args[0]]
	if sub == nil {
		return centralpsa.Errorf(centralpsa.KindInvalid, "unknown map command %q; usage: centralpsa map %s", args[0], mapUsage)
	}
	return sub(a, ctx, args[1:])
}

// customerService opens the database and builds both clients from the
// settings (environment over database). close releases the database.
func (a *app) customerService(ctx context.Context) (svc *customers.Service, close func(), err error) {
	sv, closeFn, err := a.openServices(ctx)
	if err != nil {
		return nil, nil, err
	}
	return sv.customers, closeFn, nil
}

func (a *app) mapAuto(ctx context.Context, args []string) error {
	fs := a.flags("map")
	dry := fs.Bool("dry-run", false, "show what would be mapped; write nothing, not even to the database")
	asJSON := fs.Bool("json", false, "print one suggestion per tenant as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	svc, closeSvc, err := a.customerService(ctx)
	if err != nil {
		return err
	}
	defer closeSvc()
	sugg, err := svc.AutoMap(ctx, *dry)
	if err != nil {
		return err
	}
	if *asJSON {
		return a.writeJSON(sugg)
	}
	return writeSuggestions(a.stdout, sugg, *dry)
}

// writeSuggestions prints a summary line and then only what needs a
// person: ambiguous names, names without a company, and matches left
// without an agreement. The demo prints the same.
func writeSuggestions(w io.Writer, sugg []mapping.Suggestion, dryRun bool) error {
	counts := map[mapping.Status]int{}
	for _, s := range sugg {
		counts[s.Status]++
	}
	verb := "mapped"
	if dryRun {
		verb = "would map"
	}
	fmt.Fprintf(w, "%d tenants: %s %d, already mapped %d, ambiguous %d, no match %d\n", len(sugg), verb,
		counts[mapping.StatusMatched], counts[mapping.StatusAlreadyMapped], counts[mapping.StatusAmbiguous], counts[mapping.StatusNoMatch])
	for _, s := range sugg {
		switch {
		case s.Status == mapping.StatusAmbiguous || s.Status == mapping.StatusNoMatch:
			fmt.Fprintf(w, "\n%s %s (%s): %s\n", strings.ToUpper(strings.ReplaceAll(string(s.Status), "_", " ")), s.TenantName, s.TenantID, s.Reason)
			for _, c := range s.Candidates {
				fmt.Fprintf(w, "    candidate: --company %d  %s (%s)\n", c.ID, c.Name, c.Identifier)
			}
		case s.Status == mapping.StatusMatched && s.Agreement == nil:
			fmt.Fprintf(w, "\nNO AGREEMENT %s (%s) → company %d %s: %s\n", s.TenantName, s.TenantID, s.Company.ID, s.Company.Name, s.Reason)
			for _, ag := range s.Agreements {
				fmt.Fprintf(w, "    choose: --agreement %d  %s\n", ag.ID, ag.Name)
			}
		}
	}
	if counts[mapping.StatusAmbiguous]+counts[mapping.StatusNoMatch] > 0 {
		fmt.Fprintln(w, "\nMap the rest with: centralpsa map set --tenant ID --company CWID [--agreement CWID]")
	}
	return nil
}

// mapSwitch is a --flag=BOOL that remembers whether it was given, so an
// absent flag keeps the stored switch.
type mapSwitch struct{ v *bool }

func (s *mapSwitch) String() string {
	if s == nil || s.v == nil {
		return ""
	}
	return strconv.FormatBool(*s.v)
}

func (s *mapSwitch) Set(v string) error {
	b, err := config.ParseBool(v)
	if err != nil {
		return err
	}
	s.v = &b
	return nil
}

func (s *mapSwitch) IsBoolFlag() bool { return true }

func (a *app) mapSet(ctx context.Context, args []string) error {
	fs := a.flags("map")
	tenant := fs.String("tenant", "", "Sophos Central tenant id")
	company := fs.Int64("company", 0, "ConnectWise company id (Company Details, or `map auto` candidates)")
	agreement := fs.Int64("agreement", 0, "ConnectWise agreement id; default: the company's only active agreement")
	var use, tickets mapSwitch
	fs.Var(&use, "usage", "sync usage for billing (default for a new mapping: on for MSP Flex tenants)")
	fs.Var(&tickets, "tickets", "open tickets for alerts (default for a new mapping: off)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return centralpsa.Errorf(centralpsa.KindInvalid, "unexpected argument %q; usage: centralpsa map set --tenant ID --company CWID", fs.Arg(0))
	}
	svc, closeSvc, err := a.customerService(ctx)
	if err != nil {
		return err
	}
	defer closeSvc()
	m, err := svc.Set(ctx, customers.SetRequest{TenantID: *tenant, CompanyID: *company, AgreementID: *agreement, Usage: use.v, Tickets: tickets.v})
	if err != nil {
		return err
	}
	agr := "no agreement (usage sync will skip this tenant until one is set)"
	if m.AgreementID != 0 {
		agr = fmt.Sprintf("agreement %d %s", m.AgreementID, m.AgreementName)
	}
	fmt.Fprintf(a.stdout, "%s (%s) → company %d %s, %s; usage %s, tickets %s\n",
		m.TenantName, m.TenantID, m.CompanyID, m.CompanyName, agr, mapOnOff(m.UsageEnabled), mapOnOff(m.TicketsEnabled))
	return nil
}

func (a *app) mapList(ctx context.Context, args []string) error {
	fs := a.flags("map")
	asJSON := fs.Bool("json", false, "print the mappings as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := (&customers.Service{Store: db, Logger: a.logger}).List(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return a.writeJSON(rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(a.stdout, "no tenants yet: run `centralpsa map refresh` or `centralpsa map auto`")
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TENANT ID\tTENANT\tBILLING\tCOMPANY\tAGREEMENT\tUSAGE\tTICKETS\tLAST USAGE SYNC")
	for _, r := range rows {
		company, agreement := "-", "-"
		if r.Mapped() {
			company = fmt.Sprintf("%d %s", r.CompanyID, r.CompanyName)
		}
		if r.AgreementID != 0 {
			agreement = fmt.Sprintf("%d %s", r.AgreementID, r.AgreementName)
		}
		last := strings.TrimSpace(r.LastUsageStatus + " " + r.LastUsageMessage)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.TenantID, r.TenantName, r.BillingType, company, agreement,
			mapOnOff(r.Usage), mapOnOff(r.Tickets), last)
	}
	return tw.Flush()
}

func (a *app) mapRefresh(ctx context.Context, args []string) error {
	fs := a.flags("map")
	asJSON := fs.Bool("json", false, "print the counts as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	svc, closeSvc, err := a.customerService(ctx)
	if err != nil {
		return err
	}
	defer closeSvc()
	res, err := svc.Refresh(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return a.writeJSON(res)
	}
	fmt.Fprintf(a.stdout, "%d tenants (%d new, %d updated), %d companies, %d agreements; %d mappings renamed\n",
		res.Tenants, res.NewTenants, res.UpdatedTenants, res.Companies, res.Agreements, res.Renamed)
	for _, id := range res.Missing {
		fmt.Fprintf(a.stdout, "warning: tenant %s is mapped to a company ConnectWise no longer lists; map it again with `map set`\n", id)
	}
	return nil
}

func mapOnOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
