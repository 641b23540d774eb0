package resilience_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"centralpsa/config"
	"centralpsa/store"
	"centralpsa/web"
)

const apiPassword = "correct horse battery staple"

// apiClient is a signed-in client of a console on a fresh database.
type apiClient struct {
	t    *testing.T
	url  string
	http *http.Client
	csrf string
	db   *store.DB
}

func newAPI(t *testing.T) *apiClient {
	t.Helper()
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "c.db"), store.Options{SecretKey: testSecretKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	srv, err := web.New(web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BcryptCost: bcrypt.MinCost,
		SettingsFunc: func(ctx context.Context) (*config.Settings, error) {
			return config.Load(ctx, func(string) (string, bool) { return "", false }, db)
		}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	if _, err := web.AddUser(t.Context(), db, "admin", apiPassword, bcrypt.MinCost); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &apiClient{t: t, url: hs.URL, http: &http.Client{Jar: jar}, db: db}
	status, body := c.do("POST", "/api/v1/login", `{"username":"admin","password":"`+apiPassword+`"}`)
	var me struct{ CSRFToken string }
	if err := json.Unmarshal(body, &me); status != http.StatusOK || err != nil || me.CSRFToken == "" {
		t.Fatalf("login: %d %s", status, body)
	}
	c.csrf = me.CSRFToken
	return c
}

func (c *apiClient) do(method, path, body string) (int, []byte) {
	c.t.Helper()
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.url+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, out
}

// TestAPIBadInput sends broken and hostile bodies to the JSON API's
// writing routes: each answer is a 4xx (or 503 for a service the test
// console lacks) in the API's one error shape, with a short message;
// never a 500, and nothing stored. (Invalid UTF-8 inside a JSON string is
// not among them: encoding/json turns it into U+FFFD, which is text.)
func TestAPIBadInput(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("a", 10<<20)
	bodies := map[string]string{
		"Malformed":        `{"value":`,
		"NotAnObject":      `["value"]`,
		"WrongType":        `{"value":42}`,
		"NullValue":        `{"value":null}`,
		"UnknownField":     `{"value":"x","extra":true}`,
		"Empty":            ``,
		"NULValue":         `{"value":"Sophos\u0000Alerts"}`,
		"CRLFValue":        `{"value":"Sophos\r\nAlerts"}`,
		"BidiValue":        `{"value":"\u202eSophos"}`,
		"TenMegabyteValue": `{"value":"` + huge + `"}`,
		"TenMegabyteJunk":  huge,
	}
	routes := []struct{ method, path string }{
		{"PUT", "/api/v1/settings/tickets.board"},
		{"PUT", "/api/v1/settings/cw.company"},
		{"PUT", "/api/v1/settings/no.such.key"},
		{"PUT", "/api/v1/tickets/settings"},
		{"PUT", "/api/v1/customers/00000000-0000-0000-0000-000000000000"},
		{"POST", "/api/v1/customers/bulk"},
		{"PUT", "/api/v1/products/CIXA-MSP"},
		{"POST", "/api/v1/usage/apply"},
		{"POST", "/api/v1/login"},
	}
	c := newAPI(t)
	for _, rt := range routes {
		for name, body := range bodies {
			status, out := c.do(rt.method, rt.path, body)
			where := rt.method + " " + rt.path + " " + name
			if status/100 != 4 && status != http.StatusServiceUnavailable {
				t.Errorf("%s: status %d: %.300s", where, status, out)
				continue
			}
			var e struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(out, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Errorf("%s: %d is not in the error shape: %.300s", where, status, out)
			}
			if len(out) > 4000 {
				t.Errorf("%s: an error of %d bytes echoes the input", where, len(out))
			}
		}
	}
	stored, err := c.db.Settings(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 0 {
		t.Errorf("settings were stored from bad input: %q", keysOf(stored))
	}
	// The API still works: a good value is stored as sent.
	if status, out := c.do("PUT", "/api/v1/settings/tickets.board", `{"value":"Sophos Alerts – Düsseldorf"}`); status != http.StatusOK {
		t.Fatalf("a good value: %d %s", status, out)
	}
	if stored, _ := c.db.Settings(t.Context()); stored["tickets.board"] != "Sophos Alerts – Düsseldorf" {
		t.Errorf("stored %q", stored["tickets.board"])
	}
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
