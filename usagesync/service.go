package usagesync

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/connectwise"
	"centralpsa/sophos"
	"centralpsa/store"
	"centralpsa/usage"
)

// DefaultConcurrency is how many agreements are read, and then written, at
// once when Service.Concurrency is zero. The client's rate limiter is the real
// bound; a few workers keep it busy without flooding the server.
const DefaultConcurrency = 6

// Service runs usage syncs. CW, Sophos, Store and Settings are required;
// the rest has defaults. A Service is safe for concurrent use: an apply
// holds the store's usage sync lease, so a second one, in this process or
// another, is refused while the first runs.
type Service struct {
	CW          *connectwise.Client
	Sophos      *sophos.Client
	Store       *store.DB
	Settings    *config.Settings
	Logger      *slog.Logger
	Concurrency int              // agreements read and written at once; 0 = setting usage.concurrency
	NowFunc     func() time.Time // clock for the default month and statuses; nil = time.Now
	LeaseTTL    time.Duration    // how long the usage sync lease lasts unless renewed; 0 = store.DefaultLeaseTTL

	// AfterWriteFunc, when set, is called after each write to ConnectWise
	// has been audited, with the number of writes so far in this apply.
	// Tests use it to interrupt an apply at a chosen point.
	AfterWriteFunc func(writes int)
	// ProgressFunc, when set, is called as an apply goes: once with done 0
	// before the first customer, then after each customer (agreement), so
	// the console can show done of total without polling the store.
	ProgressFunc func(done, total int)
}

// Options choose what Run does.
type Options struct {
	// Month is the billing month; zero means the latest month Sophos has
	// billing data for.
	Month usage.Month
	// DryRun plans and reports without writing anything anywhere.
	DryRun bool
	// PlanHash, when set, is the hash of a plan someone reviewed (a dry
	// run's Plan.Hash): Run applies only if planning again gives exactly
	// that plan, and otherwise fails with KindConflict.
	PlanHash string
}

// Run statuses, besides the store's per-customer ok/failed/skipped.
const (
	StatusPlanned     = "planned"     // dry run
	StatusOK          = "ok"          // every customer synced
	StatusPartial     = "partial"     // some customers failed
	StatusFailed      = "failed"      // every customer with changes failed
	StatusInterrupted = "interrupted" // stopped before the end; resumable
)

// Result is the outcome of a run: the plan, one entry per customer
// (agreement) in scope, and the writes made by kind (usage.OpKind names,
// plus create_product_type, create_product_category and
// create_product_subcategory for the catalog setup tables).
type Result struct {
	RunID     int64            `json:"runId,omitempty"`
	Month     usage.Month      `json:"month"`
	DryRun    bool             `json:"dryRun"`
	Status    string           `json:"status"`
	Plan      usage.Plan       `json:"plan"`
	Customers []CustomerResult `json:"customers"`
	Writes    map[string]int   `json:"writes"`
	Failed    int              `json:"failed"` // customers that failed

	notApplied map[string]string // op key → why it was not applied
}

// TotalWrites is the number of writes made.
func (r *Result) TotalWrites() int {
	n := 0
	for _, v := range r.Writes {
		n += v
	}
	return n
}

// CustomerResult is what a run did for one agreement and the tenants
// billed on it. Planned counts the plan's ops for it; Applied those done.
type CustomerResult struct {
	AgreementID   int64    `json:"agreementId"`
	AgreementName string   `json:"agreementName,omitempty"`
	CompanyID     int64    `json:"companyId,omitempty"`
	CompanyName   string   `json:"companyName,omitempty"`
	Tenants       []string `json:"tenants"`
	Status        string   `json:"status"` // planned, ok or failed
	Planned       int      `json:"planned"`
	Applied       int      `json:"applied"`
	Message       string   `json:"message"`
	Advice        string   `json:"advice,omitempty"`
}

// Run is the one entry point for the CLI, the jobs and the console: plan
// the month and, unless DryRun, apply the plan. The error is nil when the
// run completed, even if some customers failed (Result.Failed says so);
// it is set when nothing could be planned or applied at all, or when the
// context ended mid-apply (the run can then be resumed).
//
// A run that applies holds the usage sync lease from its plan to its
// end, so a second process never plans from a state the first is
// changing, nor writes beside it; it gets a *store.LeaseHeldError.
func (s *Service) Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.DryRun {
		return s.planRun(ctx, opts)
	}
	return s.held(ctx, func(ctx context.Context) (*Result, error) { return s.planRun(ctx, opts) })
}

// planRun plans and, unless opts.DryRun, applies the plan.
func (s *Service) planRun(ctx context.Context, opts Options) (*Result, error) {
	var month *usage.Month
	if !opts.Month.IsZero() {
		month = &opts.Month
	}
	p, err := s.Plan(ctx, month)
	if err != nil {
		return nil, err
	}
	if opts.PlanHash != "" && opts.PlanHash != p.Plan.Hash {
		return p.dryResult(), centralpsa.Errorf(centralpsa.KindConflict,
			"the usage plan for %s changed since it was reviewed (now %d operations); review it again", p.Month, len(p.Plan.Ops))
	}
	if opts.DryRun {
		return p.dryResult(), nil
	}
	return s.applyNew(ctx, p, true)
}

// held runs fn under the usage sync lease.
func (s *Service) held(ctx context.Context, fn func(ctx context.Context) (*Result, error)) (*Result, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	var res *Result
	err := s.Store.Hold(ctx, store.LeaseUsageSync, s.LeaseTTL, func(ctx context.Context) error {
		var err error
		res, err = fn(ctx)
		return err
	})
	return res, err
}

func (s *Service) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Service) now() time.Time {
	if s.NowFunc == nil {
		return time.Now()
	}
	return s.NowFunc()
}

// concurrency is Service.Concurrency, else the usage.concurrency setting,
// else DefaultConcurrency.
func (s *Service) concurrency() int {
	if s.Concurrency > 0 {
		return s.Concurrency
	}
	if n, err := strconv.Atoi(strings.TrimSpace(s.Settings.Get("usage.concurrency"))); err == nil && n > 0 {
		return n
	}
	return DefaultConcurrency
}

// check reports a Service missing a dependency, a programming error.
func (s *Service) check() error {
	if s.CW == nil || s.Sophos == nil || s.Store == nil || s.Settings == nil {
		return centralpsa.Errorf(centralpsa.KindInternal, "usage sync needs a ConnectWise client, a Sophos client, a store and settings")
	}
	return nil
}
