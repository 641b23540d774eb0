package sophosemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a settable NowFunc.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testNow is mid-September, so the default three months are June–August.
var testNow = time.Date(2025, time.September, 15, 12, 0, 0, 0, time.UTC)

type testBundle struct {
	srv   *Server
	url   string
	clock *clock
	tok   string
}

// setup starts an emulator on loopback with a fixed clock and fetches a
// partner token.
func setup(t *testing.T, opts Options) *testBundle {
	t.Helper()
	c := &clock{t: testNow}
	if opts.NowFunc == nil {
		opts.NowFunc = c.Now
	}
	srv, u := Start(t, opts)
	b := &testBundle{srv: srv, url: u, clock: c}
	b.tok = b.token(t, DefaultClientID, DefaultClientSecret)
	return b
}

func (b *testBundle) token(t *testing.T, id, secret string) string {
	t.Helper()
	resp, body := b.postForm(t, url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "scope": {"token"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("token: status %d: %s", resp.StatusCode, body)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	mustJSON(t, body, &tr)
	return tr.AccessToken
}

func (b *testBundle) postForm(t *testing.T, form url.Values) (*http.Response, []byte) {
	t.Helper()
	return b.do(t, http.MethodPost, b.url+tokenPath, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, form.Encode())
}

// do sends one raw request and returns the response with its body read.
func (b *testBundle) do(t *testing.T, method, u string, hdr map[string]string, body string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, u, err)
	}
	return resp, data
}

// partnerGet calls the global host as the partner.
func (b *testBundle) partnerGet(t *testing.T, path string) (*http.Response, []byte) {
	t.Helper()
	return b.do(t, http.MethodGet, b.url+path, map[string]string{"Authorization": "Bearer " + b.tok, "X-Partner-ID": b.srv.PartnerID()}, "")
}

// tenantDo calls a tenant's apiHost as the partner.
func (b *testBundle) tenantDo(t *testing.T, ten Tenant, method, path, body string) (*http.Response, []byte) {
	t.Helper()
	hdr := map[string]string{"Authorization": "Bearer " + b.tok, "X-Tenant-ID": ten.ID}
	if body != "" {
		hdr["Content-Type"] = "application/json"
	}
	return b.do(t, method, strings.TrimRight(ten.APIHost, "/")+path, hdr, body)
}

// firstTenant returns the first tenant satisfying ok.
func (b *testBundle) firstTenant(t *testing.T, ok func(Tenant) bool) Tenant {
	t.Helper()
	for _, ten := range b.srv.Tenants() {
		if ok(ten) {
			return ten
		}
	}
	t.Fatal("no tenant matches")
	return Tenant{}
}

func mustJSON(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
}

// wantError checks status and the Central error shape with its code.
func wantError(t *testing.T, resp *http.Response, body []byte, status int, code string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, body)
	}
	var e map[string]any
	mustJSON(t, body, &e)
	for _, k := range []string{"error", "message", "correlationId", "requestId", "createdAt"} {
		if _, ok := e[k]; !ok {
			t.Errorf("error body lacks %q: %s", k, body)
		}
	}
	if e["error"] != code {
		t.Errorf("error = %v, want %q", e["error"], code)
	}
}

// page is a decoded list response.
type page struct {
	Items []map[string]any `json:"items"`
	Pages map[string]any   `json:"pages"`
}
