package connectwise

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"centralpsa"
)

// pagedServer serves total companies with ConnectWise's navigable paging.
type pagedServer struct {
	total   int
	maxSize int  // the server's page-size cap
	link    bool // send Link headers as documented (§5.1)

	mu      sync.Mutex
	queries []url.Values
}

func (p *pagedServer) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.mu.Lock()
	p.queries = append(p.queries, q)
	p.mu.Unlock()
	size, _ := strconv.Atoi(q.Get("pageSize"))
	if size <= 0 {
		size = 25
	}
	size = min(size, p.maxSize)
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	items := []map[string]any{}
	for id := (page-1)*size + 1; id <= min(page*size, p.total); id++ {
		items = append(items, map[string]any{"id": id, "name": fmt.Sprintf("Company %d", id), "unknownKey": true})
	}
	if p.link {
		last := max((p.total+size-1)/size, 1)
		at := func(n int) string {
			q2 := url.Values{}
			for k, v := range q {
				q2[k] = v
			}
			q2.Set("page", strconv.Itoa(n))
			return "http://" + r.Host + r.URL.Path + "?" + q2.Encode()
		}
		var links []string
		if page < last {
			links = append(links, fmt.Sprintf("<%s>; rel=\"next\"", at(page+1)))
		}
		links = append(links, fmt.Sprintf("<%s>; rel=\"last\"", at(last)))
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	writeJSON(w, 200, items)
}

func (p *pagedServer) requests() []url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]url.Values(nil), p.queries...)
}

func TestListPaging(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		total     int
		maxSize   int
		link      bool
		wantCalls int
	}{
		{"ShortFirstPage", 60, 1000, true, 1},
		{"ServerCapsAt25FollowsLink", 60, 25, true, 3},
		{"MoreThan1000", 2345, 1000, true, 3},
		{"Exactly2000WithLink", 2000, 1000, true, 2},
		{"Exactly2000WithoutLinkNeedsEmptyPage", 2000, 1000, false, 3},
		{"ShortLastPageWithoutLink", 1500, 1000, false, 2},
		{"Empty", 0, 1000, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			ps := &pagedServer{total: tt.total, maxSize: tt.maxSize, link: tt.link}
			b.handle("GET /company/companies", ps.serve)
			cond := And(Eq("name", "O'Brien & Sons"), Eq("deletedFlag", false))
			got, err := b.client.Companies.List(t.Context(), &ListOptions{Conditions: cond, OrderBy: "id asc", Fields: []string{"id", "name"}})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.total {
				t.Fatalf("got %d companies, want %d", len(got), tt.total)
			}
			for i, c := range got {
				if c.ID != i+1 {
					t.Fatalf("companies[%d].ID = %d: order or completeness broken", i, c.ID)
				}
			}
			reqs := ps.requests()
			if len(reqs) != tt.wantCalls {
				t.Errorf("requests = %d, want %d", len(reqs), tt.wantCalls)
			}
			for i, q := range reqs {
				if q.Get("conditions") != cond.String() || q.Get("orderBy") != "id asc" || q.Get("fields") != "id,name" {
					t.Errorf("page %d lost parameters: %v", i+1, q)
				}
				if q.Get("pageSize") != "1000" || q.Get("page") != strconv.Itoa(i+1) {
					t.Errorf("page %d: pageSize=%s page=%s", i+1, q.Get("pageSize"), q.Get("page"))
				}
			}
		})
	}
}

