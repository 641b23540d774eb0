package cwemu

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// query is the parsed standard filter set of a list request (doc §4, §5).
type query struct {
	conds, child, custom Cond
	order                []orderKey
	fields               *fieldTree
	page, pageSize       int
	forward              bool // pagination-type: forward-only
	pageID               int
}

type orderKey struct {
	path []string
	desc bool
}

// search is the JSON body of POST …/search.
type search struct {
	Conditions            string `json:"conditions"`
	ChildConditions       string `json:"childConditions"`
	CustomFieldConditions string `json:"customFieldConditions"`
	OrderBy               string `json:"orderBy"`
}

func parseQuery(r *http.Request, body *search) (query, *apiError) {
	v := r.URL.Query()
	src := search{Conditions: v.Get("conditions"), ChildConditions: v.Get("childConditions"),
		CustomFieldConditions: v.Get("customFieldConditions"), OrderBy: v.Get("orderBy")}
	if body != nil {
		src = *body
	}
	q := query{page: 1, pageSize: 25, forward: strings.EqualFold(r.Header.Get("pagination-type"), "forward-only")}
	var err error
	for _, c := range []struct {
		dst  *Cond
		text string
	}{{&q.conds, src.Conditions}, {&q.child, src.ChildConditions}, {&q.custom, src.CustomFieldConditions}} {
		if *c.dst, err = ParseConditions(c.text); err != nil {
			return q, conditionsError(err)
		}
	}
	if q.order, err = parseOrderBy(src.OrderBy); err != nil {
		return q, badRequest("%v", err)
	}
	if q.forward && len(q.order) > 0 {
		return q, badRequest("orderBy is not supported with forward-only pagination.")
	}
	if f := v.Get("fields"); f != "" {
		q.fields = parseFields(f)
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"page", &q.page}, {"pageSize", &q.pageSize}, {"pageId", &q.pageID}} {
		if raw := v.Get(p.name); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil {
				return q, badRequest("The value '%s' is not valid for %s.", raw, p.name)
			}
			*p.dst = n
		}
	}
	q.page = max(q.page, 1)
	q.pageSize = min(max(q.pageSize, 1), 1000)
	return q, nil
}

func conditionsError(err error) *apiError {
	var le *LiteralError
	if errors.As(err, &le) {
		return badRequest("%s", le.Error())
	}
	return badRequest("The conditions could not be parsed: %v.", err)
}

// parseOrderBy reads "path [asc|desc][, path [asc|desc]]".
func parseOrderBy(s string) ([]orderKey, error) {
	var keys []orderKey
	for part := range strings.SplitSeq(s, ",") {
		f := strings.Fields(part)
		if len(f) == 0 {
			continue
		}
		if len(f) > 2 {
			return nil, fmt.Errorf("orderBy %q must be a field followed by asc or desc", strings.TrimSpace(part))
		}
		k := orderKey{path: strings.Split(f[0], "/")}
		if len(f) == 2 {
			switch strings.ToLower(f[1]) {
			case "asc":
			case "desc":
				k.desc = true
			default:
				return nil, fmt.Errorf("orderBy direction %q must be asc or desc", f[1])
			}
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// filter applies conditions, childConditions and customFieldConditions,
// then orderBy. recs arrive in id order and leave in id order unless sorted.
func filter(recs []record, q query) ([]record, *apiError) {
	ev := newEvaluator()
	child := splitChild(q.child)
	var out []record
	for _, rec := range recs {
		if q.forward && intField(rec, "id") <= q.pageID {
			continue
		}
		ok, err := ev.match(q.conds, rec)
		if err == nil && ok && q.child != nil {
			ok, err = child.match(ev, rec)
		}
		if err == nil && ok && q.custom != nil {
			ok, err = matchElements(ev, q.custom, rec["customFields"])
		}
		if err != nil {
			return nil, conditionsError(err)
		}
		if ok {
			out = append(out, rec)
		}
	}
	if len(q.order) > 0 {
		slices.SortStableFunc(out, func(a, b record) int { return compareRecords(a, b, q.order) })
	}
	return out, nil
}

// childCond is a childConditions expression. When every path starts with
// the same array field (communicationItems/…), one element must satisfy
// the whole expression; otherwise it is applied like conditions.
type childCond struct {
	whole  Cond
	prefix string
	rest   Cond
}

func splitChild(c Cond) childCond {
	cc := childCond{whole: c}
	var prefix string
	same := true
	var strip func(Cond) Cond
	strip = func(c Cond) Cond {
		switch c := c.(type) {
		case Logic:
			return Logic{Op: c.Op, L: strip(c.L), R: strip(c.R)}
		case Clause:
			if len(c.Path) < 2 || (prefix != "" && !strings.EqualFold(prefix, c.Path[0])) {
				same = false
				return c
			}
			prefix = c.Path[0]
			c.Path = c.Path[1:]
			return c
		}
		return c
	}
	if c != nil {
		if rest := strip(c); same {
			cc.prefix, cc.rest = prefix, rest
		}
	}
	return cc
}

func (c childCond) match(ev *evaluator, rec record) (bool, error) {
	if c.prefix != "" {
		if v, _ := lookupFold(rec, c.prefix); v != nil {
			if _, isArr := v.([]any); isArr {
				return matchElements(ev, c.rest, v)
			}
		}
	}
	return ev.match(c.whole, rec)
}

// matchElements reports whether some element of an array satisfies c.
func matchElements(ev *evaluator, c Cond, v any) (bool, error) {
	arr, _ := v.([]any)
	for _, e := range arr {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		hit, err := ev.match(c, m)
		if err != nil || hit {
			return hit, err
		}
	}
	return false, nil
}

func compareRecords(a, b record, keys []orderKey) int {
	for _, k := range keys {
		c := compareValues(firstValue(a, k.path), firstValue(b, k.path))
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(intField(a, "id"), intField(b, "id"))
}

func firstValue(rec record, path []string) any {
	var out any
	eachValue(rec, path, func(v any) bool { out = v; return true })
	return out
}

// compareValues orders nulls first, then by value; text ignores case.
func compareValues(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	if x, ok := toFloat(a); ok {
		if y, ok := toFloat(b); ok {
			return cmp.Compare(x, y)
		}
	}
	if x, ok := a.(bool); ok {
		if y, ok := b.(bool); ok {
			return cmp.Compare(boolInt(x), boolInt(y))
		}
	}
	return cmp.Compare(strings.ToLower(fmt.Sprint(a)), strings.ToLower(fmt.Sprint(b)))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func intField(rec record, key string) int {
	n, _ := intOf(rec[key])
	return n
}
