package cwemu_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"centralpsa/cwemu"
)

// testBundle is a running emulator and what a test needs to call it.
type testBundle struct {
	srv  *cwemu.Server
	base string // emulator URL
	root string // API root on the advertised codebase
}

func setup(t *testing.T, opts ...func(*cwemu.Options)) *testBundle {
	t.Helper()
	o := cwemu.Options{NowFunc: func() time.Time { return time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC) }}
	for _, f := range opts {
		f(&o)
	}
	srv, url := cwemu.Start(t, o)
	return &testBundle{srv: srv, base: url, root: url + "/" + srv.Options().Codebase + "apis/3.0"}
}

// response is a finished exchange, body read.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// list decodes a list body.
func (r response) list(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	r.json(t, &out)
	return out
}

func (r response) object(t *testing.T) map[string]any {
	t.Helper()
	var out map[string]any
	r.json(t, &out)
	return out
}

// reqOpt changes a request before it is sent.
type reqOpt func(*http.Request)

func header(k, v string) reqOpt { return func(r *http.Request) { r.Header.Set(k, v) } }

func noAuth() reqOpt { return func(r *http.Request) { r.Header.Del("Authorization") } }

func basic(user, pass string) reqOpt {
	return func(r *http.Request) {
		r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+pass)))
	}
}

// do sends a raw request to the API root (path starts with /) or, for a
// path starting with "http", to that URL, with valid credentials unless
// an option changes them.
func (b *testBundle) do(t *testing.T, method, path string, body any, opts ...reqOpt) response {
	t.Helper()
	target := path
	if !strings.HasPrefix(path, "http") {
		target = b.root + path
	}
	var rd io.Reader
	switch x := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(x)
	default:
		buf, err := json.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		t.Fatal(err)
	}
	o := b.srv.Options()
	basic(o.Company+"+"+o.PublicKey, o.PrivateKey)(req)
	req.Header.Set("clientId", o.ClientID)
	req.Header.Set("Accept", "application/vnd.connectwise.com+json; version=2025.1")
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, f := range opts {
		f(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// get is do for a GET that must succeed.
func (b *testBundle) get(t *testing.T, path string) response {
	t.Helper()
	r := b.do(t, http.MethodGet, path, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, r.status, r.body)
	}
	return r
}

// q builds a path with an encoded query, the way a careful client does.
func q(path string, kv ...string) string {
	var parts []string
	for i := 0; i+1 < len(kv); i += 2 {
		parts = append(parts, kv[i]+"="+urlEscape(kv[i+1]))
	}
	return path + "?" + strings.Join(parts, "&")
}

func urlEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

func ref(v any, key string) any {
	m, _ := v.(map[string]any)
	return m[key]
}
