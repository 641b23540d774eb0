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
		{"GET /customers", signedIn, s.handleComing("nav.customers", s.cfg.Services.Customers != nil)},
		{"GET /products", signedIn, s.handleComing("nav.products", s.cfg.Services.Customers != nil)},
		{"GET /usage", signedIn, s.handleComing("nav.usage", s.cfg.Services.Usage != nil)},
		{"GET /tickets", signedIn, s.handleComing("nav.tickets", s.cfg.Services.Jobs != nil)},
		{"GET /audit", signedIn, s.handleAudit},

		{"POST /api/v1/login", public, s.apiLogin},
		{"POST /api/v1/logout", signedIn, s.apiLogout},
		{"GET /api/v1/me", signedIn, s.apiMe},
		{"GET /api/v1/settings", signedIn, s.apiSettings},
		{"PUT /api/v1/settings/{key}", signedIn, s.apiSettingPut},
		{"DELETE /api/v1/settings/{key}", signedIn, s.apiSettingDelete},
		{"POST /api/v1/doctor", signedIn, s.apiDoctor},
		{"GET /api/v1/audit", signedIn, s.apiAudit},
		// Unknown API paths (and wrong methods on known ones) answer JSON.
		{"/api/", signedIn, s.apiNotFound},
	}
}
