package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"centralpsa"
	"centralpsa/sample"
	"centralpsa/store"
)

// runner carries one Run.
type runner struct {
	cfg      Config
	dir      string
	dbPath   string
	ours     *site
	env      []string
	naive    *naive // nil when the baseline is not measured
	mappings []store.Mapping
}

// phase is one measured step: what changes before it, its minimum, the
// centralpsa command and the naive baseline's counterpart.
type phase struct {
	name    string
	before  func(s *site)
	minimum func(ctx context.Context) (Minimum, error)
	args    []string
	naive   func(ctx context.Context) (int, error)
}

// Run benchmarks one size: it starts the emulators, maps the tenants with
// `centralpsa map auto`, turns ticket sync on for every mapped tenant whose
// alerts Sophos lets the partner read, and measures each phase, first
// centralpsa and then, on its own copy of the data, the naive baseline.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "centralpsa-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	customers := sample.Customers(cfg.Tenants, cfg.Seed)
	r := &runner{cfg: cfg, dir: dir, dbPath: filepath.Join(dir, "centralpsa.db")}
	r.logf("seeding the emulators")
	if r.ours, err = startSite(cfg, customers); err != nil {
		return nil, err
	}
	defer r.ours.close()
	r.env = r.ours.env(cfg, r.dbPath)
	if err := r.setup(ctx); err != nil {
		return nil, err
	}
	if cfg.Naive {
		base, err := startSite(cfg, customers)
		if err != nil {
			return nil, err
		}
		defer base.close()
		if err := installNaive(base); err != nil {
			return nil, err
		}
		if r.naive, err = newNaive(cfg, base, r.mappings); err != nil {
			return nil, err
		}
	}
	rep := r.report()
	for _, ph := range r.phases() {
		p, err := r.measure(ctx, ph)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", ph.name, err)
		}
		rep.Phases = append(rep.Phases, p)
	}
	return rep, nil
}

func (r *runner) logf(format string, args ...any) {
	fmt.Fprintf(r.cfg.out(), "bench %d tenants: %s\n", r.cfg.Tenants, fmt.Sprintf(format, args...))
}

