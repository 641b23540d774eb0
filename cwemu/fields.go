package cwemu

import "strings"

// fieldTree is a parsed fields= list: "id,name,status/id" keeps id and
// name whole and only the id of status. Keys are lower-cased, because
// field names are case-insensitive elsewhere in the API.
type fieldTree struct {
	kids map[string]*fieldTree // nil: keep the whole value
}

func parseFields(s string) *fieldTree {
	root := &fieldTree{kids: map[string]*fieldTree{}}
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		node := root
		segs := strings.Split(strings.ToLower(f), "/")
		for i, seg := range segs {
			next, ok := node.kids[seg]
			if !ok {
				next = &fieldTree{}
				node.kids[seg] = next
			}
			if i == len(segs)-1 {
				next.kids = nil // a whole value wins over parts of it
			} else if next.kids == nil {
				if ok { // the whole value was already asked for
					break
				}
				next.kids = map[string]*fieldTree{}
			}
			node = next
		}
	}
	return root
}

// project returns the part of v the tree asks for; a nil tree keeps all.
func (t *fieldTree) project(v any) any {
	if t == nil || t.kids == nil {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if sub, ok := t.kids[strings.ToLower(k)]; ok {
				out[k] = sub.project(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = t.project(e)
		}
		return out
	}
	return v
}

// view prepares records for the wire: projected when fields= was given.
func view(recs []record, t *fieldTree) []any {
	out := make([]any, len(recs))
	for i, r := range recs {
		out[i] = t.project(r)
	}
	return out
}
