package sophosemu

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// postmanEnv names the Sophos Postman collection (a directory or the
// file) for the fidelity test.
const (
	postmanEnv  = "CENTRALPSA_SOPHOS_POSTMAN"
	postmanFile = "Sophos Central APIs.postman_collection.json"
)

// postmanPath finds the collection: the environment variable first, then
// the shared data directory beside the repository.
func postmanPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(postmanEnv); p != "" {
		if fi, err := os.Stat(p); err != nil {
			t.Fatalf("%s=%q: %v", postmanEnv, p, err)
		} else if fi.IsDir() {
			p = filepath.Join(p, postmanFile)
		}
		return p
	}
	for _, dir := range []string{"../../shared/sophos-central-apis-postman"} {
		p := filepath.Join(dir, postmanFile)
		if _, err := os.Stat(p); err == nil {
			return p
		} else if !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	t.Skipf("Sophos Postman collection not found; set %s to its directory or file to run the fidelity test", postmanEnv)
	return ""
}

type postmanItem struct {
	Item    []postmanItem `json:"item"`
	Request struct {
		Method string          `json:"method"`
		URL    json.RawMessage `json:"url"`
	} `json:"request"`
	Response []struct {
		Code int    `json:"code"`
		Body string `json:"body"`
	} `json:"response"`
}

// postmanExamples maps "METHOD path/with/:params" to the decoded body of
// the request's first 2xx example.
func postmanExamples(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var root postmanItem
	if err := json.Unmarshal(data, &root); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	out := map[string]any{}
	var walk func(items []postmanItem)
	walk = func(items []postmanItem) {
		for _, it := range items {
			walk(it.Item)
			var u struct {
				Path []string `json:"path"`
			}
			if json.Unmarshal(it.Request.URL, &u) != nil || len(u.Path) == 0 {
				continue
			}
			for _, r := range it.Response {
				var body any
				if r.Code/100 == 2 && json.Unmarshal([]byte(r.Body), &body) == nil {
					out[it.Request.Method+" "+strings.Join(u.Path, "/")] = body
					break
				}
			}
		}
	}
	walk(root.Item)
	return out
}

// fieldPaths collects every member name in v as a dotted path; array
// elements share the path "name[]".
func fieldPaths(v any, prefix string, into map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			into[prefix+k] = true
			fieldPaths(sub, prefix+k+".", into)
		}
	case []any:
		for _, sub := range x {
			fieldPaths(sub, strings.TrimSuffix(prefix, ".")+"[].", into)
		}
	}
}

func TestPostmanFidelity(t *testing.T) {
	t.Parallel()
	examples := postmanExamples(t, postmanPath(t))
	b := setup(t, Options{Tenants: 30, AlertsPerTenant: 10, TenantClientID: "tc", TenantClientSecret: "ts"})
	ten := b.firstTenant(t, func(x Tenant) bool { return x.Reachable })
	withOrg := b.firstTenant(t, func(x Tenant) bool { return x.OrganizationID != "" })
	decode := func(body []byte) any {
		var v any
		mustJSON(t, body, &v)
		return v
	}
	get := func(path string) any { _, body := b.partnerGet(t, path); return decode(body) }
	nextKey := func(v any) string { return v.(map[string]any)["pages"].(map[string]any)["nextKey"].(string) }

	usage1 := get("/partner/v1/billing/usage/2025/8?pageSize=5&pageTotal=true")
	alerts1 := func() any {
		_, body := b.tenantDo(t, ten, "GET", "/common/v1/alerts?pageSize=2&pageTotal=true", "")
		return decode(body)
	}()
	tests := []struct {
		example string
		got     func() []any
	}{
		{"GET partner/v1/tenants", func() []any { return []any{get("/partner/v1/tenants?page=2&pageSize=5&pageTotal=true")} }},
		{"GET partner/v1/tenants/:tenantId", func() []any { return []any{get("/partner/v1/tenants/" + withOrg.ID)} }},
		{"GET partner/v1/billing/usage/:year/:month", func() []any {
			return []any{usage1, get("/partner/v1/billing/usage/2025/8?pageSize=5&pageTotal=true&pageFromKey=" + nextKey(usage1))}
		}},
		{"GET common/v1/alerts", func() []any {
			_, body := b.tenantDo(t, ten, "GET", "/common/v1/alerts?pageSize=2&pageFromKey="+nextKey(alerts1), "")
			return []any{alerts1, decode(body)}
		}},
		{"POST common/v1/alerts/search", func() []any {
			_, body := b.tenantDo(t, ten, "POST", "/common/v1/alerts/search", `{"pageSize":2,"pageTotal":true}`)
			return []any{decode(body)}
		}},
		{"POST common/v1/alerts/:alertId/actions", func() []any {
			a := b.srv.OpenAlerts(ten.ID)[0]
			_, body := b.tenantDo(t, ten, "POST", "/common/v1/alerts/"+a.ID+"/actions", `{"action":"`+a.AllowedActions[0]+`"}`)
			return []any{decode(body)}
		}},
		{"GET whoami/v1", func() []any {
			_, body := b.do(t, "GET", b.url+"/whoami/v1", map[string]string{"Authorization": "Bearer " + b.token(t, "tc", "ts")}, "")
			return []any{decode(body)}
		}},
	}
	for _, tt := range tests {
		t.Run(strings.NewReplacer("/", "_", ":", "", " ", "_").Replace(tt.example), func(t *testing.T) {
			ex, ok := examples[tt.example]
			if !ok {
				t.Fatalf("the collection has no 2xx example for %s", tt.example)
			}
			want, got := map[string]bool{}, map[string]bool{}
			fieldPaths(ex, "", want)
			for _, v := range tt.got() {
				fieldPaths(v, "", got)
			}
			var missing []string
			for k := range want {
				if !got[k] {
					missing = append(missing, k)
				}
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				t.Errorf("emulator lacks fields the example shows: %v", missing)
			}
			if len(want) < 3 || !slices.ContainsFunc(keys(want), func(k string) bool { return k == "items" || k == "id" }) {
				t.Errorf("suspiciously small example: %v", keys(want))
			}
		})
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
