package web

import (
	"context"
	"strings"

	"centralpsa"
	"centralpsa/customers"
	"centralpsa/jobs"
	"centralpsa/mapping"
	"centralpsa/store"
	"centralpsa/usage"
	"centralpsa/usagesync"
)

// Services are the domain services behind the console pages, declared
// here by their consumer. A nil field makes its pages say "not available"
// and its API calls answer unavailable.
type Services struct {
	Customers Customers
	Usage     UsagePlanner
	Jobs      Jobs
	Directory Directory
}

// ProgressFunc receives done of total as a long operation goes.
type ProgressFunc func(done, total int)

// Customers is the tenant and product mapping service
// (*customers.Service). AutoMap reports its progress to progress (which
// may be nil).
type Customers interface {
	List(ctx context.Context) ([]customers.Row, error)
	Refresh(ctx context.Context) (customers.RefreshResult, error)
	AutoMap(ctx context.Context, dryRun bool, progress ProgressFunc) ([]mapping.Suggestion, error)
	Set(ctx context.Context, req customers.SetRequest) (store.Mapping, error)
	Products(ctx context.Context) (customers.ProductList, error)
	SetProduct(ctx context.Context, code, identifier string) (store.Product, error)
}

// UsagePlanner previews and applies usage syncs (*usagesync.Service).
// Run with opts.PlanHash applies only the plan someone reviewed and
// otherwise returns the fresh plan with a KindConflict error; it reports
// per-customer progress to progress (which may be nil).
type UsagePlanner interface {
	Plan(ctx context.Context, month *usage.Month) (*usagesync.Prepared, error)
	Run(ctx context.Context, opts usagesync.Options, progress ProgressFunc) (*usagesync.Result, error)
	// CreateCatalogItem creates (or finds) the catalog item for a product
	// code, as usagesync.Service.CreateCatalogItem.
	CreateCatalogItem(ctx context.Context, code, identifier, description string) (int64, error)
}

// Jobs queues background work (*jobs.Runner). Enqueue returns the job id
// and whether a new job was inserted (false: one was already queued or
// running, and its id is returned).
type Jobs interface {
	EnqueueUsageSync(ctx context.Context, month string) (jobID int64, inserted bool, err error)
	EnqueueTicketSync(ctx context.Context) (jobID int64, inserted bool, err error)
	QueueDepth(ctx context.Context) (int, error)
	Jobs(ctx context.Context, limit int) ([]jobs.Job, error)
}

// Directory looks records up in ConnectWise for the console's pickers:
// the company search, a company's agreements, the catalog search and the
// ticket settings' dropdowns. CWDirectory implements it on a client.
type Directory interface {
	Companies(ctx context.Context, query string) ([]Choice, error)
	Agreements(ctx context.Context, companyID int64) ([]Choice, error)
	CatalogItems(ctx context.Context, query string) ([]Choice, error)
	Boards(ctx context.Context) ([]Choice, error)
	BoardStatuses(ctx context.Context, board string) ([]Choice, error)
	Priorities(ctx context.Context) ([]Choice, error)
}

// Choice is one option of a picker. Name is what settings store (a
// board's or a status's name) and what people read; Detail is a hint
// beside it (a company's identifier, an agreement's status).
type Choice struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Detail string `json:"detail,omitempty"`
}

// unavailable is the error of a page or call whose service is not wired
// into this process.
func unavailable(what string) error {
	return centralpsa.Errorf(centralpsa.KindUnavailable, "%s is not available in this process", what)
}

// isAPIPath reports whether a request path belongs to the JSON API, for
// the handlers that serve a page and an API route alike.
func isAPIPath(p string) bool { return strings.HasPrefix(p, "/api/") }
