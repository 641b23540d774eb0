package usage

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// tenantUsage is one summed product of a tenant.
type tenantUsage struct {
	code string
	Usage
}

// contribution is one tenant product billed through a slot. Contributions
// of a slot are chained by index rather than kept in per-slot slices: with
// thousands of slots that saves most of the planner's allocations.
type contribution struct {
	tenant string
	code   string
	row    int   // its report row
	next   int32 // next contribution of the same slot, -1 at the end
}

// slot is the desired state of one addition slot.
type slot struct {
	identifier string // as the product table spells it
	quantity   int64
	tenants    int    // distinct contributing tenants
	lastTenant string // to count tenants: a tenant's products arrive together
	head, tail int32  // its contributions
	descCode   string // the smallest code, whose description a created item gets
	descLine   string // that code's productDescription
}

// slots is the desired state plus the agreements in scope: those with at
// least one tenant whose usage is synced onto them.
type slots struct {
	index    map[target]int32
	list     []slot
	contribs []contribution
	scope    map[int64][]string // agreement → eligible tenant ids
	held     map[target]bool    // skipped products: their additions stay as they are
}

// tenantsOf lists a slot's contributing tenants, sorted.
func (s *slots) tenantsOf(sl *slot) []string {
	out := make([]string, 0, sl.tenants)
	for i := sl.head; i >= 0; i = s.contribs[i].next {
		if t := s.contribs[i].tenant; len(out) == 0 || out[len(out)-1] != t {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// codesOf lists a slot's product codes, sorted.
func (s *slots) codesOf(sl *slot) []string {
	var out []string
	for i := sl.head; i >= 0; i = s.contribs[i].next {
		if c := s.contribs[i].code; !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// arenaShare is how many products a tenant gets from the shared array;
// more spill into an array of their own.
const arenaShare = 4

// collect decides, tenant by tenant, whose usage is billed where.
func (p *planner) collect(sums map[TenantProduct]Usage) *slots {
	// A tenant's first products share one backing array, so the common
	// tenant with a few products costs no allocation of its own.
	perTenant := make(map[string][]tenantUsage, len(p.mappings))
	arena := make([]tenantUsage, 0, len(sums)+len(sums)/2)
	for k, u := range sums {
		list, ok := perTenant[k.TenantID]
		if !ok && cap(arena)-len(arena) >= arenaShare {
			list = arena[len(arena) : len(arena) : len(arena)+arenaShare]
			arena = arena[:len(arena)+arenaShare]
		}
		perTenant[k.TenantID] = append(list, tenantUsage{k.ProductCode, u})
		p.identifierOf(k.ProductCode)
	}
	for id := range p.mappings {
		if _, ok := perTenant[id]; !ok {
			perTenant[id] = nil
		}
	}
	// Tenants are walked in report order (name, then id), so the rows come
	// out nearly sorted and the final sort is cheap.
	type named struct{ name, id string }
	ids := make([]named, 0, len(perTenant))
	for id := range perTenant {
		ids = append(ids, named{p.tenants[id].Name, id})
	}
	slices.SortFunc(ids, func(a, b named) int {
		return cmp.Or(strings.Compare(a.name, b.name), strings.Compare(a.id, b.id))
	})
	p.rows = slices.Grow(p.rows, len(sums)+len(perTenant)/8)

	s := &slots{
		index: make(map[target]int32, len(sums)), list: make([]slot, 0, len(sums)),
		contribs: make([]contribution, 0, len(sums)),
		scope:    map[int64][]string{}, held: map[target]bool{},
	}
	for _, t := range ids {
		id, products := t.id, perTenant[t.id]
		slices.SortFunc(products, func(a, b tenantUsage) int { return strings.Compare(a.code, b.code) })
		code, reason := p.eligibility(id)
		if code != "" {
			p.skipTenant(id, code, reason, products)
			continue
		}
		m := p.mappings[id]
		s.scope[m.AgreementID] = append(s.scope[m.AgreementID], id)
		for _, u := range products {
			p.want(s, id, m, u)
		}
	}
	return s
}

// want adds one tenant product to its addition slot, or skips it when its
// catalog item is missing and may not be created.
func (p *planner) want(s *slots, tenantID string, m Mapping, u tenantUsage) {
	ident := p.identifierOf(u.code)
	key := target{m.AgreementID, p.lowerOf(ident)}
	if _, ok := p.catalog[key.ident]; !ok && !p.in.CreateCatalog {
		reason := fmt.Sprintf("catalog item %s does not exist and catalog creation is off; create it or map %s to an existing item", ident, u.code)
		p.skip(tenantID, SkipUnknownProduct, u.code, u.Quantity, reason)
		p.rows = append(p.rows, p.skipRow(tenantID, u, SkipUnknownProduct, reason))
		s.held[key] = true
		return
	}
	i, ok := s.index[key]
	if !ok {
		i = int32(len(s.list))
		s.list = append(s.list, slot{identifier: ident, head: -1, tail: -1})
		s.index[key] = i
	}
	sl := &s.list[i]
	sl.quantity += max(u.Quantity, 0) // a credit line cannot make an addition negative
	if sl.tenants == 0 || sl.lastTenant != tenantID {
		sl.tenants++
		sl.lastTenant = tenantID
	}
	if sl.descCode == "" || u.code < sl.descCode {
		sl.descCode, sl.descLine = u.code, u.Description
	}
	c := int32(len(s.contribs))
	s.contribs = append(s.contribs, contribution{tenant: tenantID, code: u.code, row: len(p.rows), next: -1})
	if sl.tail >= 0 {
		s.contribs[sl.tail].next = c
	} else {
		sl.head = c
	}
	sl.tail = c
	p.rows = append(p.rows, p.usageRow(tenantID, m, ident, u))
}
