package usage

import (
	"fmt"
	"slices"
	"strings"
)

// SkipCode says why a customer or product was left out of the plan. The
// codes are stable; the reason next to them is for people.
type SkipCode string

// The skip codes.
const (
	SkipNoAccountID       SkipCode = "no_account_id"      // billing line without accountId
	SkipUnmapped          SkipCode = "unmapped"           // tenant has no mapping
	SkipUsageOff          SkipCode = "usage_off"          // usage sync switched off for the tenant
	SkipNotUsageBilled    SkipCode = "not_usage_billed"   // term or trial tenant
	SkipCompanyInactive   SkipCode = "company_inactive"   // mapped company deleted or inactive
	SkipNoAgreement       SkipCode = "no_agreement"       // mapping has no agreement
	SkipAgreementMissing  SkipCode = "agreement_missing"  // agreement gone or of another company
	SkipAgreementInactive SkipCode = "agreement_inactive" // agreement cancelled, expired, inactive
	SkipUnknownProduct    SkipCode = "unknown_product"    // no catalog item and creation is off
)

// Skip is one customer (or one product of a customer) the plan leaves out.
type Skip struct {
	TenantID    string   `json:"tenantId"`
	TenantName  string   `json:"tenantName,omitempty"`
	Code        SkipCode `json:"code"`
	ProductCode string   `json:"productCode,omitempty"`
	Quantity    int64    `json:"quantity"` // usage not billed because of the skip
	Reason      string   `json:"reason"`
}

// eligibility returns why a tenant's usage is not synced, or "" when it is.
// The billing type comes first: telling a person to map a term tenant
// would send them to do work that changes nothing.
func (p *planner) eligibility(tenantID string) (SkipCode, string) {
	if t, ok := p.tenants[tenantID]; ok && t.BillingType != "" && !strings.EqualFold(t.BillingType, "usage") {
		return SkipNotUsageBilled, fmt.Sprintf("billing type is %s, not usage (MSP Flex); its licences are not billed monthly", t.BillingType)
	}
	m, ok := p.mappings[tenantID]
	if !ok {
		return SkipUnmapped, "tenant is not mapped to a ConnectWise company; run map auto or map set"
	}
	if !m.UsageEnabled {
		return SkipUsageOff, "usage sync is switched off for this tenant"
	}
	if c, ok := p.company[m.CompanyID]; ok && c.Inactive {
		return SkipCompanyInactive, fmt.Sprintf("company %d (%s) is deleted or inactive in ConnectWise", c.ID, c.Name)
	}
	if m.AgreementID == 0 {
		return SkipNoAgreement, "mapping has no agreement; choose one with map set --agreement"
	}
	a, ok := p.agree[m.AgreementID]
	switch {
	case !ok:
		return SkipAgreementMissing, fmt.Sprintf("agreement %d was not found in ConnectWise", m.AgreementID)
	case m.CompanyID != 0 && a.CompanyID != m.CompanyID:
		return SkipAgreementMissing, fmt.Sprintf("agreement %d belongs to company %d, not to the mapped company %d", a.ID, a.CompanyID, m.CompanyID)
	case !a.Active():
		state := a.Status
		if a.Cancelled {
			state = "cancelled"
		}
		return SkipAgreementInactive, fmt.Sprintf("agreement %d (%s) is %s, not active", a.ID, a.Name, state)
	}
	return "", ""
}

// skipTenant records one skip for the tenant and a report row per product.
func (p *planner) skipTenant(id string, code SkipCode, reason string, products []tenantUsage) {
	var total int64
	for _, u := range products {
		total += u.Quantity
		p.rows = append(p.rows, p.skipRow(id, u, code, reason))
	}
	if len(products) == 0 {
		p.rows = append(p.rows, p.skipRow(id, tenantUsage{}, code, reason))
	}
	p.skip(id, code, "", total, reason)
}

func (p *planner) skip(id string, code SkipCode, product string, qty int64, reason string) {
	p.plan.Skips = append(p.plan.Skips, Skip{
		TenantID: id, TenantName: p.tenants[id].Name, Code: code,
		ProductCode: product, Quantity: qty, Reason: reason,
	})
}

// reportOrphans reports lines without accountId, one skip per product.
func (p *planner) reportOrphans(lines []Line) {
	byCode := map[string]*tenantUsage{}
	var codes []string
	for _, l := range lines {
		u := byCode[l.ProductCode]
		if u == nil {
			u = &tenantUsage{code: l.ProductCode}
			byCode[l.ProductCode] = u
			codes = append(codes, l.ProductCode)
		}
		u.Quantity += l.Quantity(p.in.Basis)
		u.Lines++
	}
	slices.Sort(codes)
	for _, c := range codes {
		u := byCode[c]
		reason := fmt.Sprintf("%d billing line(s) without accountId; they cannot be attributed to a tenant", u.Lines)
		p.skip("", SkipNoAccountID, c, u.Quantity, reason)
		p.rows = append(p.rows, p.skipRow("", *u, SkipNoAccountID, reason))
	}
}
