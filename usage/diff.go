package usage

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

// catalogNeed gathers what one create_catalog_item op needs.
type catalogNeed struct {
	op       Op
	descCode string
	users    int
}

// found is what ConnectWise holds in one slot: almost always one addition,
// so the rare duplicates go to more instead of a slice per slot.
type found struct {
	first Addition // lowest id
	more  []Addition
}

// split returns the live additions, lowest id first, and one cancelled
// addition if any. buf lets the common single-addition case stay off the
// heap.
func (f found) split(buf []Addition) (live []Addition, cancelled *Addition) {
	live = buf[:0]
	for i := -1; i < len(f.more); i++ {
		a := f.first
		if i >= 0 {
			a = f.more[i]
		}
		if a.Cancelled {
			cancelled = &a
		} else {
			live = append(live, a)
		}
	}
	return live, cancelled
}

// outcome is what the plan does to one slot, for its report rows.
type outcome struct {
	op                 *Op
	addID, before, qty int64
	live               bool
}

// diff compares every addition slot of the agreements in scope with what
// ConnectWise holds and appends the ops that close the gap.
func (p *planner) diff(s *slots) {
	existing := p.existing(s.scope)
	keys := make([]target, 0, max(len(s.index), len(existing)))
	for k := range s.index {
		keys = append(keys, k)
	}
	for k := range existing {
		if _, ok := s.index[k]; !ok && !s.held[k] {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b target) int {
		return cmp.Or(cmp.Compare(a.agreementID, b.agreementID), cmp.Compare(a.ident, b.ident))
	})
	needs := map[string]*catalogNeed{}
	for _, k := range keys {
		var want *slot
		if i, ok := s.index[k]; ok {
			want = &s.list[i]
		}
		f, ok := existing[k]
		p.diffSlot(s, k, want, f, ok, needs)
	}
	for _, n := range needs {
		slices.Sort(n.op.ProductCodes)
		n.op.Reason = fmt.Sprintf("no catalog item %s; %d new addition(s) need it", n.op.CatalogIdentifier, n.users)
		p.plan.Ops = append(p.plan.Ops, n.op)
	}
}

// existing returns the managed additions of in-scope agreements by slot.
func (p *planner) existing(scope map[int64][]string) map[target]found {
	out := make(map[target]found, len(p.in.Additions))
	for _, a := range p.in.Additions {
		if _, ok := scope[a.AgreementID]; !ok {
			continue
		}
		l := p.lowerOf(a.CatalogIdentifier)
		if !p.managed(l) {
			continue
		}
		k := target{a.AgreementID, l}
		f, ok := out[k]
		switch {
		case !ok:
			f.first = a
		case a.ID < f.first.ID:
			f.more = append(f.more, f.first)
			f.first = a
		default:
			f.more = append(f.more, a)
		}
		out[k] = f
	}
	for k, f := range out {
		if len(f.more) > 1 {
			slices.SortFunc(f.more, func(a, b Addition) int { return cmp.Compare(a.ID, b.ID) })
			out[k] = f
		}
	}
	return out
}

