package cwemu_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"centralpsa/cwemu"
)

// TestConditionsOverHTTP sends conditions the way clients do, URL-encoded,
// including the characters the docs warn about (&, %, quotes, non-ASCII).
func TestConditionsOverHTTP(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, c := range []map[string]any{
		{"identifier": "Mueller", "name": "Müller & Söhne GmbH"},
		{"identifier": "OBrien", "name": `O'Brien "Best" Plumbing`},
		{"identifier": "Pct", "name": "100% Uptime Ltd"},
		{"identifier": "Plus", "name": "A+B Consulting"},
	} {
		if _, err := b.srv.Create("companies", 0, c); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, cond string
		want       []string // identifiers, in order
	}{
		{"Ampersand", `name = "Müller & Söhne GmbH"`, []string{"Mueller"}},
		{"CaseInsensitive", `NAME = "müller & SÖHNE gmbh"`, []string{"Mueller"}},
		{"ContainsDoubleQuote", `name contains '"Best"'`, []string{"OBrien"}},
		{"ContainsApostrophe", `name contains "O'Brien"`, []string{"OBrien"}},
		{"PercentLiteralViaSet", `name like "100[%]%"`, []string{"Pct"}},
		{"Plus", `name = "A+B Consulting"`, []string{"Plus"}},
		{"LikeStar", `identifier like "Mue*"`, []string{"Mueller"}},
		{"InList", `identifier in ("Pct", "plus")`, []string{"Pct", "Plus"}},
		{"NestedPath", `status/name = "Inactive" and deletedFlag = true`, []string{"OldVentures"}},
		{"NotLikeAndOr", `(identifier like "P_t" or identifier like "plu%" or identifier = "Mueller") and name not like "A+%"`, []string{"Mueller", "Pct"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.get(t, q("/company/companies", "conditions", tt.cond, "pageSize", "1000"))
			var got []string
			for _, c := range r.list(t) {
				got = append(got, c["identifier"].(string))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("conditions %s: got %v, want %v", tt.cond, got, tt.want)
			}
		})
	}
	t.Run("SpaceAsPlus", func(t *testing.T) {
		r := b.get(t, "/company/companies?conditions=identifier+%3D+%22Mueller%22")
		if n := len(r.list(t)); n != 1 {
			t.Errorf("got %d companies, want 1", n)
		}
	})
}

func TestConditionsErrorsOverHTTP(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, cond := range []string{`name = Acme`, `closedFlag = 1`, `name = "unterminated`, `lastUpdated > [soon]`} {
		r := b.do(t, http.MethodGet, q("/service/tickets", "conditions", cond), nil)
		env := r.object(t)
		if r.status != http.StatusBadRequest || env["message"] == "" {
			t.Errorf("conditions %s: %d %s, want 400 with a message", cond, r.status, r.body)
		}
	}
}

