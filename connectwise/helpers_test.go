package connectwise

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"centralpsa"
)

const (
	testCompany  = "acme"
	testPublic   = "PUBkey-4711"
	testPrivate  = "PRIVsecret-0xDEADBEEF"
	testClientID = "0c1d2e3f-4a5b-4c6d-8e7f-000000000001"
	sitePrefix   = "/site" // a base path, so absolute URLs in the client fail loudly
)

// testBundle is a raw httptest server that answers companyinfo, checks the
// credentials on every API call and routes only the advertised codebase.
type testBundle struct {
	t        *testing.T
	srv      *httptest.Server
	mux      *http.ServeMux
	client   *Client
	codebase atomic.Value // string, e.g. "v2025_1/"
	infoHits atomic.Int32
	logs     *syncBuffer

	mu     sync.Mutex
	sleeps []time.Duration
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

func setup(t *testing.T, tweak ...func(*Options)) *testBundle {
	t.Helper()
	b := &testBundle{t: t, mux: http.NewServeMux(), logs: &syncBuffer{}}
	b.codebase.Store("v2025_1/")
	b.mux.HandleFunc("GET "+sitePrefix+"/login/companyinfo/{company}", func(w http.ResponseWriter, r *http.Request) {
		b.infoHits.Add(1)
		if r.Header.Get("Authorization") != "" {
			t.Errorf("companyinfo got credentials")
		}
		if r.PathValue("company") != testCompany {
			io.WriteString(w, "null")
			return
		}
		writeJSON(w, 200, map[string]any{"CompanyName": "Acme MSP", "Codebase": b.codebase.Load(),
			"VersionCode": "v2025.1", "VersionNumber": "v4.6.1", "CompanyID": testCompany, "IsCloud": true, "SiteUrl": "na.example"})
	})
	b.srv = httptest.NewServer(b.mux)
	t.Cleanup(b.srv.Close)
	opts := Options{
		URL: b.srv.URL + sitePrefix, Company: testCompany, PublicKey: testPublic,
		PrivateKey: centralpsa.Secret(testPrivate), ClientID: testClientID, AllowHTTP: true,
		RequestsPerMinute: -1, Timeout: 2 * time.Second,
		Logger: slog.New(slog.NewTextHandler(io.MultiWriter(b.logs, t.Output()), &slog.HandlerOptions{Level: slog.LevelDebug})),
		SleepFunc: func(ctx context.Context, d time.Duration) error {
			b.mu.Lock()
			b.sleeps = append(b.sleeps, d)
			b.mu.Unlock()
			return ctx.Err()
		},
	}
	for _, f := range tweak {
		f(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	b.client = c
	return b
}

// handle registers an API handler; pattern is "METHOD /path" relative to
// the API root. Wrong credentials get 401 and a stale codebase gets the
// text/plain routing error, like the real server.
func (b *testBundle) handle(pattern string, h http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	b.mux.HandleFunc(method+" "+sitePrefix+"/{codebase}/apis/3.0"+path, func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("codebase")+"/" != b.codebase.Load().(string) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, "Cannot route. Codebase/company is invalid")
			return
		}
		if r.Header.Get("Authorization") != wantAuth() || r.Header.Get("clientId") != testClientID {
			writeJSON(w, 401, map[string]string{"code": "Unauthorized", "message": "bad credentials"})
			return
		}
		h(w, r)
	})
}

func (b *testBundle) sleepLog() []time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]time.Duration(nil), b.sleeps...)
}

func wantAuth() string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(testCompany+"+"+testPublic+":"+testPrivate))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// counter counts calls of a handler.
type counter struct{ n atomic.Int32 }

func (c *counter) wrap(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c.n.Add(1)
		h(w, r)
	}
}
