package emu

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RateLimit answers 429 once a client exceeds PerMinute requests a minute
// (with bursts up to Burst), the way both vendors throttle. Key picks the
// client (an API key, a client id); Body is the vendor's 429 body.
type RateLimit struct {
	PerMinute   int
	Burst       int
	Key         func(*http.Request) string
	Body        string
	ContentType string

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
}

// Middleware applies the limit; a zero PerMinute lets everything through.
func (l *RateLimit) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.PerMinute <= 0 || strings.HasPrefix(r.URL.Path, ControlPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		lim := l.limiter(r)
		res := lim.Reserve()
		if d := res.Delay(); d > 0 {
			res.Cancel()
			writeFault(w, Fault{Status: http.StatusTooManyRequests, Body: l.Body, ContentType: l.ContentType, RetryAfter: max(d, time.Second)})
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (l *RateLimit) limiter(r *http.Request) *rate.Limiter {
	key := ""
	if l.Key != nil {
		key = l.Key(r)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.limiters == nil {
		l.limiters = map[string]*rate.Limiter{}
	}
	lim, ok := l.limiters[key]
	if !ok {
		burst := l.Burst
		if burst <= 0 {
			burst = max(1, l.PerMinute/60)
		}
		lim = rate.NewLimiter(rate.Limit(float64(l.PerMinute)/60), burst)
		l.limiters[key] = lim
	}
	return lim
}
