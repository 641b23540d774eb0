package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"centralpsa/config"
	"centralpsa/cwemu"
	"centralpsa/doctor"
	"centralpsa/emu"
	"centralpsa/sample"
	"centralpsa/sophosemu"
	"centralpsa/store"
	"centralpsa/ticketsync"
	"centralpsa/usagesync"
	"centralpsa/web"
)

func init() {
	register("demo", command{
		summary: "run the whole product against both emulators with sample data, then serve the console",
		usage:   "[--addr HOST:PORT] [--tenants N] [--exit]",
		run:     (*app).demo,
	})
}

// demoEnv is a running pair of emulators and the settings that point at
// them.
type demoEnv struct {
	cw       *cwemu.Server
	sophos   *sophosemu.Server
	settings map[string]string
	close    func()
}

// startDemo starts both emulators on loopback ports with the same sample
// customers.
func startDemo(tenants int) (*demoEnv, error) {
	customers := sample.Customers(tenants, 1)
	cwSrv, err := emu.Listen("")
	if err != nil {
		return nil, err
	}
	soSrv, err := emu.Listen("")
	if err != nil {
		cwSrv.Close()
		return nil, err
	}
	cw, err := cwemu.Open(cwemu.Options{BaseURL: cwSrv.URL, Customers: customers, Extra: sample.ExtraCompanies(1)})
	if err != nil {
		cwSrv.Close()
		soSrv.Close()
		return nil, err
	}
	so := sophosemu.New(sophosemu.Options{BaseURL: soSrv.URL, Customers: customers})
	cwSrv.Serve(cw)
	soSrv.Serve(so)
	id, secret := so.Credentials()
	return &demoEnv{cw: cw, sophos: so, close: func() { cwSrv.Close(); soSrv.Close() },
		settings: map[string]string{
			"allow_http": "1",
			"cw.url":     cwSrv.URL, "cw.company": cwemu.DefaultCompany, "cw.public_key": cwemu.DefaultPublicKey,
			"cw.private_key": cwemu.DefaultPrivateKey, "cw.client_id": cwemu.DefaultClientID,
			"sophos.client_id": id, "sophos.client_secret": secret, "sophos.id_url": soSrv.URL, "sophos.api_url": soSrv.URL,
			"tickets.board": "Sophos Alerts",
			// The emulators do not throttle; the client-side limits that
			// protect a real site would only slow the demo down.
			"cw.requests_per_minute": "0", "sophos.requests_per_minute": "0",
		}}, nil
}

