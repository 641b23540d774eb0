package connectwise

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"centralpsa"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	netErr := errors.New("connection reset by peer")
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	tests := []struct {
		status     int
		err        error
		cancelled  bool
		idempotent verdict // GET, PUT, PATCH, DELETE
		create     verdict // POST
	}{
		{200, nil, false, verdictFinal, verdictFinal},
		{201, nil, false, verdictFinal, verdictFinal},
		{400, nil, false, verdictFinal, verdictFinal},
		{401, nil, false, verdictFinal, verdictFinal},
		{403, nil, false, verdictFinal, verdictFinal},
		{404, nil, false, verdictFinal, verdictFinal},
		{405, nil, false, verdictFinal, verdictFinal},
		{409, nil, false, verdictFinal, verdictFinal},
		{422, nil, false, verdictFinal, verdictFinal},
		{429, nil, false, verdictRetry, verdictRetry},
		{500, nil, false, verdictRetry, verdictUnknown},
		{502, nil, false, verdictRetry, verdictUnknown},
		{503, nil, false, verdictRetry, verdictUnknown},
		{504, nil, false, verdictRetry, verdictUnknown},
		{0, netErr, false, verdictRetry, verdictUnknown},
		{0, context.DeadlineExceeded, false, verdictRetry, verdictUnknown},
		{0, dialErr, false, verdictRetry, verdictRetry},
		{0, netErr, true, verdictFinal, verdictUnknown},
		{0, dialErr, true, verdictFinal, verdictFinal},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%d/%v/cancelled=%v", tt.status, tt.err, tt.cancelled)
		if got := classify(true, tt.cancelled, tt.status, tt.err); got != tt.idempotent {
			t.Errorf("%s idempotent: got %d, want %d", name, got, tt.idempotent)
		}
		if got := classify(false, tt.cancelled, tt.status, tt.err); got != tt.create {
			t.Errorf("%s create: got %d, want %d", name, got, tt.create)
		}
	}
}

// failing answers with the given statuses in turn, then with ok.
func failing(hits *counter, ok func(http.ResponseWriter), statuses ...int) http.HandlerFunc {
	return hits.wrap(func(w http.ResponseWriter, r *http.Request) {
		if n := int(hits.n.Load()); n <= len(statuses) {
			if statuses[n-1] == 429 {
				w.Header().Set("Retry-After", "2")
				writeJSON(w, 429, map[string]string{"error": "ConnectWiseAPI", "message": "Too many requests. Please try again in 30 seconds."})
				return
			}
			writeJSON(w, statuses[n-1], map[string]string{"code": "ConnectWiseApi", "message": "A timeout has occured. Please try again."})
			return
		}
		ok(w)
	})
}

// hang holds a request until the client gives up. The body is read first:
// the server notices a closed connection only after that.
func hang(r *http.Request) {
	io.Copy(io.Discard, r.Body)
	select {
	case <-r.Context().Done():
	case <-time.After(3 * time.Second):
	}
}

func okBoards(w http.ResponseWriter) { writeJSON(w, 200, []map[string]any{{"id": 1}}) }

func TestRetries(t *testing.T) {
	t.Parallel()
	t.Run("429WaitsRetryAfter", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var hits counter
		b.handle("GET /service/boards", failing(&hits, okBoards, 429))
		if _, err := b.client.Boards.List(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		if s := b.sleepLog(); hits.n.Load() != 2 || len(s) != 1 || s[0] != 2*time.Second {
			t.Errorf("calls = %d, sleeps = %v; want 2 calls and one 2s wait", hits.n.Load(), s)
		}
	})
	t.Run("429RetryAfterHTTPDate", func(t *testing.T) {
		t.Parallel()
		now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
		b := setup(t, func(o *Options) { o.NowFunc = func() time.Time { return now } })
		var hits counter
		b.handle("GET /service/boards", hits.wrap(func(w http.ResponseWriter, r *http.Request) {
			if hits.n.Load() == 1 {
				w.Header().Set("Retry-After", now.Add(3*time.Second).Format(http.TimeFormat))
				w.WriteHeader(429)
				return
			}
			okBoards(w)
		}))
		if _, err := b.client.Boards.List(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		if s := b.sleepLog(); len(s) != 1 || s[0] != 3*time.Second {
			t.Errorf("sleeps = %v, want [3s]", s)
		}
	})
	t.Run("429BeyondCapIsReturned", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var hits counter
		b.handle("GET /service/boards", hits.wrap(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "3600")
			writeJSON(w, 429, map[string]string{"error": "ConnectWiseAPI", "message": "Too many requests."})
		}))
		_, err := b.client.Boards.List(t.Context(), nil)
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.RetryAfter != time.Hour || apiErr.Code != "ConnectWiseAPI" {
			t.Fatalf("err = %#v", err)
		}
		if hits.n.Load() != 1 || len(b.sleepLog()) != 0 || centralpsa.ErrorKind(err) != centralpsa.KindUnavailable {
			t.Errorf("calls = %d, sleeps = %v, kind = %s", hits.n.Load(), b.sleepLog(), centralpsa.ErrorKind(err))
		}
	})
	t.Run("500RetriedWithCappedBackoff", func(t *testing.T) {
		t.Parallel()
		b := setup(t, func(o *Options) { o.BaseBackoff, o.MaxBackoff = 100*time.Millisecond, 250*time.Millisecond })
		var hits counter
		b.handle("GET /service/boards", failing(&hits, okBoards, 500, 502, 503, 504))
		if _, err := b.client.Boards.List(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		s := b.sleepLog()
		if hits.n.Load() != 5 || len(s) != 4 {
			t.Fatalf("calls = %d, sleeps = %v", hits.n.Load(), s)
		}
		for i, d := range s {
			if limit := min(100*time.Millisecond<<i, 250*time.Millisecond); d < 0 || d > limit {
				t.Errorf("sleep %d = %v, want within [0, %v]", i, d, limit)
			}
		}
	})
	t.Run("500GivesUpAfterMaxRetries", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var hits counter
		b.handle("GET /service/boards", failing(&hits, okBoards, 500, 500, 500, 500, 500, 500))
		_, err := b.client.Boards.List(t.Context(), nil)
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.Status != 500 || hits.n.Load() != DefaultMaxRetries+1 {
			t.Errorf("err = %v after %d calls", err, hits.n.Load())
		}
	})
	t.Run("400NotRetried", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var hits counter
		b.handle("GET /service/boards", failing(&hits, okBoards, 400))
		_, err := b.client.Boards.List(t.Context(), nil)
		if centralpsa.ErrorKind(err) != centralpsa.KindInvalid || hits.n.Load() != 1 || len(b.sleepLog()) != 0 {
			t.Errorf("err = %v, calls = %d", err, hits.n.Load())
		}
	})
	t.Run("GetTimeoutRetried", func(t *testing.T) {
		t.Parallel()
		b := setup(t, func(o *Options) { o.Timeout = 50 * time.Millisecond })
		var hits counter
		b.handle("GET /service/boards", hits.wrap(func(w http.ResponseWriter, r *http.Request) {
			if hits.n.Load() == 1 {
				hang(r)
				return
			}
			okBoards(w)
		}))
		if _, err := b.client.Boards.List(t.Context(), nil); err != nil || hits.n.Load() != 2 {
			t.Errorf("err = %v after %d calls", err, hits.n.Load())
		}
	})
	t.Run("CancelledContextStopsWaiting", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		b := setup(t, func(o *Options) {
			o.SleepFunc = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
		})
		var hits counter
		b.handle("GET /service/boards", failing(&hits, okBoards, 503, 503))
		if _, err := b.client.Boards.List(ctx, nil); err == nil || hits.n.Load() != 1 {
			t.Errorf("err = %v after %d calls", err, hits.n.Load())
		}
	})
}

