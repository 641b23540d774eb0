package usagesync

import (
	"cmp"
	"fmt"
	"slices"

	"centralpsa/usage"
)

// group is one customer: an agreement in scope, the tenants billed on it
// and the plan's ops for it, in plan order.
type group struct {
	agreementID int64
	tenants     []string
	ops         []usage.Op
}

// groups splits the plan by agreement. Every agreement some synced tenant
// bills on is a customer, with or without ops, so each tenant gets a
// result. Catalog ops belong to no customer.
func (p *Prepared) groups() []*group {
	skipped := p.skippedTenants()
	byID := map[int64]*group{}
	for _, m := range p.Input.Mappings {
		if _, ok := skipped[m.TenantID]; ok {
			continue
		}
		g := byID[m.AgreementID]
		if g == nil {
			g = &group{agreementID: m.AgreementID}
			byID[m.AgreementID] = g
		}
		g.tenants = append(g.tenants, m.TenantID)
	}
	for _, op := range p.Plan.Ops {
		if op.Kind == usage.OpCreateCatalogItem {
			continue
		}
		g := byID[op.AgreementID]
		if g == nil { // not expected: the planner only touches agreements in scope
			g = &group{agreementID: op.AgreementID, tenants: op.Tenants}
			byID[op.AgreementID] = g
		}
		g.ops = append(g.ops, op)
	}
	out := make([]*group, 0, len(byID))
	for _, g := range byID {
		slices.Sort(g.tenants)
		g.tenants = slices.Compact(g.tenants)
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *group) int { return cmp.Compare(a.agreementID, b.agreementID) })
	return out
}

// skippedTenants returns the tenant-level skips (not the per-product ones)
// by tenant.
func (p *Prepared) skippedTenants() map[string]usage.Skip {
	out := map[string]usage.Skip{}
	for _, sk := range p.Plan.Skips {
		if sk.TenantID != "" && sk.ProductCode == "" {
			out[sk.TenantID] = sk
		}
	}
	return out
}

// productSkips returns the per-product skips of each tenant, as text for
// its result message.
func (p *Prepared) productSkips() map[string][]string {
	out := map[string][]string{}
	for _, sk := range p.Plan.Skips {
		if sk.TenantID != "" && sk.ProductCode != "" {
			out[sk.TenantID] = append(out[sk.TenantID], fmt.Sprintf("%s skipped (%s)", sk.ProductCode, sk.Code))
		}
	}
	return out
}

// customer is the result skeleton of a group, named from the inputs.
func (p *Prepared) customer(g *group) CustomerResult {
	a := p.agreements[g.agreementID]
	return CustomerResult{AgreementID: g.agreementID, AgreementName: a.Name, CompanyID: a.CompanyID,
		CompanyName: p.companies[a.CompanyID].Name, Tenants: g.tenants, Planned: len(g.ops)}
}

// dryResult is the result of planning without applying.
func (p *Prepared) dryResult() *Result {
	r := &Result{Month: p.Month, DryRun: true, Status: StatusPlanned, Plan: p.Plan, Writes: map[string]int{}, Customers: []CustomerResult{}}
	for _, g := range p.groups() {
		c := p.customer(g)
		c.Status, c.Message = StatusPlanned, "up to date"
		if len(g.ops) > 0 {
			c.Message = fmt.Sprintf("%d change(s) planned", len(g.ops))
		}
		r.Customers = append(r.Customers, c)
	}
	return r
}
