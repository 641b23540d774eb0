package customers

import (
	"strings"
	"testing"

	"centralpsa"
)

func TestSet(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, dsn func(*testing.T) string) {
		b := setup(t, dsn(t), 20)
		ctx := t.Context()
		active := b.activeAgreements()
		// Pick the emulator's cases: a company with one active agreement,
		// one with two, a cancelled agreement, and a deleted company.
		var single, double, cancelledCo, cancelledAg int64
		for co, ags := range active {
			switch {
			case len(ags) == 1 && single == 0:
				single = co
			case len(ags) > 1 && double == 0:
				double = co
			}
		}
		for _, a := range b.cw.Agreements() {
			if a["cancelledFlag"] == true {
				cancelledAg = int64(a["id"].(float64))
				cancelledCo = int64(a["company"].(map[string]any)["id"].(float64))
			}
		}
		deleted := b.companyID(t, "Old Ventures Ltd")
		if single == 0 || double == 0 || cancelledAg == 0 {
			t.Fatalf("seed lacks a case: single %d double %d cancelled %d", single, double, cancelledAg)
		}
		usageTenant, termTenant := "", ""
		for _, c := range b.customers {
			if c.BillingType == "usage" && usageTenant == "" {
				usageTenant = c.TenantID
			}
			if c.BillingType == "term" && termTenant == "" {
				termTenant = c.TenantID
			}
		}

		errs := []struct {
			name string
			req  SetRequest
			kind centralpsa.Kind
			msg  string
		}{
			{"ErrNoTenant", SetRequest{CompanyID: single}, centralpsa.KindInvalid, "tenant id is required"},
			{"ErrUnknownTenant", SetRequest{TenantID: "00000000-0000-4000-8000-000000000000", CompanyID: single}, centralpsa.KindNotFound, "unknown tenant"},
			{"ErrNoCompany", SetRequest{TenantID: usageTenant}, centralpsa.KindInvalid, "company id is required"},
			{"ErrUnknownCompany", SetRequest{TenantID: usageTenant, CompanyID: 987654}, centralpsa.KindNotFound, "unknown company 987654"},
			{"ErrDeletedCompany", SetRequest{TenantID: usageTenant, CompanyID: deleted}, centralpsa.KindInvalid, "deleted"},
			{"ErrAgreementOfAnotherCompany", SetRequest{TenantID: usageTenant, CompanyID: single, AgreementID: active[double][0]}, centralpsa.KindInvalid, "belongs to company"},
			{"ErrCancelledAgreement", SetRequest{TenantID: usageTenant, CompanyID: cancelledCo, AgreementID: cancelledAg}, centralpsa.KindInvalid, "cancelled"},
			{"ErrUnknownAgreement", SetRequest{TenantID: usageTenant, CompanyID: single, AgreementID: 987654}, centralpsa.KindNotFound, "unknown agreement"},
		}
		for _, tt := range errs {
			_, err := b.svc.Set(ctx, tt.req)
			if err == nil || centralpsa.ErrorKind(err) != tt.kind || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("%s: error %v (kind %s), want kind %s mentioning %q", tt.name, err, centralpsa.ErrorKind(err), tt.kind, tt.msg)
			}
		}
		for id, m := range b.mappings(t) {
			if m.Mapped() {
				t.Fatalf("a refused request stored a mapping for %s", id)
			}
		}

		// Defaults: usage on for an MSP Flex tenant, tickets off; the only
		// active agreement is filled in.
		m, err := b.svc.Set(ctx, SetRequest{TenantID: usageTenant, CompanyID: single})
		if err != nil {
			t.Fatal(err)
		}
		if m.CompanyID != single || m.AgreementID != active[single][0] || m.AgreementName == "" || !m.UsageEnabled || m.TicketsEnabled {
			t.Fatalf("usage tenant: %+v", m)
		}
		// A term tenant shares the company and agreement, with usage off.
		m, err = b.svc.Set(ctx, SetRequest{TenantID: termTenant, CompanyID: single, AgreementID: active[single][0]})
		if err != nil {
			t.Fatal(err)
		}
		if m.AgreementID != active[single][0] || m.UsageEnabled || m.TicketsEnabled {
			t.Fatalf("term tenant sharing the agreement: %+v", m)
		}
		// Two active agreements: none is guessed.
		on := true
		m, err = b.svc.Set(ctx, SetRequest{TenantID: termTenant, CompanyID: double, Tickets: &on})
		if err != nil {
			t.Fatal(err)
		}
		if m.CompanyID != double || m.AgreementID != 0 || !m.TicketsEnabled || m.UsageEnabled {
			t.Fatalf("company with two agreements: %+v", m)
		}
		// Re-setting keeps the switches unless asked.
		m, err = b.svc.Set(ctx, SetRequest{TenantID: termTenant, CompanyID: double, AgreementID: active[double][1]})
		if err != nil {
			t.Fatal(err)
		}
		if m.AgreementID != active[double][1] || !m.TicketsEnabled || m.UsageEnabled {
			t.Fatalf("re-set lost the switches: %+v", m)
		}
		if w := b.cw.Log().Writes(); len(w) != 0 {
			t.Fatalf("map set wrote to ConnectWise: %+v", w)
		}
	})
}

// TestSetFindsNewTenant maps a tenant that was never refreshed: Set reads
// the tenant list from Sophos once.
func TestSetFindsNewTenant(t *testing.T) {
	t.Parallel()
	b := setup(t, t.TempDir()+"/c.db", 5)
	c := b.customers[0]
	m, err := b.svc.Set(t.Context(), SetRequest{TenantID: c.TenantID, CompanyID: b.companyID(t, c.CompanyName)})
	if err != nil {
		t.Fatal(err)
	}
	if m.TenantName != c.TenantName || m.BillingType != c.BillingType || m.APIHost == "" {
		t.Fatalf("tenant details not stored: %+v", m)
	}
}
