package cwemu

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"centralpsa/emu"
	"centralpsa/sample"
)

// Defaults for the demo site. They are printed by `centralpsa emulate
// connectwise` so the user can paste them into the settings.
const (
	DefaultCompany    = "centralpsa_demo"
	DefaultPublicKey  = "demoPublicKey0001"
	DefaultPrivateKey = "demoPrivateKey0001"
	DefaultClientID   = "3f2c1b7e-5d4a-4e8f-9a6b-1c2d3e4f5a6b"
	DefaultCodebase   = "v2025_1/"
	apiMemberID       = "centralpsa"
)

// Options configure an emulated ConnectWise site. The zero value is a
// working demo site.
type Options struct {
	// BaseURL is the emulator's own URL (scheme and host), used in _info
	// hrefs, Link headers and companyinfo's SiteUrl. Start fills it in.
	BaseURL string
	// Company, PublicKey, PrivateKey and ClientID are the credentials the
	// site accepts; empty means the Default… constants.
	Company, PublicKey, PrivateKey, ClientID string
	// Codebase is the versioned codebase companyinfo advertises, ending in
	// "/". v4_6_release/ is always accepted as well.
	Codebase string
	// Customers and Extra drive the seeded companies and agreements; nil
	// means sample.Customers(60, 1) and sample.ExtraCompanies(1).
	Customers []sample.Customer
	Extra     []sample.Company
	// SeedFile, if set, names a JSON file {"<resource>": [records…]} whose
	// records are created after the built-in seed (see Records for names).
	SeedFile string
	// Role is the API member's security role; a zero Role means FullRole().
	Role Role
	// LicenseClass of the key's member in /system/myMembers ("A" = API member).
	LicenseClass string
	// MySecurityDisabled makes /system/mySecurity answer 403, so the
	// doctor's fallback to probing can be tested.
	MySecurityDisabled bool
	// NoIntegratorLogins seeds no integrator login.
	NoIntegratorLogins bool
	// PlainClientIDError answers a missing clientId with a text body, as
	// older servers did (doc §2.2), instead of the JSON envelope.
	PlainClientIDError bool
	// RequestsPerMinute throttles each key with 429s; 0 turns it off.
	RequestsPerMinute int
	// FaultSeed makes faults with a Rate below 1 repeatable.
	FaultSeed uint64
	// NowFunc is the clock for dates the server sets; nil means time.Now.
	NowFunc func() time.Time
	// Logger receives one debug line per write; nil discards.
	Logger *slog.Logger
}

// Server is an emulated ConnectWise Manage site: an http.Handler with the
// API under /{codebase}apis/3.0/, /login/companyinfo/{company}, and the
// emulator control routes under /_emulator/. It is safe for concurrent use.
type Server struct {
	opts   Options
	h      http.Handler
	faults *emu.Faults
	log    *emu.RequestLog
	logger *slog.Logger

	mu       sync.Mutex
	role     Role
	tables   map[string]*table
	reqSeq   int
	asPerson bool // the seed or a test helper acts as a person in the UI: no role checks, stamped by seedMember
}

// New builds a seeded site. It panics only when Options.SeedFile cannot be
// loaded; use Open to get that as an error.
func New(opts Options) *Server {
	s, err := Open(opts)
	if err != nil {
		panic(err)
	}
	return s
}

// Open is New that reports a bad SeedFile as an error.
func Open(opts Options) (*Server, error) {
	opts = withDefaults(opts)
	s := &Server{opts: opts, faults: emu.NewFaults(opts.FaultSeed), log: &emu.RequestLog{}, logger: opts.Logger,
		role: opts.Role.Clone(), tables: map[string]*table{}}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	for _, res := range resources {
		s.tables[res.key] = newTable(res)
	}
	s.seed()
	if opts.SeedFile != "" {
		if err := s.loadSeedFile(opts.SeedFile); err != nil {
			return nil, fmt.Errorf("load connectwise seed file: %w", err)
		}
	}
	mux := http.NewServeMux()
	emu.Control(mux, s.faults, s.log)
	mux.HandleFunc("/", s.serveAPI)
	limit := &emu.RateLimit{PerMinute: opts.RequestsPerMinute, Key: rateKey, Body: tooManyBody(30), ContentType: jsonType}
	s.h = emu.Wrap(mux, s.log, s.faults, limit)
	return s, nil
}

func withDefaults(o Options) Options {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&o.Company, DefaultCompany)
	def(&o.PublicKey, DefaultPublicKey)
	def(&o.PrivateKey, DefaultPrivateKey)
	def(&o.ClientID, DefaultClientID)
	def(&o.Codebase, DefaultCodebase)
	def(&o.LicenseClass, "A")
	def(&o.BaseURL, "http://localhost")
	o.BaseURL = strings.TrimSuffix(o.BaseURL, "/")
	if !strings.HasSuffix(o.Codebase, "/") {
		o.Codebase += "/"
	}
	if o.Customers == nil {
		o.Customers = sample.Customers(60, 1)
	}
	if o.Extra == nil {
		o.Extra = sample.ExtraCompanies(1)
	}
	if o.Role.Levels == nil {
		name := o.Role.Name
		o.Role = FullRole()
		if name != "" {
			o.Role.Name = name
		}
	}
	if o.NowFunc == nil {
		o.NowFunc = time.Now
	}
	return o
}

// Start serves a new site on a loopback port for the duration of the test
// and returns it with its URL (the value for cw.url).
func Start(t testing.TB, opts Options) (*Server, string) {
	t.Helper()
	var s *Server
	es := emu.Start(t, func(base string) http.Handler {
		opts.BaseURL = base
		s = New(opts)
		return s
	})
	return s, es.URL
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.h.ServeHTTP(w, r) }

// Faults is the fault script applied before the API answers.
func (s *Server) Faults() *emu.Faults { return s.faults }

// Log is the record of requests the API received.
func (s *Server) Log() *emu.RequestLog { return s.log }

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// apiRoot is the absolute URL of the API on the advertised codebase.
func (s *Server) apiRoot() string { return s.opts.BaseURL + "/" + s.opts.Codebase + "apis/3.0" }

func (s *Server) now() time.Time { return s.opts.NowFunc().UTC().Truncate(time.Second) }

func (s *Server) nowString() string { return s.now().Format(time.RFC3339) }

// apiVersion is the API version of the advertised codebase: v2025_1/ → 2025.1.
func (s *Server) apiVersion() string {
	v := strings.TrimSuffix(strings.TrimPrefix(s.opts.Codebase, "v"), "/")
	return strings.Replace(v, "_", ".", 1)
}

func rateKey(r *http.Request) string {
	if user, _, ok := r.BasicAuth(); ok {
		return user // company+publicKey: identifies the key without holding the secret
	}
	return r.RemoteAddr
}
