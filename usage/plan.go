package usage

import (
	"cmp"
	"slices"
	"strings"

	"centralpsa"
)

// OpKind names what an operation does in ConnectWise.
type OpKind string

// The operation kinds, in the order an apply must run them: catalog items
// before the additions that reference them.
const (
	OpCreateCatalogItem OpKind = "create_catalog_item" // POST /procurement/catalog
	OpCreateAddition    OpKind = "create_addition"     // POST /finance/agreements/{id}/additions
	OpUpdateQuantity    OpKind = "update_quantity"     // PATCH quantity
	OpZeroAddition      OpKind = "zero_addition"       // PATCH quantity to 0
	OpCancelAddition    OpKind = "cancel_addition"     // PATCH cancelledDate
)

// BillCustomer is the billCustomer of every addition Plan creates.
const BillCustomer = "Billable"

// Op is one change to make in ConnectWise. Key is stable across runs for
// the same change, so an apply can record which ops are done and resume.
type Op struct {
	Key               string   `json:"key"`
	Kind              OpKind   `json:"kind"`
	AgreementID       int64    `json:"agreementId,omitempty"`
	AdditionID        int64    `json:"additionId,omitempty"`
	CatalogID         int64    `json:"catalogId,omitempty"` // 0 when the item is created by this plan
	CatalogIdentifier string   `json:"catalogIdentifier"`
	Description       string   `json:"description,omitempty"` // create_catalog_item
	ProductCodes      []string `json:"productCodes,omitempty"`
	Tenants           []string `json:"tenants,omitempty"` // contributing tenant ids
	Old               int64    `json:"old"`
	New               int64    `json:"new"`
	BillCustomer      string   `json:"billCustomer,omitempty"`  // create_addition
	EffectiveDate     string   `json:"effectiveDate,omitempty"` // create_addition, YYYY-MM-DD
	CancelledDate     string   `json:"cancelledDate,omitempty"` // cancel_addition, YYYY-MM-DD
	Reason            string   `json:"reason"`
}

// Plan is the outcome of NewPlan: the ops to apply, the customers and
// products left out and why, and the month's reconciliation report.
type Plan struct {
	Month      Month       `json:"month"`
	Basis      Basis       `json:"basis"`
	ZeroPolicy ZeroPolicy  `json:"zeroPolicy"`
	Ops        []Op        `json:"ops"`
	Skips      []Skip      `json:"skips"`
	Report     []ReportRow `json:"report"`
	// Inputs fingerprints the inputs; Hash covers the ops and Inputs. An
	// apply re-plans against fresh state and refuses when Hash differs.
	Inputs string `json:"inputs"`
	Hash   string `json:"hash"`
}

// Empty reports whether the plan changes nothing.
func (p Plan) Empty() bool { return len(p.Ops) == 0 }

// target is one addition slot: an agreement and a catalog item, the
// identifier lower-cased because ConnectWise compares them without case
// (inferred from its SQL Server collation).
type target struct {
	agreementID int64
	ident       string
}

// planner carries the indexed inputs through one NewPlan call.
type planner struct {
	in       Input
	products Products
	lower    map[string]string // identifier → lower-case, to avoid re-allocating
	idents   map[string]string // productCode → identifier
	tenants  map[string]Tenant
	mappings map[string]Mapping
	company  map[int64]Company
	agree    map[int64]Agreement
	catalog  map[string]CatalogItem // lower identifier
	owned    map[string]bool        // lower identifiers of managed items, see managed
	reasons  map[int]string         // see upToDate
	plan     *Plan
	rows     []ReportRow
}

// NewPlan computes the usage sync plan for in.Month. It is a pure
// function: the same inputs, in any order, give the same plan and hash.
// Errors are KindInvalid for bad settings or inconsistent inputs.
func NewPlan(in Input) (Plan, error) {
	p, err := newPlanner(in)
	if err != nil {
		return Plan{}, err
	}
	sums, orphans := Sum(in.Lines, p.in.Basis)
	p.reportOrphans(orphans)
	slots := p.collect(sums)
	p.diff(slots)
	p.finish()
	return *p.plan, nil
}

