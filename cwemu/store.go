package cwemu

import (
	"slices"
	"strconv"
	"strings"
)

// record is one stored object, kept as the JSON object the API returns so
// that its shape is written down literally in the seed and the hooks, never
// borrowed from a client's structs. Nulls are never stored.
type record = map[string]any

// table holds the records of one resource with the indexes that keep a
// request at O(matches) instead of O(table) where it can.
type table struct {
	res      *resource
	rows     map[int]record
	ids      []int // ascending, the default order of a list
	next     int
	byParent map[int][]int               // parent id → child ids, ascending
	index    map[string]map[string][]int // indexed path → folded value → ids
}

func newTable(res *resource) *table {
	t := &table{res: res, rows: map[int]record{}, next: max(res.firstID, 1), byParent: map[int][]int{}, index: map[string]map[string][]int{}}
	for _, p := range res.indexed {
		t.index[p] = map[string][]int{}
	}
	return t
}

// insert stores rec under a new id and returns the id.
func (t *table) insert(rec record) int {
	id := t.next
	t.next++
	rec["id"] = id
	t.rows[id] = rec
	t.ids = append(t.ids, id)
	if pid, ok := t.parentOf(rec); ok {
		t.byParent[pid] = append(t.byParent[pid], id)
	}
	t.addIndex(id, rec)
	return id
}

// replace swaps the stored record for rec, keeping its id and parent.
func (t *table) replace(id int, rec record) {
	t.dropIndex(id, t.rows[id])
	rec["id"] = id
	t.rows[id] = rec
	t.addIndex(id, rec)
}

func (t *table) remove(id int) {
	rec, ok := t.rows[id]
	if !ok {
		return
	}
	t.dropIndex(id, rec)
	delete(t.rows, id)
	if i, found := slices.BinarySearch(t.ids, id); found {
		t.ids = slices.Delete(t.ids, i, i+1)
	}
	if pid, ok := t.parentOf(rec); ok {
		kids := t.byParent[pid]
		if i, found := slices.BinarySearch(kids, id); found {
			t.byParent[pid] = slices.Delete(kids, i, i+1)
		}
	}
}

// parentOf reads the parent id of a child record: an int field such as
// agreementId, or the id of a reference such as a status's board.
func (t *table) parentOf(rec record) (int, bool) {
	if t.res.parentField == "" {
		return 0, false
	}
	v := rec[t.res.parentField]
	if m, ok := v.(record); ok {
		v = m["id"]
	}
	return intOf(v)
}

// candidates returns the ids a list must consider, in ascending order:
// the children of parent (when the resource has one), narrowed by an index
// when the condition pins an indexed field with "=".
func (t *table) candidates(parent int, c Cond) []int {
	ids := t.ids
	if t.res.parent != "" {
		ids = t.byParent[parent]
	}
	if hit, ok := t.indexHit(c); ok {
		return intersectSorted(ids, hit)
	}
	return ids
}

// indexHit finds the ids an and-chain of conditions allows through one
// indexed equality, if it has one. The full condition is still applied
// afterwards; the index only narrows.
func (t *table) indexHit(c Cond) ([]int, bool) {
	switch c := c.(type) {
	case Logic:
		if c.Op != "and" {
			return nil, false
		}
		l, lok := t.indexHit(c.L)
		r, rok := t.indexHit(c.R)
		switch {
		case lok && rok:
			return intersectSorted(l, r), true
		case lok:
			return l, true
		}
		return r, rok
	case Clause:
		if c.Op != "=" || c.Not || c.Values[0].Kind == ValNull || c.Values[0].Kind == ValDate {
			return nil, false
		}
		path := strings.ToLower(strings.Join(c.Path, "/"))
		if path == "id" && c.Values[0].Kind == ValNumber {
			id := int(c.Values[0].Num)
			if _, ok := t.rows[id]; ok && float64(id) == c.Values[0].Num {
				return []int{id}, true
			}
			return nil, true
		}
		idx, ok := t.index[path]
		numeric := strings.HasSuffix(path, "id") && !strings.HasSuffix(path, "identifier")
		if !ok || numeric != (c.Values[0].Kind == ValNumber) || (!numeric && c.Values[0].Kind != ValString) {
			return nil, false // the index only knows values of the kind the field holds
		}
		key, ok := foldKey(literalAny(c.Values[0]))
		if !ok {
			return nil, false
		}
		return idx[key], true
	}
	return nil, false
}

func literalAny(v Value) any {
	switch v.Kind {
	case ValNumber:
		return v.Num
	case ValBool:
		return v.Bool
	}
	return v.Str
}

func (t *table) addIndex(id int, rec record) {
	for path, idx := range t.index {
		eachValue(rec, strings.Split(path, "/"), func(v any) bool {
			if key, ok := foldKey(v); ok {
				ids := idx[key]
				if i, found := slices.BinarySearch(ids, id); !found {
					idx[key] = slices.Insert(ids, i, id)
				}
			}
			return false
		})
	}
}

func (t *table) dropIndex(id int, rec record) {
	for path, idx := range t.index {
		eachValue(rec, strings.Split(path, "/"), func(v any) bool {
			if key, ok := foldKey(v); ok {
				ids := idx[key]
				if i, found := slices.BinarySearch(ids, id); found {
					idx[key] = slices.Delete(ids, i, i+1)
				}
			}
			return false
		})
	}
}

// foldKey is the index key of a value: lower-cased text or a number's
// shortest form, matching the case-insensitive "=" of conditions.
func foldKey(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return strings.ToLower(x), true
	case bool:
		return strconv.FormatBool(x), true
	}
	if f, ok := toFloat(v); ok {
		return strconv.FormatFloat(f, 'f', -1, 64), true
	}
	return "", false
}

func intersectSorted(a, b []int) []int {
	var out []int
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

func intOf(v any) (int, bool) {
	f, ok := toFloat(v)
	if !ok || f != float64(int(f)) {
		return 0, false
	}
	return int(f), true
}

// clone deep-copies a JSON value so callers outside the lock never share
// maps with the store.
func clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = clone(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = clone(e)
		}
		return a
	}
	return v
}

func cloneRec(r record) record { return clone(r).(record) }
