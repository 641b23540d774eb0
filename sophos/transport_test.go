package sophos

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"centralpsa"
)

type scripted struct {
	status int
	header map[string]string
	body   string
}

// scriptTenant makes GET /partner/v1/tenants/x answer the scripted
// responses in turn, then a good tenant.
func scriptTenant(b *testBundle, script ...scripted) {
	var mu sync.Mutex
	b.global.HandleFunc("GET /partner/v1/tenants/x", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		var s scripted
		if len(script) > 0 {
			s, script = script[0], script[1:]
		}
		mu.Unlock()
		if s.status == 0 {
			writeJSON(w, 200, map[string]string{"id": "x", "apiHost": b.regionURL})
			return
		}
		for k, v := range s.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(s.status)
		w.Write([]byte(s.body))
	})
}

func TestRetry(t *testing.T) {
	t.Parallel()
	const internal = `{"error":"internalServerError","message":"Internal Server Error.","correlationId":"c-500"}`
	// within reports whether d lies in the jittered backoff window of attempt.
	within := func(d time.Duration, attempt int) bool {
		hi := min(backoffBase<<attempt, backoffCap)
		return d >= hi/2 && d < hi
	}
	tests := []struct {
		name      string
		script    []scripted
		wantCalls int
		wantErr   int // status of the returned *Error; 0 means success
		checkWait func(t *testing.T, waits []time.Duration)
	}{
		{name: "429RetryAfterSeconds", script: []scripted{{429, map[string]string{"Retry-After": "3"}, `{"error":"tooManyRequests"}`}},
			wantCalls: 2, checkWait: func(t *testing.T, w []time.Duration) {
				if len(w) != 1 || w[0] != 3*time.Second {
					t.Errorf("waits %v, want [3s]", w)
				}
			}},
		{name: "429RetryAfterDate", script: []scripted{{429, map[string]string{"Retry-After": "Mon, 10 Mar 2025 12:00:07 GMT"}, ""}},
			wantCalls: 2, checkWait: func(t *testing.T, w []time.Duration) {
				if len(w) != 1 || w[0] != 7*time.Second {
					t.Errorf("waits %v, want [7s]", w)
				}
			}},
		{name: "429WithoutRetryAfterBacksOff", script: []scripted{{429, nil, ""}}, wantCalls: 2,
			checkWait: func(t *testing.T, w []time.Duration) {
				if len(w) != 1 || !within(w[0], 0) {
					t.Errorf("waits %v", w)
				}
			}},
		{name: "5xxBackOffExponentially", script: []scripted{{500, nil, internal}, {502, nil, "<html>bad gateway</html>"},
			{503, nil, ""}, {504, nil, ""}}, wantCalls: 5,
			checkWait: func(t *testing.T, w []time.Duration) {
				for i, d := range w {
					if !within(d, i) {
						t.Errorf("wait %d = %v, outside the backoff window", i, d)
					}
				}
				if len(w) != 4 {
					t.Errorf("waits %v", w)
				}
			}},
		{name: "ErrGiveUpAfterMaxRetries", script: []scripted{{500, nil, internal}, {500, nil, internal}, {500, nil, internal},
			{500, nil, internal}, {500, nil, internal}}, wantCalls: 5, wantErr: 500},
		{name: "ErrRetryAfterTooLong", script: []scripted{{429, map[string]string{"Retry-After": "600"}, ""}}, wantCalls: 1, wantErr: 429},
		{name: "MalformedBodyRetried", script: []scripted{{200, nil, `{"id":"x","apiHo`}}, wantCalls: 2},
		{name: "Err400NotRetried", script: []scripted{{400, nil, `{"error":"badRequest","message":"pageSize too big"}`}}, wantCalls: 1, wantErr: 400},
		{name: "Err404NotRetried", script: []scripted{{404, nil, ""}}, wantCalls: 1, wantErr: 404},
		{name: "Err409NotRetried", script: []scripted{{409, nil, "{}"}}, wantCalls: 1, wantErr: 409},
		{name: "Err422NotRetried", script: []scripted{{422, nil, "{}"}}, wantCalls: 1, wantErr: 422},
		{name: "Err501NotRetried", script: []scripted{{501, nil, "{}"}}, wantCalls: 1, wantErr: 501},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			scriptTenant(b, tt.script...)
			_, err := b.client.GetTenant(context.Background(), "x")
			if n := len(b.callsTo("/partner/v1/tenants/x")); n != tt.wantCalls {
				t.Errorf("%d calls, want %d", n, tt.wantCalls)
			}
			waits := b.sleeps.All()
			if tt.wantErr == 0 {
				if err != nil {
					t.Fatalf("error %v", err)
				}
			} else {
				ae, ok := errors.AsType[*Error](err)
				if !ok || ae.Status != tt.wantErr {
					t.Fatalf("error %v, want status %d", err, tt.wantErr)
				}
				if len(waits) != tt.wantCalls-1 {
					t.Errorf("waits %v for %d calls", waits, tt.wantCalls)
				}
				if ae.Status == 429 && ae.RetryAfter != 600*time.Second {
					t.Errorf("RetryAfter %v", ae.RetryAfter)
				}
			}
			if tt.checkWait != nil {
				tt.checkWait(t, waits)
			}
		})
	}
}

