package sophos

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"net/url"
	"strconv"

	"centralpsa"
)

// maxPages stops a listing whose server keeps handing out new pages; at
// 100 items a page it is far beyond any partner's tenants or alerts.
const maxPages = 10000

// pages is the paging object of the page-number and key styles (doc §5.2).
// total and items come only with pageTotal=true; nextKey is absent on the
// last page of a key-paged listing.
type pages struct {
	Current int     `json:"current,omitempty"`
	Size    int     `json:"size,omitempty"`
	Total   int     `json:"total,omitempty"`
	Items   int     `json:"items,omitempty"`
	MaxSize int     `json:"maxSize,omitempty"`
	FromKey pageKey `json:"fromKey,omitempty"`
	NextKey pageKey `json:"nextKey,omitempty"`
}

// pageKey is an opaque key. Real keys are digit strings ("2000432653939");
// a bare JSON number is accepted too, keeping its exact text.
type pageKey string

func (k *pageKey) UnmarshalJSON(b []byte) error {
	switch {
	case bytes.Equal(b, []byte("null")):
		*k = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*k = pageKey(s)
	case len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')):
		*k = pageKey(b)
	default:
		return fmt.Errorf("page key %s is neither a string nor a number", snippet(b))
	}
	return nil
}

// page is one response of a paged listing, items left raw so each resource
// decodes its own and can name the item that is wrong.
type page struct {
	Items []json.RawMessage `json:"items"`
	Pages pages             `json:"pages"`
}

// decodePage parses a paged body. A body without an "items" array is an
// error: reading it as an empty list could make a caller believe a partner
// has no tenants.
func decodePage(body []byte) (page, error) {
	var raw struct {
		Items *[]json.RawMessage `json:"items"`
		Pages *pages             `json:"pages"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return page{}, err
	}
	if raw.Items == nil {
		return page{}, errors.New(`response has no "items" array`)
	}
	p := page{Items: *raw.Items}
	if raw.Pages != nil {
		p.Pages = *raw.Pages
	}
	return p, nil
}

// nextPageNumber returns the page to ask for after page cur, or 0 when the
// listing is complete: after pages.total, or on an empty page when the total
// is missing (doc §5.2, defensive stop).
func nextPageNumber(cur int, p pages, n int) int {
	if n == 0 || (p.Total > 0 && cur >= p.Total) {
		return 0
	}
	return cur + 1
}

// keyCursor follows pages.nextKey and refuses a key it has already seen,
// which would otherwise loop forever.
type keyCursor struct {
	seen map[pageKey]bool
}

// next returns the key for the next page, or "" when the listing is done.
func (k *keyCursor) next(p pages) (string, error) {
	if p.NextKey == "" {
		return "", nil
	}
	if k.seen == nil {
		k.seen = map[pageKey]bool{}
	}
	if k.seen[p.NextKey] {
		return "", centralpsa.Errorf(centralpsa.KindUnavailable, "sophos central repeated page key %q", snippet([]byte(p.NextKey)))
	}
	if len(k.seen) >= maxPages {
		return "", centralpsa.Errorf(centralpsa.KindUnavailable, "sophos central listing has more than %d pages", maxPages)
	}
	k.seen[p.NextKey] = true
	return string(p.NextKey), nil
}

// itemFunc decodes one listed item; index counts from 0 over the whole
// listing so errors can name it.
type itemFunc[T any] func(raw json.RawMessage, index int) (T, error)

// fetchPage gets one page and decodes all its items, or none.
func fetchPage[T any](ctx context.Context, c *Client, r *call, offset int, item itemFunc[T]) ([]T, pages, error) {
	var (
		items []T
		p     pages
	)
	err := c.do(ctx, r, func(body []byte) error {
		pg, err := decodePage(body)
		if err != nil {
			return err
		}
		out := make([]T, 0, len(pg.Items))
		for i, raw := range pg.Items {
			v, err := item(raw, offset+i)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		items, p = out, pg.Pages
		return nil
	})
	return items, p, err
}

// numberPaged yields every item of a page-number listing (tenants).
func numberPaged[T any](ctx context.Context, c *Client, r *call, pageSize int, item itemFunc[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		base := r.query
		n := 0
		for num := 1; num != 0; {
			if num > maxPages {
				yield(*new(T), centralpsa.Errorf(centralpsa.KindUnavailable, "sophos central listing has more than %d pages", maxPages))
				return
			}
			q := withQuery(base, "page", strconv.Itoa(num), "pageSize", strconv.Itoa(pageSize), "pageTotal", "true")
			pr := *r
			pr.query = q
			items, p, err := fetchPage(ctx, c, &pr, n, item)
			if err != nil {
				yield(*new(T), fmt.Errorf("page %d: %w", num, err))
				return
			}
			for _, v := range items {
				if !yield(v, nil) {
					return
				}
			}
			n += len(items)
			num = nextPageNumber(num, p, len(items))
		}
	}
}

// keyPaged yields every item of a key-paged listing (alerts, billing).
// Each page is decoded whole before any of its items is yielded.
func keyPaged[T any](ctx context.Context, c *Client, r *call, item itemFunc[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var cur keyCursor
		n := 0
		for key, first := "", true; first || key != ""; first = false {
			pr := *r
			pr.query = r.query
			if key != "" {
				pr.query = withQuery(r.query, "pageFromKey", key)
			}
			items, p, err := fetchPage(ctx, c, &pr, n, item)
			if err != nil {
				yield(*new(T), err)
				return
			}
			for _, v := range items {
				if !yield(v, nil) {
					return
				}
			}
			n += len(items)
			if key, err = cur.next(p); err != nil {
				yield(*new(T), err)
				return
			}
		}
	}
}

// withQuery returns a copy of q with the key/value pairs set.
func withQuery(q url.Values, kv ...string) url.Values {
	out := maps.Clone(q)
	if out == nil {
		out = url.Values{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

// collect drains a sequence, stopping at the first error.
func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
