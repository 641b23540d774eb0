package sophos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"centralpsa"
)

// usageLineJSON is a line carrying all 35 fields, values made up for this
// test.
const usageLineJSON = `{
 "partnerAccountId": "9d7c0f4e-0000-4000-8000-000000000001", "partnerEdiAccountNumber": "4455667",
 "partnerAccountName": "Northwind MSP", "billingStartDate": "2025-02-01", "billingEndDate": "2025-02-31",
 "orderNumber": "ORD-77", "orderLineItemNumber": "ORD-77-3", "accountNumberOrSerialNumber": "C99ZZ",
 "productDescription": "Intercept X Advanced - MSP Monthly", "productGroup": "User", "sku": "CIXA1CSMG",
 "billableQuantity": 42, "externalId": "ext-1", "accountId": "acct-0001", "accountStatus": "active",
 "actualQuantity": 40.0, "productCode": "CIXA-MSP", "assignedAccountIdentifier": "Contoso & Sons",
 "contactName": "Ada", "contactEmail": "ada@example.test", "contactStreet": "1 Road", "contactCity": "Leeds",
 "contactCountry": "GBR", "contactZip": "LS1", "unitMsrpCurrency": "GBP", "unitMsrp": "2.10",
 "unitPriceCurrency": "GBP", "unitPrice": "1.40", "netPriceCurrency": "GBP", "netPrice": "58.80",
 "priceWithTaxesCurrency": "GBP", "priceWithTaxes": "70.56", "distributorAccountName": "Dist Ltd",
 "additionalDiscountPercentage": 12.5, "orderedQuantity": "50", "aFieldFromTheFuture": {"x": 1}
}`

func TestUsageLineDecode(t *testing.T) {
	t.Parallel()
	var got UsageLine
	if err := json.Unmarshal([]byte(usageLineJSON), &got); err != nil {
		t.Fatal(err)
	}
	want := UsageLine{
		PartnerAccountID: "9d7c0f4e-0000-4000-8000-000000000001", PartnerEdiAccountNumber: "4455667",
		PartnerAccountName: "Northwind MSP", BillingStartDate: "2025-02-01", BillingEndDate: "2025-02-31",
		OrderNumber: "ORD-77", OrderLineItemNumber: "ORD-77-3", AccountNumberOrSerialNumber: "C99ZZ",
		ProductDescription: "Intercept X Advanced - MSP Monthly", ProductGroup: "User", SKU: "CIXA1CSMG",
		BillableQuantity: 42, ExternalID: "ext-1", AccountID: "acct-0001", AccountStatus: "active",
		ActualQuantity: 40, ProductCode: "CIXA-MSP", AssignedAccountIdentifier: "Contoso & Sons",
		ContactName: "Ada", ContactEmail: "ada@example.test", ContactStreet: "1 Road", ContactCity: "Leeds",
		ContactCountry: "GBR", ContactZip: "LS1", UnitMsrpCurrency: "GBP", UnitMsrp: "2.10",
		UnitPriceCurrency: "GBP", UnitPrice: "1.40", NetPriceCurrency: "GBP", NetPrice: "58.80",
		PriceWithTaxesCurrency: "GBP", PriceWithTaxes: "70.56", DistributorAccountName: "Dist Ltd",
		AdditionalDiscountPercentage: "12.5", OrderedQuantity: 50,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("line (-want +got):\n%s", d)
	}
	if len(usageFields) != 35 {
		t.Errorf("%d usage fields, want 35", len(usageFields))
	}
	// Cost is exact: 42 × 1.40 = 58.80.
	cost := new(big.Rat).Mul(got.UnitPrice.Rat(), big.NewRat(got.BillableQuantity, 1))
	if cost.FloatString(2) != "58.80" {
		t.Errorf("cost %s", cost.FloatString(2))
	}

	var sparse UsageLine
	if err := json.Unmarshal([]byte(`{"accountId":"a","billableQuantity":0,"actualQuantity":null,"unitPrice":""}`), &sparse); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"accountId": true, "billableQuantity": true, "actualQuantity": false,
		"orderedQuantity": false, "unitPrice": false, "sku": false, "nonsense": false} {
		if sparse.Has(name) != want {
			t.Errorf("Has(%q) = %v", name, !want)
		}
	}
	if q, ok := sparse.Quantity("billable"); q != 0 || !ok {
		t.Errorf("billable quantity %d %v", q, ok)
	}
	if _, ok := sparse.Quantity("ordered"); ok {
		t.Error("ordered quantity present on a line without it")
	}
	if (UsageLine{BillableQuantity: 3}).Has("orderedQuantity") != true {
		t.Error("a hand-built line must have every field")
	}
}

func TestUsageLineFieldErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, field string
	}{
		{"QuantityWord", `{"accountId":"acct-9","billableQuantity":"abc"}`, "billableQuantity"},
		{"QuantityFraction", `{"actualQuantity":1.5}`, "actualQuantity"},
		{"QuantityBool", `{"orderedQuantity":true}`, "orderedQuantity"},
		{"QuantityExponent", `{"billableQuantity":1e3}`, "billableQuantity"},
		{"QuantityOverflow", `{"billableQuantity":99999999999999999999}`, "billableQuantity"},
		{"PriceComma", `{"unitPrice":"1,40"}`, "unitPrice"},
		{"PriceWord", `{"netPrice":"n/a"}`, "netPrice"},
		{"TextObject", `{"productCode":{"code":"CIXA"}}`, "productCode"},
		{"NotObject", `[1,2]`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := UsageLine{ProductCode: "untouched"}
			l := before
			err := json.Unmarshal([]byte(tt.body), &l)
			fe, ok := errors.AsType[*UsageFieldError](err)
			if !ok || fe.Field != tt.field {
				t.Fatalf("error %v, want a field error on %q", err, tt.field)
			}
			if tt.field != "" && !strings.Contains(err.Error(), "field "+tt.field) {
				t.Errorf("message %q does not name the field", err)
			}
			if d := cmp.Diff(before, l); d != "" {
				t.Errorf("line changed on error:\n%s", d)
			}
		})
	}
}

// usageServer serves n generated lines of February 2025 over key pages of
// pageSize; bad, when >= 0, is a line whose billableQuantity is "abc".
func usageServer(t *testing.T, b *testBundle, n, bad int) {
	b.global.HandleFunc("GET /partner/v1/billing/usage/{year}/{month}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("year") != "2025" || r.PathValue("month") != "2" {
			writeJSON(w, 404, map[string]string{"error": "notFound", "message": "No data for requested year or month", "correlationId": "c-404"})
			return
		}
		q := r.URL.Query()
		size, _ := strconv.Atoi(q.Get("pageSize"))
		if size != 100 {
			t.Errorf("pageSize %q", q.Get("pageSize"))
		}
		from := 0
		if k := q.Get("pageFromKey"); k != "" {
			from, _ = strconv.Atoi(strings.TrimPrefix(k, "K"))
		}
		items := []map[string]any{}
		for i := from; i < min(from+size, n); i++ {
			line := map[string]any{"accountId": fmt.Sprintf("acct-%04d", i%37), "productCode": []string{"CIXA-MSP", "XDR-MSP"}[i%2],
				"billableQuantity": i % 50, "actualQuantity": i%50 + 1, "unitPrice": "1.40", "unitPriceCurrency": "USD"}
			if i%100 == 99 {
				delete(line, "accountId") // standalone device subscriptions have none
			}
			if i == bad {
				line["billableQuantity"] = "abc"
			}
			items = append(items, line)
		}
		pages := map[string]any{"size": size, "maxSize": 100}
		if from > 0 {
			pages["fromKey"] = q.Get("pageFromKey")
		}
		if from+size < n {
			pages["nextKey"] = "K" + strconv.Itoa(from+size)
		}
		writeJSON(w, 200, map[string]any{"items": items, "pages": pages})
	})
}