// demo walks through the product on sample data: doctor, auto-mapping,
// the usage plan and its apply (and the empty second run), ticket sync
// with alerts resolving, then the console until Ctrl-C.
func (a *app) demo(ctx context.Context, args []string) error {
	fs := a.flags("demo")
	addr := fs.String("addr", "127.0.0.1:8080", "console address")
	tenants := fs.Int("tenants", 60, "number of sample customers")
	exit := fs.Bool("exit", false, "stop after the syncs instead of serving the console")
	if err := parse(fs, args); err != nil {
		return err
	}
	env, err := startDemo(*tenants)
	if err != nil {
		return fmt.Errorf("start the emulators: %w", err)
	}
	defer env.close()
	dir, err := os.MkdirTemp("", "centralpsa-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// The demo ignores the caller's CENTRALPSA_* variables: it must talk
	// to its own emulators and database, not to a real site. Per-tenant
	// warnings are summed up in its output instead of logged.
	d := *a
	d.logger = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	dbPath := filepath.Join(dir, "demo.db")
	d.env = func(k string) (string, bool) {
		if k == "CENTRALPSA_DB" {
			return dbPath, true
		}
		return "", false
	}
	fmt.Fprintf(a.stdout, "ConnectWise emulator: %s\nSophos Central emulator: %s\n%d sample customers, database %s\n\n",
		env.settings["cw.url"], env.settings["sophos.api_url"], *tenants, dbPath)
	db, err := d.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := d.demoSteps(ctx, db, env); err != nil {
		return err
	}
	if *exit {
		return nil
	}
	return d.demoConsole(ctx, db, *addr)
}

func (a *app) demoSteps(ctx context.Context, db *store.DB, env *demoEnv) error {
	for k, v := range env.settings {
		if err := db.SetSetting(ctx, k, v); err != nil {
			return err
		}
	}
	step := func(title string) { fmt.Fprintf(a.stdout, "\n== %s\n", title) }
	step("centralpsa doctor")
	r := doctor.Run(ctx, config.FromMap(env.settings), doctor.Options{Logger: a.logger})
	if err := r.WriteText(a.stdout); err != nil {
		return err
	}
	if !r.OK() {
		return &exitError{code: 1, msg: "doctor failed against the emulators"}
	}
	sv, err := a.newServiceFactory(db, nil).build(ctx)
	if err != nil {
		return err
	}
	step("centralpsa map auto")
	sugg, err := sv.customers.AutoMap(ctx, false)
	if err != nil {
		return err
	}
	if err := writeSuggestions(a.stdout, sugg, false); err != nil {
		return err
	}
	if err := enableTickets(ctx, db); err != nil {
		return err
	}
	return a.demoSyncs(ctx, sv, env, step)
}

// enableTickets switches ticket sync on for every mapped customer; a real
// MSP chooses per customer, the demo shows them all.
func enableTickets(ctx context.Context, db *store.DB) error {
	ms, err := db.Mappings(ctx)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.CompanyID != 0 && !m.TicketsEnabled {
			m.TicketsEnabled = true
			if err := db.SetMapping(ctx, m); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *app) demoSyncs(ctx context.Context, sv *services, env *demoEnv, step func(string)) error {
	step("centralpsa sync usage --dry-run (the plan: nothing is written)")
	plan, err := sv.usage.Run(ctx, usagesync.Options{DryRun: true})
	if err != nil {
		return err
	}
	if err := usagesync.WriteText(a.stdout, plan); err != nil {
		return err
	}
	step("centralpsa sync usage (apply that plan)")
	res, err := sv.usage.Run(ctx, usagesync.Options{Month: plan.Month, PlanHash: plan.Plan.Hash})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "run %d: %s, %d writes, %d customers failed\n", res.RunID, res.Status, res.TotalWrites(), res.Failed)
	step("centralpsa sync usage (again: nothing changed, so nothing is written)")
	again, err := sv.usage.Run(ctx, usagesync.Options{Month: plan.Month})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "run %d: %s, %d writes\n", again.RunID, again.Status, again.TotalWrites())
	step("centralpsa sync tickets")
	tr, err := sv.tickets.Run(ctx)
	if err != nil {
		return err
	}
	a.writeTicketSummary(tr)
	resolved := resolveSomeAlerts(env, 5)
	step(fmt.Sprintf("the emulator resolves %d alerts; centralpsa sync tickets closes their tickets", resolved))
	tr, err = sv.tickets.Run(ctx)
	if err != nil {
		return err
	}
	a.writeTicketSummary(tr)
	return nil
}

// writeTicketSummary prints the totals and, once, why tenants failed: in
// the sample data some term tenants have Partner Assistance off, as real
// customers do, and the others carry on.
func (a *app) writeTicketSummary(tr *ticketsync.Result) {
	fmt.Fprintln(a.stdout, tr.Summary())
	advice := ""
	var names []string
	for _, t := range tr.Tenants {
		if t.Status == store.ResultFailed {
			names = append(names, t.TenantName)
			advice = t.Advice
		}
	}
	if len(names) > 0 {
		fmt.Fprintf(a.stdout, "not readable: %s\n  %s\n", strings.Join(names, ", "), advice)
	}
}

// resolveSomeAlerts clears every open alert of the first n tenants that
// have some, as if a technician had dealt with them in Sophos Central.
func resolveSomeAlerts(env *demoEnv, n int) int {
	cleared := 0
	for _, t := range env.sophos.Tenants() {
		if n == 0 {
			break
		}
		open := env.sophos.OpenAlerts(t.ID)
		for _, al := range open {
			if env.sophos.ClearAlert(al.ID) {
				cleared++
			}
		}
		if len(open) > 0 {
			n--
		}
	}
	return cleared
}

// demoConsole creates a demo administrator and serves the console until
// Ctrl-C.
func (a *app) demoConsole(ctx context.Context, db *store.DB, addr string) error {
	pw := make([]byte, 12)
	_, _ = rand.Read(pw)
	password := base64.RawURLEncoding.EncodeToString(pw)
	if _, err := web.AddUser(ctx, db, "demo", password, 0); err != nil {
		return err
	}
	url, stop, err := a.startConsole(ctx, db, addr)
	if err != nil {
		a.logger.Warn("console address taken, using a free port", "addr", addr, "error", err)
		if url, stop, err = a.startConsole(ctx, db, "127.0.0.1:0"); err != nil {
			return err
		}
	}
	defer stop()
	fmt.Fprintf(a.stdout, "\n== the console\nOpen %s and sign in as demo with the password %s (shown once).\nThe emulators keep running; Ctrl-C stops everything.\n", url, password)
	<-ctx.Done()
	return nil
}
