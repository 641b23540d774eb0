package web

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/store"
)

// seedAudit appends three entries: two of run r on different entities and
// one without a run, a day apart.
func seedAudit(t *testing.T, b *testBundle) int64 {
	t.Helper()
	ctx := t.Context()
	run, err := b.db.CreateRun(ctx, store.Run{Kind: store.RunKindUsage, Month: "2026-02"})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for i, a := range []store.Audit{
		{RunID: run, At: day, Method: "PATCH", Endpoint: "/finance/agreements/5/additions/9", Entity: "agreement_addition", EntityID: "9",
			Before: []byte(`{"quantity":3}`), After: []byte(`{"quantity":5}`), Status: 200},
		{RunID: run, At: day.Add(24 * time.Hour), Method: "POST", Endpoint: "/procurement/catalog", Entity: "catalog_item",
			After: []byte(`{"identifier":"Sophos_X"}`), Status: 400, Error: "identifier too long"},
		{At: day.Add(48 * time.Hour), Method: "POST", Endpoint: "/service/tickets", Entity: "ticket", EntityID: "77", After: []byte(`{"id":77}`), Status: 201},
	} {
		if err := b.db.AppendAudit(ctx, a); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
	return run
}

func TestAuditPage(t *testing.T) {
	t.Parallel()
	b := setup(t).withAdmin(t)
	run := seedAudit(t, b)
	br := b.browser(t)
	br.signIn("admin", testPassword)

	r := br.get("/audit")
	wantStatus(t, "audit", r, 200)
	// Newest first, bodies indented inside <details>.
	ticket, catalog := strings.Index(r.body, "/service/tickets"), strings.Index(r.body, "/procurement/catalog")
	if ticket < 0 || catalog < 0 || ticket > catalog {
		t.Fatal("entries are not listed newest first")
	}
	for _, s := range []string{"<details><summary>Before</summary><pre>{\n  &#34;quantity&#34;: 3\n}</pre></details>", "identifier too long", `datetime="2026-03-01T08:00:00Z"`} {
		if !strings.Contains(r.body, s) {
			t.Errorf("audit page lacks %q", s)
		}
	}

	for _, c := range []struct {
		query      string
		want, miss []string
	}{
		{"?entity=ticket", []string{"/service/tickets"}, []string{"/procurement/catalog", "/finance/agreements"}},
		{"?run=" + itoa(run), []string{"/procurement/catalog", "/finance/agreements"}, []string{"/service/tickets"}},
		{"?since=2026-03-02", []string{"/procurement/catalog", "/service/tickets"}, []string{"/finance/agreements"}},
		{"?since=2026-03-03T00:00:00Z&entity=catalog_item", []string{"No entries match."}, []string{"/procurement/catalog"}},
		{"?since=yesterday", []string{"since must be a date", "/finance/agreements"}, nil},
	} {
		body := br.get("/audit" + c.query).body
		for _, s := range c.want {
			if !strings.Contains(body, s) {
				t.Errorf("/audit%s lacks %q", c.query, s)
			}
		}
		for _, s := range c.miss {
			if strings.Contains(body, s) {
				t.Errorf("/audit%s shows %q", c.query, s)
			}
		}
	}
}

func TestAuditAPI(t *testing.T) {
	t.Parallel()
	b := setup(t).withAdmin(t)
	run := seedAudit(t, b)
	br := b.browser(t)
	br.signIn("admin", testPassword)

	var got struct {
		Entries   []apiAuditEntry
		Truncated bool
	}
	r := br.get("/api/v1/audit?run=" + itoa(run))
	if err := json.Unmarshal([]byte(r.body), &got); err != nil {
		t.Fatal(err)
	}
	var after bytes.Buffer
	if len(got.Entries) > 0 {
		_ = json.Compact(&after, got.Entries[0].After)
	}
	if len(got.Entries) != 2 || got.Entries[0].Entity != "agreement_addition" || after.String() != `{"quantity":5}` || got.Truncated {
		t.Fatalf("API audit: %s", r.body)
	}
	wantAPIError(t, "bad run", br.get("/api/v1/audit?run=abc"), 400, centralpsa.KindInvalid)
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