func TestUsage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("TwelveHundredLines", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		usageServer(t, b, 1200, -1)
		rep, err := b.client.Usage(ctx, 2025, 2, UsageOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Year != 2025 || rep.Month != 2 || len(rep.Lines) != 1200 {
			t.Fatalf("report %d-%d with %d lines", rep.Year, rep.Month, len(rep.Lines))
		}
		for i, l := range rep.Lines {
			if l.BillableQuantity != int64(i%50) || l.UnitPrice != "1.40" || l.Has("accountId") != (i%100 != 99) {
				t.Fatalf("line %d: %+v", i, l)
			}
		}
		calls := b.callsTo("/partner/v1/billing/usage/2025/2")
		if len(calls) != 12 {
			t.Fatalf("%d page requests, want 12", len(calls))
		}
		for i, c := range calls {
			q, _ := url.ParseQuery(c.Query)
			want := ""
			if i > 0 {
				want = "K" + strconv.Itoa(i*100)
			}
			if q.Get("pageFromKey") != want || c.Header.Get("X-Partner-ID") != testPartner {
				t.Errorf("call %d: query %q partner %q", i, c.Query, c.Header.Get("X-Partner-ID"))
			}
		}
	})

	t.Run("AccountFilter", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		usageServer(t, b, 10, -1)
		if _, err := b.client.Usage(ctx, 2025, 2, UsageOptions{AccountIDs: []string{"a", "b"}}); err != nil {
			t.Fatal(err)
		}
		q, _ := url.ParseQuery(b.callsTo("/partner/v1/billing")[0].Query)
		if q.Get("accountId") != "a,b" {
			t.Errorf("accountId %q", q.Get("accountId"))
		}
	})

	t.Run("ErrNoDataForMissingMonth", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		usageServer(t, b, 10, -1)
		rep, err := b.client.Usage(ctx, 2025, 3, UsageOptions{})
		if !errors.Is(err, ErrNoData) || rep != nil {
			t.Fatalf("got %v, %v; want ErrNoData", rep, err)
		}
		if ErrorKind(err) != centralpsa.KindNotFound || !strings.Contains(err.Error(), "2025-03") {
			t.Errorf("kind %s, message %q", ErrorKind(err), err)
		}
		if n := len(b.callsTo("/partner/v1/billing/usage/2025/3")); n != 1 {
			t.Errorf("%d requests: a 404 must not be retried", n)
		}
	})

	t.Run("ErrOther404StaysError", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.global.HandleFunc("GET /partner/v1/billing/usage/{year}/{month}", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 404, map[string]string{"error": "resourceNotFound", "message": "Route not found"})
		})
		_, err := b.client.Usage(ctx, 2025, 2, UsageOptions{})
		if err == nil || errors.Is(err, ErrNoData) || !errors.Is(err, ErrNotFound) {
			t.Fatalf("error %v, want a plain 404", err)
		}
	})

	t.Run("ErrMalformedQuantity", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		usageServer(t, b, 1200, 517)
		rep, err := b.client.Usage(ctx, 2025, 2, UsageOptions{})
		fe, ok := errors.AsType[*UsageFieldError](err)
		if !ok || rep != nil {
			t.Fatalf("got %v, %v; want a field error", rep, err)
		}
		if fe.Index != 517 || fe.Field != "billableQuantity" || fe.AccountID != fmt.Sprintf("acct-%04d", 517%37) {
			t.Errorf("field error %+v", fe)
		}
		for _, w := range []string{"usage line 517", "billableQuantity", `"abc"`, "acct-0036"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("message %q lacks %q", err, w)
			}
		}
		if n := len(b.callsTo("/partner/v1/billing")); n != 6 {
			t.Errorf("%d requests, want 6 (no retry of a bad field)", n)
		}
	})

	t.Run("ErrNotAMonth", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		for _, ym := range [][2]int{{2025, 0}, {2025, 13}, {25, 1}} {
			if _, err := b.client.Usage(ctx, ym[0], ym[1], UsageOptions{}); ErrorKind(err) != centralpsa.KindInvalid {
				t.Errorf("%v: %v", ym, err)
			}
		}
		if n := len(b.callsTo("")); n != 0 {
			t.Errorf("%d requests for invalid months", n)
		}
	})
}

func TestDecimal(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"0", "1.40", "-0.5", "+3", "12345678901234567890.123456"} {
		if d, err := ParseDecimal(s); err != nil || d.String() != s || d.Rat() == nil {
			t.Errorf("ParseDecimal(%q) = %q, %v", s, d, err)
		}
	}
	for _, s := range []string{"", ".5", "1.", "1,40", "1e3", "abc", "--1", "1.2.3", " 1", strings.Repeat("9", 41)} {
		if _, err := ParseDecimal(s); err == nil {
			t.Errorf("ParseDecimal(%q) succeeded", s)
		}
	}
	var d Decimal
	if err := json.Unmarshal([]byte(`1.40`), &d); err != nil || d != "1.40" {
		t.Errorf("number: %q %v", d, err)
	}
	if b, _ := json.Marshal(Decimal("1.40")); string(b) != `"1.40"` {
		t.Errorf("marshal %s", b)
	}
}
