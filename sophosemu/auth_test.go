package sophosemu

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestToken(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 5})
	form := func(mod func(url.Values)) url.Values {
		f := url.Values{"grant_type": {"client_credentials"}, "client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret}, "scope": {"token"}}
		mod(f)
		return f
	}
	tests := []struct {
		name   string
		form   url.Values
		status int
		code   string
	}{
		{"Success", form(func(url.Values) {}), 200, "success"},
		{"ErrWrongSecret", form(func(f url.Values) { f.Set("client_secret", "not-the-secret-42") }), 401, "oauth.invalid_client_secret"},
		{"ErrUnknownClient", form(func(f url.Values) { f.Set("client_id", "nobody") }), 401, "oauth.client_app_does_not_exist"},
		{"ErrMissingScope", form(func(f url.Values) { f.Del("scope") }), 400, "oauth.invalid_scope"},
		{"ErrWrongGrant", form(func(f url.Values) { f.Set("grant_type", "password") }), 400, "oauth.unsupported_grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := b.postForm(t, tt.form)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			var m map[string]any
			mustJSON(t, body, &m)
			if m["errorCode"] != tt.code || m["message"] == nil || m["trackingId"] == nil {
				t.Errorf("body %s, want errorCode %q with message and trackingId", body, tt.code)
			}
			if strings.Contains(string(body), "not-the-secret-42") || strings.Contains(string(body), DefaultClientSecret) {
				t.Errorf("body echoes a secret: %s", body)
			}
			if tt.status == 200 && (m["token_type"] != "bearer" || m["expires_in"] != float64(3600) || m["access_token"] == "" || m["refresh_token"] == "") {
				t.Errorf("success body %s", body)
			}
		})
	}
	t.Run("ErrJSONBody", func(t *testing.T) {
		resp, _ := b.do(t, "POST", b.url+tokenPath, map[string]string{"Content-Type": "application/json"}, `{"grant_type":"client_credentials"}`)
		if resp.StatusCode != 400 {
			t.Errorf("status %d, want 400", resp.StatusCode)
		}
	})
	t.Run("SecretNotLogged", func(t *testing.T) {
		for _, r := range b.srv.Log().Requests() {
			if strings.Contains(r.Path+r.Query, "secret") {
				t.Errorf("request log holds a secret: %+v", r)
			}
		}
	})
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 3, TokenLifetime: 2 * time.Minute})
	whoami := func(tok string) int {
		resp, _ := b.do(t, "GET", b.url+"/whoami/v1", map[string]string{"Authorization": "Bearer " + tok}, "")
		return resp.StatusCode
	}
	if got := whoami(b.tok); got != 200 {
		t.Fatalf("fresh token: %d", got)
	}
	b.clock.Add(2*time.Minute + time.Millisecond)
	resp, body := b.do(t, "GET", b.url+"/whoami/v1", map[string]string{"Authorization": "Bearer " + b.tok}, "")
	wantError(t, resp, body, 401, "Unauthorized")

	tok := b.token(t, DefaultClientID, DefaultClientSecret)
	if got := whoami(tok); got != 200 {
		t.Fatalf("renewed token: %d", got)
	}
	b.srv.ExpireTokens()
	if got := whoami(tok); got != 401 {
		t.Errorf("after ExpireTokens: %d, want 401", got)
	}
	for _, bad := range []string{"", "garbage", strings.Repeat("x", 40)} {
		if got := whoami(bad); got != 401 {
			t.Errorf("bearer %q: %d, want 401", bad, got)
		}
	}
	resp, _ = b.do(t, "GET", b.url+"/whoami/v1", nil, "")
	if resp.StatusCode != 401 {
		t.Errorf("no Authorization: %d, want 401", resp.StatusCode)
	}
}

func TestRefreshGrant(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 3})
	resp, body := b.postForm(t, url.Values{"grant_type": {"client_credentials"}, "client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret}, "scope": {"token"}})
	var tr struct {
		RefreshToken string `json:"refresh_token"`
	}
	mustJSON(t, body, &tr)
	refresh := url.Values{"grant_type": {"refresh_token"}, "client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret}, "refresh_token": {tr.RefreshToken}}
	if resp, body = b.postForm(t, refresh); resp.StatusCode != 200 {
		t.Fatalf("refresh: %d %s", resp.StatusCode, body)
	}
	refresh.Set("refresh_token", "0000")
	if resp, _ = b.postForm(t, refresh); resp.StatusCode != 401 {
		t.Errorf("bad refresh token: %d, want 401", resp.StatusCode)
	}
}

func TestWhoami(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 4, TenantClientID: "tenant-cred", TenantClientSecret: "tenant-secret"})
	resp, body := b.do(t, "GET", b.url+"/whoami/v1", map[string]string{"Authorization": "Bearer " + b.tok}, "")
	var w struct {
		ID       string            `json:"id"`
		IDType   string            `json:"idType"`
		APIHosts map[string]string `json:"apiHosts"`
	}
	mustJSON(t, body, &w)
	if resp.StatusCode != 200 || w.IDType != "partner" || w.ID != b.srv.PartnerID() || w.APIHosts["global"] != b.url {
		t.Errorf("partner whoami = %s", body)
	}
	if _, ok := w.APIHosts["dataRegion"]; ok {
		t.Errorf("partner whoami has dataRegion: %s", body)
	}

	ttok := b.token(t, "tenant-cred", "tenant-secret")
	_, body = b.do(t, "GET", b.url+"/whoami/v1", map[string]string{"Authorization": "Bearer " + ttok}, "")
	mustJSON(t, body, &w)
	first := b.srv.Tenants()[0]
	if w.IDType != "tenant" || w.ID != first.ID || w.APIHosts["dataRegion"] != first.APIHost {
		t.Errorf("tenant whoami = %s, want tenant %s on %s", body, first.ID, first.APIHost)
	}
	resp, body = b.do(t, "GET", b.url+"/partner/v1/tenants", map[string]string{"Authorization": "Bearer " + ttok, "X-Partner-ID": b.srv.PartnerID()}, "")
	wantError(t, resp, body, 403, "Forbidden")
}

func TestTrailingSlashHosts(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 2, HostTrailingSlash: true})
	_, body := b.do(t, "GET", b.url+"/whoami/v1", map[string]string{"Authorization": "Bearer " + b.tok}, "")
	if !strings.Contains(string(body), `"global":"`+b.url+`/"`) {
		t.Errorf("whoami = %s, want a trailing slash", body)
	}
	if h := b.srv.Tenants()[0].APIHost; !strings.HasSuffix(h, "/") {
		t.Errorf("apiHost %q lacks the trailing slash", h)
	}
}

func TestPartnerHeader(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 3})
	auth := "Bearer " + b.tok
	tests := []struct {
		name    string
		partner string
		status  int
	}{
		{"Match", b.srv.PartnerID(), 200},
		{"ErrMissing", "", 401},
		{"ErrOtherPartner", "11111111-2222-4333-8444-555555555555", 403},
		{"ErrLowerCased", strings.ToLower(b.srv.PartnerID()), 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := map[string]string{"Authorization": auth}
			if tt.partner != "" {
				hdr["X-Partner-ID"] = tt.partner
			}
			for _, path := range []string{"/partner/v1/tenants", "/partner/v1/billing/usage/2025/8"} {
				resp, body := b.do(t, "GET", b.url+path, hdr, "")
				if resp.StatusCode != tt.status {
					t.Errorf("%s: status %d, want %d: %s", path, resp.StatusCode, tt.status, body)
				}
			}
		})
	}
}
