package sophos

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"centralpsa"
)

const (
	maxBody       = 32 << 20 // a page of 100 usage lines is ~100 KiB
	maxErrorBody  = 64 << 10
	backoffBase   = 500 * time.Millisecond
	backoffCap    = 30 * time.Second
	maxRetryAfter = 2 * time.Minute // longer waits go back to the caller (a job snoozes)
)

// call is one logical API request; do may send it several times.
type call struct {
	method   string
	host     string // base URL, may carry a path prefix (the emulator's /r/eu02)
	path     string // escaped, starting with "/"
	query    url.Values
	header   map[string]string // identity headers
	body     []byte            // JSON, or the form for the token request
	token    bool              // the token request: form body, no bearer, id.sophos.com errors
	tenantID string
}

func (r *call) url() string {
	u := strings.TrimRight(r.host, "/") + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	return u
}

// do sends r through the limiter, adds the token and applies the retry
// rules: 429 waits Retry-After, 5xx, network errors, timeouts and truncated
// bodies back off exponentially, a 401 renews the token once, other 4xx
// fail at once. decode sees every 2xx body and must not keep partial state
// between calls, because a malformed body is retried.
func (c *Client) do(ctx context.Context, r *call, decode func([]byte) error) error {
	renewed := false
	for attempt := 0; ; attempt++ {
		var tok string
		if !r.token {
			var err error
			if tok, err = c.accessToken(ctx); err != nil {
				return err
			}
		}
		if err := c.limiter.Wait(ctx); err != nil {
			return fmt.Errorf("sophos central %s %s: wait for rate limiter: %w", r.method, r.path, err)
		}
		status, h, body, err := c.attempt(ctx, r, tok)
		if err != nil && ctx.Err() != nil {
			return fmt.Errorf("sophos central %s %s: %w", r.method, r.path, ctx.Err())
		}
		var wait time.Duration
		switch {
		case err != nil:
			err = &centralpsa.Error{Kind: centralpsa.KindUnavailable,
				Message: fmt.Sprintf("sophos central %s %s: no answer", r.method, r.path), Err: c.redactErr(err)}
			wait = backoff(attempt)
		case status >= 200 && status < 300:
			derr := decode(body)
			if derr == nil {
				return nil
			}
			// An answer we cannot read is Sophos's problem, not the caller's.
			err = &centralpsa.Error{Kind: centralpsa.KindUnavailable,
				Message: fmt.Sprintf("sophos central %s %s: decode response", r.method, r.path), Err: derr}
			if !isMalformed(derr) {
				return err
			}
			wait = backoff(attempt)
		case status == http.StatusUnauthorized && !r.token && !renewed:
			// The token may have been revoked or expired early: renew once.
			renewed = true
			c.dropToken(tok)
			attempt--
			continue
		default:
			var ok bool
			wait, ok = c.retryWait(attempt, status, h)
			if r.token {
				err = tokenError(status, body, c.redact)
			} else {
				err = apiError(r, status, h, body, c.retryAfter(status, h), c.redact)
			}
			if !ok {
				return err
			}
		}
		if attempt >= c.retries {
			c.log.Error("sophos request failed, giving up", "method", r.method, "path", r.path, "attempt", attempt+1, "error", err)
			return err
		}
		c.log.Warn("sophos request failed, retrying", "method", r.method, "path", r.path, "attempt", attempt+1,
			"wait", wait, "error", err)
		if serr := c.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("sophos central %s %s: %w (last error: %w)", r.method, r.path, serr, err)
		}
	}
}

// attempt sends r once under the per-attempt timeout and reads the body.
func (c *Client) attempt(ctx context.Context, r *call, tok string) (int, http.Header, []byte, error) {
	actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(actx, r.method, r.url(), body)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", centralpsa.UserAgent())
	switch {
	case r.token:
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case r.body != nil:
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	limit := int64(maxBody)
	if resp.StatusCode >= 300 {
		limit = maxErrorBody
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	c.log.Debug("sophos request", "method", r.method, "path", r.path, "status", resp.StatusCode,
		"duration", time.Since(start), "tenant_id", r.tenantID)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read response: %w", err)
	}
	if int64(len(data)) > limit {
		if resp.StatusCode < 300 {
			return 0, nil, nil, fmt.Errorf("response larger than %d bytes", limit)
		}
		data = data[:limit]
	}
	return resp.StatusCode, resp.Header, data, nil
}

// retryWait decides, in one place, whether a status is worth another
// attempt and how long to wait first.
func (c *Client) retryWait(attempt, status int, h http.Header) (time.Duration, bool) {
	switch status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		if d := c.retryAfter(status, h); d > 0 {
			return d, d <= maxRetryAfter
		}
		return backoff(attempt), true
	case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return backoff(attempt), true
	}
	return 0, false
}

// retryAfter reads Retry-After as seconds or an HTTP date.
func (c *Client) retryAfter(status int, h http.Header) time.Duration {
	if status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable {
		return 0
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, int64(24*time.Hour/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(c.now()), 0)
	}
	return 0
}

// backoff is capped exponential with jitter in [d/2, d).
func backoff(attempt int) time.Duration {
	d := backoffCap
	if attempt < 16 {
		d = min(backoffBase<<attempt, backoffCap)
	}
	return d/2 + rand.N(d/2)
}

// isMalformed reports a body that is not JSON or was cut short: worth a
// retry, unlike a well-formed body with a bad field.
func isMalformed(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF)
}

// redact removes the client secret and the access token from text that came
// from the network, in case a server or proxy echoes them back.
func (c *Client) redact(s string) string {
	secret := c.opts.ClientSecret.Reveal()
	for _, v := range []string{secret, url.QueryEscape(secret), c.tok.current()} {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "<secret>")
		}
	}
	return s
}

func (c *Client) redactErr(err error) error {
	if msg := err.Error(); c.redact(msg) != msg {
		return errors.New(c.redact(msg))
	}
	return err
}
