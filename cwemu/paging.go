package cwemu

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// pageOf cuts one page out of recs and sets the Link header. Navigable
// paging links first/prev (after page 1) and next/last (before the last
// page); every link repeats the request's own query with a new page.
// Forward-only paging always sends Link, empty on the last page.
func (s *Server) pageOf(w http.ResponseWriter, r *http.Request, recs []record, q query) []record {
	if q.forward {
		out := recs[:min(len(recs), q.pageSize)]
		link := ""
		if len(recs) > len(out) {
			link = "<" + s.linkURL(r, "pageId", intField(out[len(out)-1], "id")) + `>; rel="next"`
		}
		w.Header()["Link"] = []string{link}
		return out
	}
	last := max(1, (len(recs)+q.pageSize-1)/q.pageSize)
	var links []string
	add := func(rel string, page int) {
		links = append(links, "<"+s.linkURL(r, "page", page)+`>; rel="`+rel+`"`)
	}
	if q.page > 1 {
		add("first", 1)
		add("prev", min(q.page-1, last))
	}
	if q.page < last {
		add("next", q.page+1)
		add("last", last)
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	start := (q.page - 1) * q.pageSize
	if start >= len(recs) {
		return []record{}
	}
	return recs[start:min(len(recs), start+q.pageSize)]
}

// linkURL is the request's URL on the emulator's base with one parameter
// replaced; the other parameters keep their original order and encoding.
func (s *Server) linkURL(r *http.Request, param string, n int) string {
	var parts []string
	for p := range strings.SplitSeq(r.URL.RawQuery, "&") {
		key, _, _ := strings.Cut(p, "=")
		if k, err := url.QueryUnescape(key); p == "" || (err == nil && k == param) {
			continue
		}
		parts = append(parts, p)
	}
	parts = append(parts, param+"="+strconv.Itoa(n))
	return s.opts.BaseURL + r.URL.EscapedPath() + "?" + strings.Join(parts, "&")
}
