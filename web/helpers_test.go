package web

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/doctor"
	"centralpsa/store"
)

// testBundle is one server on a fresh SQLite database.
type testBundle struct {
	srv  *Server
	http *httptest.Server
	db   *store.DB
	logs *syncBuffer
	env  map[string]string
}

// syncBuffer collects log lines from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

const testPassword = "correct horse battery"

// setup starts a server; edit may change the config before New.
func setup(t *testing.T, edit ...func(*Config)) *testBundle {
	t.Helper()
	return setupOn(t, filepath.Join(t.TempDir(), "c.db"), edit...)
}

// setupOn starts a server on the database at dsn; two servers on one dsn
// are two processes sharing a database.
func setupOn(t *testing.T, dsn string, edit ...func(*Config)) *testBundle {
	t.Helper()
	db, err := store.Open(t.Context(), dsn, store.Options{
		SecretKey: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b := &testBundle{db: db, logs: &syncBuffer{}, env: map[string]string{}}
	logger := slog.New(slog.NewTextHandler(io.MultiWriter(b.logs, t.Output()), &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := Config{
		Store: db,
		SettingsFunc: func(ctx context.Context) (*config.Settings, error) {
			return config.Load(ctx, func(k string) (string, bool) { v, ok := b.env[k]; return v, ok }, db)
		},
		DoctorFunc: func(ctx context.Context, s *config.Settings) *doctor.Report {
			return doctor.Run(ctx, s, doctor.Options{Logger: logger})
		},
		Logger:     logger,
		BcryptCost: bcrypt.MinCost,
	}
	for _, e := range edit {
		e(&cfg)
	}
	b.srv, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b.http = httptest.NewServer(b.srv.Handler())
	t.Cleanup(b.http.Close)
	return b
}

// withAdmin creates the user "admin" directly in the store.
func (b *testBundle) withAdmin(t *testing.T) *testBundle {
	t.Helper()
	if _, err := AddUser(t.Context(), b.db, "admin", testPassword, bcrypt.MinCost); err != nil {
		t.Fatal(err)
	}
	return b
}

// browser is a cookie-keeping client that does not follow redirects, so
// tests see every 303.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func (b *testBundle) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: b.http.URL, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// response is a finished request.
type response struct {
	status int
	header http.Header
	body   string
}

func (r response) location() string { return r.header.Get("Location") }

func (br *browser) do(req *http.Request) response {
	br.t.Helper()
	resp, err := br.c.Do(req)
	if err != nil {
		br.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(body)}
}

func (br *browser) request(method, path string, body io.Reader, header map[string]string) response {
	br.t.Helper()
	req, err := http.NewRequestWithContext(br.t.Context(), method, br.base+path, body)
	if err != nil {
		br.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return br.do(req)
}

func (br *browser) get(path string) response { return br.request("GET", path, nil, nil) }

func (br *browser) post(path string, form url.Values) response {
	return br.request("POST", path, strings.NewReader(form.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
}

// api sends a JSON request with the CSRF header when csrf is not "".
func (br *browser) api(method, path string, body any, csrf string) response {
	br.t.Helper()
	h := map[string]string{}
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
		h["Content-Type"] = "application/json"
	}
	if csrf != "" {
		h["X-CSRF-Token"] = csrf
	}
	return br.request(method, path, r, h)
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// formToken fetches path and returns the CSRF token of its first form.
func (br *browser) formToken(path string) string {
	br.t.Helper()
	r := br.get(path)
	m := csrfField.FindStringSubmatch(r.body)
	if m == nil {
		br.t.Fatalf("GET %s (%d) has no csrf_token field:\n%s", path, r.status, r.body)
	}
	return m[1]
}

// signIn signs in through the form and returns the session's CSRF token.
func (br *browser) signIn(username, password string) string {
	br.t.Helper()
	tok := br.formToken("/login")
	r := br.post("/login", url.Values{"csrf_token": {tok}, "username": {username}, "password": {password}})
	if r.status != http.StatusSeeOther {
		br.t.Fatalf("sign in: status %d\n%s", r.status, r.body)
	}
	return br.formToken("/setup")
}

// wantStatus fails unless r has the status.
func wantStatus(t *testing.T, what string, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.status, status, r.body)
	}
}

// wantAPIError checks the one JSON error shape.
func wantAPIError(t *testing.T, what string, r response, status int, code centralpsa.Kind) {
	t.Helper()
	var e apiError
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || r.status != status || e.Error.Code != code || e.Error.Message == "" {
		t.Fatalf("%s: status %d body %s; want %d with code %s", what, r.status, r.body, status, code)
	}
}

func regexp1(expr string) *regexp.Regexp { return regexp.MustCompile(expr) }

// htmlEscape escapes text as html/template writes it, for matching pages.
func htmlEscape(s string) string {
	return regexp.QuoteMeta(template.HTMLEscapeString(s))
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
