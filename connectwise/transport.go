package connectwise

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"centralpsa"
)

// request describes one API call before it becomes HTTP attempts.
type request struct {
	method string
	path   string // relative to the API root (or the site for unauth); shown in errors
	query  url.Values
	body   any
	header http.Header
	// idempotent calls are retried after 5xx and network errors; a create
	// is not, because it may already have been applied.
	idempotent bool
	// unauth marks the companyinfo call: no credentials, no codebase.
	unauth bool
}

func newRequest(method, path string, query url.Values, body any) *request {
	return &request{method: method, path: path, query: query, body: body, idempotent: method != http.MethodPost}
}

type response struct {
	status   int
	header   http.Header
	body     []byte
	tooLarge bool
}

// call runs r and decodes the JSON answer into out (when out is not nil).
// A 2xx body cut short is as transient as a reset, so an idempotent call
// is sent again; a create is not, because it may have been applied.
func (c *Client) call(ctx context.Context, r *request, out any) (*response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := c.do(ctx, r)
		if err != nil {
			return nil, err
		}
		if out == nil || resp.status == http.StatusNoContent {
			return resp, nil
		}
		derr := decodeBody(resp, out)
		if derr == nil {
			return resp, nil
		}
		err = withKind(centralpsa.KindUnavailable,
			fmt.Errorf("connectwise %s %s: malformed response body: %w", r.method, r.path, derr))
		if !r.idempotent {
			return nil, &outcomeError{method: r.method, path: r.path, err: err}
		}
		if !cutShort(derr) || attempt >= c.opts.MaxRetries {
			return nil, err
		}
		c.log.Warn("connectwise response body malformed, retrying", "method", r.method, "path", r.path, "attempt", attempt+1, "error", err)
		if c.opts.SleepFunc(ctx, c.backoff(attempt)) != nil {
			return nil, err
		}
	}
}

// cutShort reports a body that is not JSON or ends early, as a dropped
// connection or a proxy's page leaves it. json.Unmarshal checks the whole
// body before it stores anything, so out is untouched and may be reused.
func cutShort(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF)
}

func decodeBody(resp *response, out any) error {
	if resp.tooLarge {
		return fmt.Errorf("body exceeds %d bytes", maxSuccessBody)
	}
	return json.Unmarshal(resp.body, out)
}

// do sends r to the API, discovering the codebase first and rediscovering it
// once when the answer says the codebase no longer routes (§3.3).
func (c *Client) do(ctx context.Context, r *request) (*response, error) {
	base, err := c.apiBase(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, r, base)
	var apiErr *Error
	if err == nil || !errors.As(err, &apiErr) || !apiErr.isRouting() {
		return resp, err
	}
	fresh, derr := c.rediscover(ctx)
	if derr != nil {
		if errors.Is(derr, ErrUnknownCompany) {
			return nil, derr
		}
		c.log.Warn("connectwise codebase rediscovery failed", "error", derr)
		return nil, err
	}
	if fresh == base {
		return nil, err
	}
	c.log.Info("connectwise codebase changed, retrying", "method", r.method, "path", r.path)
	return c.send(ctx, r, fresh)
}

// send makes up to MaxRetries+1 attempts at base+r.path. Which failures are
// retried is decided by classify alone.
func (c *Client) send(ctx context.Context, r *request, base string) (*response, error) {
	target := base + escapePath(r.path)
	if q := encodeQuery(r.query); q != "" {
		target += "?" + q
	}
	var body []byte
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return nil, withKind(centralpsa.KindInternal, fmt.Errorf("connectwise %s %s: encode body: %w", r.method, r.path, err))
		}
	}
	for attempt := 0; ; attempt++ {
		if c.limiter != nil {
			if err := c.limiter.Wait(ctx); err != nil {
				return nil, withKind(centralpsa.KindUnavailable,
					fmt.Errorf("connectwise %s %s: waiting for the rate limiter: %w", r.method, r.path, err))
			}
		}
		resp, sendErr := c.attempt(ctx, r, target, body)
		if sendErr == nil && resp.status/100 == 2 {
			c.log.Debug("connectwise request", "method", r.method, "path", r.path, "status", resp.status, "attempt", attempt+1)
			return resp, nil
		}
		var apiErr *Error
		var err error
		if sendErr != nil {
			err = withKind(centralpsa.KindUnavailable, fmt.Errorf("connectwise %s %s: %w", r.method, r.path, sendErr))
		} else {
			apiErr = newError(r.method, r.path, resp.status, resp.header, resp.body, c.opts.NowFunc())
			c.redact(apiErr)
			err = withKind(apiErr.Kind(), apiErr)
		}
		switch classify(r.idempotent, ctx.Err() != nil, statusOf(resp), sendErr) {
		case verdictFinal:
			return nil, err
		case verdictUnknown:
			return nil, &outcomeError{method: r.method, path: r.path, err: err}
		}
		if attempt >= c.opts.MaxRetries {
			return nil, err
		}
		wait := c.backoff(attempt)
		if apiErr != nil && apiErr.RetryAfter > 0 {
			if apiErr.RetryAfter > c.opts.MaxRetryAfter {
				return nil, err // too long to wait here; the caller can reschedule
			}
			wait = apiErr.RetryAfter
		}
		c.log.Warn("connectwise request failed, retrying", "method", r.method, "path", r.path,
			"status", statusOf(resp), "attempt", attempt+1, "wait", wait, "error", err)
		if c.opts.SleepFunc(ctx, wait) != nil {
			return nil, err
		}
	}
}

