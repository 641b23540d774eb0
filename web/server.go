package web

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"centralpsa/config"
	"centralpsa/doctor"
	"centralpsa/metrics"
	"centralpsa/store"
)

// Config is what the server needs. Store, SettingsFunc and Logger are
// required; the rest have defaults.
type Config struct {
	Store *store.DB
	// SettingsFunc resolves the current settings (environment over
	// database over default) for each request, so a change made on the
	// Setup page is seen at once.
	SettingsFunc func(ctx context.Context) (*config.Settings, error)
	// DoctorFunc runs the setup checks; nil shows "not available".
	DoctorFunc func(ctx context.Context, s *config.Settings) *doctor.Report
	// SettingsChangedFunc, when set, is called after the console or the API
	// stored a setting, with the settings as now resolved (the job runner
	// reschedules from it).
	SettingsChangedFunc func(ctx context.Context, s *config.Settings)
	// Metrics is served at /metrics; a fresh registry when nil.
	Metrics *metrics.Registry
	Logger  *slog.Logger
	// Secure marks cookies Secure and sends HSTS: set it when serving TLS.
	Secure  bool
	NowFunc func() time.Time
	// Services are what the later pages drive; any may be nil.
	Services Services
	// Location is the zone of usage.time, for the next scheduled run the
	// Usage page shows; time.Local when nil (as the job runner's).
	Location *time.Location

	// BcryptCost hashes new passwords; bcrypt.DefaultCost when 0. Tests
	// use bcrypt.MinCost.
	BcryptCost int
	// SessionTTL is how long a sign-in lasts; 12 hours when 0.
	SessionTTL time.Duration
	// LoginFailures failed sign-ins per client address or per username
	// within LoginWindow lock further attempts out until the window
	// passes; 5 and 10 minutes when 0.
	LoginFailures int
	LoginWindow   time.Duration
}

// Server is the web console and JSON API.
type Server struct {
	cfg       Config
	log       *slog.Logger
	now       func() time.Time
	pages     map[string]*template.Template
	limiter   *limiter
	dummyHash []byte // compared against when a username is unknown
	// usersExist caches "some user exists" once true: users are never
	// deleted, so the first-run state cannot come back.
	usersExist atomic.Bool
	tasks      *taskRegistry
	jobPoll    time.Duration // how often a followed job is looked at; tests shorten it
}

// New checks cfg and parses the templates.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.SettingsFunc == nil || cfg.Logger == nil {
		return nil, errors.New("web: Config needs Store, SettingsFunc and Logger")
	}
	if cfg.NowFunc == nil {
		cfg.NowFunc = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	if cfg.Metrics == nil {
		cfg.Metrics = metrics.New()
	}
	if cfg.BcryptCost == 0 {
		cfg.BcryptCost = bcrypt.DefaultCost
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.LoginFailures <= 0 {
		cfg.LoginFailures = 5
	}
	if cfg.LoginWindow <= 0 {
		cfg.LoginWindow = 10 * time.Minute
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte("centralpsa-no-such-user"), cfg.BcryptCost)
	if err != nil {
		return nil, err
	}
	return &Server{
		cfg: cfg, log: cfg.Logger, now: cfg.NowFunc, pages: pages, dummyHash: dummy,
		limiter: newLimiter(cfg.LoginFailures, cfg.LoginWindow, cfg.NowFunc),
		tasks:   newTaskRegistry(cfg.Logger, cfg.NowFunc), jobPoll: jobPoll,
	}, nil
}

// Handler returns the console, the API, health and metrics in one
// handler, with the middleware every request passes through.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.pattern, s.guard(rt))
	}
	// Cross-origin unsafe requests are refused before any handler runs,
	// on top of the per-session CSRF token (defence in depth).
	cop := http.NewCrossOriginProtection()
	return s.recoverPanics(s.logRequests(securityHeaders(s.cfg.Secure, s.withLang(cop.Handler(mux)))))
}

// Shutdown waits for the background tasks (an apply, an auto-map) until
// ctx ends, then cancels those still running and waits for them to stop.
// Call it after the HTTP server has drained: a cancelled usage apply
// stays resumable, but letting it finish is kinder.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.tasks.shutdown(ctx)
}
