package customers

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/store"
	"centralpsa/usage"
)

func TestProducts(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, dsn func(*testing.T) string) {
		b := setup(t, dsn(t), 20)
		ctx := t.Context()
		y, mo := b.so.LastUsageMonth()
		b.so.SetUsage(b.customers[0].TenantID, "NDR-MSP", 4)
		billed := map[string]bool{}
		for _, l := range b.so.Usage(y, mo) {
			billed[strings.ToUpper(l.ProductCode)] = true
		}

		list, err := b.svc.Products(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("%04d-%02d", y, mo); list.Month != want {
			t.Errorf("month %q, want the latest with data %q", list.Month, want)
		}
		rows := map[string]ProductRow{}
		for _, r := range list.Products {
			rows[strings.ToUpper(r.Code)] = r
		}
		for code := range billed {
			if r, ok := rows[code]; !ok || !r.Seen {
				t.Errorf("billed code %s missing or not marked seen: %+v", code, r)
			}
		}
		for _, c := range defaultCodes {
			r, ok := rows[c]
			if !ok || r.CatalogIdentifier != usage.DefaultIdentifier(c) || r.Source != store.SourceDefault {
				t.Errorf("default %s: %+v", c, r)
			}
			// A default code's identifier comes from the table, never from
			// the "Sophos_" + code fallback; this catches drift between
			// defaultCodes and the usage package.
			if r.CatalogIdentifier == "Sophos_"+strings.NewReplacer("-", "_").Replace(c) {
				t.Errorf("%s is not in usage's default table", c)
			}
		}
		if r := rows["NDR-MSP"]; r.CatalogIdentifier != "Sophos_NDR_MSP" || r.InConnectWise {
			t.Errorf("fallback row: %+v", r)
		}
		catalogCalls := 0
		for _, r := range b.cw.Log().Requests() {
			if strings.HasSuffix(r.Path, "/procurement/catalog") {
				catalogCalls++
			}
		}
		if want := (len(list.Products) + catalogChunk - 1) / catalogChunk; catalogCalls > want {
			t.Errorf("%d catalog requests for %d rows, want at most %d", catalogCalls, len(list.Products), want)
		}

		errs := []struct {
			code, id string
			kind     centralpsa.Kind
			msg      string
		}{
			{"", "MSP-EDR-BUNDLE", centralpsa.KindInvalid, "product code is required"},
			{"CIXA-MSP", "", centralpsa.KindInvalid, ""},
			{"CIXA-MSP", strings.Repeat("x", 61), centralpsa.KindInvalid, ""},
			{"CIXA-MSP", "No-Such-Item", centralpsa.KindNotFound, "no ConnectWise catalog item"},
			{"CIXA-MSP", "LEGACY-AV-SEAT", centralpsa.KindInvalid, "inactive"},
		}
		for _, tt := range errs {
			_, err := b.svc.SetProduct(ctx, tt.code, tt.id)
			if err == nil || centralpsa.ErrorKind(err) != tt.kind || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("set %q → %q: %v (kind %s), want kind %s mentioning %q", tt.code, tt.id, err, centralpsa.ErrorKind(err), tt.kind, tt.msg)
			}
		}

		p, err := b.svc.SetProduct(ctx, "CIXA-MSP", "msp-edr-bundle")
		if err != nil {
			t.Fatal(err)
		}
		if p.CatalogIdentifier != "MSP-EDR-BUNDLE" || p.CatalogID == 0 || p.Source != store.SourceUser {
			t.Fatalf("stored: %+v", p)
		}
		// The same code in another case updates the one row.
		if _, err := b.svc.SetProduct(ctx, "cixa-msp", "MSP-EDR-BUNDLE"); err != nil {
			t.Fatal(err)
		}
		list, err = b.svc.Products(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range list.Products {
			if strings.EqualFold(r.Code, "CIXA-MSP") {
				n++
				if r.Source != store.SourceUser || r.CatalogIdentifier != "MSP-EDR-BUNDLE" || !r.InConnectWise || r.CatalogID != p.CatalogID {
					t.Errorf("override row: %+v", r)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d rows for CIXA-MSP, want 1", n)
		}
	})
}

// TestProductsWithoutBillingData: no month with data is not an error, and
// the table still lists the defaults.
func TestProductsWithoutBillingData(t *testing.T) {
	t.Parallel()
	b := setup(t, t.TempDir()+"/c.db", 3)
	y, m := b.so.LastUsageMonth()
	for i := range 6 {
		d := time.Date(y, m-time.Month(i), 1, 0, 0, 0, 0, time.UTC)
		b.so.ClearUsage(d.Year(), d.Month())
	}
	list, err := b.svc.Products(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if list.Month != "" || len(list.Products) != len(defaultCodes) {
		t.Fatalf("month %q with %d rows, want none and the %d defaults", list.Month, len(list.Products), len(defaultCodes))
	}
	for _, r := range list.Products {
		if r.Seen {
			t.Errorf("%s seen without data", r.Code)
		}
	}
}