func TestCreateOutcomeUnknown(t *testing.T) {
	t.Parallel()
	ticket := &Ticket{Summary: "[Sophos] malware", Company: Ref(5), Board: Ref(1)}
	t.Run("Timeout", func(t *testing.T) {
		t.Parallel()
		b := setup(t, func(o *Options) { o.Timeout = 50 * time.Millisecond })
		var hits counter
		b.handle("POST /service/tickets", hits.wrap(func(w http.ResponseWriter, r *http.Request) {
			hang(r) // applied, but the answer never comes in time
		}))
		_, err := b.client.Tickets.Create(t.Context(), ticket)
		if !errors.Is(err, ErrOutcomeUnknown) || hits.n.Load() != 1 {
			t.Fatalf("err = %v after %d calls", err, hits.n.Load())
		}
		if centralpsa.ErrorKind(err) != centralpsa.KindUnavailable || !strings.Contains(err.Error(), "no answer within 50ms") {
			t.Errorf("err = %v (kind %s)", err, centralpsa.ErrorKind(err))
		}
	})
	t.Run("ServerError", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var hits counter
		b.handle("POST /service/tickets", failing(&hits, nil, 500))
		_, err := b.client.Tickets.Create(t.Context(), ticket)
		var apiErr *Error
		if !errors.Is(err, ErrOutcomeUnknown) || !errors.As(err, &apiErr) || apiErr.Status != 500 || hits.n.Load() != 1 {
			t.Errorf("err = %v after %d calls", err, hits.n.Load())
		}
	})
	t.Run("MalformedCreatedBody", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.handle("POST /service/tickets", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(201)
			io.WriteString(w, `{"id": 17, "summ`)
		})
		if _, err := b.client.Tickets.Create(t.Context(), ticket); !errors.Is(err, ErrOutcomeUnknown) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("ThrottledCreateIsRetried", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var hits counter
		b.handle("POST /service/tickets", failing(&hits, func(w http.ResponseWriter) { writeJSON(w, 201, map[string]int{"id": 9}) }, 429))
		got, err := b.client.Tickets.Create(t.Context(), ticket)
		if err != nil || got.ID != 9 || hits.n.Load() != 2 {
			t.Errorf("got %+v, %v after %d calls", got, err, hits.n.Load())
		}
	})
	t.Run("RefusedConnectionIsRetriedNotUnknown", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		if _, err := b.client.CompanyInfo(t.Context()); err != nil {
			t.Fatal(err)
		}
		b.srv.Close() // nothing listens any more: the POST never leaves
		_, err := b.client.Tickets.Create(t.Context(), ticket)
		if err == nil || errors.Is(err, ErrOutcomeUnknown) || len(b.sleepLog()) != DefaultMaxRetries {
			t.Errorf("err = %v, sleeps = %d", err, len(b.sleepLog()))
		}
	})
}

func TestRateLimiterWaitsOnContext(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *Options) { o.RequestsPerMinute, o.Burst = 1, 1 })
	b.handle("GET /service/boards", func(w http.ResponseWriter, r *http.Request) { okBoards(w) })
	// companyinfo takes the only token; the next call would wait a minute.
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := b.client.Boards.List(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "rate limiter") || time.Since(start) > 2*time.Second {
		t.Errorf("err = %v after %v", err, time.Since(start))
	}
}

func TestDefaultSleep(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if err := sleep(t.Context(), 30*time.Second); err != nil || time.Since(start) != 30*time.Second {
			t.Errorf("sleep: %v after %v", err, time.Since(start))
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if err := sleep(ctx, time.Hour); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 31*time.Second {
			t.Errorf("cancelled sleep: %v after %v", err, time.Since(start))
		}
	})
}
