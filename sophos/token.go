package sophos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"
)

// renewBefore is how long before expiry a token is replaced; the known
// clients renew 60–120 s early (doc §3.2).
const renewBefore = 120 * time.Second

// tokenBudget bounds one renewal, retries and rate-limiter waits included.
const tokenBudget = 2 * time.Minute

// tokenCache holds the access token. Renewal is single-flight: the first
// caller that finds the token stale starts one fetch and everyone else waits
// for it (or for their own context).
type tokenCache struct {
	mu      sync.Mutex
	value   string
	renewAt time.Time
	flight  *tokenFlight
}

type tokenFlight struct {
	done  chan struct{}
	value string
	err   error
}

func (t *tokenCache) current() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.value
}

// accessToken returns a token that is not about to expire.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	c.tok.mu.Lock()
	if c.tok.value != "" && c.now().Before(c.tok.renewAt) {
		v := c.tok.value
		c.tok.mu.Unlock()
		return v, nil
	}
	f := c.tok.flight
	if f == nil {
		f = &tokenFlight{done: make(chan struct{})}
		c.tok.flight = f
		go c.renewToken(ctx, f)
	}
	c.tok.mu.Unlock()
	select {
	case <-f.done:
		return f.value, f.err
	case <-ctx.Done():
		return "", fmt.Errorf("sophos token request: %w", ctx.Err())
	}
}

// renewToken runs detached from the caller's context so that one caller
// giving up does not fail the others waiting on the same flight; its own
// budget bounds it.
func (c *Client) renewToken(ctx context.Context, f *tokenFlight) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), tokenBudget)
	defer cancel()
	value, lifetime, err := c.fetchToken(ctx)
	c.tok.mu.Lock()
	if err == nil {
		c.tok.value = value
		c.tok.renewAt = c.now().Add(lifetime - min(renewBefore, lifetime/2))
	}
	c.tok.flight = nil
	c.tok.mu.Unlock()
	f.value, f.err = value, err
	close(f.done)
}

// dropToken forgets stale after an API call answered 401 with it. A token
// that another caller already replaced is left alone, so a burst of 401s
// causes one renewal.
func (c *Client) dropToken(stale string) {
	c.tok.mu.Lock()
	defer c.tok.mu.Unlock()
	if c.tok.value == stale {
		c.tok.value = ""
	}
}

// tokenResponse is the 200 body of POST /api/v2/oauth2/token (doc §3.2).
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
	ErrorCode   string `json:"errorCode"`
	Message     string `json:"message"`
	TrackingID  string `json:"trackingId"`
}

// fetchToken runs the client-credentials grant.
func (c *Client) fetchToken(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {c.opts.ClientID},
		"client_secret": {c.opts.ClientSecret.Reveal()},
		"scope":         {"token"},
	}
	r := &call{method: "POST", host: c.opts.IDURL, path: "/api/v2/oauth2/token", body: []byte(form.Encode()), token: true}
	var resp tokenResponse
	err := c.do(ctx, r, func(body []byte) error {
		resp = tokenResponse{}
		return json.Unmarshal(body, &resp)
	})
	if err != nil {
		return "", 0, err
	}
	if resp.ErrorCode != "" && resp.ErrorCode != "success" {
		return "", 0, &TokenError{Status: 200, Code: c.redact(resp.ErrorCode), Message: c.redact(resp.Message), TrackingID: resp.TrackingID}
	}
	if resp.AccessToken == "" {
		return "", 0, errors.New("sophos token request: response has no access_token")
	}
	lifetime := time.Duration(resp.ExpiresIn) * time.Second
	if resp.ExpiresIn <= 0 || resp.ExpiresIn > 24*3600 {
		lifetime = time.Hour // the documented lifetime (doc §3.2)
	}
	c.log.Debug("sophos token renewed", "expires_in", lifetime)
	return resp.AccessToken, lifetime, nil
}