func newPlanner(in Input) (*planner, error) {
	var err error
	if !in.Month.valid() {
		return nil, centralpsa.Errorf(centralpsa.KindInvalid, "month %s is not a valid billing month", in.Month)
	}
	if in.Basis, err = in.Basis.orDefault(); err != nil {
		return nil, err
	}
	if in.ZeroPolicy, err = in.ZeroPolicy.orDefault(); err != nil {
		return nil, err
	}
	products, err := NewProducts(in.Products)
	if err != nil {
		return nil, err
	}
	p := &planner{
		in: in, products: products,
		lower: map[string]string{}, idents: map[string]string{}, reasons: map[int]string{},
		tenants:  make(map[string]Tenant, len(in.Tenants)),
		mappings: make(map[string]Mapping, len(in.Mappings)),
		company:  make(map[int64]Company, len(in.Companies)),
		agree:    make(map[int64]Agreement, len(in.Agreements)),
		catalog:  make(map[string]CatalogItem, len(in.Catalog)),
		plan:     &Plan{Month: in.Month, Basis: in.Basis, ZeroPolicy: in.ZeroPolicy},
	}
	for _, t := range in.Tenants {
		p.tenants[t.ID] = t
	}
	for _, m := range in.Mappings {
		if _, dup := p.mappings[m.TenantID]; dup {
			return nil, centralpsa.Errorf(centralpsa.KindInvalid, "tenant %q is mapped twice", m.TenantID)
		}
		p.mappings[m.TenantID] = m
	}
	for _, c := range in.Companies {
		p.company[c.ID] = c
	}
	for _, a := range in.Agreements {
		p.agree[a.ID] = a
	}
	for _, c := range in.Catalog {
		// Identifiers differing only in case are one item to ConnectWise;
		// keep the oldest so the choice does not depend on listing order.
		l := p.lowerOf(c.Identifier)
		if old, ok := p.catalog[l]; !ok || c.ID < old.ID {
			p.catalog[l] = c
		}
	}
	return p, nil
}

// lowerOf lower-cases an identifier, remembering the result: there are a
// handful of identifiers and tens of thousands of additions.
func (p *planner) lowerOf(ident string) string {
	l, ok := p.lower[ident]
	if !ok {
		l = strings.ToLower(ident)
		p.lower[ident] = l
	}
	return l
}

// identifierOf resolves a productCode through the product table, once.
func (p *planner) identifierOf(code string) string {
	id, ok := p.idents[code]
	if !ok {
		id = p.products.Identifier(code)
		p.idents[code] = id
	}
	return id
}

// managed reports whether an addition's catalog item is centralpsa's: in
// the product table, the identifier of a code seen this month, or one it
// created before (Input.Managed). Call it after collect has resolved the
// month's codes.
func (p *planner) managed(lowerIdent string) bool {
	if p.owned == nil {
		p.owned = make(map[string]bool, len(p.idents)+len(p.in.Managed))
		for _, id := range p.idents {
			p.owned[p.lowerOf(id)] = true
		}
		for _, id := range p.in.Managed {
			p.owned[p.lowerOf(id)] = true
		}
	}
	return p.owned[lowerIdent] || p.products.Managed(lowerIdent)
}

// finish sorts everything and computes the hashes.
func (p *planner) finish() {
	pl := p.plan
	slices.SortFunc(pl.Ops, compareOps)
	slices.SortFunc(pl.Skips, func(a, b Skip) int {
		return cmp.Or(cmp.Compare(a.TenantID, b.TenantID), cmp.Compare(a.ProductCode, b.ProductCode), cmp.Compare(a.Code, b.Code))
	})
	slices.SortFunc(p.rows, compareRows)
	pl.Report = p.rows
	// Empty lists rather than null, so JSON readers need no special case.
	if pl.Ops == nil {
		pl.Ops = []Op{}
	}
	if pl.Skips == nil {
		pl.Skips = []Skip{}
	}
	if pl.Report == nil {
		pl.Report = []ReportRow{}
	}
	pl.Inputs = Fingerprint(p.in)
	pl.Hash = hashPlan(pl)
}

func compareOps(a, b Op) int {
	phase := func(o Op) int {
		if o.Kind == OpCreateCatalogItem {
			return 0
		}
		return 1
	}
	return cmp.Or(
		cmp.Compare(phase(a), phase(b)),
		cmp.Compare(a.AgreementID, b.AgreementID),
		cmp.Compare(a.CatalogIdentifier, b.CatalogIdentifier),
		cmp.Compare(a.AdditionID, b.AdditionID),
		cmp.Compare(a.Key, b.Key),
	)
}
