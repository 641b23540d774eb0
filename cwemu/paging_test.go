package cwemu_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"centralpsa/cwemu"
	"centralpsa/sample"
)

var linkRE = regexp.MustCompile(`<([^>]*)>; rel="(\w+)"`)

// links parses a Link header into rel → URL.
func links(h string) map[string]string {
	out := map[string]string{}
	for _, m := range linkRE.FindAllStringSubmatch(h, -1) {
		out[m[2]] = m[1]
	}
	return out
}

func TestPaging(t *testing.T) {
	t.Parallel()
	// 50 customers: enough companies for several pages of 10.
	b := setup(t, func(o *cwemu.Options) { o.Customers = sample.Customers(50, 7); o.Extra = []sample.Company{} })
	count := b.get(t, "/company/companies/count").object(t)["count"].(float64)
	total := int(count)
	lastPage := (total + 9) / 10
	cond := `name like "%&%" or name like "%e%"`
	tests := []struct {
		name    string
		page    string
		rels    []string
		wantLen int
	}{
		{"First", "1", []string{"next", "last"}, 10},
		{"Middle", "2", []string{"first", "prev", "next", "last"}, 10},
		{"Last", strconv.Itoa(lastPage), []string{"first", "prev"}, total - 10*(lastPage-1)},
		{"PastTheEnd", strconv.Itoa(lastPage + 3), []string{"first", "prev"}, 0},
		{"BelowOne", "0", []string{"next", "last"}, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.get(t, q("/company/companies", "pageSize", "10", "page", tt.page))
			if got := len(r.list(t)); got != tt.wantLen {
				t.Errorf("page %s has %d records, want %d", tt.page, got, tt.wantLen)
			}
			l := links(r.header.Get("Link"))
			if len(l) != len(tt.rels) {
				t.Errorf("Link %q, want rels %v", r.header.Get("Link"), tt.rels)
			}
			for _, rel := range tt.rels {
				if !strings.HasPrefix(l[rel], b.root+"/company/companies?pageSize=10&page=") {
					t.Errorf("rel %s = %q", rel, l[rel])
				}
			}
		})
	}
	t.Run("FollowNextKeepsConditions", func(t *testing.T) {
		want := int(b.get(t, q("/company/companies/count", "conditions", cond)).object(t)["count"].(float64))
		url := q("/company/companies", "conditions", cond, "orderBy", "name desc", "pageSize", "7")
		seen := map[float64]bool{}
		for pages := 0; url != ""; pages++ {
			if pages > 20 {
				t.Fatal("too many pages")
			}
			r := b.get(t, url)
			for _, c := range r.list(t) {
				if seen[num(c["id"])] {
					t.Fatalf("company %v seen twice", c["id"])
				}
				seen[num(c["id"])] = true
			}
			url = links(r.header.Get("Link"))["next"]
			if url != "" && !strings.Contains(url, "conditions=") {
				t.Fatalf("next link dropped conditions: %s", url)
			}
		}
		if len(seen) != want {
			t.Errorf("followed %d companies, count says %d", len(seen), want)
		}
	})
	t.Run("DefaultAndMaxPageSize", func(t *testing.T) {
		if n := len(b.get(t, "/company/companies").list(t)); n != 25 {
			t.Errorf("default page has %d, want 25", n)
		}
		if n := len(b.get(t, "/company/companies?pageSize=5000").list(t)); n != total {
			t.Errorf("pageSize 5000 gave %d, want all %d (clamped to 1000)", n, total)
		}
		if r := b.do(t, http.MethodGet, "/company/companies?page=two", nil); r.status != http.StatusBadRequest {
			t.Errorf("page=two: %d", r.status)
		}
	})
}

func TestForwardOnlyPaging(t *testing.T) {
	t.Parallel()
	b := setup(t)
	total := int(b.get(t, "/company/companies/count").object(t)["count"].(float64))
	fwd := header("pagination-type", "forward-only")
	url, got, last := "/company/companies?pageSize=9&page=4", 0, 0.0
	for i := 0; url != ""; i++ {
		if i > 20 {
			t.Fatal("too many pages")
		}
		r := b.do(t, http.MethodGet, url, nil, fwd)
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		if _, ok := r.header["Link"]; !ok {
			t.Fatal("forward-only answer without a Link header")
		}
		for _, c := range r.list(t) {
			if num(c["id"]) <= last {
				t.Fatalf("ids not increasing: %v after %v", c["id"], last)
			}
			last = num(c["id"])
			got++
		}
		url = links(r.header.Get("Link"))["next"]
	}
	if got != total {
		t.Errorf("forward-only walk saw %d of %d companies", got, total)
	}
	if r := b.do(t, http.MethodGet, "/company/companies?orderBy=name%20asc", nil, fwd); r.status != http.StatusBadRequest {
		t.Errorf("orderBy with forward-only: %d, want 400", r.status)
	}
}
