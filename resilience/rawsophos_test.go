package resilience_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"centralpsa"
	"centralpsa/sophos"
)

// items is a Sophos page of n items made from one template with %d for a
// running number.
func items(n int, tmpl, pages string) string {
	var b strings.Builder
	b.WriteString(`{"items":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, tmpl, i)
	}
	b.WriteString(`],"pages":` + pages + `}`)
	return b.String()
}

// TestSophosDecoders feeds hostile and broken answers to the tenant,
// usage and alert decoders of the Sophos client, injected in front of the
// emulator so that authentication and hosts stay real. Each must give a
// complete value or an error of kind unavailable that names the field or
// record; never a panic, never part of a list.
func TestSophosDecoders(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("d", 10<<20)
	const tenant = `{"id":"t-%d","name":"Tenant","billingType":"usage","apiHost":"https://api-eu02.central.sophos.com","dataRegion":"eu02"}`
	const line = `{"accountId":"t-%d","productCode":"CIXA-MSP","billableQuantity":1,"actualQuantity":1,"orderedQuantity":1}`
	const alert = `{"id":"a-%d","type":"Event::Endpoint::OutOfDate","severity":"low","raisedAt":"2026-03-01T10:00:00.000Z"}`
	tests := []struct {
		name  string
		path  string // which answers to replace
		body  string
		call  string // tenants, tenant, usage, alerts, alert
		want  int    // items of a complete value; -1 = an error
		field string // what the error names
		check func(t *testing.T, v any)
	}{
		{"TenantsTruncated", "/partner/v1/tenants", `{"items":[{"id":"t-1","na`, "tenants", -1, "decode", nil},
		{"TenantsHTML", "/partner/v1/tenants", `<html>gateway</html>`, "tenants", -1, "decode", nil},
		{"TenantsItemsNull", "/partner/v1/tenants", `{"items":null,"pages":{"current":1,"total":1}}`, "tenants", -1, "items", nil},
		{"TenantsItemsMissing", "/partner/v1/tenants", `{"pages":{"current":1,"total":1}}`, "tenants", -1, "items", nil},
		{"TenantIDNumber", "/partner/v1/tenants", `{"items":[{"id":42,"name":"x"}],"pages":{"total":1}}`, "tenants", -1, "id", nil},
		{"TenantIDMissing", "/partner/v1/tenants", `{"items":[{"name":"x"}],"pages":{"total":1}}`, "tenants", -1, "id", nil},
		{"TenantNameObject", "/partner/v1/tenants", `{"items":[{"id":"t","name":{"first":"x"}}],"pages":{"total":1}}`, "tenants", -1, "name", nil},
		{"TenantsHugePage", "/partner/v1/tenants", items(10_000, tenant, `{"current":1,"total":1,"size":100,"maxSize":100}`), "tenants", 10_000, "", nil},
		{"TenantUnknownBillingType", "/partner/v1/tenants", items(1, strings.Replace(tenant, `"usage"`, `"flex-2027"`, 1), `{"total":1}`), "tenants", 1, "", func(t *testing.T, v any) {
			if bt := v.([]sophos.Tenant)[0].BillingType; bt != "flex-2027" {
				t.Errorf("billingType %q; an unknown value must come through as sent", bt)
			}
		}},
		{"TenantControlCharacters", "/partner/v1/tenants", `{"items":[{"id":"t","name":"A\u0000B\r\nC\u202eD"}],"pages":{"total":1}}`, "tenants", 1, "", func(t *testing.T, v any) {
			if n := v.([]sophos.Tenant)[0].Name; n != "A\x00B\r\nC\u202eD" {
				t.Errorf("name %q changed in decoding", n)
			}
		}},
		{"TenantTenMegabyteName", "/partner/v1/tenants", `{"items":[{"id":"t","name":"` + huge + `"}],"pages":{"total":1}}`, "tenants", 1, "", nil},
		{"GetTenantWrongShape", "/partner/v1/tenants/", `[{"id":"t"}]`, "tenant", -1, "decode", nil},
		{"UsageHugePage", "/billing/usage/", items(10_000, line, `{}`), "usage", 10_000, "", nil},
		{"UsageTruncated", "/billing/usage/", `{"items":[{"accountId":"t-1","billableQuantity":`, "usage", -1, "decode", nil},
		{"UsageQuantityWord", "/billing/usage/", `{"items":[{"accountId":"t","productCode":"X","billableQuantity":"many"}],"pages":{}}`, "usage", -1, "billableQuantity", nil},
		{"UsagePriceNotDecimal", "/billing/usage/", `{"items":[{"accountId":"t","productCode":"X","billableQuantity":1,"unitPrice":"1,40"}],"pages":{}}`, "usage", -1, "unitPrice", nil},
		{"UsageTenMegabyteDescription", "/billing/usage/", `{"items":[{"accountId":"t","productCode":"X","billableQuantity":1,"productDescription":"` + huge + `"}],"pages":{}}`, "usage", 1, "", nil},
		{"UsageRepeatedKey", "/billing/usage/", items(1, line, `{"nextKey":"K"}`), "usage", -1, "key", nil},
		{"AlertsHugePage", "/common/v1/alerts", items(10_000, alert, `{}`), "alerts", 10_000, "", nil},
		{"AlertSeverityCritical", "/common/v1/alerts", items(1, strings.Replace(alert, `"low"`, `"critical"`, 1), `{}`), "alerts", 1, "", func(t *testing.T, v any) {
			if s := v.([]sophos.Alert)[0].Severity; s != "critical" {
				t.Errorf("severity %q; an unknown value must come through as sent", s)
			}
		}},
		{"AlertTenMegabyteDescription", "/common/v1/alerts", `{"items":[{"id":"a","description":"` + huge + `"}],"pages":{}}`, "alerts", 1, "", nil},
		{"AlertIDMissing", "/common/v1/alerts", `{"items":[{"type":"X"}],"pages":{}}`, "alerts", -1, "id", nil},
		{"AlertRaisedAtWrong", "/common/v1/alerts", `{"items":[{"id":"a","raisedAt":"31/12/2025"}],"pages":{}}`, "alerts", -1, "raisedAt", nil},
		{"AlertAllowedActionsString", "/common/v1/alerts", `{"items":[{"id":"a","allowedActions":"acknowledge"}],"pages":{}}`, "alerts", -1, "allowedActions", nil},
		{"GetAlertTruncated", "/common/v1/alerts/", `{"id":"a","type":"Ev`, "alert", -1, "decode", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, worldOptions{customers: 4})
			_, so := w.clients()
			w.soEdit.replace(tt.path, tt.body)
			v, n, err := callSophos(t.Context(), w, so, tt.call)
			if w.soEdit.edits() == 0 {
				t.Fatal("no answer was replaced")
			}
			if tt.want < 0 {
				if err == nil {
					t.Fatalf("no error; got %d items", n)
				}
				if n != 0 {
					t.Errorf("%d items came back with the error", n)
				}
				if k := centralpsa.ErrorKind(err); k != centralpsa.KindUnavailable {
					t.Errorf("kind %s, want unavailable: %v", k, err)
				}
				if !strings.Contains(err.Error(), tt.field) {
					t.Errorf("error does not name %s: %v", tt.field, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v; want %d items", err, tt.want)
			}
			if n != tt.want {
				t.Fatalf("%d items, want %d", n, tt.want)
			}
			if tt.check != nil {
				tt.check(t, v)
			}
		})
	}
}

// callSophos makes one decoding call and returns its value and count.
func callSophos(ctx context.Context, w *world, so *sophos.Client, call string) (any, int, error) {
	tn := w.so.Tenants()[0]
	st := sophos.Tenant{ID: tn.ID, APIHost: tn.APIHost}
	switch call {
	case "tenants":
		v, err := so.ListTenants(ctx)
		return v, len(v), err
	case "tenant":
		v, err := so.GetTenant(ctx, tn.ID)
		if v == nil {
			return nil, 0, err
		}
		return v, 1, err
	case "usage":
		y, m := w.so.LastUsageMonth()
		v, err := so.Usage(ctx, y, int(m), sophos.UsageOptions{})
		if v == nil {
			return nil, 0, err
		}
		return v.Lines, len(v.Lines), err
	case "alerts":
		v, err := so.ListAlerts(ctx, st, sophos.AlertsOptions{})
		return v, len(v), err
	case "alert":
		v, err := so.GetAlert(ctx, st, w.so.OpenAlerts(tn.ID)[0].ID)
		if v == nil {
			return nil, 0, err
		}
		return v, 1, err
	}
	panic("unknown call " + call)
}
