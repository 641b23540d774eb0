package sophosemu

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// usagePages walks a month's key pages and returns every line.
func usagePages(t *testing.T, b *testBundle, path, query string) (lines []map[string]any, pages int) {
	t.Helper()
	key := ""
	for {
		q := query
		if key != "" {
			q += "&pageFromKey=" + url.QueryEscape(key)
		}
		resp, body := b.partnerGet(t, path+"?"+q)
		if resp.StatusCode != 200 {
			t.Fatalf("%s?%s: %d %s", path, q, resp.StatusCode, body)
		}
		var p page
		mustJSON(t, body, &p)
		if key != "" && p.Pages["fromKey"] != key {
			t.Errorf("fromKey %v, want the requested %q", p.Pages["fromKey"], key)
		}
		lines, pages = append(lines, p.Items...), pages+1
		next, has := p.Pages["nextKey"]
		if !has {
			return lines, pages
		}
		if next == "" || pages > 1000 {
			t.Fatalf("bad nextKey %v after %d pages", next, pages)
		}
		key = next.(string)
	}
}

func TestUsagePaging(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 500})
	want := b.srv.Usage(2025, time.August)
	if len(want) < 1200 {
		t.Fatalf("August has %d lines; the test needs at least 1,200", len(want))
	}
	got, pages := usagePages(t, b, "/partner/v1/billing/usage/2025/8", "pageSize=100")
	if len(got) != len(want) || pages != (len(want)+99)/100 {
		t.Fatalf("%d lines over %d pages, want %d over %d", len(got), pages, len(want), (len(want)+99)/100)
	}
	for i, l := range got {
		acc, _ := l["accountId"].(string)
		if acc != want[i].AccountID || l["productCode"] != want[i].ProductCode || l["billableQuantity"] != float64(want[i].BillableQuantity) {
			t.Fatalf("line %d = %v, want %+v", i, l, want[i])
		}
	}
	t.Run("ClampedPageSize", func(t *testing.T) {
		_, body := b.partnerGet(t, "/partner/v1/billing/usage/2025/8?pageSize=5000&pageTotal=true")
		var p page
		mustJSON(t, body, &p)
		if len(p.Items) != 100 || p.Pages["maxSize"] != float64(100) || p.Pages["items"] != float64(len(want)) {
			t.Errorf("%d items, pages %v", len(p.Items), p.Pages)
		}
	})
	t.Run("ErrBadKey", func(t *testing.T) {
		resp, body := b.partnerGet(t, "/partner/v1/billing/usage/2025/8?pageFromKey=abc")
		wantError(t, resp, body, 400, "badRequest")
	})
}

func TestUsageMonths(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 20})
	_, plain := b.partnerGet(t, "/partner/v1/billing/usage/2025/8")
	_, padded := b.partnerGet(t, "/partner/v1/billing/usage/2025/08")
	if !bytes.Equal(plain, padded) || !bytes.Contains(plain, []byte(`"billingStartDate":"2025-08-01"`)) {
		t.Errorf("month 8 and 08 differ or are not August:\n%.200s\n%.200s", plain, padded)
	}
	tests := []struct {
		path   string
		status int
		code   string
	}{
		{"2025/6", 200, ""},
		{"2025/7", 200, ""},
		{"2025/5", 404, "notFound"},
		{"2025/9", 404, "notFound"},
		{"2031/1", 404, "notFound"},
		{"2025/13", 400, "badRequest"},
		{"2025/0", 400, "badRequest"},
		{"25/8", 400, "badRequest"},
		{"2025/008", 400, "badRequest"},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.path, "/", "-"), func(t *testing.T) {
			resp, body := b.partnerGet(t, "/partner/v1/billing/usage/"+tt.path)
			if tt.status == 200 {
				if resp.StatusCode != 200 {
					t.Errorf("status %d: %s", resp.StatusCode, body)
				}
				return
			}
			wantError(t, resp, body, tt.status, tt.code)
			if tt.status == 404 && !strings.Contains(string(body), MsgNoUsageData) {
				t.Errorf("404 body %s lacks %q", body, MsgNoUsageData)
			}
		})
	}
}