func TestRetryNetwork(t *testing.T) {
	t.Parallel()

	t.Run("TruncatedBody", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var once sync.Once
		b.global.HandleFunc("GET /partner/v1/tenants/x", func(w http.ResponseWriter, r *http.Request) {
			cut := false
			once.Do(func() { cut = true })
			if cut {
				// Promise 100 bytes, send 10, hang up: a read error after
				// the headers, which the transport does not retry itself.
				w.Header().Set("Content-Length", "100")
				w.WriteHeader(200)
				w.Write([]byte(`{"id":"x",`))
				conn, _, _ := http.NewResponseController(w).Hijack()
				conn.Close()
				return
			}
			writeJSON(w, 200, map[string]string{"id": "x"})
		})
		if _, err := b.client.GetTenant(context.Background(), "x"); err != nil {
			t.Fatal(err)
		}
		if n := len(b.callsTo("/partner/v1/tenants/x")); n != 2 {
			t.Errorf("%d calls", n)
		}
	})

	t.Run("PerAttemptTimeout", func(t *testing.T) {
		t.Parallel()
		b := setup(t, func(o *Options) { o.Timeout = 100 * time.Millisecond })
		var once sync.Once
		b.global.HandleFunc("GET /partner/v1/tenants/x", func(w http.ResponseWriter, r *http.Request) {
			slow := false
			once.Do(func() { slow = true })
			if slow {
				select {
				case <-r.Context().Done():
				case <-time.After(2 * time.Second):
				}
				return
			}
			writeJSON(w, 200, map[string]string{"id": "x"})
		})
		if _, err := b.client.GetTenant(context.Background(), "x"); err != nil {
			t.Fatal(err)
		}
		if n := len(b.callsTo("/partner/v1/tenants/x")); n != 2 {
			t.Errorf("%d calls", n)
		}
	})

	t.Run("ErrUnreachable", func(t *testing.T) {
		t.Parallel()
		b := setup(t, func(o *Options) { o.MaxRetries = 2 })
		b.globalSrv.Close()
		_, err := b.client.WhoAmI(context.Background())
		if err == nil || ErrorKind(err) != centralpsa.KindUnavailable {
			t.Fatalf("error %v kind %s", err, ErrorKind(err))
		}
		if w := b.sleeps.All(); len(w) != 2 {
			t.Errorf("waits %v, want 2", w)
		}
	})

	t.Run("ContextEndsTheWait", func(t *testing.T) {
		t.Parallel()
		b := setup(t, func(o *Options) { o.SleepFunc = nil }) // the real sleep
		scriptTenant(b, scripted{429, map[string]string{"Retry-After": "30"}, ""})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := b.client.GetTenant(ctx, "x")
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
			t.Fatalf("error %v after %v", err, time.Since(start))
		}
		if ae, ok := errors.AsType[*Error](err); !ok || ae.Status != 429 {
			t.Errorf("the last failure is lost: %v", err)
		}
	})

	t.Run("NoRetriesWhenNegative", func(t *testing.T) {
		t.Parallel()
		b := setup(t, func(o *Options) { o.MaxRetries = -1 })
		scriptTenant(b, scripted{503, nil, ""})
		if _, err := b.client.GetTenant(context.Background(), "x"); err == nil {
			t.Fatal("succeeded")
		}
		if n := len(b.callsTo("/partner/v1/tenants/x")); n != 1 {
			t.Errorf("%d calls", n)
		}
	})
}

