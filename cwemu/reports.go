package cwemu

import (
	"net/http"
	"strings"
)

// reportColumn is one column of a report view: its SQL-style name, its
// type as the reporting API spells it, and where the value comes from.
type reportColumn struct {
	name, typ, path string
	nullable        bool
}

// report is a reporting-API view over one table (doc §10.19). The names
// imitate ConnectWise's SQL views; the real catalogue is much larger.
type report struct {
	name, table string
	cols        []reportColumn
}

var reports = []report{
	{name: "Company", table: "companies", cols: []reportColumn{
		{"Company_RecID", "Numeric", "id", false}, {"Company_ID", "Text", "identifier", false},
		{"Company_Name", "Text", "name", false}, {"Company_Status", "Text", "status/name", true},
		{"Delete_Flag", "Boolean", "deletedFlag", false}, {"Last_Update_UTC", "DateTime", "_info/lastUpdated", false}}},
	{name: "Agreement", table: "agreements", cols: []reportColumn{
		{"AGR_Header_RecID", "Numeric", "id", false}, {"AGR_Name", "Text", "name", false},
		{"Company_RecID", "Numeric", "company/id", false}, {"AGR_Type_Desc", "Text", "type/name", false},
		{"AGR_Status", "Text", "agreementStatus", false}, {"Last_Update_UTC", "DateTime", "_info/lastUpdated", false}}},
	{name: "Agreement_Addition", table: "additions", cols: []reportColumn{
		{"AGR_Detail_RecID", "Numeric", "id", false}, {"AGR_Header_RecID", "Numeric", "agreementId", false},
		{"Item_ID", "Text", "product/identifier", false}, {"Quantity", "Numeric", "quantity", false},
		{"Unit_Price", "Numeric", "unitPrice", true}, {"Cancelled_Date", "DateTime", "cancelledDate", true},
		{"Last_Update_UTC", "DateTime", "_info/lastUpdated", false}}},
	{name: "Product_Catalog", table: "catalog", cols: []reportColumn{
		{"IV_Item_RecID", "Numeric", "id", false}, {"Item_ID", "Text", "identifier", false},
		{"Description", "Text", "description", false}, {"Inactive_Flag", "Boolean", "inactiveFlag", false}}},
	{name: "Service", table: "tickets", cols: []reportColumn{
		{"SR_Service_RecID", "Numeric", "id", false}, {"Summary", "Text", "summary", false},
		{"Company_RecID", "Numeric", "company/id", false}, {"Board_Name", "Text", "board/name", true},
		{"Status_Description", "Text", "status/name", true}, {"Closed_Flag", "Boolean", "closedFlag", false},
		{"Last_Update_UTC", "DateTime", "_info/lastUpdated", false}}},
}

func (s *Server) serveReportList(w http.ResponseWriter, r *http.Request, _ []string) *apiError {
	rows := make([]record, len(reports))
	for i, rep := range reports {
		rows[i] = record{"name": rep.name}
	}
	return s.serveComputed(w, r, rows)
}

// serveReport answers /system/reports/{name}[/count|/columns] in the
// columnar shape: column_definitions of one-key objects and positional
// row_values. Conditions and orderBy use the column names; columns=
// picks columns.
func (s *Server) serveReport(w http.ResponseWriter, r *http.Request, args []string) *apiError {
	var rep *report
	for i := range reports {
		if strings.EqualFold(reports[i].name, args[0]) {
			rep = &reports[i]
		}
	}
	if rep == nil {
		return errorf(http.StatusNotFound, "NotFound", "Report %s not found", args[0])
	}
	cols := rep.cols
	if want := r.URL.Query().Get("columns"); want != "" {
		cols = nil
		for name := range strings.SplitSeq(want, ",") {
			for _, c := range rep.cols {
				if strings.EqualFold(c.name, strings.TrimSpace(name)) {
					cols = append(cols, c)
				}
			}
		}
	}
	defs := make([]any, len(cols))
	for i, c := range cols {
		defs[i] = map[string]any{c.name: map[string]any{"type": c.typ, "isNullable": c.nullable, "identityColumn": i == 0 && c.path == "id"}}
	}
	path := strings.ToLower(strings.TrimSuffix(r.URL.Path, "/"))
	if strings.HasSuffix(path, "/columns") {
		writeJSON(w, http.StatusOK, defs)
		return nil
	}
	t := s.tables[rep.table]
	rows := make([]record, 0, len(t.ids))
	for _, id := range t.ids {
		row := record{}
		for _, c := range rep.cols {
			if v := firstValue(t.rows[id], strings.Split(c.path, "/")); v != nil {
				row[c.name] = v
			}
		}
		rows = append(rows, row)
	}
	q, err := parseQuery(r, nil)
	if err != nil {
		return err
	}
	if rows, err = filter(rows, q); err != nil {
		return err
	}
	if strings.HasSuffix(path, "/count") {
		writeJSON(w, http.StatusOK, map[string]int{"count": len(rows)})
		return nil
	}
	page := s.pageOf(w, r, rows, q)
	values := make([]any, len(page))
	for i, row := range page {
		vals := make([]any, len(cols))
		for j, c := range cols {
			vals[j] = row[c.name]
		}
		values[i] = vals
	}
	writeJSON(w, http.StatusOK, map[string]any{"column_definitions": defs, "row_values": values})
	return nil
}
