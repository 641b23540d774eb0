package usage

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var testCodes = []string{"CIXA-MSP", "XDR-MSP", "CIXAXDR-MSP", "CIXAMTR-STD-MSP", "CDE-MSP", "NDR-MSP", "cw7 sup/msp"}

// randomInput builds an MSP with every kind of mess: shared agreements,
// duplicate and cancelled additions, foreign additions, skipped tenants,
// lines without accountId.
func randomInput(rng *rand.Rand, tenants int) Input {
	in := Input{Month: march, CreateCatalog: rng.IntN(4) > 0}
	in.Basis = []Basis{"", BasisBillable, BasisActual, BasisOrdered}[rng.IntN(4)]
	in.ZeroPolicy = []ZeroPolicy{"", ZeroPolicyZero, ZeroPolicyCancel}[rng.IntN(3)]
	if rng.IntN(3) == 0 {
		in.Products = map[string]string{"CDE-MSP": "MSP_Encryption"}
	}
	if rng.IntN(2) == 0 {
		in.Managed = []string{"Sophos_NDR_MSP"}
	}
	for _, id := range []string{"Sophos_Intercept_X_Advanced", "Sophos_Intercept_X_Advanced_XDR", "MSP_Backup"} {
		if rng.IntN(5) > 0 {
			in.Catalog = append(in.Catalog, CatalogItem{ID: int64(len(in.Catalog) + 1), Identifier: id})
		}
	}
	agreements := max(1, tenants*2/3)
	for a := 1; a <= agreements; a++ {
		status := []string{"Active", "Active", "Active", "Expired"}[rng.IntN(4)]
		in.Agreements = append(in.Agreements, Agreement{ID: int64(a), CompanyID: int64(a), Status: status, Cancelled: rng.IntN(12) == 0})
		for range rng.IntN(4) {
			id := []string{"Sophos_Intercept_X_Advanced", "sophos_intercept_x_advanced_xdr", "Sophos_MTR_Standard", "MSP_Backup", "MSP_Encryption", "Sophos_NDR_MSP"}[rng.IntN(6)]
			in.Additions = append(in.Additions, Addition{ID: int64(len(in.Additions) + 1000), AgreementID: int64(a),
				CatalogIdentifier: id, Quantity: int64(rng.IntN(4)), Cancelled: rng.IntN(4) == 0})
		}
	}
	for i := range tenants {
		id := fmt.Sprintf("t%03d", i)
		in.Tenants = append(in.Tenants, Tenant{ID: id, Name: "Tenant " + id, BillingType: []string{"usage", "usage", "usage", "term", ""}[rng.IntN(5)]})
		if rng.IntN(6) > 0 {
			a := int64(rng.IntN(agreements) + 1)
			in.Mappings = append(in.Mappings, Mapping{TenantID: id, CompanyID: a, AgreementID: a * int64(min(1, rng.IntN(10))), UsageEnabled: rng.IntN(8) > 0})
		}
		for range rng.IntN(5) {
			l := line(id, testCodes[rng.IntN(len(testCodes))], int64(rng.IntN(6)))
			if rng.IntN(20) == 0 {
				l.AccountID = ""
			}
			in.Lines = append(in.Lines, l)
		}
	}
	return in
}

// TestPlanSettles is the idempotence property: applying a plan and planning
// again against the new state gives an empty plan, whatever the mess.
func TestPlanSettles(t *testing.T) {
	t.Parallel()
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 99))
		in := randomInput(rng, 1+rng.IntN(12))
		p, err := NewPlan(in)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		after := applyOps(t, in, p)
		again, err := NewPlan(after)
		if err != nil {
			t.Fatalf("seed %d: re-plan: %v", seed, err)
		}
		if !again.Empty() {
			t.Fatalf("seed %d: second plan not empty:\nfirst:  %+v\nsecond: %+v", seed, p.Ops, again.Ops)
		}
		assertOnlyManaged(t, in, p)
	}
}

// assertOnlyManaged checks no op touches an addition of a catalog item
// outside the product table.
func assertOnlyManaged(t *testing.T, in Input, p Plan) {
	t.Helper()
	for _, op := range p.Ops {
		if op.AdditionID == 0 {
			continue
		}
		i := slices.IndexFunc(in.Additions, func(a Addition) bool { return a.ID == op.AdditionID })
		if id := in.Additions[i].CatalogIdentifier; id == "MSP_Backup" || (id == "MSP_Encryption" && in.Products == nil) {
			t.Fatalf("op %s touches foreign addition %d (%s)", op.Key, op.AdditionID, id)
		}
	}
}

// TestPlanDeterministic shuffles every input slice and expects the very
// same plan, report and hash.
func TestPlanDeterministic(t *testing.T) {
	t.Parallel()
	for seed := range uint64(50) {
		rng := rand.New(rand.NewPCG(seed, 7))
		in := randomInput(rng, 20)
		want := mustPlan(t, in)
		shuffled := in
		shuffled.Lines, shuffled.Tenants, shuffled.Mappings = shuffle(rng, in.Lines), shuffle(rng, in.Tenants), shuffle(rng, in.Mappings)
		shuffled.Agreements, shuffled.Catalog, shuffled.Additions = shuffle(rng, in.Agreements), shuffle(rng, in.Catalog), shuffle(rng, in.Additions)
		got := mustPlan(t, shuffled)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("seed %d: plan depends on input order (-first +shuffled):\n%s", seed, diff)
		}
		if !slices.IsSortedFunc(got.Ops, compareOps) {
			t.Fatalf("seed %d: ops not sorted", seed)
		}
		keys := map[string]bool{}
		for _, op := range got.Ops {
			if keys[op.Key] {
				t.Fatalf("seed %d: duplicate op key %s", seed, op.Key)
			}
			keys[op.Key] = true
		}
	}
}

func shuffle[T any](rng *rand.Rand, s []T) []T {
	s = slices.Clone(s)
	rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	return s
}
