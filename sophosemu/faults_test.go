package sophosemu

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"centralpsa/emu"
)

func TestFaults(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 5})
	tests := []struct {
		name   string
		fault  emu.Fault
		status int
		check  func(t *testing.T, resp *http.Response, body []byte)
	}{
		{"TooManyRequests", TooManyRequests(1500 * time.Millisecond), 429, func(t *testing.T, resp *http.Response, body []byte) {
			if resp.Header.Get("Retry-After") != "2" {
				t.Errorf("Retry-After %q, want 2", resp.Header.Get("Retry-After"))
			}
			wantError(t, resp, body, 429, "tooManyRequests")
		}},
		{"ServiceUnavailable", ServerError(503), 503, func(t *testing.T, resp *http.Response, body []byte) {
			wantError(t, resp, body, 503, "internalServerError")
		}},
		{"Malformed", emu.Fault{Kind: emu.FaultMalformed}, 200, func(t *testing.T, resp *http.Response, body []byte) {
			if json.Valid(body) {
				t.Errorf("body is valid JSON: %s", body)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.fault
			f.PathPrefix, f.Times = "/partner/v1/tenants", 1
			b.srv.Faults().Add(f)
			resp, body := b.partnerGet(t, "/partner/v1/tenants")
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			tt.check(t, resp, body)
			if resp, _ := b.partnerGet(t, "/partner/v1/tenants"); resp.StatusCode != 200 {
				t.Errorf("fault fired twice: %d", resp.StatusCode)
			}
		})
	}
	t.Run("TokenError", func(t *testing.T) {
		f := TokenError(401, "oauth.client_disabled")
		f.Times = 1
		b.srv.Faults().Add(f)
		resp, body := b.postForm(t, map[string][]string{"grant_type": {"client_credentials"}})
		if resp.StatusCode != 401 || !strings.Contains(string(body), `"errorCode":"oauth.client_disabled"`) {
			t.Errorf("token fault: %d %s", resp.StatusCode, body)
		}
	})
	t.Run("ViaControlPath", func(t *testing.T) {
		body, _ := json.Marshal(ServerError(502))
		resp, _ := b.do(t, "POST", b.url+"/_emulator/faults", nil, string(body))
		if resp.StatusCode != 204 {
			t.Fatalf("POST fault: %d", resp.StatusCode)
		}
		if resp, _ := b.partnerGet(t, "/partner/v1/tenants"); resp.StatusCode != 502 {
			t.Errorf("status %d, want 502", resp.StatusCode)
		}
		b.do(t, "DELETE", b.url+"/_emulator/faults", nil, "")
		if resp, _ := b.partnerGet(t, "/partner/v1/tenants"); resp.StatusCode != 200 {
			t.Errorf("after clearing faults: %d", resp.StatusCode)
		}
	})
	t.Run("RequestLog", func(t *testing.T) {
		var got []int
		for _, r := range b.srv.Log().Requests() {
			if r.Path == "/partner/v1/tenants" {
				got = append(got, r.Status)
			}
		}
		if len(got) < 8 || got[0] != 429 || got[1] != 200 {
			t.Errorf("logged statuses %v", got)
		}
	})
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 3, RequestsPerMinute: 2, TenantClientID: "tc", TenantClientSecret: "ts"})
	// The partner's token request used its one-request burst.
	resp, body := b.partnerGet(t, "/partner/v1/tenants")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("status %d Retry-After %q, want 429 with Retry-After: %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	wantError(t, resp, body, 429, "tooManyRequests")
	// Another client id has its own bucket.
	if tok := b.token(t, "tc", "ts"); tok == "" {
		t.Error("tenant credential was throttled by the partner's usage")
	}
}

func TestControlRoutes(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 5, AlertsPerTenant: -1})
	ten := b.firstTenant(t, func(x Tenant) bool { return x.Reachable })
	resp, body := b.do(t, "POST", b.url+"/_emulator/sophos/alerts", nil, `{"tenantId":"`+ten.ID+`","severity":"high","agentName":"PC-9"}`)
	var created struct {
		ID string `json:"id"`
	}
	mustJSON(t, body, &created)
	if resp.StatusCode != 201 || len(b.srv.OpenAlerts(ten.ID)) != 1 || b.srv.OpenAlerts(ten.ID)[0].Severity != "high" {
		t.Fatalf("raise via control: %d %s", resp.StatusCode, body)
	}
	if resp, _ := b.do(t, "DELETE", b.url+"/_emulator/sophos/alerts/"+created.ID, nil, ""); resp.StatusCode != 204 || len(b.srv.OpenAlerts(ten.ID)) != 0 {
		t.Errorf("clear via control: %d", resp.StatusCode)
	}
	if resp, _ := b.do(t, "PUT", b.url+"/_emulator/sophos/usage", nil, `{"tenantId":"`+ten.ID+`","productCode":"CMS-MSP","quantity":9}`); resp.StatusCode != 204 {
		t.Errorf("usage via control: %d", resp.StatusCode)
	}
	if got := linesOf(b.srv, ten.ID); !bytes.Contains([]byte(strings.Join(codes(got), ",")), []byte("CMS-MSP")) {
		t.Errorf("usage after control PUT: %v", codes(got))
	}
	b.do(t, "POST", b.url+"/_emulator/sophos/tokens/expire", nil, "")
	if resp, _ := b.partnerGet(t, "/partner/v1/tenants"); resp.StatusCode != 401 {
		t.Errorf("after expiring tokens: %d, want 401", resp.StatusCode)
	}
}

func codes(lines []UsageLine) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l.ProductCode)
	}
	return out
}
