package emu

import (
	"bytes"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultKind says what a fault does to a matching request.
type FaultKind string

const (
	// FaultStatus answers with Status, Body and, when set, Retry-After,
	// without calling the API handler.
	FaultStatus FaultKind = "status"
	// FaultDelay waits Delay, then lets the API handler answer.
	FaultDelay FaultKind = "delay"
	// FaultSlowSuccess lets the API handler act (a write is applied), then
	// holds the answer for Delay: the client times out on a success, which is
	// how idempotent creation is tested.
	FaultSlowSuccess FaultKind = "slow_success"
	// FaultMalformed lets the handler act, then sends a truncated body.
	FaultMalformed FaultKind = "malformed"
	// FaultReset closes the connection without an answer.
	FaultReset FaultKind = "reset"
)

// Fault is one scripted misbehaviour. Zero Method or PathPrefix match any
// request; Times limits how often it fires (0 = no limit); Rate is the
// chance it fires on a matching request (0 or 1 = always).
type Fault struct {
	Kind        FaultKind     `json:"kind"`
	Method      string        `json:"method,omitempty"`
	PathPrefix  string        `json:"path_prefix,omitempty"`
	Status      int           `json:"status,omitempty"`
	Body        string        `json:"body,omitempty"`
	ContentType string        `json:"content_type,omitempty"`
	RetryAfter  time.Duration `json:"retry_after,omitempty"`
	Delay       time.Duration `json:"delay,omitempty"`
	Times       int           `json:"times,omitempty"`
	Rate        float64       `json:"rate,omitempty"`
}

type rule struct {
	Fault
	fired int
}

// Faults is a set of fault rules applied by Middleware. The zero value is
// not usable; build one with NewFaults. It is safe for concurrent use.
type Faults struct {
	mu    sync.Mutex
	rules []*rule
	rng   *rand.Rand
}

// NewFaults returns an empty rule set whose random choices follow seed, so
// a test with a Rate below 1 is repeatable.
func NewFaults(seed uint64) *Faults {
	return &Faults{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Add installs a rule and returns a function that removes it.
func (f *Faults) Add(ft Fault) (remove func()) {
	r := &rule{Fault: ft}
	f.mu.Lock()
	f.rules = append(f.rules, r)
	f.mu.Unlock()
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		for i, x := range f.rules {
			if x == r {
				f.rules = append(f.rules[:i], f.rules[i+1:]...)
				return
			}
		}
	}
}

// Clear removes every rule.
func (f *Faults) Clear() {
	f.mu.Lock()
	f.rules = nil
	f.mu.Unlock()
}

// pick returns the first rule that fires for r, counting the firing.
func (f *Faults) pick(r *http.Request) (Fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, x := range f.rules {
		if x.Method != "" && !strings.EqualFold(x.Method, r.Method) {
			continue
		}
		if x.PathPrefix != "" && !strings.HasPrefix(r.URL.Path, x.PathPrefix) {
			continue
		}
		if x.Times > 0 && x.fired >= x.Times {
			continue
		}
		if x.Rate > 0 && x.Rate < 1 && f.rng.Float64() >= x.Rate {
			continue
		}
		x.fired++
		return x.Fault, true
	}
	return Fault{}, false
}

// Middleware applies the rules to requests before next sees them. Paths
// under /_emulator/ are never faulted, so a test can always reach the
// control API.
func (f *Faults) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, ControlPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		ft, ok := f.pick(r)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		switch ft.Kind {
		case FaultStatus:
			writeFault(w, ft)
		case FaultDelay:
			if sleep(r, ft.Delay) {
				next.ServeHTTP(w, r)
			}
		case FaultSlowSuccess:
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			if sleep(r, ft.Delay) {
				copyRecorded(w, rec, false)
			}
		case FaultMalformed:
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			copyRecorded(w, rec, true)
		case FaultReset:
			reset(w)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

func writeFault(w http.ResponseWriter, ft Fault) {
	ct := ft.ContentType
	if ct == "" {
		ct = "application/json; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	if ft.RetryAfter > 0 {
		secs := int((ft.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	status := ft.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(ft.Body))
}

// sleep waits d or until the client goes away; it reports whether the
// request is still wanted.
func sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func copyRecorded(w http.ResponseWriter, rec *httptest.ResponseRecorder, truncate bool) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	body := rec.Body.Bytes()
	if truncate {
		body = malformed(body)
		w.Header().Del("Content-Length")
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

// malformed cuts a body in half and, for an empty body, invents one that no
// JSON decoder accepts.
func malformed(body []byte) []byte {
	body = bytes.TrimSpace(body)
	if len(body) < 2 {
		return []byte(`{"truncated":`)
	}
	return body[:len(body)/2]
}

func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(interface{ SetLinger(int) error }); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
