package sophos

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testClientID = "3f0c8d2e-client-id"
	testSecret   = "s3cr3t-VALUE-9d81b7"
	testPartner  = "5AC55058-622D-4929-8E5D-8FF554F312FE"
)

// testBundle is a client wired to three raw httptest servers: the token
// service, the global API (under /g, so absolute paths fail loudly) and one
// regional API (under /r/eu02). Tests register handlers on global and
// region; both check the bearer token first.
type testBundle struct {
	client *Client
	global *http.ServeMux
	region *http.ServeMux

	idSrv, globalSrv, regionSrv *httptest.Server
	globalURL, regionURL        string

	tokenLife     atomic.Int64 // expires_in for new tokens
	tokenDelay    atomic.Int64 // nanoseconds the token service waits
	tokensIssued  atomic.Int32
	tokenRequests atomic.Int32

	mu        sync.Mutex
	valid     map[string]bool
	tokenForm []map[string][]string
	calls     []seenCall // every API request, in order
	whoami    any        // body of /whoami/v1; default partner

	now    *fakeClock
	sleeps *sleepLog
	logs   *syncBuffer
}

type seenCall struct {
	Server, Method, Path, Query string
	Header                      http.Header
	Body                        string
}

func setup(t *testing.T, mutate ...func(*Options)) *testBundle {
	t.Helper()
	b := &testBundle{global: http.NewServeMux(), region: http.NewServeMux(), valid: map[string]bool{},
		now: &fakeClock{t: time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)}, sleeps: &sleepLog{}, logs: &syncBuffer{}}
	b.tokenLife.Store(3600)
	b.idSrv = httptest.NewServer(http.HandlerFunc(b.serveToken))
	t.Cleanup(b.idSrv.Close)
	b.globalSrv = httptest.NewServer(b.api("global", "/g", b.global))
	t.Cleanup(b.globalSrv.Close)
	b.regionSrv = httptest.NewServer(b.api("region", "/r/eu02", b.region))
	t.Cleanup(b.regionSrv.Close)
	b.globalURL, b.regionURL = b.globalSrv.URL+"/g", b.regionSrv.URL+"/r/eu02"
	b.global.HandleFunc("GET /whoami/v1", func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		body := b.whoami
		b.mu.Unlock()
		if body == nil {
			body = map[string]any{"id": testPartner, "idType": "partner", "apiHosts": map[string]string{"global": b.globalURL + "/"}}
		}
		writeJSON(w, 200, body)
	})
	opts := Options{ClientID: testClientID, ClientSecret: testSecret, IDURL: b.idSrv.URL, APIURL: b.globalURL,
		AllowHTTP: true, RequestsPerMinute: -1, Timeout: 5 * time.Second,
		Logger:  slog.New(slog.NewTextHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		NowFunc: b.now.Now, SleepFunc: b.sleeps.Sleep}
	for _, m := range mutate {
		m(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	b.client = c
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("client log:\n%s", b.logs.String())
		}
	})
	return b
}

// serveToken is a minimal id.sophos.com: form body, the four fields, the
// id.sophos.com error shape.
func (b *testBundle) serveToken(w http.ResponseWriter, r *http.Request) {
	b.tokenRequests.Add(1)
	if d := time.Duration(b.tokenDelay.Load()); d > 0 {
		time.Sleep(d)
	}
	if r.Method != "POST" || r.URL.Path != "/api/v2/oauth2/token" ||
		r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.ParseForm() != nil {
		writeJSON(w, 400, map[string]string{"errorCode": "request.invalid", "message": "Bad Request"})
		return
	}
	b.mu.Lock()
	b.tokenForm = append(b.tokenForm, r.PostForm)
	b.mu.Unlock()
	switch {
	case r.PostForm.Get("client_id") != testClientID:
		writeJSON(w, 401, map[string]string{"errorCode": "oauth.client_app_does_not_exist", "message": "Unauthorized", "trackingId": "trk-1"})
	case r.PostForm.Get("client_secret") != testSecret:
		writeJSON(w, 401, map[string]string{"errorCode": "oauth.invalid_client_secret", "message": "Unauthorized", "trackingId": "trk-2"})
	case r.PostForm.Get("grant_type") != "client_credentials" || r.PostForm.Get("scope") != "token":
		writeJSON(w, 400, map[string]string{"errorCode": "request.invalid", "message": "Bad Request"})
	default:
		tok := fmt.Sprintf("jwt-%d-abcdef", b.tokensIssued.Add(1))
		b.mu.Lock()
		b.valid[tok] = true
		b.mu.Unlock()
		writeJSON(w, 200, map[string]any{"access_token": tok, "errorCode": "success", "expires_in": b.tokenLife.Load(),
			"message": "OK", "refresh_token": "ffff", "token_type": "bearer", "trackingId": "trk-ok"})
	}
}

// api checks the prefix and the bearer token, records the call and hands
// it to mux with the prefix removed.
func (b *testBundle) api(name, prefix string, mux *http.ServeMux) http.Handler {
	inner := http.StripPrefix(prefix, mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := new(bytes.Buffer)
		_, _ = body.ReadFrom(r.Body)
		r.Body.Close()
		b.mu.Lock()
		b.calls = append(b.calls, seenCall{Server: name, Method: r.Method, Path: strings.TrimPrefix(r.URL.Path, prefix),
			Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body.String()})
		ok := b.valid[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		b.mu.Unlock()
		if !strings.HasPrefix(r.URL.Path, prefix+"/") {
			writeJSON(w, 404, map[string]string{"error": "wrongHost", "message": "path outside " + prefix})
			return
		}
		if !ok {
			writeJSON(w, 401, map[string]string{"error": "Unauthorized", "correlationId": "corr-401", "requestId": "req-401"})
			return
		}
		r.Body = readCloser{strings.NewReader(body.String())}
		inner.ServeHTTP(w, r)
	})
}

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

// revokeAll makes every issued token invalid, as if Sophos expired them early.
func (b *testBundle) revokeAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	clear(b.valid)
}

func (b *testBundle) setWhoami(body any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.whoami = body
}

// callsTo returns the recorded calls whose path starts with prefix.
func (b *testBundle) callsTo(prefix string) []seenCall {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []seenCall
	for _, c := range b.calls {
		if strings.HasPrefix(c.Path, prefix) {
			out = append(out, c)
		}
	}
	return out
}

func (b *testBundle) tenant(id string) Tenant {
	return Tenant{ID: id, Name: "Tenant " + id, DataRegion: "eu02", BillingType: "usage", APIHost: b.regionURL}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fakeClock is the client's NowFunc; tests move it by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// sleepLog is the client's SleepFunc: it records the wait and returns at
// once, so retry tests take no wall time.
type sleepLog struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleepLog) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepLog) All() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