// redact removes our credentials from text the server sent back, in case
// it echoes a request header into its message.
func (c *Client) redact(e *Error) {
	e.Message = c.redactor.Replace(e.Message)
	for i := range e.Errors {
		e.Errors[i].Message = c.redactor.Replace(e.Errors[i].Message)
	}
}

func statusOf(resp *response) int {
	if resp == nil {
		return 0
	}
	return resp.status
}

type verdict int

const (
	verdictRetry   verdict = iota // transient and safe to repeat
	verdictFinal                  // success or an answer that repeating cannot change
	verdictUnknown                // failed after it may have been applied: do not repeat
)

// classify is the retry policy (§7.2): 429 is always retried (throttled
// requests were not applied); 5xx and network errors are retried for
// idempotent calls, while a create gets verdictUnknown unless the connection
// was never made; every other status is final. A cancelled caller context
// ends the loop.
func classify(idempotent, cancelled bool, status int, sendErr error) verdict {
	if sendErr != nil {
		switch {
		case notSent(sendErr):
			if cancelled {
				return verdictFinal
			}
			return verdictRetry
		case !idempotent:
			return verdictUnknown
		case cancelled:
			return verdictFinal
		}
		return verdictRetry
	}
	switch {
	case status == http.StatusTooManyRequests:
		return verdictRetry
	case status >= 500 && !idempotent:
		return verdictUnknown
	case status >= 500:
		return verdictRetry
	}
	return verdictFinal
}

// notSent reports errors that prove the request never left: a failed dial
// or name lookup. Such a create is safe to repeat.
func notSent(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	return errors.Is(err, errNotSent) || errors.As(err, &dns) || (errors.As(err, &op) && op.Op == "dial")
}

var errNotSent = errors.New("request not sent")

// backoff is capped exponential backoff with full jitter.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.opts.MaxBackoff
	if attempt < 32 {
		if b := c.opts.BaseBackoff << attempt; b > 0 && b < d {
			d = b
		}
	}
	return rand.N(d + 1)
}

// attempt makes one HTTP exchange bounded by the per-attempt timeout and
// reads the body (through a size limit) before the timeout ends.
func (c *Client) attempt(ctx context.Context, r *request, target string, body []byte) (*response, error) {
	actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(actx, r.method, target, rd)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNotSent, err)
	}
	c.setHeaders(req, r, body != nil)
	hr, err := c.http.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, actx, err)
	}
	defer hr.Body.Close()
	limit := int64(maxSuccessBody)
	if hr.StatusCode/100 != 2 {
		limit = maxErrorBody
	}
	data, err := io.ReadAll(io.LimitReader(hr.Body, limit+1))
	if err != nil {
		return nil, c.transportError(ctx, actx, fmt.Errorf("read response: %w", err))
	}
	resp := &response{status: hr.StatusCode, header: hr.Header, body: data}
	if int64(len(data)) > limit {
		resp.body, resp.tooLarge = data[:limit], hr.StatusCode/100 == 2
	}
	return resp, nil
}

// transportError drops the URL that *url.Error repeats and says plainly
// when the per-attempt timeout, not the caller, ended the attempt.
func (c *Client) transportError(ctx, actx context.Context, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no answer within %s: %w", c.opts.Timeout, err)
	}
	return err
}

func (c *Client) setHeaders(req *http.Request, r *request, hasBody bool) {
	req.Header.Set("User-Agent", centralpsa.UserAgent())
	if r.unauth {
		req.Header.Set("Accept", "application/json")
	} else {
		req.SetBasicAuth(c.opts.Company+"+"+c.opts.PublicKey, c.opts.PrivateKey.Reveal())
		req.Header["clientId"] = []string{c.opts.ClientID} // spelled as documented (§2.2)
		req.Header.Set("Accept", c.accept)
	}
	if hasBody {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
}

// escapePath escapes each segment of an unescaped API path.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// encodeQuery is url.Values.Encode with spaces as %20: the guide lists
// percent-escapes only, and "+" is ambiguous to some servers (§4.1).
func encodeQuery(v url.Values) string {
	return strings.ReplaceAll(v.Encode(), "+", "%20")
}
