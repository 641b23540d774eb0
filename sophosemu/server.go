package sophosemu

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"centralpsa/emu"
	"centralpsa/sample"
)

// Demo credentials used when Options leaves them empty. They are not
// secrets: the emulator is a test double.
const (
	DefaultClientID     = "sophos-emu-partner-client"
	DefaultClientSecret = "sophos-emu-partner-secret"
)

// Options configure an emulator. The zero value gives 60 tenants from
// sample.Customers(60, 1), three months of billing, three open alerts per
// tenant and demo credentials; only BaseURL matters when it is served.
type Options struct {
	// BaseURL is the emulator's own address; it is written into whoami's
	// apiHosts and every tenant's apiHost.
	BaseURL string
	// ClientID and ClientSecret are the partner credential.
	ClientID, ClientSecret string
	// TenantClientID and TenantClientSecret, when set, add a tenant-level
	// credential for the first tenant (whoami idType "tenant" with
	// dataRegion) so a client's refusal of it can be tested.
	TenantClientID, TenantClientSecret string
	// PartnerID is whoami's id; it must come back verbatim in X-Partner-ID.
	// Default: an upper-case UUID derived from Seed, like real partner ids.
	PartnerID string
	// Tenants is the number of tenants (default 60 or len(Customers)).
	Tenants int
	// Customers seeds the tenants; when Tenants is larger, the rest are
	// generated deterministically.
	Customers []sample.Customer
	// Seed makes every generated value repeatable (0 means 1).
	Seed uint64
	// Months of billing data, ending with the month before NowFunc()
	// (default 3).
	Months int
	// TokenLifetime is the access-token lifetime (default one hour).
	TokenLifetime time.Duration
	// NowFunc is the clock for token expiry, alert times and billing months.
	NowFunc func() time.Time
	// RequestsPerMinute throttles each client id with 429 (0 = no limit).
	RequestsPerMinute int
	// AlertsPerTenant is the number of open alerts generated per tenant
	// (0 means 3; negative means none).
	AlertsPerTenant int
	// PartnerAssistanceOffTenants lists the term tenants whose customer has
	// not enabled Partner Assistance; their tenant calls answer 403. Nil
	// picks every third term tenant; an empty non-nil slice picks none.
	PartnerAssistanceOffTenants []string
	// HostTrailingSlash ends every host URL the emulator hands out with
	// "/", as some real responses do, to test that clients trim it.
	HostTrailingSlash bool
}

// Server is a running Sophos Central emulator; it is an http.Handler.
type Server struct {
	opts    Options
	base    string
	seed    uint64
	now     func() time.Time
	handler http.Handler
	faults  *emu.Faults
	log     *emu.RequestLog
	limit   *emu.RateLimit
	reqIDs  idSource
	tokIDs  idSource

	tenants []Tenant       // fixed after New, except PartnerAssistance (paOff)
	byID    map[string]int // tenant id → index in tenants
	plans   []usagePlan    // per tenant, what it buys

	mu           sync.Mutex
	paOff        map[string]bool
	tokens       map[string]token
	usage        map[yearMonth][]usageRow
	lastMonth    yearMonth
	lineSeq      uint64
	alerts       map[string]*Alert
	tenantAlerts map[string][]*Alert
	alertSeq     uint64
}

// New builds an emulator with its data. It never fails: bad options fall
// back to defaults.
func New(opts Options) *Server {
	opts = withDefaults(opts)
	s := &Server{
		opts:   opts,
		base:   strings.TrimRight(opts.BaseURL, "/"),
		seed:   opts.Seed,
		now:    opts.NowFunc,
		faults: emu.NewFaults(opts.Seed),
		log:    &emu.RequestLog{},
		reqIDs: idSource{seed: opts.Seed, tag: "request"},
		tokIDs: idSource{seed: opts.Seed, tag: "token"},
		tokens: map[string]token{},
	}
	s.buildTenants()
	s.buildUsage()
	s.buildAlerts()
	s.limit = &emu.RateLimit{
		PerMinute: opts.RequestsPerMinute,
		Key:       s.clientKey,
		Body:      fixedCentralBody(codeTooMany, "Too many requests."),
	}
	s.handler = emu.Wrap(s.routes(), s.log, s.faults, s.limit)
	return s
}