func TestRateLimiter(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *Options) { o.RequestsPerMinute = 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	// The token request spends the only token; whoami would wait a minute.
	_, err := b.client.WhoAmI(ctx)
	if err == nil || !strings.Contains(err.Error(), "rate limiter") {
		t.Fatalf("error %v, want the limiter to refuse", err)
	}
	if n := len(b.callsTo("")); n != 0 {
		t.Errorf("%d API calls got past the limiter", n)
	}
	if l := newLimiter(0); l.Burst() != 5 || float64(l.Limit()) != 5 {
		t.Errorf("default limiter %v/s burst %d", l.Limit(), l.Burst())
	}
}

func TestErrorKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		kind   centralpsa.Kind
		retry  bool
	}{
		{400, centralpsa.KindInvalid, false},
		{401, centralpsa.KindUnauthorized, false},
		{403, centralpsa.KindForbidden, false},
		{404, centralpsa.KindNotFound, false},
		{408, centralpsa.KindUnavailable, true},
		{409, centralpsa.KindConflict, false},
		{422, centralpsa.KindInvalid, false},
		{429, centralpsa.KindUnavailable, true},
		{500, centralpsa.KindUnavailable, true},
		{501, centralpsa.KindUnavailable, false},
		{502, centralpsa.KindUnavailable, true},
		{503, centralpsa.KindUnavailable, true},
		{504, centralpsa.KindUnavailable, true},
		{418, centralpsa.KindInternal, false},
	}
	c, _ := New(Options{ClientID: "id", ClientSecret: "s"})
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			t.Parallel()
			e := &Error{Method: "GET", Path: "/p", Status: tt.status}
			if e.Kind() != tt.kind || ErrorKind(fmt.Errorf("wrapped: %w", e)) != tt.kind || centralpsa.ErrorKind(e) != tt.kind {
				t.Errorf("kind %s, want %s", e.Kind(), tt.kind)
			}
			if _, retry := c.retryWait(0, tt.status, http.Header{}); retry != tt.retry {
				t.Errorf("retry %v, want %v", retry, tt.retry)
			}
			if errors.Is(e, ErrNotFound) != (tt.status == 404) {
				t.Error("ErrNotFound mismatch")
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	t.Parallel()
	e := &Error{Method: "GET", Path: "/common/v1/alerts", Status: 403, Code: "Forbidden", CorrelationID: "c-1", TenantID: "t-1"}
	want := "sophos central GET /common/v1/alerts (tenant t-1): 403 forbidden: Forbidden (correlation id c-1); Partner Assistance may be off"
	if !strings.HasPrefix(e.Error(), want) {
		t.Errorf("got  %q\nwant %q…", e.Error(), want)
	}
	if got := snippet([]byte("<html>\n\x00" + strings.Repeat("é", 300))); len(got) > 210 || strings.ContainsAny(got, "\n\x00") {
		t.Errorf("snippet %q", got)
	}
}
