package cwemu

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// checkTypes refuses a wrongly typed field the way ConnectWise does: its
// JSON converter fails and the API answers 500 (doc §7.1). Types follow
// the naming rules of the schema (…Flag boolean, …Date date, …Id
// integer) plus the resource's number list; dates are normalised to the
// API's "2006-01-02T15:04:05Z" form.
func (res *resource) checkTypes(rec record, keys []string) *apiError {
	for _, k := range keys {
		v, ok := rec[k]
		if !ok {
			continue
		}
		switch kindOfField(res, k) {
		case "number":
			if _, ok := toFloat(v); !ok {
				return conversionError(k, v, "System.Double")
			}
		case "int":
			if _, ok := intOf(v); !ok {
				return conversionError(k, v, "System.Int32")
			}
		case "bool":
			if _, ok := v.(bool); !ok {
				return conversionError(k, v, "System.Boolean")
			}
		case "date":
			str, _ := v.(string)
			tm, ok := parseTime(str)
			if !ok {
				return conversionError(k, v, "System.DateTime")
			}
			rec[k] = tm.Format(time.RFC3339)
		case "ref":
			if !isRefValue(v) {
				return errorf(http.StatusBadRequest, "ConnectWiseApi", "The service was not able to process your request.")
			}
		case "string":
			if _, ok := v.(string); !ok {
				return conversionError(k, v, "System.String")
			}
		}
	}
	return nil
}

func kindOfField(res *resource, k string) string {
	if _, isRef := res.refs[k]; isRef {
		return "ref"
	}
	switch {
	case slices.Contains(res.numbers, k):
		return "number"
	case k == "id" || strings.HasSuffix(k, "Id") && k != "mobileGuid":
		return "int"
	case strings.HasSuffix(k, "Flag"):
		return "bool"
	case strings.HasSuffix(k, "Date") || strings.HasPrefix(k, "date") || strings.HasSuffix(k, "UTC"):
		return "date"
	case res.maxLen[k] > 0 || res.enums[k] != nil:
		return "string"
	}
	return ""
}

func isRefValue(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return true
	case []any: // a list of references, e.g. a company's types
		for _, e := range x {
			if _, ok := e.(map[string]any); !ok {
				return false
			}
		}
		return true
	}
	return false
}

// validate applies the required list, max lengths, enums and uniqueness,
// and reports every problem at once in the InvalidObject envelope.
func (s *Server) validate(res *resource, old, rec record, parent int, touched []string) *apiError {
	v := &invalid{object: res.object}
	for _, f := range res.required {
		if x, ok := rec[f]; !ok || x == "" {
			v.add("MissingRequiredField", f, "%s is required.", f)
		}
	}
	sort.Strings(touched)
	for _, f := range slices.Compact(touched) {
		str, isStr := rec[f].(string)
		if n := res.maxLen[f]; isStr && n > 0 && utf8.RuneCountInString(str) > n {
			v.add("InvalidField", f, "%s has a maximum length of %d characters (got %d).", f, n, utf8.RuneCountInString(str))
		}
		if allowed := res.enums[f]; isStr && allowed != nil && !slices.Contains(allowed, str) {
			v.add("InvalidField", f, "%s must be one of %s.", f, strings.Join(allowed, ", "))
		}
		if slices.Contains(res.unique, f) && isStr {
			if other := s.findBy(s.tables[res.key], f, str, parent); other != nil && (old == nil || intField(other, "id") != intField(old, "id")) {
				v.add("ObjectExists", f, "A %s with %s '%s' already exists.", res.object, f, str)
			}
		}
	}
	return v.err()
}

// findBy returns the first record whose field equals value ignoring case,
// among the children of parent for a child resource.
func (s *Server) findBy(t *table, field, value string, parent int) record {
	ids := t.ids
	if t.res.parent != "" {
		ids = t.byParent[parent]
	}
	if idx, ok := t.index[field]; ok {
		ids = intersectSorted(ids, idx[strings.ToLower(value)])
	}
	for _, id := range ids {
		if str, ok := t.rows[id][field].(string); ok && strings.EqualFold(str, value) {
			return t.rows[id]
		}
	}
	return nil
}

// resolveRefs turns each touched reference into the full reference of the
// record it names: by id, else identifier, else name (doc §6.2), inside the
// parent named by the ref's scope. Scoped refs resolve after their scope.
func (s *Server) resolveRefs(res *resource, rec record, touched []string) *apiError {
	fields := slices.Clone(touched)
	slices.SortStableFunc(fields, func(a, b string) int { return boolInt(res.refs[a].scope != "") - boolInt(res.refs[b].scope != "") })
	v := &invalid{object: res.object}
	for _, f := range slices.Compact(fields) {
		spec, isRef := res.refs[f]
		val, present := rec[f]
		if !isRef || !present {
			continue
		}
		if arr, ok := val.([]any); ok {
			out := make([]any, 0, len(arr))
			for _, e := range arr {
				r, msg := s.resolveOne(spec, e.(map[string]any), rec)
				if msg != "" {
					v.add("InvalidField", f, "%s", msg)
					break
				}
				out = append(out, r)
			}
			rec[f] = out
			continue
		}
		r, msg := s.resolveOne(spec, val.(map[string]any), rec)
		if msg != "" {
			v.add("InvalidField", f, "%s %s", f, msg)
			continue
		}
		rec[f] = r
	}
	return v.err()
}

func (s *Server) resolveOne(spec ref, given map[string]any, rec record) (record, string) {
	if spec.to == "" {
		return given, ""
	}
	t := s.tables[spec.to]
	scope := 0
	if spec.scope != "" {
		scopeRef, _ := rec[spec.scope].(map[string]any)
		scope, _ = intOf(scopeRef["id"])
	}
	var target record
	switch {
	case given["id"] != nil:
		id, ok := intOf(given["id"])
		if !ok {
			return nil, "id must be an integer."
		}
		target = t.rows[id]
		if pid, _ := t.parentOf(target); target != nil && spec.scope != "" && pid != scope {
			return nil, "id " + strconv.Itoa(id) + " does not belong to the " + spec.scope + " of this record."
		}
		if target == nil {
			return nil, "id " + strconv.Itoa(id) + " was not found."
		}
	case given["identifier"] != nil || given["name"] != nil:
		key := "identifier"
		if given[key] == nil {
			key = "name"
		}
		str, _ := given[key].(string)
		if target = s.findBy(t, key, str, scope); target == nil {
			return nil, key + " '" + str + "' was not found."
		}
	default:
		return nil, "must name the record by id, identifier or name."
	}
	return s.refTo(t, target), ""
}

// refTo renders a reference to rec: its id, the keys its resource declares
// and an _info href (doc §8).
func (s *Server) refTo(t *table, rec record) record {
	res := t.res
	var out record
	if res.toRef != nil {
		out = res.toRef(rec)
	} else {
		out = record{"id": rec["id"]}
		for _, k := range res.refKeys {
			key, src, found := strings.Cut(k, "=")
			if !found {
				src = key
			}
			if v := firstValue(rec, strings.Split(src, "/")); v != nil {
				out[key] = v
			}
		}
	}
	out["_info"] = map[string]any{res.hrefKey: s.href(res, rec)}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