// setup maps the tenants with the real command and turns ticket sync on.
// Nothing here is measured.
func (r *runner) setup(ctx context.Context) error {
	r.logf("centralpsa map auto")
	run, err := runChild(ctx, r.cfg.Binary, r.dir, r.env, []string{"map", "auto"})
	if err != nil {
		return err
	}
	if run.ExitCode != 0 {
		return fmt.Errorf("centralpsa map auto exited with %d: %s", run.ExitCode, run.Stderr)
	}
	reachable := map[string]bool{}
	for _, t := range r.ours.sophos.Tenants() {
		reachable[t.ID] = t.Reachable
	}
	return r.withStore(ctx, func(db *store.DB) error {
		err := db.Tx(ctx, func(tx *store.Tx) error {
			all, err := tx.Mappings(ctx)
			if err != nil {
				return err
			}
			for _, m := range all {
				if m.Mapped() && reachable[m.TenantID] && !m.TicketsEnabled {
					m.TicketsEnabled = true
					if err := tx.SetMapping(ctx, m); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("turn ticket sync on: %w", err)
		}
		r.mappings, err = db.Mappings(ctx)
		return err
	})
}

func (r *runner) withStore(ctx context.Context, fn func(*store.DB) error) error {
	db, err := store.Open(ctx, r.dbPath, store.Options{SecretKey: centralpsa.Secret(benchSecretKey)})
	if err != nil {
		return fmt.Errorf("open the benchmark database: %w", err)
	}
	defer db.Close()
	return fn(db)
}

func (r *runner) report() *Report {
	rep := &Report{Config: r.cfg}
	for _, m := range r.mappings {
		if m.Mapped() {
			rep.Mapped++
		}
	}
	rep.UsageAgreements = len(billed(r.mappings))
	rep.TicketTenants = len(ticketed(r.mappings))
	year, month := r.ours.sophos.LastUsageMonth()
	rep.UsageLines = len(r.ours.sophos.Usage(year, month))
	return rep
}

func (r *runner) phases() []phase {
	usageMin := func(context.Context) (Minimum, error) { return usageMinimum(r.ours, r.mappings) }
	ticketMin := func(ctx context.Context) (Minimum, error) {
		var links []store.TicketLink
		err := r.withStore(ctx, func(db *store.DB) (err error) {
			links, err = db.TicketLinks(ctx, store.TicketLinkFilter{})
			return err
		})
		return ticketMinimum(r.ours, r.mappings, links), err
	}
	var usageNaive, ticketNaive func(context.Context) (int, error)
	if r.naive != nil {
		usageNaive, ticketNaive = r.naive.usage, r.naive.tickets
	}
	return []phase{
		{name: PhaseUsage, minimum: usageMin, args: []string{"sync", "usage"}, naive: usageNaive},
		{name: PhaseTickets, minimum: ticketMin, args: []string{"sync", "tickets"}, naive: ticketNaive},
		{name: PhaseUsageNightly, minimum: usageMin, args: []string{"sync", "usage"}, naive: usageNaive,
			before: func(s *site) { changeUsage(s, r.mappings, r.cfg.ChangePercent) }},
		{name: PhaseTicketsNext, minimum: ticketMin, args: []string{"sync", "tickets"}, naive: ticketNaive,
			before: func(s *site) { changeAlerts(s, r.mappings, r.cfg.ChangePercent) }},
	}
}

// measure runs one phase: centralpsa as a child process against its site,
// then the naive baseline against its own.
func (r *runner) measure(ctx context.Context, ph phase) (Phase, error) {
	if ph.before != nil {
		ph.before(r.ours)
		if r.naive != nil {
			ph.before(r.naive.site)
		}
	}
	p := Phase{Name: ph.name}
	var err error
	if p.Minimum, err = ph.minimum(ctx); err != nil {
		return p, err
	}
	p.Bound = p.Minimum.Bound(r.cfg)
	if !r.cfg.NaiveOnly {
		if err := r.measureOurs(ctx, ph, &p); err != nil {
			return p, err
		}
	}
	if r.naive == nil || ph.naive == nil {
		return p, nil
	}
	s := r.naive.site
	s.resetLogs()
	fast := s.slow(r.cfg.Latency)
	start := time.Now()
	failed, err := ph.naive(ctx)
	wall := time.Since(start)
	fast()
	if err != nil {
		return p, err
	}
	p.Naive = &Measure{Calls: s.calls(), Wall: wall, Failures: failed}
	r.logf("%s: naive took %v, %d calls, %d tenants failed", ph.name, wall.Round(time.Millisecond), p.Naive.Calls.Total(), failed)
	return p, nil
}

// measureOurs runs centralpsa as a child process for one phase.
func (r *runner) measureOurs(ctx context.Context, ph phase, p *Phase) error {
	r.logf("%s: centralpsa %v (minimum %d ConnectWise + %d Sophos calls, bound %v)", ph.name, ph.args,
		p.Minimum.ConnectWise, p.Minimum.Sophos, p.Bound.Round(time.Millisecond))
	r.ours.resetLogs()
	fast := r.ours.slow(r.cfg.Latency)
	run, err := runChild(ctx, r.cfg.Binary, r.dir, r.env, ph.args)
	fast()
	if err != nil {
		return err
	}
	p.Ours = Measure{Calls: r.ours.calls(), Wall: run.Wall, CPU: run.CPU, MaxRSS: run.MaxRSS, ExitCode: run.ExitCode}
	if run.ExitCode != 0 {
		p.Ours.Note = run.Stderr
	}
	r.logf("%s: centralpsa took %v, %d calls, exit %d", ph.name, run.Wall.Round(time.Millisecond), p.Ours.Calls.Total(), run.ExitCode)
	return nil
}

// installNaive creates the catalog setup records the naive baseline files
// its items under, as its installation would have.
func installNaive(s *site) error {
	for _, rec := range []struct {
		resource string
		fields   map[string]any
	}{
		{"productTypes", map[string]any{"name": setupType}},
		{"categories", map[string]any{"name": setupCategory}},
		{"subcategories", map[string]any{"name": setupSubcategory, "category": map[string]any{"name": setupCategory}}},
	} {
		if _, err := s.cw.Create(rec.resource, 0, rec.fields); err != nil {
			return fmt.Errorf("install the naive baseline: %w", err)
		}
	}
	return nil
}
