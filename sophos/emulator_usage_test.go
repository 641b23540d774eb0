package sophos_test

import (
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/emu"
	"centralpsa/sophos"
	"centralpsa/sophosemu"
)

func TestEmulatorTenantPages(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		tenants, pages int
	}{
		{tenants: 250, pages: 3},
		{tenants: 100, pages: 1},
		{tenants: 101, pages: 2},
		{tenants: 1, pages: 1},
	} {
		t.Run(fmt.Sprintf("Tenants%dIn%dPages", tc.tenants, tc.pages), func(t *testing.T) {
			t.Parallel()
			r := startRig(t, sophosemu.Options{Tenants: tc.tenants, AlertsPerTenant: -1})
			got, err := r.client.ListTenants(t.Context())
			if err != nil {
				t.Fatalf("ListTenants: %v", err)
			}
			want := r.emu.Tenants()
			if len(got) != len(want) {
				t.Fatalf("got %d tenants, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i].ID != want[i].ID || got[i].APIHost != want[i].APIHost || got[i].DataRegion != want[i].DataRegion {
					t.Errorf("tenant %d = %s %s %s, want %s %s %s", i, got[i].ID, got[i].APIHost, got[i].DataRegion,
						want[i].ID, want[i].APIHost, want[i].DataRegion)
				}
			}
			reqs := r.calls("GET", "/partner/v1/tenants")
			if len(reqs) != tc.pages {
				t.Fatalf("%d tenant page requests, want %d: %+v", len(reqs), tc.pages, reqs)
			}
			for i, q := range reqs {
				v := query(t, q)
				if v.Get("pageSize") != "100" || v.Get("page") != strconv.Itoa(i+1) || v.Get("pageTotal") != "true" {
					t.Errorf("request %d query = %q, want page=%d&pageSize=100&pageTotal=true", i, q.Query, i+1)
				}
			}
		})
	}
}

type usageKey struct{ account, product string }

// topUp appends lines to a month until it holds n, cycling over tenants
// and a few products so that (accountId, productCode) pairs repeat and
// must be summed, with every 40th line lacking an accountId.
func topUp(s *sophosemu.Server, year int, month time.Month, n int) {
	tenants := s.Tenants()
	codes := []string{"CIXA-MSP", "CMDR-MSP", "SVRCIXA-MSP", "CDE-MSP"}
	for i := len(s.Usage(year, month)); i < n; i++ {
		l := sophosemu.UsageLine{ProductCode: codes[i%len(codes)], BillableQuantity: int64(i%7 + 1),
			ActualQuantity: int64(i%5 + 1), OrderedQuantity: int64(i%3 + 1)}
		if i%40 != 0 {
			l.AccountID = tenants[(i*7)%len(tenants)].ID
		}
		s.AddUsageLine(year, month, l)
	}
}

