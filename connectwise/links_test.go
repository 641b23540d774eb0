package connectwise

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseLinks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		header  string
		want    []link
		wantErr bool
	}{
		{"Empty", "", nil, false},
		{"Documented",
			`<https://staging.connectwisedev.com/v2017_3/apis/3.0/company/companies?pageSize=50&page=2>; rel="next", <https://staging.connectwisedev.com/v2017_3/apis/3.0/company/companies?pageSize=50&page=4>; rel="last"`,
			[]link{{"https://staging.connectwisedev.com/v2017_3/apis/3.0/company/companies?pageSize=50&page=2", []string{"next"}},
				{"https://staging.connectwisedev.com/v2017_3/apis/3.0/company/companies?pageSize=50&page=4", []string{"last"}}}, false},
		{"UnquotedRelAndCase", `<a>;REL=Next`, []link{{"a", []string{"next"}}}, false},
		{"SeveralRels", `<a>; rel="next last"`, []link{{"a", []string{"next", "last"}}}, false},
		{"CommaInURLAndParams", `<h?in=(1,2)>; title="a, b; c"; rel="next",<z>`,
			[]link{{"h?in=(1,2)", []string{"next"}}, {"z", nil}}, false},
		{"EscapedQuote", `<a>; title="x\"y"; rel=first`, []link{{"a", []string{"first"}}}, false},
		{"ValuelessParam", `<a>; crossorigin; rel=next`, []link{{"a", []string{"next"}}}, false},
		{"ErrNoAngle", `https://a; rel="next"`, nil, true},
		{"ErrUnclosedAngle", `<https://a; rel="next"`, nil, true},
		{"ErrUnclosedQuote", `<a>; rel="next`, nil, true},
		{"ErrJunkAfterURL", `<a> junk; rel=next`, nil, true},
		{"ErrEmptyParamName", `<a>; =x`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseLinks(tt.header)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

// formatLinks writes links back as a header, quoting rels.
func formatLinks(links []link) string {
	parts := make([]string, len(links))
	for i, l := range links {
		parts[i] = "<" + l.url + ">"
		if len(l.rels) > 0 {
			rel := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(strings.Join(l.rels, " "))
			parts[i] += `; rel="` + rel + `"`
		}
	}
	return strings.Join(parts, ", ")
}

// FuzzParseLinks: arbitrary input gives an error and no links, or links
// that survive a format/parse round trip unchanged; never a panic.
func FuzzParseLinks(f *testing.F) {
	for _, s := range []string{
		`<https://h/x?page=2>; rel="next", <https://h/x?page=4>; rel="last"`,
		`<a>; rel=next`, `<a>;rel="ne\"xt"`, `<<>>`, `,,,`, `<a>; rel="`, `<a>; x="y,z"; rel=next, <b>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		links, err := parseLinks(h)
		if err != nil {
			if links != nil {
				t.Fatalf("error %v came with a partial result %v", err, links)
			}
			return
		}
		for _, l := range links {
			if strings.Contains(l.url, ">") {
				t.Fatalf("url %q holds '>'", l.url)
			}
		}
		again, err := parseLinks(formatLinks(links))
		if err != nil || !reflect.DeepEqual(normalizeLinks(again), normalizeLinks(links)) {
			t.Fatalf("round trip of %q: %v, %v != %v", h, err, again, links)
		}
	})
}

// FuzzLinkRoundTrip: any URL without '>' that we format is parsed back.
func FuzzLinkRoundTrip(f *testing.F) {
	f.Add("https://h/v4_6_release/apis/3.0/company/companies?conditions=name%3D%22a%2Cb%22&page=2", "next")
	f.Fuzz(func(t *testing.T, u, rel string) {
		u, rel = strings.TrimSpace(u), strings.ToLower(rel)
		if strings.Contains(u, ">") || len(strings.Fields(rel)) != 1 || strings.TrimSpace(rel) != rel {
			return
		}
		want := []link{{url: u, rels: []string{rel}}, {url: "https://h/last", rels: []string{"last"}}}
		got, err := parseLinks(formatLinks(want))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: got %v, %v", formatLinks(want), got, err)
		}
		if findRel(got, rel) != u {
			t.Fatalf("findRel(%q) = %q", rel, findRel(got, rel))
		}
	})
}

func normalizeLinks(ls []link) []link {
	for i := range ls {
		if len(ls[i].rels) == 0 {
			ls[i].rels = nil
		}
	}
	return ls
}
