package connectwise_test

import (
	"net/http"
	"slices"
	"strconv"
	"testing"

	"centralpsa/connectwise"
	"centralpsa/cwemu"
	"centralpsa/emu"
	"centralpsa/sample"
)

// TestEmulatorListsEveryPage lists companies through every page and
// compares them with the emulator's own records, then checks in the request
// log that each page asked for the right pageSize and position.
func TestEmulatorListsEveryPage(t *testing.T) {
	t.Parallel()
	notDeleted := func(rec map[string]any) bool { return rec["deletedFlag"] != true }
	tests := []struct {
		name      string
		customers int
		opts      connectwise.ListOptions
		keep      func(map[string]any) bool // which emulator records the list must return; nil = all
		size      int                       // pageSize the client must send
		minRecs   int
	}{
		{name: "MoreThan25InOnePage", customers: 60, size: 1000, minRecs: 26},
		{name: "MoreThan1000", customers: 1200, size: 1000, minRecs: 1001},
		{name: "SmallPages", customers: 60, opts: connectwise.ListOptions{PageSize: 25}, size: 25, minRecs: 51},
		{name: "PageSizeCappedAt1000", customers: 1200, opts: connectwise.ListOptions{PageSize: 5000}, size: 1000, minRecs: 1001},
		{name: "ConditionsOnEveryPage", customers: 1200, size: 100, minRecs: 1001,
			opts: connectwise.ListOptions{PageSize: 100, Conditions: connectwise.Eq("deletedFlag", false), OrderBy: "name asc"},
			keep: notDeleted},
		{name: "ForwardOnlyBigTable", customers: 1200, size: 250, minRecs: 1001,
			opts: connectwise.ListOptions{PageSize: 250, ForwardOnly: true}},
		{name: "ForwardOnlyWithConditions", customers: 1200, size: 1000, minRecs: 1001,
			opts: connectwise.ListOptions{ForwardOnly: true, Conditions: connectwise.Eq("deletedFlag", false)}, keep: notDeleted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := startEmu(t, cwemu.Options{Customers: sample.Customers(tt.customers, 1)})
			var want []int
			for _, rec := range b.srv.Companies() {
				if tt.keep == nil || tt.keep(rec) {
					want = append(want, recID(rec))
				}
			}
			if len(want) < tt.minRecs {
				t.Fatalf("seed has %d matching companies, want at least %d", len(want), tt.minRecs)
			}
			opts := tt.opts
			got, err := b.cw.Companies.List(t.Context(), &opts)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			ids := make([]int, len(got))
			for i, c := range got {
				ids[i] = c.ID
			}
			if opts.OrderBy == "" {
				if !slices.IsSorted(ids) {
					t.Errorf("ids not in id order: paging skipped or repeated records")
				}
			}
			slices.Sort(ids)
			if !slices.Equal(ids, want) {
				t.Fatalf("listed %d companies, emulator has %d matching (first ids %v vs %v)", len(ids), len(want), ids[:min(5, len(ids))], want[:min(5, len(want))])
			}
			checkPages(t, b.requests(http.MethodGet, "/company/companies"), tt.size, len(want), opts)
			if n, err := b.cw.Companies.Count(t.Context(), &connectwise.ListOptions{Conditions: opts.Conditions}); err != nil || n != len(want) {
				t.Errorf("Count = %d, %v; want %d", n, err, len(want))
			}
		})
	}
}

