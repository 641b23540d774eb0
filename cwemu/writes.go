package cwemu

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
)

func (s *Server) serveCreate(w http.ResponseWriter, r *http.Request, rt route, body []byte) *apiError {
	rec, err := decodeObject(body)
	if err != nil {
		return err
	}
	saved, err := s.save(rt.res, nil, rec, rt.parent, r.Method, slices.Collect(maps.Keys(rec)))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, parseFieldsParam(r).project(saved))
	return nil
}

// servePut replaces a record: anything the body leaves out is reset
// (doc §6), except what the server owns (id, entry date, parent).
func (s *Server) servePut(w http.ResponseWriter, r *http.Request, rt route, old record, body []byte) *apiError {
	rec, err := decodeObject(body)
	if err != nil {
		return err
	}
	saved, err := s.save(rt.res, old, rec, rt.parent, r.Method, slices.Collect(maps.Keys(rec)))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, parseFieldsParam(r).project(saved))
	return nil
}

// patchOp is one operation of a PATCH body (doc §6.1).
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

// servePatch applies add/replace/remove to top-level fields. As on the
// real server, a nested path such as "company/identifier" is accepted and
// silently changes nothing (doc §6.1 warning).
func (s *Server) servePatch(w http.ResponseWriter, r *http.Request, rt route, old record, body []byte) *apiError {
	var ops []patchOp
	if err := json.Unmarshal(body, &ops); err != nil {
		return badRequest("The PATCH body must be a JSON array of operations [{\"op\":\"replace\",\"path\":\"…\",\"value\":…}].")
	}
	rec := cloneRec(old)
	var touched []string
	for _, op := range ops {
		path := strings.TrimPrefix(op.Path, "/")
		if path == "" {
			return badRequest("Each PATCH operation needs a path.")
		}
		if strings.Contains(path, "/") || path == "id" || path == "_info" || slices.Contains(rt.res.readOnly, path) {
			continue
		}
		switch strings.ToLower(op.Op) {
		case "add", "replace":
			if op.Value == nil {
				delete(rec, path)
			} else {
				if m, ok := op.Value.(map[string]any); ok {
					dropNulls(m)
				}
				rec[path] = op.Value
			}
		case "remove":
			delete(rec, path)
		default:
			return badRequest("PATCH op '%s' is not supported; use add, replace or remove.", op.Op)
		}
		touched = append(touched, path)
	}
	saved, err := s.save(rt.res, old, rec, rt.parent, r.Method, touched)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, parseFieldsParam(r).project(saved))
	return nil
}

// save runs the write pipeline shared by POST, PUT, PATCH, the seed and
// the test helpers: server-owned fields, parent, types, references, the
// resource's side effects, validation, _info, storage. touched are the
// fields the caller set; only they are type-checked and re-resolved, so a
// PATCH is not refused over a field it did not change.
func (s *Server) save(res *resource, old, rec record, parent int, method string, touched []string) (record, *apiError) {
	t := s.tables[res.key]
	for _, k := range append([]string{"id", "_info"}, res.readOnly...) {
		if old != nil && (method == http.MethodPatch || slices.Contains(res.readOnly, k)) {
			if v, ok := old[k]; ok {
				rec[k] = v
				continue
			}
		}
		delete(rec, k)
	}
	if res.parentField != "" {
		if _, isRef := res.refs[res.parentField]; isRef {
			rec[res.parentField] = record{"id": parent}
			touched = append(touched, res.parentField)
		} else {
			rec[res.parentField] = parent
		}
	}
	if old == nil && res.defaults != nil {
		touched = append(touched, res.defaults(s, rec)...)
	}
	if err := res.checkTypes(rec, touched); err != nil {
		return nil, err
	}
	if err := s.resolveRefs(res, rec, touched); err != nil {
		return nil, err
	}
	if res.prepare != nil {
		if err := res.prepare(s, old, rec, method); err != nil {
			return nil, err
		}
	}
	if err := s.validate(res, old, rec, parent, touched); err != nil {
		return nil, err
	}
	s.stamp(old, rec)
	if old == nil {
		t.insert(rec)
	} else {
		t.replace(intField(old, "id"), rec)
	}
	s.addLinks(res, rec)
	if res.saved != nil {
		res.saved(s, rec, old == nil)
	}
	for _, k := range res.writeOnly {
		delete(rec, k)
	}
	s.logger.Debug("connectwise emulator write", "resource", res.key, "method", method, "id", rec["id"])
	return rec, nil
}

// stamp sets the record's _info: entry and update marks. Child-collection
// links are added once the id is known, by addLinks.
func (s *Server) stamp(old, rec record) {
	now := s.nowString()
	info := map[string]any{"lastUpdated": now, "updatedBy": s.actor(), "dateEntered": now, "enteredBy": s.actor()}
	if old != nil {
		if oi, ok := old["_info"].(map[string]any); ok {
			for _, k := range []string{"dateEntered", "enteredBy"} {
				if v, ok := oi[k]; ok {
					info[k] = v
				}
			}
		}
	}
	rec["_info"] = info
}

// addLinks puts the child-collection hrefs (notes_href, …) into _info.
func (s *Server) addLinks(res *resource, rec record) {
	info, _ := rec["_info"].(map[string]any)
	if info == nil || len(res.children) == 0 {
		return
	}
	self := s.href(res, rec)
	for _, c := range res.children {
		info[c+"_href"] = self + "/" + c
	}
}

// href is the absolute URL of a record.
func (s *Server) href(res *resource, rec record) string {
	path := res.path
	if pid, ok := s.tables[res.key].parentOf(rec); ok {
		path = strings.Replace(path, "{parentId}", itoa(pid), 1)
	}
	return s.apiRoot() + path + "/" + itoa(intField(rec, "id"))
}

// actor is who a write is recorded as: the API member, or the seed's admin
// when the seed or a test helper stands in for a person in the UI.
func (s *Server) actor() string {
	if s.asPerson {
		return seedMember
	}
	return apiMemberID
}

// falseFlags defaults boolean columns that the server never leaves null
// (bit NOT NULL in ConnectWise's database) to false on create, so that the
// usual filters such as deletedFlag = false also find records created
// without the flag.
func falseFlags(names ...string) func(*Server, record) []string {
	return func(_ *Server, rec record) []string {
		var set []string
		for _, n := range names {
			if _, ok := rec[n]; !ok {
				rec[n] = false
				set = append(set, n)
			}
		}
		return set
	}
}
