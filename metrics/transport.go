package metrics

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Transport wraps base (http.DefaultTransport when nil) so that every
// request it carries is counted under upstream ("connectwise", "sophos").
// It never reads or records a URL, header or body in the metrics: the
// labels are the upstream name and the status class only.
func (r *Registry) Transport(upstream string, base http.RoundTripper) http.RoundTripper {
	return r.TransportFunc(func(*http.Request) string { return upstream }, base)
}

// TransportFunc is Transport for a client that talks to several upstreams
// (the doctor uses one http.Client for both): upstreamOf names the
// upstream of each request.
func (r *Registry) TransportFunc(upstreamOf func(*http.Request) string, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if r == nil {
		return base
	}
	return &transport{r: r, base: base, upstreamOf: upstreamOf, failed: map[string]time.Time{}, now: time.Now}
}

// retryWindow is how soon after a failure a request to the same method
// and URL counts as a retry. The clients retry within seconds, or after a
// Retry-After of at most a few minutes.
const retryWindow = 5 * time.Minute

// maxFailed bounds the memory kept for retry detection.
const maxFailed = 4096

// transport counts requests. The clients do not tell the transport which
// attempt a request is, so a retry is recognised as a request to a method
// and URL whose previous request failed (error, 429 or 5xx) within
// retryWindow.
type transport struct {
	r          *Registry
	base       http.RoundTripper
	upstreamOf func(*http.Request) string
	now        func() time.Time

	mu     sync.Mutex
	failed map[string]time.Time // method + URL → when it last failed
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	upstream := t.upstreamOf(req)
	key := req.Method + " " + req.URL.String()
	if t.wasFailing(key) {
		t.r.upstreamRetries.WithLabelValues(upstream).Inc()
	}
	resp, err := t.base.RoundTrip(req)
	class := "error"
	if err == nil {
		class = strconv.Itoa(resp.StatusCode/100) + "xx"
		if resp.StatusCode == http.StatusTooManyRequests {
			t.r.upstream429.WithLabelValues(upstream).Inc()
		}
	}
	t.r.upstreamRequests.WithLabelValues(upstream, class).Inc()
	if err != nil || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		t.markFailed(key)
	}
	return resp, err
}

// wasFailing reports (and forgets) a recent failure of key.
func (t *transport) wasFailing(key string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	at, ok := t.failed[key]
	if !ok {
		return false
	}
	delete(t.failed, key)
	return t.now().Sub(at) <= retryWindow
}

func (t *transport) markFailed(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.failed) >= maxFailed {
		for k, at := range t.failed {
			if now.Sub(at) > retryWindow {
				delete(t.failed, k)
			}
		}
		if len(t.failed) >= maxFailed {
			clear(t.failed) // a storm of distinct failures: losing a few retry counts is fine
		}
	}
	t.failed[key] = now
}
