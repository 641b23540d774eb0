package sophosemu

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

const defaultPageSize = 50

// keyBase offsets key-paging cursors so they look like the long numbers
// Central returns ("2000818931339") rather than small offsets a client
// might be tempted to compute.
const keyBase = 2_000_000_000_000

// pagesJSON is the `pages` object of both paging styles (§5.2); the
// optional members are left out exactly as Central leaves them out.
type pagesJSON struct {
	FromKey string `json:"fromKey,omitempty"`
	NextKey string `json:"nextKey,omitempty"`
	Current int    `json:"current,omitempty"`
	Size    int    `json:"size"`
	Total   *int   `json:"total,omitempty"`
	Items   *int   `json:"items,omitempty"`
	MaxSize int    `json:"maxSize"`
}

// pageQuery is a parsed paging request of either style.
type pageQuery struct {
	page    int // page-number style, 1-based
	offset  int // key style, from pageFromKey
	fromKey string
	size    int
	maxSize int
	total   bool
}

// listParam reads a list parameter given comma-separated, repeated, or both.
func listParam(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		for p := range strings.SplitSeq(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, errors.New("pageTotal must be true or false")
}

// parseSize reads pageSize: default 50, larger values clamped to maxSize.
func parseSize(v string, maxSize int) (int, error) {
	if v == "" {
		return min(defaultPageSize, maxSize), nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, errors.New("pageSize must be a positive integer")
	}
	return min(n, maxSize), nil
}

// parsePageQuery reads page-number paging (tenants).
func parsePageQuery(q url.Values, maxSize int) (pageQuery, error) {
	pq := pageQuery{page: 1, maxSize: maxSize}
	var err error
	if pq.size, err = parseSize(q.Get("pageSize"), maxSize); err != nil {
		return pq, err
	}
	if pq.total, err = parseBool(q.Get("pageTotal")); err != nil {
		return pq, err
	}
	if v := q.Get("page"); v != "" {
		if pq.page, err = strconv.Atoi(v); err != nil || pq.page < 1 {
			return pq, errors.New("page must be a positive integer")
		}
	}
	return pq, nil
}

// parseKeyQuery reads key paging (billing, alerts).
func parseKeyQuery(size, fromKey, total string, maxSize int) (pageQuery, error) {
	pq := pageQuery{maxSize: maxSize, fromKey: fromKey}
	var err error
	if pq.size, err = parseSize(size, maxSize); err != nil {
		return pq, err
	}
	if pq.total, err = parseBool(total); err != nil {
		return pq, err
	}
	if fromKey != "" {
		n, err := strconv.ParseInt(fromKey, 10, 64)
		if err != nil || n < keyBase || n-keyBase > 1<<31 || strconv.FormatInt(n, 10) != fromKey {
			return pq, errors.New("pageFromKey is not a key this API returned")
		}
		pq.offset = int(n - keyBase)
	}
	return pq, nil
}

// bounds returns the slice of n items that the request selects.
func (pq pageQuery) bounds(n int) (lo, hi int) {
	lo = pq.offset
	if pq.page > 0 {
		lo = (pq.page - 1) * pq.size
	}
	lo = min(lo, n)
	return lo, min(lo+pq.size, n)
}

// pages describes the selected page out of n items.
func (pq pageQuery) pages(n int) pagesJSON {
	p := pagesJSON{Size: pq.size, MaxSize: pq.maxSize, FromKey: pq.fromKey}
	if pq.page > 0 {
		p.Current = pq.page
	} else if _, hi := pq.bounds(n); hi < n {
		p.NextKey = strconv.FormatInt(keyBase+int64(hi), 10)
	}
	if pq.total {
		total := (n + pq.size - 1) / pq.size
		p.Total, p.Items = &total, &n
	}
	return p
}

type pageBody struct {
	Items []any     `json:"items"`
	Pages pagesJSON `json:"pages"`
}

// writePage answers a list, applying the `fields` partial-response filter
// to each item.
func (s *Server) writePage(w http.ResponseWriter, items []any, pages pagesJSON, q url.Values) {
	if fields := listParam(q, "fields"); len(fields) > 0 {
		for i, it := range items {
			items[i] = project(it, fields)
		}
	}
	writeJSON(w, http.StatusOK, pageBody{Items: items, Pages: pages})
}

func writeFields(w http.ResponseWriter, v any, fields []string) {
	if len(fields) > 0 {
		v = project(v, fields)
	}
	writeJSON(w, http.StatusOK, v)
}

// project keeps only the named top-level members of v's JSON object; a
// dotted name ("tenant.id") keeps its top-level member whole.
func project(v any, fields []string) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return v
	}
	keep := map[string]json.RawMessage{}
	for _, f := range fields {
		top, _, _ := strings.Cut(f, ".")
		if raw, ok := m[top]; ok {
			keep[top] = raw
		}
	}
	return keep
}
