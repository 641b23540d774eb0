package web

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// limiter counts failed sign-ins per key (a client address or a username)
// in a sliding window. It lives in memory: a restart forgets it, and each
// process of a cluster counts on its own, which still caps guessing at a
// few attempts per window per process.
type limiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time
}

// maxLimiterKeys bounds memory under a flood of distinct usernames.
const maxLimiterKeys = 10000

func newLimiter(max int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{max: max, window: window, now: now, failures: map[string][]time.Time{}}
}

// blocked reports whether any key has used up its failures, and how long
// until the oldest of them leaves the window.
func (l *limiter) blocked(keys ...string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for _, k := range keys {
		recent := l.recent(k, now)
		if len(recent) >= l.max {
			wait = max(wait, recent[len(recent)-l.max].Add(l.window).Sub(now))
		}
	}
	return wait > 0, wait
}

// fail records a failed attempt against every key.
func (l *limiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.failures) >= maxLimiterKeys {
		l.prune(now)
	}
	for _, k := range keys {
		l.failures[k] = append(l.recent(k, now), now)
	}
}

// reset forgets a key's failures (a username after a successful sign-in).
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}

// recent returns key's failures still inside the window.
func (l *limiter) recent(key string, now time.Time) []time.Time {
	list := l.failures[key]
	i := 0
	for i < len(list) && now.Sub(list[i]) >= l.window {
		i++
	}
	if i == len(list) {
		delete(l.failures, key)
		return nil
	}
	list = list[i:]
	l.failures[key] = list
	return list
}

func (l *limiter) prune(now time.Time) {
	for k := range l.failures {
		l.recent(k, now)
	}
	if len(l.failures) >= maxLimiterKeys {
		clear(l.failures) // a flood: forgetting beats running out of memory
	}
}

// loginKeys are the limiter keys for one attempt. The address is the
// connection's: X-Forwarded-For is not trusted, since any client can set
// it.
func loginKeys(r *http.Request, username string) []string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return []string{"ip:" + host, "user:" + username}
}
