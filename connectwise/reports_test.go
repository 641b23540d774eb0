package connectwise

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestReportDecoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		cols    []ReportColumn
		rows    []map[string]any
		wantErr string
	}{
		{"Holiday",
			`{ "column_definitions": [ { "Holiday_List_RecID": { "type": "Numeric", "isNullable": false, "identityColumn": true } },
			                           { "Holiday_List_Name": { "type": "Text", "isNullable": false } },
			                           { "Holiday_Date": { "type": "DateTime", "isNullable": false } } ],
			   "row_values": [ [ 1, "Standard Holidays", "2016-12-26T05:00:00Z" ] ] }`,
			[]ReportColumn{{"Holiday_List_RecID", "Numeric", false, true}, {"Holiday_List_Name", "Text", false, false}, {"Holiday_Date", "DateTime", false, false}},
			[]map[string]any{{"Holiday_List_RecID": int64(1), "Holiday_List_Name": "Standard Holidays",
				"Holiday_Date": time.Date(2016, 12, 26, 5, 0, 0, 0, time.UTC)}}, ""},
		{"MixedCells",
			`{"column_definitions":[{"Qty":{"type":"Numeric","isNullable":true}},{"Flag":{"type":"Bit"}},{"When":{"type":"DateTime","isNullable":true}},{"Big":{"type":"Numeric"}}],
			  "row_values":[[1.5,true,null,9007199254740993],[null,false,"not a date",-2]]}`,
			[]ReportColumn{{"Qty", "Numeric", true, false}, {"Flag", "Bit", false, false}, {"When", "DateTime", true, false}, {"Big", "Numeric", false, false}},
			[]map[string]any{{"Qty": 1.5, "Flag": true, "When": nil, "Big": int64(9007199254740993)},
				{"Qty": nil, "Flag": false, "When": "not a date", "Big": int64(-2)}}, ""},
		{"TwoColumnsInOneEntryKeepOrder",
			`{"column_definitions":[{"B":{"type":"Text"},"A":{"type":"Text"}}],"row_values":[["b","a"]]}`,
			[]ReportColumn{{Name: "B", Type: "Text"}, {Name: "A", Type: "Text"}},
			[]map[string]any{{"B": "b", "A": "a"}}, ""},
		{"Empty", `{"column_definitions":[],"row_values":[]}`, nil, nil, ""},
		{"ErrShortRow", `{"column_definitions":[{"A":{"type":"Text"}},{"B":{"type":"Text"}}],"row_values":[["a"]]}`, nil, nil, "1 values for 2 columns"},
		{"ErrDefinitionNotObject", `{"column_definitions":["A"],"row_values":[]}`, nil, nil, "not an object"},
		{"ErrTruncated", `{"column_definitions":[{"A":{"type":"Text"}}],"row_values":[["a`, nil, nil, "unexpected end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var d ReportData
			err := json.Unmarshal([]byte(tt.body), &d)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(d.Columns, tt.cols) || !reflect.DeepEqual(d.Rows, tt.rows) {
				t.Errorf("got %#v\n%#v", d.Columns, d.Rows)
			}
		})
	}
}

func TestReportsGetReadsAllPages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var pages []string
	b.handle("GET /system/reports/{name}", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.PathValue("name") != "Agreement Additions" || q.Get("columns") != "AGR_RecID,Qty" || q.Get("conditions") != "Qty > 0" {
			t.Errorf("request %s %v", r.URL.Path, q)
		}
		pages = append(pages, q.Get("page"))
		page, _ := strconv.Atoi(q.Get("page"))
		var rows []string
		for i := (page-1)*2 + 1; i <= min(page*2, 3); i++ {
			rows = append(rows, fmt.Sprintf("[%d, %d]", i, i*10))
		}
		fmt.Fprintf(w, `{"column_definitions":[{"AGR_RecID":{"type":"Numeric"}},{"Qty":{"type":"Numeric"}}],"row_values":[%s]}`, strings.Join(rows, ","))
	})
	d, err := b.client.Reports.Get(t.Context(), "Agreement Additions",
		&ReportOptions{Conditions: Gt("Qty", 0), Columns: []string{"AGR_RecID", "Qty"}, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Rows) != 3 || d.Rows[2]["Qty"] != int64(30) || len(d.Columns) != 2 || strings.Join(pages, ",") != "1,2" {
		t.Errorf("rows %v, pages %v", d.Rows, pages)
	}
}
