// Package sophos is the client for the Sophos Central APIs a partner (MSP)
// credential needs: the token service, whoami, partner tenants, the monthly
// billing usage report and each tenant's alerts (docs/sophos-central-api.md).
//
// One Client is safe for concurrent use. It keeps the access token, the
// caller's identity and the global host it learnt from whoami; partner calls
// carry X-Partner-ID and go to the global host, tenant calls carry
// X-Tenant-ID and go to the tenant's own apiHost, never to a host built from
// the region. Every call is rate limited on the client side, retried on 429,
// 5xx and network errors, and returns typed errors (*Error, *TokenError)
// that never contain the client secret or the access token.
package sophos

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"centralpsa"
)

// Defaults used when the matching Options field is zero.
const (
	DefaultIDURL             = "https://id.sophos.com"
	DefaultAPIURL            = "https://api.central.sophos.com"
	DefaultTimeout           = 30 * time.Second
	DefaultMaxRetries        = 4
	DefaultRequestsPerMinute = 300 // 5/s: under the unofficial 10/s seen in the field (doc §5.6)
)

// Options configures a Client. Only ClientID and ClientSecret are required.
type Options struct {
	ClientID     string            // setting sophos.client_id
	ClientSecret centralpsa.Secret // setting sophos.client_secret
	IDURL        string            // token service; setting sophos.id_url
	APIURL       string            // global API host until whoami names one; setting sophos.api_url
	AllowHTTP    bool              // accept http:// hosts (loopback emulators); setting allow_http

	HTTPClient *http.Client
	Timeout    time.Duration // per attempt, including reading the body
	// MaxRetries is how many times a retryable failure is retried; 0 means
	// DefaultMaxRetries and a negative value means never retry.
	MaxRetries int
	// RequestsPerMinute feeds the client-side token bucket; 0 means
	// DefaultRequestsPerMinute and a negative value turns the limiter off.
	RequestsPerMinute int
	Logger            *slog.Logger

	NowFunc   func() time.Time                                 // clock for token expiry and Retry-After dates
	SleepFunc func(ctx context.Context, d time.Duration) error // waits between attempts
}

// Client talks to Sophos Central. Create it with New.
type Client struct {
	opts    Options
	http    *http.Client
	log     *slog.Logger
	limiter *rate.Limiter
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
	retries int

	tok tokenCache

	mu       sync.Mutex
	global   string    // base URL for whoami and partner calls
	identity *Identity // set by WhoAmI
}

// New checks the options and returns a client. It makes no network call.
func New(opts Options) (*Client, error) {
	var missing []string
	if strings.TrimSpace(opts.ClientID) == "" {
		missing = append(missing, "sophos.client_id")
	}
	if !opts.ClientSecret.IsSet() {
		missing = append(missing, "sophos.client_secret")
	}
	if len(missing) > 0 {
		return nil, centralpsa.Errorf(centralpsa.KindInvalid,
			"sophos central credential incomplete: set %s", strings.Join(missing, " and "))
	}
	if opts.IDURL == "" {
		opts.IDURL = DefaultIDURL
	}
	if opts.APIURL == "" {
		opts.APIURL = DefaultAPIURL
	}
	var err error
	if opts.IDURL, err = checkBaseURL("sophos.id_url", opts.IDURL, opts.AllowHTTP); err != nil {
		return nil, err
	}
	if opts.APIURL, err = checkBaseURL("sophos.api_url", opts.APIURL, opts.AllowHTTP); err != nil {
		return nil, err
	}
	c := &Client{opts: opts, http: opts.HTTPClient, log: opts.Logger, now: opts.NowFunc, sleep: opts.SleepFunc}
	c.global = opts.APIURL
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = sleepContext
	}
	if c.opts.Timeout <= 0 {
		c.opts.Timeout = DefaultTimeout
	}
	switch {
	case opts.MaxRetries == 0:
		c.retries = DefaultMaxRetries
	case opts.MaxRetries > 0:
		c.retries = opts.MaxRetries
	}
	c.limiter = newLimiter(opts.RequestsPerMinute)
	return c, nil
}

func newLimiter(perMinute int) *rate.Limiter {
	if perMinute < 0 {
		return rate.NewLimiter(rate.Inf, 1)
	}
	if perMinute == 0 {
		perMinute = DefaultRequestsPerMinute
	}
	return rate.NewLimiter(rate.Limit(float64(perMinute)/60), max(1, perMinute/60))
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// checkBaseURL validates a configured host and returns it without a
// trailing slash. setting names the key to fix in the error.
func checkBaseURL(setting, raw string, allowHTTP bool) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", centralpsa.Errorf(centralpsa.KindInvalid, "%s %q is not an http(s) URL", setting, raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", centralpsa.Errorf(centralpsa.KindInvalid, "%s must be a plain base URL without credentials, query or fragment", setting)
	}
	if u.Scheme == "http" && !allowHTTP {
		return "", centralpsa.Errorf(centralpsa.KindInvalid,
			"%s %q uses http; Sophos Central needs https (set allow_http only for a loopback emulator)", setting, raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// serverHost normalizes a host that Sophos handed us (whoami apiHosts,
// tenant apiHost). The official whoami example even shows an http:// host
// with a trailing slash (doc §4). With allow_http the scheme is kept, which
// the emulator relies on; without it an http host is upgraded to https,
// because the bearer token must never travel in clear text.
func (c *Client) serverHost(what, raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil {
		return "", centralpsa.Errorf(centralpsa.KindInvalid, "sophos central gave %s %q, which is not an http(s) URL", what, raw)
	}
	if u.Scheme == "http" && !c.opts.AllowHTTP {
		u.Scheme = "https"
	}
	u.RawQuery, u.Fragment = "", ""
	return strings.TrimRight(u.String(), "/"), nil
}

// globalHost is the host for whoami and partner calls.
func (c *Client) globalHost() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.global
}

// tenantHost is the tenant's own apiHost. An empty one is an error rather
// than a guess from dataRegion (doc §6).
func (c *Client) tenantHost(t Tenant) (string, error) {
	if t.ID == "" {
		return "", centralpsa.Errorf(centralpsa.KindInvalid, "sophos tenant has no id")
	}
	if t.APIHost == "" {
		return "", centralpsa.Errorf(centralpsa.KindInvalid,
			"sophos tenant %s has no apiHost; fetch it from the tenant list instead of building it from the region", t.ID)
	}
	return c.serverHost("apiHost for tenant "+t.ID, t.APIHost)
}

// String names the client without its secret or token, so printing or
// logging a Client by accident leaks nothing.
func (c *Client) String() string { return "sophos.Client(" + c.opts.ClientID + ")" }

// GoString is String, for %#v.
func (c *Client) GoString() string { return c.String() }

// LogValue is String, for slog.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }
