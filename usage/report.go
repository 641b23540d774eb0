package usage

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Action is what the plan does to the addition behind a report row.
type Action string

// The report actions.
const (
	ActionCreate    Action = "create"
	ActionUpdate    Action = "update"
	ActionZero      Action = "zero"
	ActionCancel    Action = "cancel"
	ActionUnchanged Action = "unchanged"
	ActionSkip      Action = "skip"
)

var actionOf = map[OpKind]Action{
	OpCreateAddition: ActionCreate, OpUpdateQuantity: ActionUpdate,
	OpZeroAddition: ActionZero, OpCancelAddition: ActionCancel,
}

// ReportRow is one line of the month's reconciliation: a tenant's product,
// or an addition no tenant uses any more (TenantID empty), or usage that
// could not be attributed. Before and After are the ConnectWise addition's
// quantity, which for a shared addition is the sum over its tenants while
// SophosQuantity is this tenant's share.
type ReportRow struct {
	TenantID          string   `json:"tenantId"`
	TenantName        string   `json:"tenantName"`
	CompanyID         int64    `json:"companyId,omitempty"`
	CompanyName       string   `json:"companyName,omitempty"`
	AgreementID       int64    `json:"agreementId,omitempty"`
	AgreementName     string   `json:"agreementName,omitempty"`
	ProductCode       string   `json:"productCode"`
	CatalogIdentifier string   `json:"catalogIdentifier"`
	AdditionID        int64    `json:"additionId,omitempty"`
	SophosQuantity    int64    `json:"sophosQuantity"`
	Before            int64    `json:"cwBefore"`
	After             int64    `json:"cwAfter"`
	Action            Action   `json:"action"`
	Code              SkipCode `json:"code,omitempty"`
	Reason            string   `json:"reason"`
}

func (p *planner) usageRow(tenantID string, m Mapping, ident string, u tenantUsage) ReportRow {
	return ReportRow{
		TenantID: tenantID, TenantName: p.tenants[tenantID].Name,
		CompanyID: m.CompanyID, CompanyName: p.company[m.CompanyID].Name,
		AgreementID: m.AgreementID, AgreementName: p.agree[m.AgreementID].Name,
		ProductCode: u.code, CatalogIdentifier: ident, SophosQuantity: u.Quantity,
	}
}

func (p *planner) skipRow(tenantID string, u tenantUsage, code SkipCode, reason string) ReportRow {
	r := ReportRow{
		TenantID: tenantID, TenantName: p.tenants[tenantID].Name,
		ProductCode: u.code, SophosQuantity: u.Quantity, Action: ActionSkip, Code: code, Reason: reason,
	}
	if u.code != "" {
		r.CatalogIdentifier = p.identifierOf(u.code)
	}
	if m, ok := p.mappings[tenantID]; ok {
		r.CompanyID, r.CompanyName = m.CompanyID, p.company[m.CompanyID].Name
		r.AgreementID, r.AgreementName = m.AgreementID, p.agree[m.AgreementID].Name
	}
	return r
}

// opRow reports an op on an addition no tenant's usage reaches.
func (p *planner) opRow(agreementID int64, op Op) ReportRow {
	a := p.agree[agreementID]
	return ReportRow{
		CompanyID: a.CompanyID, CompanyName: p.company[a.CompanyID].Name,
		AgreementID: agreementID, AgreementName: a.Name, CatalogIdentifier: op.CatalogIdentifier,
		AdditionID: op.AdditionID, Before: op.Old, After: op.New, Action: actionOf[op.Kind], Reason: op.Reason,
	}
}

// fillRows completes the usage rows of one slot with its outcome.
func (p *planner) fillRows(s *slots, k target, want *slot, o outcome) {
	if want == nil {
		if o.op != nil {
			p.rows = append(p.rows, p.opRow(k.agreementID, *o.op))
		}
		return
	}
	action, reason, after := ActionUnchanged, p.upToDate(want.tenants), o.qty
	switch {
	case o.op != nil:
		action, reason, after = actionOf[o.op.Kind], o.op.Reason, o.op.New
	case !o.live:
		reason, after = "no usage and no addition", 0
	}
	for i := want.head; i >= 0; i = s.contribs[i].next {
		r := &p.rows[s.contribs[i].row]
		r.AdditionID, r.Before, r.After, r.Action, r.Reason = o.addID, o.before, after, action, reason
	}
}

// upToDate is the reason of an unchanged row, built once per tenant count
// because most rows of a nightly run are unchanged.
func (p *planner) upToDate(tenants int) string {
	if tenants < 2 {
		return "addition is up to date"
	}
	r, ok := p.reasons[tenants]
	if !ok {
		r = "addition is up to date, summed over " + strconv.Itoa(tenants) + " tenants"
		p.reasons[tenants] = r
	}
	return r
}

func compareRows(a, b ReportRow) int {
	return cmp.Or(
		cmp.Compare(a.TenantName, b.TenantName), cmp.Compare(a.TenantID, b.TenantID),
		cmp.Compare(a.ProductCode, b.ProductCode), cmp.Compare(a.AgreementID, b.AgreementID),
		cmp.Compare(a.CatalogIdentifier, b.CatalogIdentifier), cmp.Compare(a.AdditionID, b.AdditionID),
	)
}

var csvHeader = []string{
	"month", "tenant_id", "tenant_name", "company_id", "company", "agreement_id", "agreement",
	"product_code", "catalog_identifier", "addition_id", "sophos_quantity", "cw_before", "cw_after",
	"action", "code", "reason",
}

// WriteCSV writes the report as CSV with a header row. Text that a
// spreadsheet would run as a formula (a tenant named "=cmd|...") is
// prefixed with an apostrophe.
func WriteCSV(w io.Writer, month Month, rows []ReportRow) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("write report header: %w", err)
	}
	m := month.String()
	rec := make([]string, len(csvHeader))
	for _, r := range rows {
		rec = append(rec[:0], m, cell(r.TenantID), cell(r.TenantName), id(r.CompanyID), cell(r.CompanyName),
			id(r.AgreementID), cell(r.AgreementName), cell(r.ProductCode), cell(r.CatalogIdentifier), id(r.AdditionID),
			strconv.FormatInt(r.SophosQuantity, 10), strconv.FormatInt(r.Before, 10), strconv.FormatInt(r.After, 10),
			string(r.Action), string(r.Code), cell(r.Reason))
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write report row: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

func id(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// cell defuses spreadsheet formulas in third-party text.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Report is the JSON form of a reconciliation report.
type Report struct {
	Month Month       `json:"month"`
	Rows  []ReportRow `json:"rows"`
}

// WriteJSON writes the report as one indented JSON object.
func WriteJSON(w io.Writer, month Month, rows []ReportRow) error {
	if rows == nil {
		rows = []ReportRow{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(Report{Month: month, Rows: rows}); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
