package ticketsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"centralpsa/config"
	"centralpsa/connectwise"
	"centralpsa/sophos"
	"centralpsa/store"
)

// DefaultOverlap is how far before a tenant's cursor alerts are read again,
// so an alert that reached Sophos late, or was raised during an outage
// just before the last run, is not missed.
const DefaultOverlap = time.Hour

// Service syncs alerts to tickets. Every field but Logger, NowFunc and
// Overlap is required. It satisfies the jobs package's ticket syncer
// (SyncTickets).
type Service struct {
	CW       *connectwise.Client
	Sophos   *sophos.Client
	Store    *store.DB
	Settings *config.Settings
	Logger   *slog.Logger
	NowFunc  func() time.Time
	Overlap  time.Duration // 0 means DefaultOverlap
	LeaseTTL time.Duration // how long the ticket sync lease lasts unless renewed; 0 = store.DefaultLeaseTTL

	// afterCreate runs between a ticket's creation and the write of its
	// link; tests make it fail to play a process that dies right there.
	afterCreate func(key string, ticketID int) error
}

// Counts are the ticket actions of a run or of one tenant.
type Counts struct {
	Created      int `json:"created"`
	Noted        int `json:"noted"`
	Reopened     int `json:"reopened"`
	Closed       int `json:"closed"`
	Resolved     int `json:"resolved"`
	Acknowledged int `json:"acknowledged"`
}

func (c *Counts) add(o Counts) {
	c.Created += o.Created
	c.Noted += o.Noted
	c.Reopened += o.Reopened
	c.Closed += o.Closed
	c.Resolved += o.Resolved
	c.Acknowledged += o.Acknowledged
}

// TenantResult is what a run did for one tenant.
type TenantResult struct {
	TenantID   string `json:"tenantId"`
	TenantName string `json:"tenantName"`
	CompanyID  int64  `json:"companyId"`
	Status     string `json:"status"` // store.ResultOK or store.ResultFailed
	Error      string `json:"error,omitempty"`
	Advice     string `json:"advice,omitempty"`
	Counts
	err error
}

// Result is the outcome of one run.
type Result struct {
	RunID   int64          `json:"runId"`
	Tenants []TenantResult `json:"tenants"`
	Totals  Counts         `json:"totals"`
}

// Failed counts the tenants that failed.
func (r *Result) Failed() int {
	n := 0
	for _, t := range r.Tenants {
		if t.Status == store.ResultFailed {
			n++
		}
	}
	return n
}

// Summary is one line for logs, the run record and the CLI.
func (r *Result) Summary() string {
	t := r.Totals
	return fmt.Sprintf("%d tenants, %d failed: %d created, %d noted, %d reopened, %d closed, %d resolved, %d acknowledged",
		len(r.Tenants), r.Failed(), t.Created, t.Noted, t.Reopened, t.Closed, t.Resolved, t.Acknowledged)
}

// SyncTickets runs one sync for the job runner. Failures of single
// tenants are recorded in the run and do not fail the job; a run that
// could not start, or in which every tenant failed, does.
func (s *Service) SyncTickets(ctx context.Context) error {
	res, err := s.Run(ctx)
	if err != nil {
		return err
	}
	if n := res.Failed(); n > 0 && n == len(res.Tenants) {
		return fmt.Errorf("ticket sync failed for every tenant: %w", res.Tenants[0].err)
	}
	return nil
}

// Run syncs every mapped tenant with ticket sync on and records the run
// with one result per tenant. The error is for a run that could not be
// carried out at all: settings, the board missing in ConnectWise, the
// store.
func (s *Service) Run(ctx context.Context) (*Result, error) {
	if s.CW == nil || s.Sophos == nil || s.Store == nil || s.Settings == nil {
		return nil, errors.New("ticketsync: Service needs CW, Sophos, Store and Settings")
	}
	var res *Result
	err := s.Store.Hold(ctx, store.LeaseTicketSync, s.LeaseTTL, func(ctx context.Context) error {
		var err error
		res, err = s.runHeld(ctx)
		return err
	})
	return res, err
}

// runHeld is Run under the ticket sync lease, which keeps a second process
// from passing at the same time: a pass looks keys up in the board
// listing it read at its start, so it must be the only one creating.
func (s *Service) runHeld(ctx context.Context) (*Result, error) {
	runID, err := s.Store.CreateRun(ctx, store.Run{Kind: store.RunKindTickets})
	if err != nil {
		return nil, fmt.Errorf("record ticket run: %w", err)
	}
	res := &Result{RunID: runID, Tenants: []TenantResult{}}
	err = s.run(ctx, res)
	status, summary := "ok", res.Summary()
	switch {
	case err != nil:
		status, summary = "failed", err.Error()
	case res.Failed() > 0:
		status = "partial"
	}
	if ferr := s.Store.FinishRun(context.WithoutCancel(ctx), runID, status, summary); ferr != nil && err == nil {
		err = fmt.Errorf("finish ticket run: %w", ferr)
	}
	s.logger().Info("ticket sync finished", "run_id", runID, "status", status, "summary", summary)
	return res, err
}

func (s *Service) run(ctx context.Context, res *Result) error {
	st, err := readSettings(s.Settings)
	if err != nil {
		return err
	}
	rf, err := resolve(ctx, s.CW, st)
	if err != nil {
		return err
	}
	mappings, err := s.Store.Mappings(ctx)
	if err != nil {
		return fmt.Errorf("read mappings: %w", err)
	}
	pre := s.observeAll(ctx, rf, mappings)
	var synced []store.Mapping
	for _, m := range mappings {
		if m.TicketsEnabled && m.Mapped() {
			synced = append(synced, m)
		}
	}
	return s.syncTenants(ctx, st, rf, pre, synced, res)
}

func countsText(c Counts) string {
	return fmt.Sprintf("%d created, %d noted, %d reopened, %d closed, %d resolved, %d acknowledged",
		c.Created, c.Noted, c.Reopened, c.Closed, c.Resolved, c.Acknowledged)
}

// now is the injected clock in UTC, truncated to the store's precision so
// that what is compared later is what was stored.
func (s *Service) now() time.Time {
	f := s.NowFunc
	if f == nil {
		f = time.Now
	}
	return f().UTC().Truncate(time.Microsecond)
}

func (s *Service) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Service) overlap() time.Duration {
	if s.Overlap > 0 {
		return s.Overlap
	}
	return DefaultOverlap
}