func withDefaults(o Options) Options {
	if o.ClientID == "" {
		o.ClientID = DefaultClientID
	}
	if o.ClientSecret == "" {
		o.ClientSecret = DefaultClientSecret
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.PartnerID == "" {
		o.PartnerID = strings.ToUpper(uuidFrom(o.Seed, "partner", 0))
	}
	if o.Tenants <= 0 {
		o.Tenants = len(o.Customers)
	}
	if o.Tenants == 0 {
		o.Tenants = 60
	}
	if o.Months <= 0 {
		o.Months = 3
	}
	if o.TokenLifetime <= 0 {
		o.TokenLifetime = time.Hour
	}
	if o.NowFunc == nil {
		o.NowFunc = time.Now
	}
	if o.AlertsPerTenant == 0 {
		o.AlertsPerTenant = 3
	}
	return o
}

// Start serves an emulator on a loopback port for the length of the test
// and returns it with its base URL (token service and global host).
func Start(t testing.TB, opts Options) (*Server, string) {
	t.Helper()
	var srv *Server
	es := emu.Start(t, func(base string) http.Handler {
		opts.BaseURL = base
		srv = New(opts)
		return srv
	})
	return srv, es.URL
}

const tokenPath = "/api/v2/oauth2/token"

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	emu.Control(mux, s.faults, s.log)
	s.controlRoutes(mux)
	mux.HandleFunc("POST "+tokenPath, s.handleToken)
	mux.HandleFunc("GET /whoami/v1", s.authed(s.handleWhoami))
	mux.HandleFunc("GET /partner/v1/tenants", s.partner(s.handleTenants))
	mux.HandleFunc("GET /partner/v1/tenants/{tenantId}", s.partner(s.handleTenant))
	mux.HandleFunc("GET /partner/v1/billing/usage/{year}/{month}", s.partner(s.handleUsage))
	mux.HandleFunc("GET /r/{region}/common/v1/alerts", s.tenantScoped(s.handleAlerts))
	mux.HandleFunc("POST /r/{region}/common/v1/alerts/search", s.tenantScoped(s.handleAlertSearch))
	mux.HandleFunc("GET /r/{region}/common/v1/alerts/{alertId}", s.tenantScoped(s.handleAlert))
	mux.HandleFunc("POST /r/{region}/common/v1/alerts/{alertId}/actions", s.tenantScoped(s.handleAlertAction))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, http.StatusNotFound, codeNotFound, "No route for "+r.Method+" "+r.URL.Path+" on this host.")
	})
	return mux
}

// ServeHTTP answers through the request log, faults and rate limit.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// URL is the base URL: the token service and the global API host.
func (s *Server) URL() string { return s.base }

// TokenURL is the token endpoint (id.sophos.com's role).
func (s *Server) TokenURL() string { return s.base + tokenPath }

// RegionURL is the API host of a data region, as tenants' apiHost gives it.
func (s *Server) RegionURL(region string) string { return s.host("/r/" + region) }

// PartnerID is the partner's id as whoami returns it.
func (s *Server) PartnerID() string { return s.opts.PartnerID }

// Credentials returns the partner client id and secret.
func (s *Server) Credentials() (clientID, clientSecret string) {
	return s.opts.ClientID, s.opts.ClientSecret
}

// Faults is the fault-injection rule set (also reachable under /_emulator/).
func (s *Server) Faults() *emu.Faults { return s.faults }

// Log is the log of requests to the emulated API.
func (s *Server) Log() *emu.RequestLog { return s.log }

// host builds a URL handed to clients, with the optional trailing slash.
func (s *Server) host(path string) string {
	u := s.base + path
	if s.opts.HostTrailingSlash {
		u += "/"
	}
	return u
}
