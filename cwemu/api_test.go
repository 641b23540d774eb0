package cwemu_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"centralpsa/cwemu"
)

func TestCompanyInfo(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, http.MethodGet, b.base+"/login/companyinfo/CENTRALPSA_DEMO", nil, noAuth())
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	info := r.object(t)
	for _, k := range []string{"CompanyName", "Codebase", "VersionCode", "VersionNumber", "CompanyID", "IsCloud", "SiteUrl"} {
		if _, ok := info[k]; !ok {
			t.Errorf("companyinfo lacks %s: %s", k, r.body)
		}
	}
	if info["Codebase"] != "v2025_1/" || info["IsCloud"] != true {
		t.Errorf("companyinfo = %s", r.body)
	}
	unknown := b.do(t, http.MethodGet, b.base+"/login/companyinfo/nosuchco", nil, noAuth())
	if unknown.status != http.StatusOK || strings.TrimSpace(string(unknown.body)) != "null" {
		t.Errorf("unknown company: %d %q, want 200 null", unknown.status, unknown.body)
	}
}

func TestCodebaseRouting(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name, path string
		status     int
	}{
		{"Advertised", "/v2025_1/apis/3.0/service/priorities", http.StatusOK},
		{"Release", "/v4_6_release/apis/3.0/service/priorities", http.StatusOK},
		{"ReleaseAnyCase", "/V4_6_RELEASE/apis/3.0/service/priorities", http.StatusOK},
		{"OtherVersion", "/v2019_3/apis/3.0/service/priorities", http.StatusBadRequest},
		{"Doubled", "/v4_6_release/v4_6_release/apis/3.0/service/priorities", http.StatusBadRequest},
		{"Missing", "/apis/3.0/service/priorities", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do(t, http.MethodGet, b.base+tt.path, nil)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.status == http.StatusBadRequest {
				if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || string(r.body) != "Cannot route. Codebase/company is invalid" {
					t.Errorf("got %s %q, want text/plain Cannot route", ct, r.body)
				}
			}
		})
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	b := setup(t, func(o *cwemu.Options) {
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	o := b.srv.Options()
	tests := []struct {
		name      string
		opts      []reqOpt
		status    int
		plainBody bool
	}{
		{"Valid", nil, http.StatusOK, false},
		{"CompanyAnyCase", []reqOpt{basic(strings.ToUpper(o.Company)+"+"+o.PublicKey, o.PrivateKey)}, http.StatusOK, false},
		{"NoAuthorization", []reqOpt{noAuth()}, http.StatusUnauthorized, false},
		{"WrongPrivateKey", []reqOpt{basic(o.Company+"+"+o.PublicKey, "guessed-secret")}, http.StatusUnauthorized, false},
		{"WrongPublicKey", []reqOpt{basic(o.Company+"+nope", o.PrivateKey)}, http.StatusUnauthorized, false},
		{"WrongCompany", []reqOpt{basic("otherco+"+o.PublicKey, o.PrivateKey)}, http.StatusUnauthorized, false},
		{"NoPlus", []reqOpt{basic(o.PublicKey, o.PrivateKey)}, http.StatusUnauthorized, false},
		{"NoClientID", []reqOpt{func(r *http.Request) { r.Header.Del("clientId") }}, http.StatusUnauthorized, false},
		{"WrongClientID", []reqOpt{header("ClientID", "00000000-0000-0000-0000-000000000000")}, http.StatusUnauthorized, false},
		{"ClientIDHeaderCase", []reqOpt{func(r *http.Request) { r.Header.Del("clientId"); r.Header["CLIENTID"] = []string{o.ClientID} }}, http.StatusOK, false},
		{"AcceptJSON", []reqOpt{header("Accept", "application/json")}, http.StatusOK, false},
		{"AcceptBoth", []reqOpt{header("Accept", "application/vnd.connectwise.com+json; version=2019.4, application/json")}, http.StatusOK, false},
		{"AcceptHTML", []reqOpt{header("Accept", "text/html")}, http.StatusNotAcceptable, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do(t, http.MethodGet, "/company/companies/count", nil, tt.opts...)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if r.header.Get("api-current-version") != "2025.1" {
				t.Errorf("api-current-version = %q", r.header.Get("api-current-version"))
			}
			if tt.status == http.StatusUnauthorized {
				env := r.object(t)
				if env["code"] != "Unauthorized" || env["message"] == "" {
					t.Errorf("401 body = %s", r.body)
				}
			}
			if strings.Contains(string(r.body), o.PrivateKey) || strings.Contains(string(r.body), "guessed-secret") {
				t.Errorf("response leaks a private key: %s", r.body)
			}
		})
	}
	b.do(t, http.MethodPost, "/service/tickets", map[string]any{"summary": "x", "company": map[string]any{"id": 250}})
	if strings.Contains(logs.String(), o.PrivateKey) || logs.Len() == 0 {
		t.Errorf("logs missing or leaking the private key: %s", logs.String())
	}
}

