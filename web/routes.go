package web

import (
	"io/fs"
	"net/http"
	"strings"
)

// access says who may use a route.
type access int

const (
	// signedIn routes need a session; their unsafe methods also need the
	// session's CSRF token. This is the default: a route must opt out.
	signedIn access = iota
	// public routes answer anyone: sign-in, health, metrics, static files.
	public
	// firstRun routes exist only until the first user is created.
	firstRun
)

// route is one line of the table.
type route struct {
	pattern string // Go 1.22 pattern: "METHOD /path"
	access  access
	handler http.HandlerFunc
}

// isAPI reports whether the route answers JSON (errors included).
func (rt route) isAPI() bool { return strings.HasPrefix(rt.path(), "/api/") }

// path is the pattern without its method.
func (rt route) path() string {
	if _, p, ok := strings.Cut(rt.pattern, " "); ok {
		return p
	}
	return rt.pattern
}

// routes is every route of the server. Add a page or API call here, with
// its handler in a file of its own; a test walks this table to check that
// every non-public route refuses a request without a session.
func (s *Server) routes() []route {
	static, _ := fs.Sub(staticFS, "static")
	return []route{
		{"GET /healthz", public, s.handleHealthz},
		{"GET /readyz", public, s.handleReadyz},
		{"GET /metrics", public, s.cfg.Metrics.Handler().ServeHTTP},
		{"GET /static/", public, staticHandler(static)},

		{"GET /login", public, s.handleLoginPage},
		{"POST /login", public, s.handleLogin},
		{"GET /setup/admin", firstRun, s.handleFirstRunPage},
		{"POST /setup/admin", firstRun, s.handleFirstRun},
		{"POST /logout", signedIn, s.handleLogout},

		{"GET /{$}", signedIn, s.handleHome},
		{"GET /setup", signedIn, s.handleSetupPage},
		{"POST /setup", signedIn, s.handleSetupSave},
		{"POST /setup/test", signedIn, s.handleSetupTest},
		{"GET /customers", signedIn, s.handleCustomers},
		{"POST /customers/bulk", signedIn, s.handleCustomersBulk},
		{"GET /customers/{tenant}", signedIn, s.handleCustomer},
		{"POST /customers/{tenant}", signedIn, s.handleCustomerSave},
		{"GET /products", signedIn, s.handleProducts},
		{"GET /products/edit", signedIn, s.handleProduct},
		{"POST /products", signedIn, s.handleProductSave},
		{"POST /products/create", signedIn, s.handleProductSave},
		{"GET /usage", signedIn, s.handleUsage},
		{"POST /usage/apply", signedIn, s.handleUsageApply},
		{"POST /usage/sync", signedIn, s.handleUsageSync},
		{"POST /usage/schedule", signedIn, s.handleUsageSchedule},
		{"GET /runs/{id}", signedIn, s.handleRun},
		{"GET /runs/{id}/report.csv", signedIn, s.handleRunReport},
		{"GET /tickets", signedIn, s.handleTickets},
		{"POST /tickets/settings", signedIn, s.handleTicketSettings},
		{"POST /tickets/sync", signedIn, s.handleTicketSync},
		{"GET /tasks/{id}", signedIn, s.handleTask},
		{"GET /lookup/companies", signedIn, s.handleLookupCompanies},
		{"GET /lookup/agreements", signedIn, s.handleLookupAgreements},
		{"GET /lookup/catalog", signedIn, s.handleLookupCatalog},
		{"GET /lookup/statuses", signedIn, s.handleLookupStatuses},
		{"GET /audit", signedIn, s.handleAudit},

		{"POST /api/v1/login", public, s.apiLogin},
		{"POST /api/v1/logout", signedIn, s.apiLogout},
		{"GET /api/v1/me", signedIn, s.apiMe},
		{"GET /api/v1/settings", signedIn, s.apiSettings},
		{"PUT /api/v1/settings/{key}", signedIn, s.apiSettingPut},
		{"DELETE /api/v1/settings/{key}", signedIn, s.apiSettingDelete},
		{"POST /api/v1/doctor", signedIn, s.apiDoctor},
		{"GET /api/v1/audit", signedIn, s.apiAudit},
		{"GET /api/v1/customers", signedIn, s.apiCustomers},
		{"PUT /api/v1/customers/{tenant}", signedIn, s.apiCustomerPut},
		{"POST /api/v1/customers/automap", signedIn, s.apiCustomersAutoMap},
		{"POST /api/v1/customers/refresh", signedIn, s.apiCustomersRefresh},
		{"POST /api/v1/customers/bulk", signedIn, s.apiCustomersBulk},
		{"GET /api/v1/lookup/companies", signedIn, s.apiLookup(lookupCompanies)},
		{"GET /api/v1/lookup/agreements", signedIn, s.apiLookup(lookupAgreements)},
		{"GET /api/v1/lookup/catalog", signedIn, s.apiLookup(lookupCatalog)},
		{"GET /api/v1/lookup/boards", signedIn, s.apiLookup(lookupBoards)},
		{"GET /api/v1/lookup/statuses", signedIn, s.apiLookup(lookupStatuses)},
		{"GET /api/v1/lookup/priorities", signedIn, s.apiLookup(lookupPriorities)},
		{"GET /api/v1/products", signedIn, s.apiProducts},
		{"PUT /api/v1/products/{code}", signedIn, s.apiProductPut},
		{"POST /api/v1/products/{code}/catalog", signedIn, s.apiProductCreate},
		{"GET /api/v1/usage/plan", signedIn, s.apiUsagePlan},
		{"POST /api/v1/usage/apply", signedIn, s.apiUsageApply},
		{"POST /api/v1/usage/sync", signedIn, s.apiUsageSync},
		{"GET /api/v1/usage/schedule", signedIn, s.apiUsageSchedule},
		{"GET /api/v1/runs", signedIn, s.apiRuns},
		{"GET /api/v1/runs/{id}", signedIn, s.apiRunGet},
		{"GET /api/v1/runs/{id}/report.csv", signedIn, s.handleRunReport},
		{"GET /api/v1/tickets", signedIn, s.apiTickets},
		{"GET /api/v1/tickets/settings", signedIn, s.apiTicketSettings},
		{"PUT /api/v1/tickets/settings", signedIn, s.apiTicketSettingsPut},
		{"POST /api/v1/tickets/sync", signedIn, s.apiTicketsSync},
		{"GET /api/v1/tasks", signedIn, s.apiTasks},
		{"GET /api/v1/tasks/{id}", signedIn, s.apiTask},
		// Unknown API paths (and wrong methods on known ones) answer JSON.
		{"/api/", signedIn, s.apiNotFound},
	}
}
