package sophosemu

import (
	"net/http"
	"strings"
	"testing"
)

func TestTenantRouting(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 60})
	usage := b.firstTenant(t, func(x Tenant) bool { return x.BillingType == "usage" })
	term := b.firstTenant(t, func(x Tenant) bool { return x.BillingType == "term" && x.PartnerAssistance })
	termOff := b.firstTenant(t, func(x Tenant) bool { return x.BillingType == "term" && !x.PartnerAssistance })
	trial := b.firstTenant(t, func(x Tenant) bool { return x.BillingType == "trial" })
	other := b.firstTenant(t, func(x Tenant) bool { return x.DataRegion != usage.DataRegion })
	const alerts = "/common/v1/alerts"
	auth := "Bearer " + b.tok
	tests := []struct {
		name   string
		host   string
		tenant string
		status int
		code   string
	}{
		{"UsageTenantOnItsHost", usage.APIHost, usage.ID, 200, ""},
		{"TermTenantWithAssistance", term.APIHost, term.ID, 200, ""},
		{"ErrGlobalHost", b.url, usage.ID, 404, "notFound"},
		{"ErrOtherRegion", other.APIHost, usage.ID, 404, "notFound"},
		{"ErrBuiltRegionName", b.url + "/api-" + usage.DataRegion, usage.ID, 404, "notFound"},
		{"ErrUnknownRegion", b.url + "/r/de01", usage.ID, 404, "notFound"},
		{"ErrNoTenantHeader", usage.APIHost, "", 401, "Unauthorized"},
		{"ErrUnknownTenant", usage.APIHost, "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", 403, "Forbidden"},
		{"ErrTermWithoutAssistance", termOff.APIHost, termOff.ID, 403, "Forbidden"},
		{"ErrTrial", trial.APIHost, trial.ID, 403, "Forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := map[string]string{"Authorization": auth}
			if tt.tenant != "" {
				hdr["X-Tenant-ID"] = tt.tenant
			}
			resp, body := b.do(t, "GET", tt.host+alerts, hdr, "")
			if tt.status == 200 {
				if resp.StatusCode != 200 {
					t.Fatalf("status %d: %s", resp.StatusCode, body)
				}
				return
			}
			wantError(t, resp, body, tt.status, tt.code)
		})
	}
	t.Run("PartnerAssistanceTurnedOn", func(t *testing.T) {
		b.srv.SetPartnerAssistance(termOff.ID, true)
		resp, body := b.tenantDo(t, termOff, "GET", alerts, "")
		if resp.StatusCode != 200 {
			t.Errorf("status %d after enabling Partner Assistance: %s", resp.StatusCode, body)
		}
	})
	t.Run("ErrPartnerRouteOnRegionalHost", func(t *testing.T) {
		resp, body := b.do(t, "GET", usage.APIHost+"/partner/v1/tenants", map[string]string{"Authorization": auth, "X-Partner-ID": b.srv.PartnerID()}, "")
		wantError(t, resp, body, http.StatusNotFound, "notFound")
	})
	t.Run("RealRegionsOnly", func(t *testing.T) {
		for _, ten := range b.srv.Tenants() {
			if _, ok := regionGeography[ten.DataRegion]; !ok {
				t.Errorf("tenant %s has region %q", ten.ID, ten.DataRegion)
			}
			if strings.Contains(ten.APIHost, "api-") || !strings.HasSuffix(ten.APIHost, "/r/"+ten.DataRegion) {
				t.Errorf("tenant apiHost %q", ten.APIHost)
			}
		}
	})
}

func TestTenantCredentialScope(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 10, TenantClientID: "tc", TenantClientSecret: "ts"})
	tok := b.token(t, "tc", "ts")
	own := b.srv.Tenants()[0]
	var other Tenant
	for _, x := range b.srv.Tenants()[1:] {
		if x.DataRegion == own.DataRegion || other.ID == "" {
			other = x
		}
	}
	resp, _ := b.do(t, "GET", own.APIHost+"/common/v1/alerts", map[string]string{"Authorization": "Bearer " + tok, "X-Tenant-ID": own.ID}, "")
	if resp.StatusCode != 200 {
		t.Errorf("own tenant: %d", resp.StatusCode)
	}
	resp, _ = b.do(t, "GET", other.APIHost+"/common/v1/alerts", map[string]string{"Authorization": "Bearer " + tok, "X-Tenant-ID": other.ID}, "")
	if resp.StatusCode != 403 {
		t.Errorf("another tenant: %d, want 403", resp.StatusCode)
	}
}