func TestPlainClientIDError(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *cwemu.Options) { o.PlainClientIDError = true })
	r := b.do(t, http.MethodGet, "/company/companies", nil, func(r *http.Request) { r.Header.Del("clientId") })
	if r.status != http.StatusUnauthorized || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("got %d %s %q, want 401 text/plain", r.status, r.header.Get("Content-Type"), r.body)
	}
}

func TestUnknownPathAndMethod(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodGet, "/company/nothing", http.StatusNotFound, ""},
		{http.MethodGet, "/service/tickets/abc", http.StatusNotFound, ""},
		{http.MethodDelete, "/system/members/100", http.StatusMethodNotAllowed, "GET, PUT, PATCH"},
		{http.MethodDelete, "/system/apiMembers/180", http.StatusMethodNotAllowed, "GET, PUT, PATCH"},
		{http.MethodPut, "/system/securityroles/2", http.StatusMethodNotAllowed, "GET, DELETE"},
		{http.MethodPatch, "/system/securityRoles/2", http.StatusMethodNotAllowed, "GET, DELETE"},
		{http.MethodPost, "/system/securityRoles/2/settings", http.StatusMethodNotAllowed, "GET"},
		{http.MethodPost, "/system/myMembers", http.StatusMethodNotAllowed, "GET"},
		{http.MethodPut, "/company/companies", http.StatusMethodNotAllowed, "GET, POST"},
		{http.MethodPost, "/company/companies/count", http.StatusMethodNotAllowed, "GET"},
		{http.MethodPost, "/company/companies/search", http.StatusMethodNotAllowed, ""},
		{http.MethodGet, "/service/tickets/search", http.StatusMethodNotAllowed, "POST"},
	}
	for _, tt := range tests {
		r := b.do(t, tt.method, tt.path, "{}")
		if r.status != tt.status {
			t.Errorf("%s %s: status %d, want %d: %s", tt.method, tt.path, r.status, tt.status, r.body)
			continue
		}
		if r.header.Get("Allow") != tt.allow {
			t.Errorf("%s %s: Allow %q, want %q", tt.method, tt.path, r.header.Get("Allow"), tt.allow)
		}
		if env := r.object(t); env["code"] == "" {
			t.Errorf("%s %s: body %s has no code", tt.method, tt.path, r.body)
		}
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, http.MethodGet, "/service/tickets/999999", nil)
	env := r.object(t)
	if r.status != http.StatusNotFound || env["code"] != "NotFound" || env["message"] != "Ticket 999999 not found" {
		t.Errorf("got %d %s", r.status, r.body)
	}
	r = b.do(t, http.MethodGet, "/finance/agreements/999999/additions", nil)
	if env := r.object(t); r.status != http.StatusNotFound || env["message"] != "Agreement 999999 not found" {
		t.Errorf("additions of a missing agreement: %d %s", r.status, r.body)
	}
	// A child fetched under the wrong parent is not found either.
	r = b.do(t, http.MethodGet, "/service/boards/1/statuses/5", nil)
	if r.status != http.StatusNotFound {
		t.Errorf("status 5 under board 1: %d %s", r.status, r.body)
	}
}
