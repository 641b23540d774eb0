package connectwise

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// ReportsService reads the reporting API (System > API Reports).
type ReportsService service

// Report names one report available to the reporting API.
type Report struct {
	Name string `json:"name"`
}

// ReportColumn describes one column of a report.
type ReportColumn struct {
	Name           string
	Type           string // "Numeric", "Text", "DateTime", …
	IsNullable     bool
	IdentityColumn bool
}

// ReportData is a report decoded from its columnar form (§10.19): one map
// per row, keyed by column name. Numeric cells are int64 when integral and
// float64 otherwise; DateTime cells are time.Time when readable; text,
// booleans and nulls are string, bool and nil.
type ReportData struct {
	Columns []ReportColumn
	Rows    []map[string]any
}

// ReportOptions filter a report. Columns picks columns (the reporting
// equivalent of fields).
type ReportOptions struct {
	Conditions Condition
	OrderBy    string
	Columns    []string
	PageSize   int
}

// List returns the reports the caller may run.
//
// CW: GET /system/reports
func (s *ReportsService) List(ctx context.Context, opts *ListOptions) ([]Report, error) {
	return list[Report](ctx, s.client, "/system/reports", opts)
}

// Count counts the rows a report would return.
//
// CW: GET /system/reports/{name}/count
func (s *ReportsService) Count(ctx context.Context, name string, conditions Condition) (int, error) {
	return count(ctx, s.client, "/system/reports/"+name, &ListOptions{Conditions: conditions})
}

// Get runs a report and returns every row, reading page after page.
//
// CW: GET /system/reports/{name}
func (s *ReportsService) Get(ctx context.Context, name string, opts *ReportOptions) (*ReportData, error) {
	if opts == nil {
		opts = &ReportOptions{}
	}
	path := "/system/reports/" + name
	lo := &ListOptions{Conditions: opts.Conditions, OrderBy: opts.OrderBy, PageSize: opts.PageSize}
	q, err := lo.values()
	for _, c := range opts.Columns {
		if !fieldPattern.MatchString(c) {
			err = fmt.Errorf("columns: %q is not a column name", clip(c, 60))
		}
	}
	if err != nil {
		return nil, invalidOptions(http.MethodGet, path, err)
	}
	if len(opts.Columns) > 0 {
		q.Set("columns", strings.Join(opts.Columns, ","))
	}
	size := lo.pageSize()
	q.Set("pageSize", strconv.Itoa(size))
	out := &ReportData{}
	state := pageState{page: 1}
	for n := 0; n < maxPages; n++ {
		q.Set("page", strconv.Itoa(state.page))
		var page ReportData
		resp, err := s.client.call(ctx, newRequest(http.MethodGet, path, q, nil), &page)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			out.Columns = page.Columns
		}
		out.Rows = append(out.Rows, page.Rows...)
		if more, _ := navigableNext(&state, q, resp.header, len(page.Rows), size); !more {
			return out, nil
		}
	}
	return nil, invalidOptions(http.MethodGet, path, fmt.Errorf("more than %d pages", maxPages))
}

// UnmarshalJSON decodes {"column_definitions":[{"Name":{…}},…],
// "row_values":[[…],…]}. A row whose length differs from the column count
// is an error rather than a silently shifted record.
func (d *ReportData) UnmarshalJSON(b []byte) error {
	var raw struct {
		Columns []json.RawMessage   `json:"column_definitions"`
		Rows    [][]json.RawMessage `json:"row_values"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*d = ReportData{}
	for _, def := range raw.Columns {
		cols, err := decodeColumnDef(def)
		if err != nil {
			return err
		}
		d.Columns = append(d.Columns, cols...)
	}
	for i, row := range raw.Rows {
		if len(row) != len(d.Columns) {
			return fmt.Errorf("report row %d has %d values for %d columns", i+1, len(row), len(d.Columns))
		}
		m := make(map[string]any, len(row))
		for j, cell := range row {
			v, err := decodeCell(cell, d.Columns[j].Type)
			if err != nil {
				return fmt.Errorf("report row %d column %s: %w", i+1, d.Columns[j].Name, err)
			}
			m[d.Columns[j].Name] = v
		}
		d.Rows = append(d.Rows, m)
	}
	return nil
}

// decodeColumnDef reads one column_definitions entry, keeping key order in
// case an entry ever holds more than the documented single column.
func decodeColumnDef(def json.RawMessage) ([]ReportColumn, error) {
	dec := json.NewDecoder(bytes.NewReader(def))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("report column definition is not an object: %s", clip(string(def), 80))
	}
	var cols []ReportColumn
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := t.(string)
		var meta struct {
			Type           string `json:"type"`
			IsNullable     bool   `json:"isNullable"`
			IdentityColumn bool   `json:"identityColumn"`
		}
		if err := dec.Decode(&meta); err != nil {
			return nil, fmt.Errorf("report column %q: %w", name, err)
		}
		cols = append(cols, ReportColumn{Name: name, Type: meta.Type, IsNullable: meta.IsNullable, IdentityColumn: meta.IdentityColumn})
	}
	return cols, nil
}

func decodeCell(cell json.RawMessage, colType string) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(cell))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(x.String(), 10, 64); err == nil {
			return i, nil
		}
		return x.Float64()
	case string:
		if strings.EqualFold(colType, "DateTime") {
			if t := parseLenient(x); !t.IsZero() {
				return t, nil
			}
		}
	}
	return v, nil
}
