package cwemu

import (
	"net/http"
	"strconv"
	"strings"
)

// serveInfo answers /system/info (doc §10.1).
func (s *Server) serveInfo(w http.ResponseWriter, _ *http.Request, _ []string) *apiError {
	writeJSON(w, http.StatusOK, map[string]any{
		"version":        "v" + s.apiVersion() + ".12345",
		"isCloud":        true,
		"serverTimeZone": "Eastern Standard Time",
		"licenseBits": []any{
			map[string]any{"name": "Service", "activeFlag": true},
			map[string]any{"name": "Finance", "activeFlag": true},
			map[string]any{"name": "Procurement", "activeFlag": true},
		},
		"cloudRegion":               "NA",
		"maxWorkFlowRecordsAllowed": 1000,
	})
	return nil
}

// apiMember is the member the keys belong to.
func (s *Server) apiMember() record {
	return s.findBy(s.tables["apiMembers"], "identifier", apiMemberID, 0)
}

// serveMyMember answers /system/myMembers with one object describing the
// caller (doc §10.3); licenseClass comes from the options.
func (s *Server) serveMyMember(w http.ResponseWriter, r *http.Request, _ []string) *apiError {
	me := s.apiMember()
	if me == nil {
		return errorf(http.StatusInternalServerError, "ConnectWiseApi", "UserNotAuthenticated")
	}
	full, _ := me["name"].(string)
	first, last, _ := strings.Cut(full, " ")
	out := record{"id": me["id"], "identifier": me["identifier"], "firstName": first, "lastName": last,
		"licenseClass": s.opts.LicenseClass, "securityRole": s.roleRef(), "adminFlag": false, "inactiveFlag": false,
		"_info": map[string]any{"lastUpdated": s.nowString(), "updatedBy": apiMemberID}}
	for _, k := range []string{"serviceDefaultBoard", "defaultLocation", "defaultDepartment"} {
		if v, ok := me[k]; ok {
			out[k] = v
		}
	}
	writeJSON(w, http.StatusOK, parseFieldsParam(r).project(out))
	return nil
}

// roleRef is the reference to the API member's role record.
func (s *Server) roleRef() record {
	t := s.tables["securityRoles"]
	if rec := s.findBy(t, "name", s.role.Name, 0); rec != nil {
		return s.refTo(t, rec)
	}
	return record{"id": 0, "name": s.role.Name}
}

// serveMySecurity lists the caller's effective levels, one row per role
// function (doc §10.6). The identifiers are our guess: ConnectWise does
// not publish them, so clients match on the names.
func (s *Server) serveMySecurity(w http.ResponseWriter, r *http.Request, _ []string) *apiError {
	if s.opts.MySecurityDisabled {
		return forbidden("The security role '%s' does not allow reading /system/mySecurity.", s.role.Name)
	}
	me := s.apiMember()
	rows := settingRows(s.role)
	for _, row := range rows {
		if me != nil {
			row["member"] = s.refTo(s.tables["apiMembers"], me)
		}
	}
	return s.serveComputed(w, r, rows)
}

func (s *Server) serveCustomizeItems(w http.ResponseWriter, r *http.Request, _ []string) *apiError {
	if s.opts.MySecurityDisabled {
		return forbidden("The security role '%s' does not allow reading /system/mySecurity.", s.role.Name)
	}
	var rows []record
	for _, fn := range functionOrder {
		for _, item := range s.role.Customize[fn] {
			rows = append(rows, record{"id": len(rows) + 1, "customizeIdentifier": identifierOf(fn.Name), "itemIdentifier": item})
		}
	}
	return s.serveComputed(w, r, rows)
}

// serveRoleSettings answers /system/securityRoles/{id}/settings[/count|/{id}].
// The API member's role reflects the live Role; the seeded Admin role has
// All everywhere and any other role Inquire only.
func (s *Server) serveRoleSettings(w http.ResponseWriter, r *http.Request, args []string) *apiError {
	id, err := strconv.Atoi(args[0])
	roleRec := s.tables["securityRoles"].rows[id]
	if err != nil || roleRec == nil {
		return notFound("SecurityRole", id)
	}
	roleName, _ := roleRec["name"].(string)
	role := Role{Name: roleName, Levels: map[Function]Levels{}}
	switch {
	case role.Name == s.role.Name:
		role = s.role
	case roleRec["adminFlag"] == true:
		for _, fn := range functionOrder {
			role.Levels[fn] = Levels{All, All, All, All}
		}
	default:
		for _, fn := range functionOrder {
			role.Levels[fn] = Levels{Inquire: All}
		}
	}
	rows := settingRows(role)
	if len(args) == 2 {
		sid, _ := strconv.Atoi(args[1])
		if sid < 1 || sid > len(rows) {
			return notFound("SecurityRoleSetting", sid)
		}
		writeJSON(w, http.StatusOK, parseFieldsParam(r).project(rows[sid-1]))
		return nil
	}
	return s.serveComputed(w, r, rows)
}

// settingRows renders a role as SecurityRoleSetting rows.
func settingRows(role Role) []record {
	rows := make([]record, 0, len(functionOrder))
	for i, fn := range functionOrder {
		l := role.Levels[fn]
		rows = append(rows, record{
			"id": i + 1, "addLevel": string(l.get(Add)), "editLevel": string(l.get(Edit)),
			"deleteLevel": string(l.get(Delete)), "inquireLevel": string(l.get(Inquire)),
			"moduleFunctionName": fn.Name, "moduleFunctionDescription": fn.Name, "moduleFunctionIdentifier": identifierOf(fn.Name),
			"moduleName": fn.Module, "moduleDescription": fn.Module, "moduleIdentifier": identifierOf(fn.Module),
			"myAllFlag": true, "reportFlag": false, "restrictFlag": false, "customFlag": len(role.Customize[fn]) > 0,
			"sortOrder": i + 1,
		})
	}
	return rows
}

// identifierOf turns a UI name into an identifier: "Service Desk" → "ServiceDesk".
func identifierOf(name string) string { return strings.ReplaceAll(name, " ", "") }

// serveComputed serves a list that is not a table with the standard
// filters, paging and /count.
func (s *Server) serveComputed(w http.ResponseWriter, r *http.Request, rows []record) *apiError {
	q, err := parseQuery(r, nil)
	if err != nil {
		return err
	}
	if rows, err = filter(rows, q); err != nil {
		return err
	}
	if strings.HasSuffix(strings.ToLower(strings.TrimSuffix(r.URL.Path, "/")), "/count") {
		writeJSON(w, http.StatusOK, map[string]int{"count": len(rows)})
		return nil
	}
	writeJSON(w, http.StatusOK, view(s.pageOf(w, r, rows, q), q.fields))
	return nil
}
