package sophos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// serveTenants answers the page-number listing over n generated tenants.
// withTotal=false leaves pages.total out, as Sophos does without pageTotal.
func serveTenants(t *testing.T, b *testBundle, n int, withTotal bool) {
	b.global.HandleFunc("GET /partner/v1/tenants", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		page, _ := strconv.Atoi(q.Get("page"))
		size, _ := strconv.Atoi(q.Get("pageSize"))
		if page < 1 || size != 100 || q.Get("pageTotal") != "true" {
			t.Errorf("query %q", r.URL.RawQuery)
		}
		items := []map[string]any{}
		for i := (page - 1) * size; i < min(page*size, n); i++ {
			items = append(items, map[string]any{"id": fmt.Sprintf("t-%03d", i), "name": fmt.Sprintf("Customer %d", i),
				"showAs": fmt.Sprintf("Customer %d Ltd", i), "dataGeography": "DE", "dataRegion": "eu02", "billingType": "usage",
				"partner": map[string]string{"id": testPartner}, "apiHost": b.regionURL, "status": "active",
				"products": []map[string]string{{"code": "CIXA-MSP"}}, "someFutureField": []int{1}})
		}
		pages := map[string]int{"current": page, "size": size, "maxSize": 100}
		if withTotal {
			pages["total"], pages["items"] = (n+size-1)/size, n
		}
		writeJSON(w, 200, map[string]any{"items": items, "pages": pages})
	})
}

func TestListTenants(t *testing.T) {
	t.Parallel()

	t.Run("ThreePages", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		serveTenants(t, b, 250, true)
		got, err := b.client.ListTenants(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 250 || got[0].ID != "t-000" || got[249].ID != "t-249" {
			t.Fatalf("%d tenants, first %q", len(got), got[0].ID)
		}
		want := Tenant{ID: "t-007", Name: "Customer 7", ShowAs: "Customer 7 Ltd", DataGeography: "DE", DataRegion: "eu02",
			BillingType: "usage", Partner: &Ref{ID: testPartner}, APIHost: b.regionURL, Status: "active",
			Products: []Product{{Code: "CIXA-MSP"}}}
		if d := cmp.Diff(want, got[7]); d != "" {
			t.Errorf("tenant 7 (-want +got):\n%s", d)
		}
		calls := b.callsTo("/partner/v1/tenants")
		if len(calls) != 3 {
			t.Fatalf("%d page requests, want 3", len(calls))
		}
		for i, c := range calls {
			q, _ := url.ParseQuery(c.Query)
			if q.Get("page") != strconv.Itoa(i+1) || c.Header.Get("X-Partner-ID") != testPartner || c.Server != "global" {
				t.Errorf("call %d: %+v", i, c)
			}
		}
	})

	t.Run("WithoutTotalStopsOnEmptyPage", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		serveTenants(t, b, 200, false)
		got, err := b.client.ListTenants(context.Background())
		if err != nil || len(got) != 200 {
			t.Fatalf("%d tenants, %v", len(got), err)
		}
		if n := len(b.callsTo("/partner/v1/tenants")); n != 3 {
			t.Errorf("%d page requests, want 3 (the last one empty)", n)
		}
	})

	t.Run("BreakStopsFetching", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		serveTenants(t, b, 250, true)
		n := 0
		for _, err := range b.client.AllTenants(context.Background()) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 150 {
				break
			}
		}
		if got := len(b.callsTo("/partner/v1/tenants")); got != 2 {
			t.Errorf("%d page requests after breaking on the second page", got)
		}
	})

	errTests := []struct {
		name, body, want string
	}{
		{"ErrNoID", `{"items":[{"name":"x"}],"pages":{"total":1}}`, "tenant 0 has no id"},
		{"ErrNoItems", `{"pages":{"total":1}}`, `no "items" array`},
		{"ErrCoreFieldType", `{"items":[{"id":"a"},{"id":"b","apiHost":7}],"pages":{"total":1}}`, "tenant 1"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.global.HandleFunc("GET /partner/v1/tenants", func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(tt.body))
			})
			got, err := b.client.ListTenants(context.Background())
			if err == nil || !strings.Contains(err.Error(), tt.want) || got != nil {
				t.Fatalf("got %v, %v; want error containing %q", got, err, tt.want)
			}
		})
	}

	t.Run("OddOptionalFieldsTolerated", func(t *testing.T) {
		t.Parallel()
		var got Tenant
		body := `{"id":"a","apiHost":"https://h","products":"CIXA","contact":[1],"partner":{"id":"p"},"externalIds":["x"]}`
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		want := Tenant{ID: "a", APIHost: "https://h", Partner: &Ref{ID: "p"}, ExternalIDs: []string{"x"}}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	})

	t.Run("GetTenant", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.global.HandleFunc("GET /partner/v1/tenants/{id}", func(w http.ResponseWriter, r *http.Request) {
			if r.PathValue("id") != "t-1" {
				writeJSON(w, 404, map[string]string{"error": "resourceNotFound"})
				return
			}
			writeJSON(w, 200, map[string]any{"id": "t-1", "name": "One", "billingType": "term", "apiHost": b.regionURL,
				"organization": map[string]string{"id": "org-1"}})
		})
		got, err := b.client.GetTenant(context.Background(), "t-1")
		if err != nil || got.BillingType != "term" || got.Organization.ID != "org-1" || got.DisplayName() != "One" {
			t.Fatalf("%+v, %v", got, err)
		}
		if _, err := b.client.GetTenant(context.Background(), "t-2"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown tenant: %v", err)
		}
	})
}