func TestEmulatorUsageReport(t *testing.T) {
	t.Parallel()
	const n = 1250
	for _, tc := range []struct {
		name    string
		prepare func(s *sophosemu.Server) (year int, month time.Month, accounts []string)
	}{
		{"GeneratedMonthToppedUp", func(s *sophosemu.Server) (int, time.Month, []string) {
			y, m := s.LastUsageMonth()
			topUp(s, y, m, n)
			return y, m, nil
		}},
		{"SyntheticOldMonth", func(s *sophosemu.Server) (int, time.Month, []string) {
			topUp(s, 2023, time.December, n)
			return 2023, time.December, nil
		}},
		{"FilteredByAccount", func(s *sophosemu.Server) (int, time.Month, []string) {
			y, m := s.LastUsageMonth()
			ts := s.Tenants()
			for range n {
				s.AddUsageLine(y, m, sophosemu.UsageLine{AccountID: ts[0].ID, ProductCode: "CIXA-MSP", BillableQuantity: 2, ActualQuantity: 2})
			}
			return y, m, []string{ts[0].ID, ts[1].ID}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := startRig(t, sophosemu.Options{Tenants: 120, AlertsPerTenant: -1})
			y, m, accounts := tc.prepare(r.emu)
			want := map[usageKey][2]int64{}
			lines := 0
			for _, l := range r.emu.Usage(y, m) {
				if len(accounts) > 0 && l.AccountID != accounts[0] && l.AccountID != accounts[1] {
					continue
				}
				k := usageKey{l.AccountID, l.ProductCode}
				want[k] = [2]int64{want[k][0] + l.BillableQuantity, want[k][1] + l.ActualQuantity}
				lines++
			}
			if lines < 1200 {
				t.Fatalf("test set-up: only %d lines", lines)
			}

			rep, err := r.client.Usage(t.Context(), y, int(m), sophos.UsageOptions{AccountIDs: accounts})
			if err != nil {
				t.Fatalf("Usage: %v", err)
			}
			if rep.Year != y || rep.Month != int(m) || len(rep.Lines) != lines {
				t.Fatalf("report %d-%d with %d lines, want %d-%d with %d", rep.Year, rep.Month, len(rep.Lines), y, m, lines)
			}
			got := map[usageKey][2]int64{}
			for i, l := range rep.Lines {
				k := usageKey{l.AccountID, l.ProductCode}
				got[k] = [2]int64{got[k][0] + l.BillableQuantity, got[k][1] + l.ActualQuantity}
				// Prices travel as decimal strings; the emulator's net price
				// is unit price times billable quantity, exactly.
				unit, net := l.UnitPrice.Rat(), l.NetPrice.Rat()
				if unit == nil || net == nil || net.Cmp(new(big.Rat).Mul(unit, big.NewRat(l.BillableQuantity, 1))) != 0 {
					t.Errorf("line %d: unit price %q × %d ≠ net price %q", i, l.UnitPrice, l.BillableQuantity, l.NetPrice)
				}
				if l.Has("accountId") != (l.AccountID != "") {
					t.Errorf("line %d: Has(accountId) = %v for accountId %q", i, l.Has("accountId"), l.AccountID)
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d (accountId, productCode) pairs, want %d", len(got), len(want))
			}
			for k, w := range want {
				if got[k] != w {
					t.Errorf("%v: billable/actual %v, want %v", k, got[k], w)
				}
			}

			reqs := r.calls("GET", fmt.Sprintf("/partner/v1/billing/usage/%d/%d", y, m))
			if pages := (lines + 99) / 100; len(reqs) != pages {
				t.Fatalf("%d usage page requests, want %d", len(reqs), pages)
			}
			keys := map[string]bool{}
			for i, q := range reqs {
				v := query(t, q)
				key := v.Get("pageFromKey")
				if v.Get("pageSize") != "100" || (i == 0) != (key == "") || keys[key] || q.Status != http.StatusOK {
					t.Errorf("usage request %d: query %q status %d", i, q.Query, q.Status)
				}
				keys[key] = true
				if len(accounts) > 0 && len(v["accountId"]) != 1 {
					t.Errorf("usage request %d: accountId filter %q, want one comma list", i, v["accountId"])
				}
			}
		})
	}
}

func TestEmulatorUsageNoData(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		year       int
		month      time.Month
		fault      *emu.Fault
		clear      bool
		wantNoData bool
		wantKind   centralpsa.Kind
	}{
		{name: "MonthBeforeAnyReport", year: 2019, month: time.January, wantNoData: true, wantKind: centralpsa.KindNotFound},
		{name: "CurrentMonth", year: 2025, month: time.September, wantNoData: true, wantKind: centralpsa.KindNotFound},
		{name: "ClearedMonth", year: 2025, month: time.August, clear: true, wantNoData: true, wantKind: centralpsa.KindNotFound},
		{name: "ErrOtherNotFound", year: 2025, month: time.August, wantKind: centralpsa.KindNotFound,
			fault: &emu.Fault{Kind: emu.FaultStatus, Status: 404, Body: `{"error":"notFound","message":"No route for this path."}`}},
		{name: "ErrGatewayPage404", year: 2025, month: time.August, wantKind: centralpsa.KindNotFound,
			fault: &emu.Fault{Kind: emu.FaultStatus, Status: 404, Body: "<html>Not Found</html>", ContentType: "text/html"}},
		{name: "ErrServer", year: 2025, month: time.August, wantKind: centralpsa.KindUnavailable,
			fault: new(sophosemu.ServerError(500))},
		{name: "ErrForbidden", year: 2025, month: time.August, wantKind: centralpsa.KindForbidden,
			fault: &emu.Fault{Kind: emu.FaultStatus, Status: 403, Body: `{"error":"Forbidden"}`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := startRig(t, sophosemu.Options{Tenants: 10, AlertsPerTenant: -1},
				func(o *sophos.Options) { o.MaxRetries = -1 })
			if tc.clear {
				r.emu.ClearUsage(tc.year, tc.month)
			}
			if tc.fault != nil {
				f := *tc.fault
				f.PathPrefix = "/partner/v1/billing/"
				r.emu.Faults().Add(f)
			}
			rep, err := r.client.Usage(t.Context(), tc.year, int(tc.month), sophos.UsageOptions{})
			if err == nil {
				t.Fatalf("Usage gave a report with %d lines, want an error", len(rep.Lines))
			}
			if rep != nil {
				t.Errorf("Usage returned a report beside the error: %+v", rep)
			}
			if errors.Is(err, sophos.ErrNoData) != tc.wantNoData {
				t.Errorf("errors.Is(%v, ErrNoData) = %v, want %v", err, !tc.wantNoData, tc.wantNoData)
			}
			if k := sophos.ErrorKind(err); k != tc.wantKind {
				t.Errorf("ErrorKind = %s, want %s (error %v)", k, tc.wantKind, err)
			}
			if n := len(r.calls("GET", "/partner/v1/billing/")); n != 1 {
				t.Errorf("%d usage requests, want 1", n)
			}
		})
	}
}

