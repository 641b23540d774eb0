package usage

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"

	"centralpsa"
)

// Fingerprint summarizes everything a plan depends on, independent of the
// order the adapters listed things in (vendors page in unspecified order).
// Each record is hashed on its own and the digests are added lane by lane,
// a multiset hash that avoids sorting tens of thousands of records.
func Fingerprint(in Input) string {
	in.Basis, _ = in.Basis.orDefault()
	in.ZeroPolicy, _ = in.ZeroPolicy.orDefault()
	var f fingerprinter
	for _, l := range in.Lines {
		f.record('L', []string{l.AccountID, l.ProductCode, l.ProductDescription}, l.Billable, l.Actual, l.Ordered)
	}
	for _, t := range in.Tenants {
		f.record('T', []string{t.ID, t.Name, t.BillingType})
	}
	for _, m := range in.Mappings {
		f.record('M', []string{m.TenantID}, m.CompanyID, m.AgreementID, b2i(m.UsageEnabled))
	}
	for _, c := range in.Companies {
		f.record('C', []string{c.Name}, c.ID, b2i(c.Inactive))
	}
	for _, a := range in.Agreements {
		f.record('A', []string{a.Name, a.Status}, a.ID, a.CompanyID, b2i(a.Cancelled))
	}
	for _, c := range in.Catalog {
		f.record('I', []string{c.Identifier, c.Description}, c.ID)
	}
	for _, a := range in.Additions {
		f.record('D', []string{a.CatalogIdentifier}, a.ID, a.AgreementID, a.CatalogID, a.Quantity, b2i(a.Cancelled))
	}
	codes := make([]string, 0, len(in.Products))
	for c := range in.Products {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		f.record('P', []string{c, in.Products[c]})
	}
	for _, id := range in.Managed {
		f.record('G', []string{id})
	}
	f.record('S', []string{in.Month.String(), string(in.Basis), string(in.ZeroPolicy)}, b2i(in.CreateCatalog))

	h := sha256.New()
	h.Write([]byte("centralpsa usage inputs v1\n"))
	var b [8]byte
	for _, v := range append(f.lanes[:], f.count) {
		binary.BigEndian.PutUint64(b[:], v)
		h.Write(b[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

type fingerprinter struct {
	lanes [4]uint64
	count uint64
	buf   []byte
}

// record hashes one record: a tag, length-prefixed strings (so "ab","c"
// and "a","bc" differ), then numbers.
func (f *fingerprinter) record(tag byte, strs []string, nums ...int64) {
	b := append(f.buf[:0], tag)
	for _, s := range strs {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
	}
	for _, n := range nums {
		b = append(b, '|')
		b = strconv.AppendInt(b, n, 10)
	}
	f.buf = b
	sum := sha256.Sum256(b)
	for i := range f.lanes {
		f.lanes[i] += binary.BigEndian.Uint64(sum[i*8:])
	}
	f.count++
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// hashPlan is sha256 over the canonical JSON of the ops (sorted, fixed
// field order) and the settings, plus the inputs' fingerprint: the bytes
// json.Marshal gives for {month, basis, zeroPolicy, ops, inputs}. They are
// fed to the hash op by op rather than built as one document, which at
// 20,000 tenants would be tens of megabytes held only to be hashed.
func hashPlan(p *Plan) string {
	h := sha256.New()
	put := func(prefix string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			// Only plain strings and numbers are marshalled; this cannot fail.
			panic(fmt.Sprintf("usage: marshal plan: %v", err))
		}
		io.WriteString(h, prefix)
		h.Write(b)
	}
	put(`{"month":`, p.Month)
	put(`,"basis":`, p.Basis)
	put(`,"zeroPolicy":`, p.ZeroPolicy)
	if p.Ops == nil {
		io.WriteString(h, `,"ops":null`)
	} else {
		io.WriteString(h, `,"ops":[`)
		for i := range p.Ops {
			sep := ","
			if i == 0 {
				sep = ""
			}
			put(sep, p.Ops[i])
		}
		io.WriteString(h, "]")
	}
	put(`,"inputs":`, p.Inputs)
	io.WriteString(h, "}")
	return hex.EncodeToString(h.Sum(nil))
}

// Verify re-plans against fresh inputs and returns the fresh plan, with a
// KindConflict error when it differs from the stored one: something changed
// in Sophos or ConnectWise since the plan was shown, so applying it would
// apply decisions nobody reviewed.
func Verify(stored Plan, in Input) (Plan, error) {
	fresh, err := NewPlan(in)
	if err != nil {
		return Plan{}, err
	}
	if fresh.Hash != stored.Hash {
		return fresh, centralpsa.Errorf(centralpsa.KindConflict,
			"usage plan for %s is stale (it had %d operations, planning again gives %d); review the new plan", stored.Month, len(stored.Ops), len(fresh.Ops))
	}
	return fresh, nil
}

// Resume re-plans after an interrupted apply. The ops already applied drop
// out of the fresh plan; the remaining ones must each be in the stored plan
// unchanged (apart from the catalog id of an item created meanwhile),
// otherwise the state moved under us and Resume returns KindConflict.
func Resume(stored Plan, in Input) (Plan, error) {
	fresh, err := NewPlan(in)
	if err != nil {
		return Plan{}, err
	}
	if fresh.Month != stored.Month {
		return fresh, centralpsa.Errorf(centralpsa.KindConflict, "cannot resume the plan for %s with inputs for %s", stored.Month, fresh.Month)
	}
	approved := make(map[string]Op, len(stored.Ops))
	for _, op := range stored.Ops {
		approved[op.Key] = op
	}
	for _, op := range fresh.Ops {
		old, ok := approved[op.Key]
		if !ok || !sameChange(old, op) {
			return fresh, centralpsa.Errorf(centralpsa.KindConflict,
				"cannot resume the usage plan for %s: operation %s is new or different; review the new plan", stored.Month, op.Key)
		}
	}
	return fresh, nil
}

func sameChange(a, b Op) bool {
	return a.Key == b.Key && a.Kind == b.Kind && a.AgreementID == b.AgreementID && a.AdditionID == b.AdditionID &&
		a.CatalogIdentifier == b.CatalogIdentifier && a.Description == b.Description &&
		slices.Equal(a.ProductCodes, b.ProductCodes) && slices.Equal(a.Tenants, b.Tenants) &&
		a.Old == b.Old && a.New == b.New && a.BillCustomer == b.BillCustomer &&
		a.EffectiveDate == b.EffectiveDate && a.CancelledDate == b.CancelledDate
}
