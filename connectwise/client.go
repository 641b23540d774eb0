package connectwise

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"centralpsa"
)

// Defaults for Options fields left at their zero value.
const (
	DefaultAPIVersion        = "2025.1"
	DefaultTimeout           = 30 * time.Second
	DefaultMaxRetries        = 4
	DefaultRequestsPerMinute = 600 // below the ~1,000/min ConnectWise guidance (§7.3)
	DefaultBurst             = 10
	DefaultMaxRetryAfter     = 2 * time.Minute
	DefaultBaseBackoff       = 500 * time.Millisecond
	DefaultMaxBackoff        = 30 * time.Second
)

// Options configure a Client. URL, Company, PublicKey, PrivateKey and
// ClientID are required (settings cw.url, cw.company, cw.public_key,
// cw.private_key, cw.client_id); everything else has a default.
type Options struct {
	// URL is the site, e.g. https://api-na.myconnectwise.net; the codebase
	// is discovered, so it must not contain "/apis/3.0".
	URL        string
	Company    string
	PublicKey  string
	PrivateKey centralpsa.Secret
	ClientID   string
	// AllowHTTP accepts an http:// URL (loopback emulators only).
	AllowHTTP  bool
	HTTPClient *http.Client
	// Timeout bounds each attempt, not the whole call with its retries.
	Timeout time.Duration
	// MaxRetries is the number of retries after the first attempt; 0 means
	// DefaultMaxRetries and a negative value disables retries.
	MaxRetries int
	// RequestsPerMinute is the client-side rate limit; 0 means the default
	// and a negative value disables the limiter. Burst is its bucket size.
	RequestsPerMinute int
	Burst             int
	// APIVersion is sent in Accept so model changes on the server side do
	// not reach us unannounced (§3.4).
	APIVersion string
	// MaxRetryAfter caps how long a 429's Retry-After is honoured.
	MaxRetryAfter time.Duration
	// BaseBackoff and MaxBackoff shape the exponential backoff with full
	// jitter used for 5xx answers and network errors.
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	Logger      *slog.Logger
	// SleepFunc waits between attempts; tests replace it to record delays.
	// It must return ctx.Err() when ctx ends first.
	SleepFunc func(ctx context.Context, d time.Duration) error
	// NowFunc reads the clock for Retry-After dates.
	NowFunc func() time.Time
}

// Client talks to one ConnectWise site as one API member. It is safe for
// concurrent use.
type Client struct {
	opts    Options
	site    *url.URL
	http    *http.Client
	limiter *rate.Limiter
	log     *slog.Logger
	accept  string
	// redactor blanks the private key and the Basic token in server text.
	redactor *strings.Replacer

	mu       sync.Mutex
	codebase string // "" until discovered

	System           *SystemService
	Members          *MembersService
	Security         *SecurityService
	IntegratorLogins *IntegratorLoginsService
	Companies        *CompaniesService
	Agreements       *AgreementsService
	Catalog          *CatalogService
	Procurement      *ProcurementService
	Boards           *BoardsService
	Priorities       *PrioritiesService
	Sources          *SourcesService
	Tickets          *TicketsService
	Reports          *ReportsService
}

type service struct{ client *Client }