// checkPages checks the page requests of one listing of total records.
func checkPages(t *testing.T, reqs []emu.Request, size, total int, opts connectwise.ListOptions) {
	t.Helper()
	wantPages := max(1, (total+size-1)/size)
	if len(reqs) != wantPages {
		t.Fatalf("%d page requests for %d records of pageSize %d, want %d", len(reqs), total, size, wantPages)
	}
	lastPageID := 0
	for i, r := range reqs {
		q := query(t, r)
		if got := q.Get("pageSize"); got != strconv.Itoa(size) {
			t.Errorf("page %d: pageSize=%q, want %d", i+1, got, size)
		}
		if want := opts.Conditions.String(); q.Get("conditions") != want {
			t.Errorf("page %d: conditions=%q, want %q", i+1, q.Get("conditions"), want)
		}
		if q.Get("orderBy") != opts.OrderBy {
			t.Errorf("page %d: orderBy=%q, want %q", i+1, q.Get("orderBy"), opts.OrderBy)
		}
		if opts.ForwardOnly {
			id, _ := strconv.Atoi(q.Get("pageId"))
			if (i == 0) != (q.Get("pageId") == "") || (i > 0 && id <= lastPageID) {
				t.Errorf("page %d: pageId=%q after %d", i+1, q.Get("pageId"), lastPageID)
			}
			lastPageID = id
			continue
		}
		if got := q.Get("page"); got != strconv.Itoa(i+1) {
			t.Errorf("request %d: page=%q", i+1, got)
		}
	}
}

// TestEmulatorShortPageEndsList covers a server that sends no Link header
// (the client must not require one, §5.1): a short page ends the listing,
// and a full last page costs one extra request that comes back empty. With
// Link headers, the missing rel="next" ends it without that request.
func TestEmulatorShortPageEndsList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		stripLink bool
		sizeOf    func(total int) int
		wantReqs  func(total int) int
	}{
		{name: "ShortLastPageWithoutLink", stripLink: true,
			sizeOf: func(n int) int { return n/2 + 1 }, wantReqs: func(int) int { return 2 }},
		{name: "FullLastPageWithoutLink", stripLink: true,
			sizeOf: func(n int) int { return n / pagesOf(n) }, wantReqs: func(n int) int { return pagesOf(n) + 1 }},
		{name: "FullLastPageWithLink",
			sizeOf: func(n int) int { return n / pagesOf(n) }, wantReqs: pagesOf},
		// The emulator sends no Link for a single page, so the client
		// cannot tell a full single page from a truncated one without
		// asking for page 2.
		{name: "FullSinglePage",
			sizeOf: func(n int) int { return n }, wantReqs: func(int) int { return 2 }},
		{name: "ShortSinglePage",
			sizeOf: func(n int) int { return n + 1 }, wantReqs: func(int) int { return 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var srv *cwemu.Server
			es := emu.Start(t, func(base string) http.Handler {
				srv = cwemu.New(cwemu.Options{BaseURL: base, NowFunc: emuNow})
				if !tt.stripLink {
					return srv
				}
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					srv.ServeHTTP(noLinkWriter{w}, r)
				})
			})
			b := &emuBundle{srv: srv, url: es.URL}
			b.cw = b.newClient(t)
			total := len(srv.Companies())
			size := tt.sizeOf(total)
			got, err := b.cw.Companies.List(t.Context(), &connectwise.ListOptions{PageSize: size})
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if len(got) != total {
				t.Errorf("listed %d companies, want %d", len(got), total)
			}
			reqs := b.requests(http.MethodGet, "/company/companies")
			if len(reqs) != tt.wantReqs(total) {
				t.Errorf("%d requests for %d records with pageSize %d, want %d", len(reqs), total, size, tt.wantReqs(total))
			}
		})
	}
}

// pagesOf returns the smallest page count above one that divides n
// evenly, so that n/pagesOf(n) makes every page full.
func pagesOf(n int) int {
	for k := 2; k < n; k++ {
		if n%k == 0 {
			return k
		}
	}
	return n
}

// noLinkWriter drops the Link header, like a server or proxy that does
// not send one.
type noLinkWriter struct{ http.ResponseWriter }

func (w noLinkWriter) WriteHeader(code int) {
	w.Header().Del("Link")
	w.ResponseWriter.WriteHeader(code)
}

func (w noLinkWriter) Write(p []byte) (int, error) {
	w.Header().Del("Link")
	return w.ResponseWriter.Write(p)
}