// usagePageBody is a one-page usage report whose second line carries
// field set to raw JSON.
func usagePageBody(field, raw string) string {
	line := func(acct, q string) string {
		return fmt.Sprintf(`{"accountId":%q,"productCode":"CIXA-MSP","billableQuantity":%s,"actualQuantity":%s,`+
			`"orderedQuantity":%s,"unitPrice":"2.25"}`, acct, q, q, q)
	}
	bad := strings.Replace(line("b1b2c3d4-0000-4000-8000-000000000002", "4"), `"`+field+`":4`, `"`+field+`":`+raw, 1)
	return `{"items":[` + line("a1b2c3d4-0000-4000-8000-000000000001", "3") + "," + bad + "," +
		line("c1b2c3d4-0000-4000-8000-000000000003", "5") + `],"pages":{"size":100,"maxSize":100}}`
}

func TestEmulatorMalformedQuantity(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ field, raw string }{
		{"billableQuantity", `"12x"`},
		{"billableQuantity", `1.5`},
		{"actualQuantity", `{"value":4}`},
		{"orderedQuantity", `""`},
		{"billableQuantity", `99999999999999999999`},
		{"actualQuantity", `true`},
	} {
		t.Run(tc.field+"="+tc.raw, func(t *testing.T) {
			t.Parallel()
			r := startRig(t, sophosemu.Options{Tenants: 5}, func(o *sophos.Options) { o.MaxRetries = 2 })
			r.emu.Faults().Add(emu.Fault{Kind: emu.FaultStatus, Status: http.StatusOK,
				PathPrefix: "/partner/v1/billing/usage/", Body: usagePageBody(tc.field, tc.raw)})
			rep, err := r.client.Usage(t.Context(), 2025, 8, sophos.UsageOptions{})
			if err == nil {
				t.Fatalf("Usage read %d lines, want an error", len(rep.Lines))
			}
			if rep != nil {
				t.Errorf("a partial report came back with the error: %+v", rep)
			}
			fe, ok := errors.AsType[*sophos.UsageFieldError](err)
			if !ok {
				t.Fatalf("error %v is not a *UsageFieldError", err)
			}
			if fe.Field != tc.field || fe.Index != 1 || fe.AccountID != "b1b2c3d4-0000-4000-8000-000000000002" {
				t.Errorf("field %q line %d account %q, want %q line 1", fe.Field, fe.Index, fe.AccountID, tc.field)
			}
			for _, w := range []string{"usage line 1", "field " + tc.field} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			// A well-formed body with a bad field will not get better.
			if n := len(r.calls("GET", "/partner/v1/billing/usage/")); n != 1 {
				t.Errorf("%d usage requests, want 1 (no retry)", n)
			}
		})
	}
}
