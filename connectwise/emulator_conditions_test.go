package connectwise_test

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"centralpsa/connectwise"
	"centralpsa/cwemu"
)

// trickyNames are company names that break hand-built conditions or query
// strings: quotes end a literal, & splits a query, + turns into a space, #
// starts a fragment, % and _ are like-wildcards, [ starts a like set, and
// non-ASCII text must survive percent-encoding. Each has a decoy that a
// wrong encoding or an unescaped wildcard would match instead or as well.
var trickyNames = []struct{ name, decoy string }{
	{"O'Brien Plumbing", "OBrien Plumbing"},
	{`Say "hi" Media`, "Say hi Media"},
	{"Müller & Söhne GmbH", "Müller"},
	{"A&B Partners", "A"},
	{"100% Uptime Ltd", "100X Uptime Ltd"},
	{"C++ Consulting", "C   Consulting"},
	{"Room #5 Studio", "Room "},
	{"Under_score Labs", "UnderXscore Labs"},
	{"[Beta] Systems", "B Systems"},
	{"株式会社 サンプル", "株式会社"},
	{"Ünïcödé Café", "Unicode Cafe"},
	{"Semi;colon = Co", "Semi"},
}

// TestEmulatorConditionsRoundTrip creates companies with tricky names in
// the emulator and finds each exactly, by Eq, Like with EscapeLike,
// Contains and HasPrefix, with no false matches among the decoys.
func TestEmulatorConditionsRoundTrip(t *testing.T) {
	t.Parallel()
	b := startEmu(t, cwemu.Options{})
	ids := map[string]int{}
	for i, n := range trickyNames {
		for j, name := range []string{n.name, n.decoy} {
			rec, err := b.srv.Create("companies", 0, map[string]any{"identifier": fmt.Sprintf("Tricky%d_%d", i, j), "name": name})
			if err != nil {
				t.Fatalf("seed %q: %v", name, err)
			}
			if str(rec, "name") != name {
				t.Fatalf("emulator stored %q as %q", name, str(rec, "name"))
			}
			ids[name] = recID(rec)
		}
	}
	searches := []struct {
		name string
		cond func(name string) connectwise.Condition
	}{
		{"Eq", func(n string) connectwise.Condition { return connectwise.Eq("name", n) }},
		{"LikeEscaped", func(n string) connectwise.Condition { return connectwise.Like("name", connectwise.EscapeLike(n)) }},
		{"Contains", func(n string) connectwise.Condition { return connectwise.Contains("name", n) }},
		{"HasPrefix", func(n string) connectwise.Condition { return connectwise.HasPrefix("name", n) }},
		{"EqAndNotDeleted", func(n string) connectwise.Condition {
			return connectwise.And(connectwise.Eq("name", n), connectwise.Eq("deletedFlag", false))
		}},
	}
	for _, s := range searches {
		for _, n := range trickyNames {
			t.Run(s.name+"/"+n.name, func(t *testing.T) {
				t.Parallel()
				got, err := b.cw.Companies.List(t.Context(), &connectwise.ListOptions{Conditions: s.cond(n.name)})
				if err != nil {
					t.Fatalf("List: %v", err)
				}
				var names []string
				for _, c := range got {
					names = append(names, c.Name)
				}
				if len(got) != 1 || got[0].ID != ids[n.name] || got[0].Name != n.name {
					t.Errorf("found %q, want exactly %q (id %d)", names, n.name, ids[n.name])
				}
			})
		}
	}
}

// TestEmulatorConditionsUnquotable covers a name holding both quote
// characters, which no literal can carry: the client refuses it before
// any request, and the documented fallback (Contains on QuoteFree, then a
// local comparison) finds the company.
func TestEmulatorConditionsUnquotable(t *testing.T) {
	t.Parallel()
	b := startEmu(t, cwemu.Options{})
	const name = `Bob's "Best" Bakery`
	rec, err := b.srv.Create("companies", 0, map[string]any{"identifier": "BobsBest", "name": name})
	if err != nil {
		t.Fatal(err)
	}
	before := len(b.requests(http.MethodGet, "/company/companies"))
	_, err = b.cw.Companies.List(t.Context(), &connectwise.ListOptions{Conditions: connectwise.Eq("name", name)})
	if !errors.Is(err, connectwise.ErrUnquotable) {
		t.Fatalf("Eq on an unquotable name: err = %v, want ErrUnquotable", err)
	}
	if after := len(b.requests(http.MethodGet, "/company/companies")); after != before {
		t.Errorf("an unquotable condition was sent (%d requests)", after-before)
	}
	part := connectwise.QuoteFree(name)
	got, err := b.cw.Companies.List(t.Context(), &connectwise.ListOptions{Conditions: connectwise.Contains("name", part)})
	if err != nil {
		t.Fatalf("Contains %q: %v", part, err)
	}
	i := slices.IndexFunc(got, func(c connectwise.Company) bool { return c.Name == name })
	if i < 0 || got[i].ID != recID(rec) {
		t.Errorf("Contains %q found %v, not company %d", part, got, recID(rec))
	}
}