func TestUsageContent(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 60})
	lines, _ := usagePages(t, b, "/partner/v1/billing/usage/2025/7", "pageSize=100")
	billing := map[string]string{}
	for _, ten := range b.srv.Tenants() {
		billing[ten.ID] = ten.BillingType
	}
	pairs, products := map[string]int{}, map[string]map[string]bool{}
	noAccount, unknown := 0, 0
	for _, l := range lines {
		for _, k := range []string{"unitPrice", "unitMsrp", "netPrice", "priceWithTaxes"} {
			if v, ok := l[k].(string); !ok || !strings.Contains(v, ".") {
				t.Fatalf("%s = %#v, want a decimal string", k, l[k])
			}
		}
		for _, k := range []string{"billableQuantity", "actualQuantity", "orderedQuantity"} {
			if _, ok := l[k].(float64); !ok {
				t.Fatalf("%s = %#v, want a number", k, l[k])
			}
		}
		acc, has := l["accountId"].(string)
		if !has {
			noAccount++
			continue
		}
		if billing[acc] != "usage" {
			t.Errorf("line for %s tenant %s", billing[acc], acc)
		}
		code := l["productCode"].(string)
		pairs[acc+" "+code]++
		if products[acc] == nil {
			products[acc] = map[string]bool{}
		}
		products[acc][code] = true
		if code == UnknownProductCode {
			unknown++
		}
	}
	multi := 0
	for _, n := range pairs {
		if n > 1 {
			multi++
		}
	}
	total := 0
	for _, ps := range products {
		total += len(ps)
	}
	avg := float64(total) / float64(len(products))
	if noAccount != 1 || unknown != 1 || multi == 0 || avg < 3 || avg > 5.5 {
		t.Errorf("lines without accountId %d (want 1), unknown-code lines %d (want 1), summed pairs %d (want >0), products per tenant %.1f (want ~4)",
			noAccount, unknown, multi, avg)
	}
}

func TestUsageFilters(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 30})
	usage := []Tenant{}
	for _, ten := range b.srv.Tenants() {
		if ten.BillingType == "usage" && len(usage) < 2 {
			usage = append(usage, ten)
		}
	}
	a, c := usage[0], usage[1]
	count := func(query string) map[string]int {
		lines, _ := usagePages(t, b, "/partner/v1/billing/usage/2025/8", query)
		out := map[string]int{}
		for _, l := range lines {
			acc, _ := l["accountId"].(string)
			out[acc]++
		}
		return out
	}
	want := map[string]int{a.ID: len(linesOf(b.srv, a.ID)), c.ID: len(linesOf(b.srv, c.ID))}
	for _, q := range []string{
		"accountId=" + a.ID + "," + c.ID,
		"accountId=" + a.ID + "&accountId=" + c.ID,
		"contactEmail=" + url.QueryEscape(strings.ToUpper(a.ContactEmail)+","+c.ContactEmail),
	} {
		if got := count(q); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: lines per tenant %v, want %v", q, got, want)
		}
	}
}

func linesOf(s *Server, tenantID string) []UsageLine {
	var out []UsageLine
	for _, l := range s.Usage(2025, time.August) {
		if l.AccountID == tenantID {
			out = append(out, l)
		}
	}
	return out
}

func TestUsageKnobs(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Tenants: 10})
	ten := b.firstTenant(t, func(x Tenant) bool { return x.BillingType == "usage" })
	code := ten.Products[0]
	b.srv.SetUsage(ten.ID, code, 77)
	b.srv.AddUsageLine(2025, time.August, UsageLine{AccountID: ten.ID, ProductCode: code, BillableQuantity: 3, ActualQuantity: 3, UnitPrice: "9.99"})
	lines, _ := usagePages(t, b, "/partner/v1/billing/usage/2025/8", "accountId="+ten.ID)
	var qty []float64
	for _, l := range lines {
		if l["productCode"] == code {
			qty = append(qty, l["billableQuantity"].(float64))
			if l["billableQuantity"] == float64(3) && l["unitPrice"] != "9.99" {
				t.Errorf("added line price %v, want 9.99", l["unitPrice"])
			}
		}
	}
	if fmt.Sprint(qty) != "[77 3]" {
		t.Errorf("quantities %v, want [77 3]", qty)
	}
	b.srv.RemoveUsage(ten.ID, code)
	if got := linesOf(b.srv, ten.ID); len(got) != len(ten.Products)-1 {
		t.Errorf("after RemoveUsage %d lines, want %d", len(got), len(ten.Products)-1)
	}
	b.srv.SetUsageIn(2025, time.September, ten.ID, code, 5)
	if resp, body := b.partnerGet(t, "/partner/v1/billing/usage/2025/9"); resp.StatusCode != 200 {
		t.Errorf("September after SetUsageIn: %d %s", resp.StatusCode, body)
	}
	b.srv.ClearUsage(2025, time.June)
	resp, body := b.partnerGet(t, "/partner/v1/billing/usage/2025/6")
	wantError(t, resp, body, 404, "notFound")
}