// diffSlot plans one agreement × catalog item. The lowest live addition id
// is the one kept; a cancelled addition is never revived (see package doc).
func (p *planner) diffSlot(s *slots, k target, want *slot, f found, has bool, needs map[string]*catalogNeed) {
	var buf [1]Addition
	var live []Addition
	var cancelled *Addition
	if has {
		live, cancelled = f.split(buf[:])
	}
	ident, qty := f.first.CatalogIdentifier, int64(0)
	if want != nil {
		ident, qty = want.identifier, want.quantity
	}
	key := func() string { return "addition:" + strconv.FormatInt(k.agreementID, 10) + ":" + ident }
	o := outcome{qty: qty, live: len(live) > 0}
	if o.live {
		o.addID, o.before = live[0].ID, live[0].Quantity
	}
	switch {
	case !o.live && qty > 0:
		o.op = p.create(s, k, want, cancelled, needs)
	case !o.live:
		// Nothing to bill and nothing billed.
	case qty > 0 && o.before != qty:
		o.op = &Op{Kind: OpUpdateQuantity, AdditionID: o.addID, Old: o.before, New: qty,
			Reason: fmt.Sprintf("%s quantity changed from %d to %d%s", p.in.Basis, o.before, qty, shared(want))}
	case qty == 0:
		o.op = p.retire(live[0], fmt.Sprintf("no %s usage of %s this month", p.in.Basis, ident))
	}
	if o.op != nil {
		o.op.Key, o.op.AgreementID, o.op.CatalogIdentifier = key(), k.agreementID, ident
		if want != nil {
			o.op.Tenants, o.op.ProductCodes = s.tenantsOf(want), s.codesOf(want)
		} else {
			o.op.Tenants = sorted(s.scope[k.agreementID])
		}
		p.plan.Ops = append(p.plan.Ops, *o.op)
	}
	p.fillRows(s, k, want, o)
	for _, d := range live[min(len(live), 1):] {
		dup := p.retire(d, fmt.Sprintf("duplicate of addition %d for %s on this agreement; both would be billed", live[0].ID, ident))
		if dup == nil {
			continue
		}
		dup.Key = key() + ":" + strconv.FormatInt(d.ID, 10)
		dup.AgreementID, dup.CatalogIdentifier = k.agreementID, ident
		p.plan.Ops = append(p.plan.Ops, *dup)
		p.rows = append(p.rows, p.opRow(k.agreementID, *dup))
	}
}

// create plans a new addition and, when needed, its catalog item.
func (p *planner) create(s *slots, k target, want *slot, cancelled *Addition, needs map[string]*catalogNeed) *Op {
	op := &Op{Kind: OpCreateAddition, New: want.quantity, BillCustomer: BillCustomer, EffectiveDate: p.in.Month.FirstDay()}
	op.Reason = fmt.Sprintf("new: %s quantity %d%s", p.in.Basis, want.quantity, shared(want))
	if cancelled != nil {
		op.Reason = fmt.Sprintf("usage returned: %s quantity %d%s; addition %d is cancelled, so a new one starts this month instead of un-cancelling invoiced history",
			p.in.Basis, want.quantity, shared(want), cancelled.ID)
	}
	if item, ok := p.catalog[k.ident]; ok {
		op.CatalogID = item.ID
		return op
	}
	n := needs[k.ident]
	if n == nil {
		n = &catalogNeed{op: Op{Key: "catalog:" + want.identifier, Kind: OpCreateCatalogItem, CatalogIdentifier: want.identifier}}
		needs[k.ident] = n
	}
	n.users++
	if n.descCode == "" || want.descCode < n.descCode {
		n.op.Description, n.descCode = Description(want.descCode, want.descLine), want.descCode
	}
	for _, c := range s.codesOf(want) {
		if !slices.Contains(n.op.ProductCodes, c) {
			n.op.ProductCodes = append(n.op.ProductCodes, c)
		}
	}
	return op
}

// retire applies the zero policy to a live addition that should bill
// nothing; it returns nil when the addition is already at 0 under the zero
// policy, so a second run plans nothing.
func (p *planner) retire(a Addition, why string) *Op {
	if p.in.ZeroPolicy == ZeroPolicyCancel {
		return &Op{Kind: OpCancelAddition, AdditionID: a.ID, Old: a.Quantity, New: 0,
			CancelledDate: p.in.Month.FirstDay(), Reason: why + "; zero policy cancel cancels the addition"}
	}
	if a.Quantity == 0 {
		return nil
	}
	return &Op{Kind: OpZeroAddition, AdditionID: a.ID, Old: a.Quantity, New: 0,
		Reason: why + "; zero policy sets the quantity to 0"}
}

// shared notes when several tenants feed one addition.
func shared(want *slot) string {
	if want == nil || want.tenants < 2 {
		return ""
	}
	return ", summed over " + strconv.Itoa(want.tenants) + " tenants"
}

// sorted returns a sorted copy of s (s itself when it cannot be unsorted).
func sorted(s []string) []string {
	if len(s) > 1 {
		s = slices.Clone(s)
		slices.Sort(s)
	}
	return s
}