// New checks opts and returns a client. It makes no request: the codebase is
// discovered on the first call.
func New(opts Options) (*Client, error) {
	site, err := checkOptions(&opts)
	if err != nil {
		return nil, err
	}
	c := &Client{opts: opts, site: site, http: opts.HTTPClient, log: opts.Logger}
	c.accept = "application/vnd.connectwise.com+json; version=" + opts.APIVersion
	token := base64.StdEncoding.EncodeToString([]byte(opts.Company + "+" + opts.PublicKey + ":" + opts.PrivateKey.Reveal()))
	pairs := []string{token, "<secret>"}
	if len(opts.PrivateKey.Reveal()) >= 8 { // a shorter one would blank ordinary words
		pairs = append(pairs, opts.PrivateKey.Reveal(), "<secret>")
	}
	c.redactor = strings.NewReplacer(pairs...)
	if opts.RequestsPerMinute > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(float64(opts.RequestsPerMinute)/60), opts.Burst)
	}
	s := &service{client: c}
	c.System = (*SystemService)(s)
	c.Members = (*MembersService)(s)
	c.Security = (*SecurityService)(s)
	c.IntegratorLogins = (*IntegratorLoginsService)(s)
	c.Companies = (*CompaniesService)(s)
	c.Agreements = (*AgreementsService)(s)
	c.Catalog = (*CatalogService)(s)
	c.Procurement = (*ProcurementService)(s)
	c.Boards = (*BoardsService)(s)
	c.Priorities = (*PrioritiesService)(s)
	c.Sources = (*SourcesService)(s)
	c.Tickets = (*TicketsService)(s)
	c.Reports = (*ReportsService)(s)
	return c, nil
}

// checkOptions fills defaults and returns the parsed site URL. Messages name
// the setting keys so the user knows what to change.
func checkOptions(o *Options) (*url.URL, error) {
	var missing []string
	for _, f := range []struct{ key, val string }{
		{"cw.url", o.URL}, {"cw.company", o.Company}, {"cw.public_key", o.PublicKey},
		{"cw.private_key", o.PrivateKey.Reveal()}, {"cw.client_id", o.ClientID},
	} {
		if strings.TrimSpace(f.val) == "" {
			missing = append(missing, f.key)
		}
	}
	if len(missing) > 0 {
		return nil, centralpsa.Errorf(centralpsa.KindInvalid,
			"connectwise settings missing: set %s", strings.Join(missing, ", "))
	}
	site, err := parseSite(o.URL, o.AllowHTTP)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(o.Company, "/?#") || strings.TrimSpace(o.Company) != o.Company {
		return nil, centralpsa.Errorf(centralpsa.KindInvalid,
			"cw.company %q is not a company id (the name typed on the ConnectWise login screen)", o.Company)
	}
	fillDefaults(o)
	return site, nil
}

func parseSite(raw string, allowHTTP bool) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, centralpsa.Errorf(centralpsa.KindInvalid,
			"cw.url must be a site address such as https://api-na.myconnectwise.net")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, centralpsa.Errorf(centralpsa.KindInvalid,
			"cw.url must be a plain site address without user, query or fragment")
	}
	if u.Scheme == "http" && !allowHTTP {
		return nil, centralpsa.Errorf(centralpsa.KindInvalid,
			"cw.url uses http://; ConnectWise requires https (set allow_http / CENTRALPSA_ALLOW_HTTP=1 only for a local emulator)")
	}
	if strings.Contains(strings.ToLower(u.Path), "/apis/3.0") {
		return nil, centralpsa.Errorf(centralpsa.KindInvalid,
			"cw.url must be the site address only (e.g. https://api-na.myconnectwise.net); the codebase and /apis/3.0 are found automatically")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func fillDefaults(o *Options) {
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = DefaultMaxRetries
	} else if o.MaxRetries < 0 {
		o.MaxRetries = 0
	}
	if o.RequestsPerMinute == 0 {
		o.RequestsPerMinute = DefaultRequestsPerMinute
	}
	if o.Burst <= 0 {
		o.Burst = DefaultBurst
	}
	if o.APIVersion == "" {
		o.APIVersion = DefaultAPIVersion
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = DefaultBaseBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.SleepFunc == nil {
		o.SleepFunc = sleep
	}
	if o.NowFunc == nil {
		o.NowFunc = time.Now
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Site returns the configured site address, for messages.
func (c *Client) Site() string { return c.site.String() }

// String and GoString keep the keys out of anything that prints a client.
func (c *Client) String() string {
	return fmt.Sprintf("connectwise.Client{site: %s, company: %s}", c.site, c.opts.Company)
}

// GoString implements fmt.GoStringer for %#v.
func (c *Client) GoString() string { return c.String() }
