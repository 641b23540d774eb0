package connectwise

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"centralpsa"
)

// MaxPageSize is ConnectWise's hard page limit (§5.1).
const MaxPageSize = 1000

// maxPages stops a server that keeps answering full pages forever.
const maxPages = 100_000

// ListOptions filter and shape a list (§4). Every page request is built from
// these same options, so conditions are never lost after page 1.
type ListOptions struct {
	Conditions            Condition
	ChildConditions       Condition
	CustomFieldConditions Condition
	// OrderBy is "path asc" or "path desc", comma-separated for several.
	OrderBy string
	// Fields asks for partial records, e.g. []string{"id", "name", "status/id"}.
	Fields []string
	// PageSize defaults to (and is capped at) MaxPageSize; ConnectWise's
	// own default is 25, a classic cause of incomplete syncs.
	PageSize int
	// ForwardOnly uses keyset paging (pagination-type: forward-only, pageId),
	// which stays fast on big tables but forbids OrderBy (§5.2).
	ForwardOnly bool
}

var orderByPattern = regexp.MustCompile(`^\s*[A-Za-z_][A-Za-z0-9_/]*(\s+(?i:asc|desc))?\s*$`)

// filters returns the filter parameters shared by lists and counts.
func (o *ListOptions) filters() (url.Values, error) {
	q := url.Values{}
	if o == nil {
		return q, nil
	}
	for _, f := range []struct {
		name string
		c    Condition
	}{{"conditions", o.Conditions}, {"childConditions", o.ChildConditions}, {"customFieldConditions", o.CustomFieldConditions}} {
		if err := f.c.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		if s := f.c.String(); s != "" {
			q.Set(f.name, s)
		}
	}
	return q, nil
}

// values returns every parameter except the page position.
func (o *ListOptions) values() (url.Values, error) {
	q, err := o.filters()
	if err != nil || o == nil {
		return q, err
	}
	if o.OrderBy != "" {
		for part := range strings.SplitSeq(o.OrderBy, ",") {
			if !orderByPattern.MatchString(part) {
				return nil, fmt.Errorf("orderBy %q: want \"field asc\" or \"field desc\"", clip(o.OrderBy, 60))
			}
		}
		if o.ForwardOnly {
			return nil, fmt.Errorf("orderBy cannot be combined with forward-only paging")
		}
		q.Set("orderBy", o.OrderBy)
	}
	if len(o.Fields) > 0 {
		for _, f := range o.Fields {
			if !fieldPattern.MatchString(f) {
				return nil, fmt.Errorf("fields: %q is not a field path", clip(f, 60))
			}
		}
		q.Set("fields", strings.Join(o.Fields, ","))
	}
	return q, nil
}

func (o *ListOptions) pageSize() int {
	if o == nil || o.PageSize <= 0 || o.PageSize > MaxPageSize {
		return MaxPageSize
	}
	return o.PageSize
}

func invalidOptions(method, path string, err error) error {
	return withKind(centralpsa.KindInvalid, fmt.Errorf("connectwise %s %s: %w", method, path, err))
}

