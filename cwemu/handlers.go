package cwemu

import (
	"encoding/json"
	"net/http"
)

// serveResource is the one generic handler behind every table resource.
// The caller holds s.mu and has checked the method exists.
func (s *Server) serveResource(w http.ResponseWriter, r *http.Request, rt route, op ops, body []byte) *apiError {
	t := s.tables[rt.res.key]
	if rt.res.parent != "" {
		if _, ok := s.tables[rt.res.parent].rows[rt.parent]; !ok {
			return notFound(s.tables[rt.res.parent].res.entity, rt.parent)
		}
	}
	a := accessFor(op)
	lvl := s.role.Level(rt.res.fn, a)
	if lvl == None || !s.customizeAllows(rt.res) {
		return s.denied(rt.res.fn, a, r)
	}
	switch op {
	case opList, opCount, opSearch:
		return s.serveList(w, r, t, rt, op, body, lvl)
	case opCreate:
		return s.serveCreate(w, r, rt, body)
	}
	rec, ok := t.rows[rt.id]
	if pid, _ := t.parentOf(rec); !ok || pid != rt.parent {
		return notFound(rt.res.entity, rt.id)
	}
	if lvl == My && op != opGet && !s.ownRecord(rec) {
		return s.denied(rt.res.fn, a, r)
	}
	switch op {
	case opGet:
		writeJSON(w, http.StatusOK, parseFieldsParam(r).project(rec))
		return nil
	case opPut:
		return s.servePut(w, r, rt, rec, body)
	case opPatch:
		return s.servePatch(w, r, rt, rec, body)
	}
	s.deleteRecord(t, rt.id)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) serveList(w http.ResponseWriter, r *http.Request, t *table, rt route, op ops, body []byte, lvl Level) *apiError {
	var sb *search
	if op == opSearch {
		sb = &search{}
		if len(body) > 0 {
			if err := json.Unmarshal(body, sb); err != nil {
				return badRequest("The search body must be a JSON object with conditions.")
			}
		}
	}
	q, err := parseQuery(r, sb)
	if err != nil {
		return err
	}
	ids := t.candidates(rt.parent, q.conds)
	recs := make([]record, 0, len(ids))
	for _, id := range ids {
		if rec := t.rows[id]; lvl != My || s.ownRecord(rec) {
			recs = append(recs, rec)
		}
	}
	if recs, err = filter(recs, q); err != nil {
		return err
	}
	if op == opCount {
		writeJSON(w, http.StatusOK, map[string]int{"count": len(recs)})
		return nil
	}
	writeJSON(w, http.StatusOK, view(s.pageOf(w, r, recs, q), q.fields))
	return nil
}

// ownRecord says whether the API member entered rec: what a "My" level
// narrows to (inferred, doc §11).
func (s *Server) ownRecord(rec record) bool {
	info, _ := rec["_info"].(map[string]any)
	return info["enteredBy"] == apiMemberID
}

// customizeAllows applies the Table Setup "Customize" allow-list.
func (s *Server) customizeAllows(res *resource) bool {
	list := s.role.Customize[res.fn]
	if res.table == "" || len(list) == 0 {
		return true
	}
	for _, item := range list {
		if item == res.table {
			return true
		}
	}
	return false
}

func parseFieldsParam(r *http.Request) *fieldTree {
	if f := r.URL.Query().Get("fields"); f != "" {
		return parseFields(f)
	}
	return nil
}

// deleteRecord removes a record and, recursively, its children.
func (s *Server) deleteRecord(t *table, id int) {
	for _, child := range s.tables {
		if child.res.parent != t.res.key {
			continue
		}
		for _, cid := range append([]int(nil), child.byParent[id]...) {
			s.deleteRecord(child, cid)
		}
		delete(child.byParent, id)
	}
	t.remove(id)
}

// decodeObject reads a JSON object body; nulls are dropped, since the API
// stores and returns no nulls.
func decodeObject(body []byte) (record, *apiError) {
	var rec record
	if err := json.Unmarshal(body, &rec); err != nil || rec == nil {
		return nil, badRequest("The request body must be a JSON object.")
	}
	dropNulls(rec)
	return rec, nil
}

func dropNulls(m map[string]any) {
	for k, v := range m {
		switch x := v.(type) {
		case nil:
			delete(m, k)
		case map[string]any:
			dropNulls(x)
		}
	}
}
