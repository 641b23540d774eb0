package cwemu

import (
	"io"
	"net/http"
	"strconv"
	"strings"
)

type routeKind int

const (
	rkList routeKind = iota
	rkItem
	rkCount
	rkSearch
)

// route is a request matched to a resource.
type route struct {
	res    *resource
	kind   routeKind
	parent int // parent id of a child resource
	id     int // record id of an item route
}

// special is a route that is not a table: a singleton, a computed list,
// or the reporting API. All are GET only.
type special struct {
	pattern string   // segments below /apis/3.0; {x} matches any one segment
	fn      Function // role function checked at Inquire; zero = none
	serve   func(s *Server, w http.ResponseWriter, r *http.Request, args []string) *apiError
}

var specials = []special{
	{pattern: "system/info", serve: (*Server).serveInfo},
	{pattern: "system/myMembers", serve: (*Server).serveMyMember},
	{pattern: "system/mySecurity", serve: (*Server).serveMySecurity},
	{pattern: "system/mySecurity/customizeItems", serve: (*Server).serveCustomizeItems},
	{pattern: "system/securityRoles/{id}/settings", fn: FnSecurity, serve: (*Server).serveRoleSettings},
	{pattern: "system/securityRoles/{id}/settings/count", fn: FnSecurity, serve: (*Server).serveRoleSettings},
	{pattern: "system/securityRoles/{id}/settings/{id}", fn: FnSecurity, serve: (*Server).serveRoleSettings},
	{pattern: "system/reports", fn: FnAPIReports, serve: (*Server).serveReportList},
	{pattern: "system/reports/{name}", fn: FnAPIReports, serve: (*Server).serveReport},
	{pattern: "system/reports/{name}/count", fn: FnAPIReports, serve: (*Server).serveReport},
	{pattern: "system/reports/{name}/columns", fn: FnAPIReports, serve: (*Server).serveReport},
}

func matchSpecial(segs []string) (*special, []string, bool) {
	for i := range specials {
		sp := &specials[i]
		pat := strings.Split(sp.pattern, "/")
		if len(pat) != len(segs) {
			continue
		}
		var args []string
		ok := true
		for j, p := range pat {
			switch {
			case strings.HasPrefix(p, "{"):
				args = append(args, segs[j])
			case !strings.EqualFold(p, segs[j]):
				ok = false
			}
		}
		if ok {
			return sp, args, true
		}
	}
	return nil, nil, false
}

// matchResource finds the resource a path names. Literal segments match
// case-insensitively (securityroles and securityRoles both route) and ids
// must be integers, so /company/companies/statuses is never company "statuses".
func matchResource(segs []string) (route, bool) {
	for _, res := range resources {
		if res.ops == 0 {
			continue
		}
		pat := strings.Split(strings.Trim(res.path, "/"), "/")
		if len(segs) != len(pat) && len(segs) != len(pat)+1 {
			continue
		}
		rt := route{res: res}
		ok := true
		for j, p := range pat {
			if p == "{parentId}" {
				n, err := strconv.Atoi(segs[j])
				rt.parent, ok = n, err == nil
			} else if !strings.EqualFold(p, segs[j]) {
				ok = false
			}
			if !ok {
				break
			}
		}
		if !ok {
			continue
		}
		if len(segs) == len(pat) {
			return rt, true
		}
		last := segs[len(pat)]
		switch {
		case strings.EqualFold(last, "count"):
			rt.kind = rkCount
		case strings.EqualFold(last, "search"):
			rt.kind = rkSearch
		default:
			id, err := strconv.Atoi(last)
			if err != nil {
				continue
			}
			rt.kind, rt.id = rkItem, id
		}
		return rt, true
	}
	return route{}, false
}

// opFor maps a method on a kind of route to the operation it asks for;
// 0 means the kind has no such operation.
func opFor(kind routeKind, method string) ops {
	switch {
	case kind == rkList && method == http.MethodGet:
		return opList
	case kind == rkList && method == http.MethodPost:
		return opCreate
	case kind == rkCount && method == http.MethodGet:
		return opCount
	case kind == rkSearch && method == http.MethodPost:
		return opSearch
	case kind != rkItem:
		return 0
	}
	switch method {
	case http.MethodGet:
		return opGet
	case http.MethodPut:
		return opPut
	case http.MethodPatch:
		return opPatch
	case http.MethodDelete:
		return opDelete
	}
	return 0
}

// allowed lists the methods a route kind answers, for the Allow header.
func allowed(res *resource, kind routeKind) string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if op := opFor(kind, m); op != 0 && res.ops&op != 0 {
			out = append(out, m)
		}
	}
	return strings.Join(out, ", ")
}

func accessFor(op ops) Access {
	switch op {
	case opCreate:
		return Add
	case opPut, opPatch:
		return Edit
	case opDelete:
		return Delete
	}
	return Inquire
}

func methodNotAllowed(method, allow string) *apiError {
	e := errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested resource does not support http method '%s'.", method)
	e.allow = allow
	return e
}

// dispatch routes a checked request to a special route or a resource.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, rest string) {
	segs := strings.Split(rest, "/")
	if sp, args, ok := matchSpecial(segs); ok {
		if r.Method != http.MethodGet {
			methodNotAllowed(r.Method, http.MethodGet).write(w)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if sp.fn != (Function{}) && s.role.Level(sp.fn, Inquire) == None {
			s.denied(sp.fn, Inquire, r).write(w)
			return
		}
		if err := sp.serve(s, w, r, args); err != nil {
			err.write(w)
		}
		return
	}
	rt, ok := matchResource(segs)
	if !ok {
		errorf(http.StatusNotFound, "NotFound", "No resource matches /%s.", rest).write(w)
		return
	}
	op := opFor(rt.kind, r.Method)
	if op == 0 || rt.res.ops&op == 0 {
		methodNotAllowed(r.Method, allowed(rt.res, rt.kind)).write(w)
		return
	}
	var body []byte
	if r.Method != http.MethodGet && r.Method != http.MethodDelete {
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 10<<20))
		if err != nil {
			badRequest("The request body could not be read.").write(w)
			return
		}
		body = b
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.serveResource(w, r, rt, op, body); err != nil {
		err.write(w)
	}
}

func (s *Server) denied(fn Function, a Access, r *http.Request) *apiError {
	return forbidden("The security role '%s' does not allow %s %s: %s > %s needs %s Level.",
		s.role.Name, r.Method, r.URL.Path, fn.Module, fn.Name, a)
}