// Pages yields a list page by page. It stops after a page that the Link
// header marks as the last (no rel="next"), or — when the server sends no
// Link header — after a short or empty page. The first error ends it.
func pages[T any](ctx context.Context, c *Client, path string, opts *ListOptions) iter.Seq2[[]T, error] {
	return func(yield func([]T, error) bool) {
		q, err := opts.values()
		if err != nil {
			yield(nil, invalidOptions(http.MethodGet, path, err))
			return
		}
		size := opts.pageSize()
		q.Set("pageSize", strconv.Itoa(size))
		r := newRequest(http.MethodGet, path, q, nil)
		next, state := navigableNext, pageState{page: 1}
		if opts != nil && opts.ForwardOnly {
			r.header = http.Header{"pagination-type": {"forward-only"}}
			next, state.forward = forwardNext, true
		}
		for n := 0; n < maxPages; n++ {
			if !state.forward {
				q.Set("page", strconv.Itoa(state.page))
			}
			var items []T
			resp, err := c.call(ctx, r, &items)
			if err == nil && items == nil && !bytes.HasPrefix(bytes.TrimSpace(resp.body), []byte("[")) {
				// null or {} would read as an empty list: a caller that then
				// creates what is "missing" would create it twice.
				err = withKind(centralpsa.KindUnavailable, fmt.Errorf("connectwise GET %s: a list page is not a JSON array: %q",
					path, clip(string(resp.body), 40)))
			}
			if err != nil {
				if n > 0 {
					err = fmt.Errorf("page %d: %w", n+1, err)
				}
				yield(nil, err)
				return
			}
			if len(items) > 0 && !yield(items, nil) {
				return
			}
			more, err := next(&state, q, resp.header, len(items), size)
			if err != nil {
				yield(nil, invalidOptions(http.MethodGet, path, err))
			}
			if !more || err != nil {
				return
			}
		}
		yield(nil, invalidOptions(http.MethodGet, path, fmt.Errorf("more than %d pages", maxPages)))
	}
}

type pageState struct {
	page    int
	forward bool
	pageID  int
}

// navigableNext follows rel="next" when a Link header is present and falls
// back to the short-page rule when it is not (§5.1: the client must not
// require Link). The next URL itself is not followed: the request is rebuilt
// from our own parameters, so it keeps the conditions and cannot be sent
// to another host with our credentials.
func navigableNext(s *pageState, _ url.Values, h http.Header, n, size int) (bool, error) {
	if n == 0 {
		return false, nil
	}
	s.page++
	if raw := strings.Join(h.Values("Link"), ", "); strings.TrimSpace(raw) != "" {
		if links, err := parseLinks(raw); err == nil {
			return findRel(links, "next") != "", nil
		}
	}
	return n >= size, nil
}

// forwardNext reads the next pageId from the Link header (§5.2). An empty
// Link value ends the list; a missing header on a full page means the
// endpoint does not support forward-only paging.
func forwardNext(s *pageState, q url.Values, h http.Header, n, size int) (bool, error) {
	if n < size {
		return false, nil
	}
	vals := h.Values("Link")
	if len(vals) == 0 {
		return false, fmt.Errorf("forward-only paging not supported here (no Link header)")
	}
	raw := strings.TrimSpace(strings.Join(vals, ", "))
	if raw == "" {
		return false, nil
	}
	links, err := parseLinks(raw)
	if err != nil || len(links) == 0 {
		return false, fmt.Errorf("unreadable Link header: %q", clip(raw, 200))
	}
	target := findRel(links, "next")
	if target == "" {
		target = links[0].url // CTC takes the first link whatever its rel (§5.2)
	}
	u, err := url.Parse(target)
	id, convErr := strconv.Atoi(u.Query().Get("pageId"))
	if err != nil || convErr != nil || id <= s.pageID {
		return false, fmt.Errorf("link header has no usable pageId after %d: %q", s.pageID, clip(target, 200))
	}
	s.pageID = id
	q.Set("pageId", strconv.Itoa(id))
	return true, nil
}

// all yields the records of every page one by one.
func all[T any](ctx context.Context, c *Client, path string, opts *ListOptions) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for page, err := range pages[T](ctx, c, path, opts) {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range page {
				if !yield(item, nil) {
					return
				}
			}
		}
	}
}

// Collect drains seq into a slice, stopping at the first error.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for item, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	return out, nil
}

func list[T any](ctx context.Context, c *Client, path string, opts *ListOptions) ([]T, error) {
	return Collect(all[T](ctx, c, path, opts))
}

// count calls path + "/count" with the filters of opts (§4.4).
func count(ctx context.Context, c *Client, path string, opts *ListOptions) (int, error) {
	path += "/count"
	q, err := opts.filters()
	if err != nil {
		return 0, invalidOptions(http.MethodGet, path, err)
	}
	var out struct {
		Count int `json:"count"`
	}
	if _, err := c.call(ctx, newRequest(http.MethodGet, path, q, nil), &out); err != nil {
		return 0, err
	}
	return out.Count, nil
}
