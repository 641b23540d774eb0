package sophosemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// alertQuery is the filter, sort and paging of a list or search request.
type alertQuery struct {
	from, to                              time.Time
	groupKey                              string
	products, categories, severities, ids []string
	sort                                  []string
	fields                                []string
	page                                  pageQuery
}

// alertSearch is the body of POST /common/v1/alerts/search.
type alertSearch struct {
	Category    []string `json:"category"`
	Fields      []string `json:"fields"`
	From        string   `json:"from"`
	GroupKey    string   `json:"groupKey"`
	IDs         []string `json:"ids"`
	PageFromKey string   `json:"pageFromKey"`
	PageSize    int      `json:"pageSize"`
	PageTotal   bool     `json:"pageTotal"`
	Product     []string `json:"product"`
	Severity    []string `json:"severity"`
	Sort        []string `json:"sort"`
	To          string   `json:"to"`
}

// parseTime accepts Central's date-times with or without zone and
// fractional seconds (a missing zone means UTC), or a bare date.
func parseTime(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", time.DateOnly} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date-time", v)
}

func (aq *alertQuery) setTimes(from, to string) error {
	var err error
	if from != "" {
		if aq.from, err = parseTime(from); err != nil {
			return fmt.Errorf("from: %w", err)
		}
	}
	if to != "" {
		if aq.to, err = parseTime(to); err != nil {
			return fmt.Errorf("to: %w", err)
		}
	}
	return nil
}

func queryFromURL(r *http.Request) (alertQuery, error) {
	q := r.URL.Query()
	aq := alertQuery{
		groupKey: q.Get("groupKey"), products: listParam(q, "product"), categories: listParam(q, "category"),
		severities: listParam(q, "severity"), ids: listParam(q, "ids"), sort: listParam(q, "sort"),
		fields: listParam(q, "fields"),
	}
	var err error
	if aq.page, err = parseKeyQuery(q.Get("pageSize"), q.Get("pageFromKey"), q.Get("pageTotal"), alertsMaxPageSize); err != nil {
		return aq, err
	}
	return aq, aq.setTimes(q.Get("from"), q.Get("to"))
}

func queryFromBody(r *http.Request) (alertQuery, error) {
	var b alertSearch
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20)).Decode(&b); err != nil {
		return alertQuery{}, fmt.Errorf("decode search body: %w", err)
	}
	aq := alertQuery{
		groupKey: b.GroupKey, products: b.Product, categories: b.Category, severities: b.Severity,
		ids: b.IDs, sort: b.Sort, fields: b.Fields,
	}
	size := ""
	if b.PageSize != 0 {
		size = fmt.Sprint(b.PageSize)
	}
	var err error
	if aq.page, err = parseKeyQuery(size, b.PageFromKey, fmt.Sprint(b.PageTotal), alertsMaxPageSize); err != nil {
		return aq, err
	}
	return aq, aq.setTimes(b.From, b.To)
}

func (aq alertQuery) match(a *Alert) bool {
	in := func(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }
	return a.Open && in(aq.products, a.Product) && in(aq.categories, a.Category) &&
		in(aq.severities, a.Severity) && in(aq.ids, a.ID) &&
		(aq.groupKey == "" || aq.groupKey == a.GroupKey) &&
		(aq.from.IsZero() || !a.RaisedAt.Before(aq.from)) &&
		(aq.to.IsZero() || a.RaisedAt.Before(aq.to))
}

var severityRank = map[string]int{"low": 1, "medium": 2, "high": 3}

// sortKeys are the fields an alert list can be sorted by.
var sortKeys = map[string]func(a, b Alert) int{
	"raisedAt": func(a, b Alert) int { return a.RaisedAt.Compare(b.RaisedAt) },
	"severity": func(a, b Alert) int { return severityRank[a.Severity] - severityRank[b.Severity] },
	"id":       func(a, b Alert) int { return strings.Compare(a.ID, b.ID) },
	"type":     func(a, b Alert) int { return strings.Compare(a.Type, b.Type) },
	"category": func(a, b Alert) int { return strings.Compare(a.Category, b.Category) },
	"product":  func(a, b Alert) int { return strings.Compare(a.Product, b.Product) },
}

// sortAlerts orders by each `field[:asc|desc]` in turn; the default and
// the final tie-break is raisedAt ascending, then id.
func sortAlerts(list []Alert, sort []string) error {
	type key struct {
		cmp  func(a, b Alert) int
		desc bool
	}
	var keys []key
	for _, sv := range append(slices.Clone(sort), "raisedAt", "id") {
		field, dir, _ := strings.Cut(sv, ":")
		c, ok := sortKeys[field]
		if !ok || (dir != "" && dir != "asc" && dir != "desc") {
			return fmt.Errorf("cannot sort by %q", sv)
		}
		keys = append(keys, key{c, dir == "desc"})
	}
	slices.SortStableFunc(list, func(a, b Alert) int {
		for _, k := range keys {
			if c := k.cmp(a, b); c != 0 {
				if k.desc {
					return -c
				}
				return c
			}
		}
		return 0
	})
	return nil
}
