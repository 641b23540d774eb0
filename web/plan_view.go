package web

import (
	"cmp"
	"strings"

	"centralpsa/usage"
)

// PlanView is a usage plan as the Usage page and a refused apply show it:
// one row per change to an addition, the catalog items to create and the
// customers or products left out. Hash goes back with Apply, so exactly
// this plan is applied or nothing is.
type PlanView struct {
	Month     string
	Hash      string
	Changes   []ChangeRow
	Catalog   []CatalogRow
	Skips     []SkipRow
	Unchanged int // report rows already right
}

// ChangeRow is one change to an agreement addition.
type ChangeRow struct {
	Customer   string // the tenants billed on the addition
	Agreement  string // company / agreement
	Product    string // catalog identifier
	Codes      string // Sophos product codes
	Before     int64
	After      int64
	Kind       string // usage.OpKind
	KindKey    string // message key of Kind
	Reason     string
	Decreasing bool
}

// CatalogRow is a catalog item the plan creates.
type CatalogRow struct {
	Identifier, Description, Codes string
}

// SkipRow is a tenant or product the plan leaves out.
type SkipRow struct {
	Tenant, Product, Code, Reason string
	Quantity                      int64
}

// Empty reports whether the plan changes nothing.
func (p PlanView) Empty() bool { return len(p.Changes) == 0 && len(p.Catalog) == 0 }

// planView builds the view from the plan alone: the names come from its
// report, so a stored plan or a refused apply's fresh plan render the same.
func planView(p usage.Plan) PlanView {
	v := PlanView{Month: p.Month.String(), Hash: p.Hash}
	tenants := map[string]string{}
	agreements := map[int64]string{}
	for _, r := range p.Report {
		if r.TenantID != "" {
			tenants[r.TenantID] = r.TenantName
		}
		if r.AgreementID != 0 {
			agreements[r.AgreementID] = agreementLabel(r.CompanyName, r.AgreementName)
		}
		if r.Action == usage.ActionUnchanged {
			v.Unchanged++
		}
	}
	for _, op := range p.Ops {
		codes := strings.Join(op.ProductCodes, ", ")
		if op.Kind == usage.OpCreateCatalogItem {
			v.Catalog = append(v.Catalog, CatalogRow{Identifier: op.CatalogIdentifier, Description: op.Description, Codes: codes})
			continue
		}
		names := make([]string, 0, len(op.Tenants))
		for _, t := range op.Tenants {
			names = append(names, cmp.Or(tenants[t], t))
		}
		v.Changes = append(v.Changes, ChangeRow{Customer: strings.Join(names, ", "), Agreement: agreements[op.AgreementID],
			Product: op.CatalogIdentifier, Codes: codes, Before: op.Old, After: op.New, Kind: string(op.Kind),
			KindKey: "plan.kind." + string(op.Kind), Reason: op.Reason, Decreasing: op.New < op.Old})
	}
	for _, sk := range p.Skips {
		v.Skips = append(v.Skips, SkipRow{Tenant: cmp.Or(sk.TenantName, sk.TenantID), Product: sk.ProductCode,
			Code: string(sk.Code), Reason: sk.Reason, Quantity: sk.Quantity})
	}
	return v
}

// agreementLabel is "Company / Agreement", without the company when the
// agreement's name already says it.
func agreementLabel(company, agreement string) string {
	switch {
	case company == "":
		return agreement
	case agreement == "" || strings.Contains(strings.ToLower(agreement), strings.ToLower(company)):
		return cmp.Or(agreement, company)
	}
	return company + " / " + agreement
}

// PlanBlock is the plan fragment's data: the plan, and the Apply form
// when the plan may be applied from where it is shown.
type PlanBlock struct {
	Locale
	Plan     PlanView
	CSRF     string
	CanApply bool
}

// PlanBlock is the fresh plan of a refused apply, with its own Apply.
func (v TaskView) PlanBlock() PlanBlock {
	b := PlanBlock{Locale: v.Locale, CSRF: v.CSRF, CanApply: true}
	if v.Plan != nil {
		b.Plan = *v.Plan
	}
	return b
}
