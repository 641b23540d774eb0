package sophos

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
)

// postmanPath is Sophos's official Postman collection, shipped read-only
// beside the repository (docs/sophos-central-api.md §1). Values in it are
// placeholders; only names and shapes are tested.
const postmanPath = "../../shared/sophos-central-apis-postman/Sophos Central APIs.postman_collection.json"

type postmanItem struct {
	Name    string        `json:"name"`
	Item    []postmanItem `json:"item"`
	Request struct {
		Header []struct{ Key string } `json:"header"`
		URL    struct {
			Query []struct{ Key string } `json:"query"`
		} `json:"url"`
	} `json:"request"`
	Response []struct {
		Code int    `json:"code"`
		Body string `json:"body"`
	} `json:"response"`
}

// postmanRequests indexes the collection by "Folder/Sub/Request name".
func postmanRequests(t *testing.T) map[string]postmanItem {
	t.Helper()
	data, err := os.ReadFile(postmanPath)
	if err != nil {
		t.Skipf("Sophos Postman collection not available at %s: %v", postmanPath, err)
	}
	var root struct{ Item []postmanItem }
	if err := json.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	out := map[string]postmanItem{}
	var walk func(prefix string, items []postmanItem)
	walk = func(prefix string, items []postmanItem) {
		for _, it := range items {
			if len(it.Item) > 0 {
				walk(prefix+it.Name+"/", it.Item)
			} else {
				out[prefix+it.Name] = it
			}
		}
	}
	walk("", root.Item)
	return out
}

func example(t *testing.T, reqs map[string]postmanItem, name string, code int) (postmanItem, []byte) {
	t.Helper()
	it, ok := reqs[name]
	if !ok {
		t.Fatalf("request %q not in the collection", name)
	}
	for _, r := range it.Response {
		if r.Code == code {
			return it, []byte(r.Body)
		}
	}
	t.Fatalf("%q has no %d example", name, code)
	return it, nil
}

// TestPostmanExamples feeds the official example bodies through our
// decoders and checks that the parameter and header names we send exist.
func TestPostmanExamples(t *testing.T) {
	t.Parallel()
	reqs := postmanRequests(t)
	hasNames := func(t *testing.T, it postmanItem, query []string, header string) {
		t.Helper()
		var q, h []string
		for _, p := range it.Request.URL.Query {
			q = append(q, p.Key)
		}
		for _, p := range it.Request.Header {
			h = append(h, p.Key)
		}
		for _, k := range query {
			if !slices.Contains(q, k) {
				t.Errorf("query parameter %q not in the collection's %v", k, q)
			}
		}
		if header != "" && !slices.Contains(h, header) {
			t.Errorf("header %q not in %v", header, h)
		}
	}

	t.Run("WhoAmI", func(t *testing.T) {
		_, body := example(t, reqs, "Who-am-I API/Who am I?", 200)
		var id Identity
		if err := json.Unmarshal(body, &id); err != nil || id.ID == "" || id.IDType == "" {
			t.Fatalf("%+v, %v", id, err)
		}
		c, _ := New(Options{ClientID: "id", ClientSecret: "s"})
		if h, err := c.serverHost("global", id.APIHosts.Global); err != nil || !strings.HasPrefix(h, "https://") || strings.HasSuffix(h, "/") {
			t.Errorf("global host %q from %q: %v", h, id.APIHosts.Global, err)
		}
	})

	t.Run("Tenants", func(t *testing.T) {
		it, body := example(t, reqs, "Partner API/Tenants/Enumerate tenants", 200)
		hasNames(t, it, []string{"page", "pageSize", "pageTotal"}, "X-Partner-ID")
		p, err := decodePage(body)
		if err != nil || len(p.Items) == 0 || p.Pages.Total == 0 {
			t.Fatalf("%+v, %v", p, err)
		}
		for i, raw := range p.Items {
			if tn, err := decodeTenant(raw, i); err != nil || tn.APIHost == "" || tn.Partner == nil {
				t.Errorf("tenant %d: %+v, %v", i, tn, err)
			}
		}
		_, body = example(t, reqs, "Partner API/Tenants/Get tenant details", 200)
		if tn, err := decodeTenant(body, 0); err != nil || tn.ShowAs == "" || tn.Organization == nil {
			t.Errorf("tenant: %+v, %v", tn, err)
		}
	})

	t.Run("Usage", func(t *testing.T) {
		it, body := example(t, reqs, "Partner API/Billing/Get usage report", 200)
		hasNames(t, it, []string{"pageSize", "pageFromKey", "accountId"}, "X-Partner-ID")
		p, err := decodePage(body)
		if err != nil || len(p.Items) == 0 || p.Pages.NextKey == "" {
			t.Fatalf("%+v, %v", p, err)
		}
		l, err := decodeUsageItem(p.Items[0], 0)
		if err != nil {
			t.Fatal(err)
		}
		var present int
		for _, f := range usageFields {
			if l.Has(f.name) {
				present++
			}
		}
		if present != 17 || l.BillableQuantity == 0 || l.ProductCode == "" || !l.Has("actualQuantity") || l.Has("unitPrice") {
			t.Errorf("%d fields present in the 2026 example, want 17: %+v", present, l)
		}
		for _, code := range []int{404, 500} {
			_, body := example(t, reqs, "Partner API/Billing/Get usage report", code)
			e := apiError(&call{method: "GET", path: "/partner/v1/billing/usage/2021/8"}, code, http.Header{}, body, 0, func(s string) string { return s })
			if e.Code == "" || e.CorrelationID == "" || e.RequestID == "" {
				t.Errorf("%d body not decoded: %+v", code, e)
			}
		}
	})

	t.Run("Alerts", func(t *testing.T) {
		it, body := example(t, reqs, "Common API/Alerts/Query alerts", 200)
		hasNames(t, it, []string{"from", "to", "sort", "product", "category", "severity", "groupKey", "pageSize", "pageFromKey"}, "X-Tenant-ID")
		p, err := decodePage(body)
		if err != nil || len(p.Items) != 2 || p.Pages.NextKey == "" {
			t.Fatalf("%+v, %v", p, err)
		}
		for i, raw := range p.Items {
			a, err := decodeAlert(raw, i)
			if err != nil || a.RaisedAt.IsZero() || a.ManagedAgent == nil || a.Tenant == nil || len(a.AllowedActions) == 0 {
				t.Errorf("alert %d: %+v, %v", i, a, err)
			}
		}
		_, body = example(t, reqs, "Common API/Alerts/Get alert details", 200)
		if a, err := decodeAlert(body, 0); err != nil || a.Type == "" {
			t.Errorf("alert: %+v, %v", a, err)
		}
		_, body = example(t, reqs, "Common API/Alerts/Act on alert", 201)
		var res ActionResult
		if err := json.Unmarshal(body, &res); err != nil || res.AlertID == "" || res.Status == "" {
			t.Errorf("action result: %+v, %v", res, err)
		}
	})
}