func TestListIterator(t *testing.T) {
	t.Parallel()
	t.Run("BreakStopsFetching", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		ps := &pagedServer{total: 3000, maxSize: 1000, link: true}
		b.handle("GET /company/companies", ps.serve)
		n := 0
		for c, err := range b.client.Companies.All(t.Context(), nil) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; c.ID == 5 {
				break
			}
		}
		if n != 5 || len(ps.requests()) != 1 {
			t.Errorf("read %d records with %d requests", n, len(ps.requests()))
		}
	})
	t.Run("ErrOnSecondPage", func(t *testing.T) {
		t.Parallel()
		b := setup(t, func(o *Options) { o.MaxRetries = -1 })
		ps := &pagedServer{total: 1500, maxSize: 1000, link: true}
		b.handle("GET /company/companies", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("page") == "2" {
				writeJSON(w, 500, map[string]string{"code": "ConnectWiseApi", "message": "String was not recognized as a valid Boolean"})
				return
			}
			ps.serve(w, r)
		})
		var got int
		var gotErr error
		for _, err := range b.client.Companies.All(t.Context(), nil) {
			if err != nil {
				gotErr = err
				break
			}
			got++
		}
		if got != 1000 || gotErr == nil || !strings.Contains(gotErr.Error(), "page 2") {
			t.Errorf("got %d records then %v", got, gotErr)
		}
		if _, err := b.client.Companies.List(t.Context(), nil); centralpsa.ErrorKind(err) != centralpsa.KindUnavailable {
			t.Errorf("List err = %v, want unavailable", err)
		}
	})
	t.Run("ErrMalformedPage", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.handle("GET /company/companies", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`[{"id":1,"name":"A"},{"id":2,"na`))
		})
		_, err := b.client.Companies.List(t.Context(), nil)
		if err == nil || !strings.Contains(err.Error(), "malformed response body") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("ErrWrongType", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.handle("GET /company/companies", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"id":1}`))
		})
		if _, err := b.client.Companies.List(t.Context(), nil); err == nil || !strings.Contains(err.Error(), "malformed") {
			t.Errorf("err = %v", err)
		}
	})
}

// forwardServer serves total records with forward-only paging (§5.2).
func forwardServer(t *testing.T, total int, seen *[]url.Values, mu *sync.Mutex) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mu.Lock()
		*seen = append(*seen, r.URL.Query())
		mu.Unlock()
		if r.Header.Get("pagination-type") != "forward-only" {
			t.Errorf("pagination-type = %q", r.Header.Get("pagination-type"))
		}
		size, _ := strconv.Atoi(q.Get("pageSize"))
		after, _ := strconv.Atoi(q.Get("pageId"))
		items := []map[string]any{}
		for id := after + 1; id <= min(after+size, total); id++ {
			items = append(items, map[string]any{"id": id})
		}
		link := ""
		if last := after + len(items); last < total {
			q.Set("pageId", strconv.Itoa(last))
			link = fmt.Sprintf("<http://%s%s?%s>; rel=\"next\"", r.Host, r.URL.Path, q.Encode())
		}
		w.Header().Set("Link", link)
		writeJSON(w, 200, items)
	}
}

func TestListForwardOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var mu sync.Mutex
	var seen []url.Values
	b.handle("GET /service/tickets", forwardServer(t, 2000, &seen, &mu))
	cond := Eq("closedFlag", false)
	got, err := b.client.Tickets.List(t.Context(), &ListOptions{Conditions: cond, ForwardOnly: true, PageSize: 999})
	if err != nil || len(got) != 2000 || got[1999].ID != 2000 {
		t.Fatalf("got %d tickets, %v", len(got), err)
	}
	if len(seen) != 3 {
		t.Errorf("requests = %d, want 3", len(seen))
	}
	for i, q := range seen {
		if q.Get("conditions") != cond.String() || q.Has("page") {
			t.Errorf("request %d: %v", i+1, q)
		}
	}
	if seen[1].Get("pageId") != "999" || seen[2].Get("pageId") != "1998" {
		t.Errorf("pageIds = %s, %s", seen[1].Get("pageId"), seen[2].Get("pageId"))
	}

	_, err = b.client.Tickets.List(t.Context(), &ListOptions{ForwardOnly: true, OrderBy: "id desc"})
	if centralpsa.ErrorKind(err) != centralpsa.KindInvalid || len(seen) != 3 {
		t.Errorf("orderBy with forward-only: %v after %d requests", err, len(seen))
	}
}

func TestListForwardOnlyUnsupported(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.handle("GET /service/tickets", func(w http.ResponseWriter, r *http.Request) {
		items := make([]map[string]int, 10)
		for i := range items {
			items[i] = map[string]int{"id": i + 1}
		}
		writeJSON(w, 200, items)
	})
	_, err := b.client.Tickets.List(t.Context(), &ListOptions{ForwardOnly: true, PageSize: 10})
	if err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("err = %v", err)
	}
}

func TestCount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.handle("GET /finance/agreements/{id}/additions/count", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.PathValue("id") != "12" || q.Get("conditions") != `product/identifier = "Sophos_X"` || q.Has("page") || q.Has("pageSize") {
			t.Errorf("count request: %s %v", r.URL.Path, q)
		}
		writeJSON(w, 200, map[string]int{"count": 42})
	})
	n, err := b.client.Agreements.CountAdditions(t.Context(), 12, &ListOptions{Conditions: Eq("product/identifier", "Sophos_X")})
	if err != nil || n != 42 {
		t.Errorf("count = %d, %v", n, err)
	}
}

func TestListOptionsValidation(t *testing.T) {
	t.Parallel()
	for _, o := range []*ListOptions{
		{OrderBy: "name; drop"},
		{OrderBy: "name sideways"},
		{Fields: []string{"id", "name,extra"}},
		{ChildConditions: Eq("", 1)},
	} {
		if _, err := o.values(); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	q, err := (&ListOptions{OrderBy: "contact/name asc, id DESC"}).values()
	if err != nil || q.Get("orderBy") != "contact/name asc, id DESC" {
		t.Errorf("orderBy: %v %v", q, err)
	}
}