func TestListFeatures(t *testing.T) {
	t.Parallel()
	b := setup(t)
	t.Run("LastUpdated", func(t *testing.T) {
		r := b.get(t, q("/company/companies/count", "conditions", "_info/lastUpdated > [2025-01-01T00:00:00Z]"))
		all := b.get(t, "/company/companies/count")
		if string(r.body) != string(all.body) || !strings.Contains(string(r.body), `"count":`) {
			t.Errorf("lastUpdated count %s vs all %s", r.body, all.body)
		}
		none := b.get(t, q("/company/companies/count", "conditions", "lastUpdated > [2025-01-07T00:00:00Z]"))
		if string(none.body) != `{"count":0}` {
			t.Errorf("count after the seed date = %s", none.body)
		}
	})
	t.Run("OrderByDesc", func(t *testing.T) {
		r := b.get(t, q("/service/priorities", "orderBy", "sortOrder desc"))
		var names []string
		for _, p := range r.list(t) {
			names = append(names, p["name"].(string))
		}
		want := []string{"Priority 3 - Normal Response", "Priority 2 - Quick Response", "Priority 1 - Emergency Response"}
		if !slices.Equal(names, want) {
			t.Errorf("order = %v", names)
		}
	})
	t.Run("OrderByNested", func(t *testing.T) {
		r := b.get(t, q("/finance/agreements", "orderBy", "company/name asc, id desc", "pageSize", "1000"))
		list := r.list(t)
		for i := 1; i < len(list); i++ {
			a, c := strings.ToLower(ref(list[i-1]["company"], "name").(string)), strings.ToLower(ref(list[i]["company"], "name").(string))
			if a > c || (a == c && num(list[i-1]["id"]) < num(list[i]["id"])) {
				t.Fatalf("not ordered at %d: %q/%v then %q/%v", i, a, list[i-1]["id"], c, list[i]["id"])
			}
		}
	})
	t.Run("BadOrderBy", func(t *testing.T) {
		if r := b.do(t, http.MethodGet, q("/service/priorities", "orderBy", "name sideways"), nil); r.status != http.StatusBadRequest {
			t.Errorf("status %d", r.status)
		}
	})
	t.Run("Fields", func(t *testing.T) {
		r := b.get(t, q("/service/tickets", "fields", "id,summary,status/name", "pageSize", "1"))
		got := r.list(t)[0]
		if len(got) != 3 || got["summary"] == nil || len(got["status"].(map[string]any)) != 1 || ref(got["status"], "name") == nil {
			t.Errorf("partial ticket = %v", got)
		}
		one := b.get(t, q("/service/tickets/1500", "fields", "id"))
		if string(one.body) != `{"id":1500}` {
			t.Errorf("partial get = %s", one.body)
		}
	})
	t.Run("ChildConditions", func(t *testing.T) {
		b.srv.SetLevel(cwemu.FnContacts, cwemu.Levels{Inquire: cwemu.All})
		r := b.get(t, q("/company/contacts", "childConditions", `communicationItems/value like "it@acmesonsdental0%" AND communicationItems/communicationType="Email"`))
		if n := len(r.list(t)); n != 1 {
			t.Errorf("contacts matched = %d, want 1", n)
		}
		r = b.get(t, q("/company/contacts", "childConditions", `communicationItems/value like "it@acmesonsdental0%" AND communicationItems/communicationType="Fax"`))
		if n := len(r.list(t)); n != 0 {
			t.Errorf("one element must satisfy both: matched %d", n)
		}
	})
	t.Run("CustomFieldConditions", func(t *testing.T) {
		if _, err := b.srv.Update("companies", 251, map[string]any{"customFields": []any{
			map[string]any{"id": 4, "caption": "TenantId", "type": "Text", "entryMethod": "EntryField", "value": "t-1"}}}); err != nil {
			t.Fatal(err)
		}
		r := b.get(t, q("/company/companies", "customFieldConditions", `caption="TenantId" AND value != null`))
		if list := r.list(t); len(list) != 1 || num(list[0]["id"]) != 251 {
			t.Errorf("custom field match = %s", r.body)
		}
	})
	t.Run("Search", func(t *testing.T) {
		r := b.do(t, http.MethodPost, "/service/tickets/search?pageSize=1", map[string]any{"conditions": `summary contains "laptop"`})
		if list := r.list(t); r.status != http.StatusOK || len(list) != 1 || list[0]["summary"] != "New starter laptop setup" {
			t.Errorf("search = %d %s", r.status, r.body)
		}
	})
	t.Run("ExternalXRefFilter", func(t *testing.T) {
		created := b.do(t, http.MethodPost, "/service/tickets", map[string]any{"summary": "alert", "company": map[string]any{"identifier": "CedarDental2"},
			"board": map[string]any{"name": "Sophos Alerts"}, "externalXRef": "sophos:tenant-1:malware:dev-9"})
		if created.status != http.StatusCreated {
			t.Fatalf("create: %d %s", created.status, created.body)
		}
		r := b.get(t, q("/service/tickets", "conditions", `externalXRef = "sophos:tenant-1:malware:dev-9" and closedFlag = false`))
		if list := r.list(t); len(list) != 1 || list[0]["id"] != created.object(t)["id"] {
			t.Errorf("by externalXRef = %s", r.body)
		}
	})
}
