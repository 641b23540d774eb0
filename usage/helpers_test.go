package usage

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var march = Month{Year: 2026, Month: time.March}

// testInput is a small MSP: two usage tenants on their own agreements, a
// catalog with two Sophos items, and nothing billed yet.
func testInput() Input {
	return Input{
		Month: march,
		Tenants: []Tenant{
			{ID: "t1", Name: "Acme", BillingType: "usage"},
			{ID: "t2", Name: "Bluebird", BillingType: "usage"},
		},
		Mappings: []Mapping{
			{TenantID: "t1", CompanyID: 1, AgreementID: 10, UsageEnabled: true},
			{TenantID: "t2", CompanyID: 2, AgreementID: 20, UsageEnabled: true},
		},
		Companies: []Company{{ID: 1, Name: "Acme Ltd"}, {ID: 2, Name: "Bluebird Inc"}},
		Agreements: []Agreement{
			{ID: 10, CompanyID: 1, Name: "Acme MSP", Status: "Active"},
			{ID: 20, CompanyID: 2, Name: "Bluebird MSP", Status: "Active"},
		},
		Catalog: []CatalogItem{
			{ID: 501, Identifier: "Sophos_Intercept_X_Advanced"},
			{ID: 502, Identifier: "Sophos_Intercept_X_Advanced_XDR"},
		},
	}
}

func line(account, code string, billable int64) Line {
	return Line{AccountID: account, ProductCode: code, Billable: billable, Actual: billable + 1, Ordered: billable + 2}
}

// applyOps plays a plan's ops against the inputs the way ConnectWise would,
// so tests can check that planning again finds nothing to do.
func applyOps(t *testing.T, in Input, p Plan) Input {
	t.Helper()
	in.Catalog = slices.Clone(in.Catalog)
	in.Additions = slices.Clone(in.Additions)
	next := int64(900000)
	for _, op := range p.Ops {
		next++
		switch op.Kind {
		case OpCreateCatalogItem:
			in.Catalog = append(in.Catalog, CatalogItem{ID: next, Identifier: op.CatalogIdentifier, Description: op.Description})
		case OpCreateAddition:
			i := slices.IndexFunc(in.Catalog, func(c CatalogItem) bool { return strings.EqualFold(c.Identifier, op.CatalogIdentifier) })
			if i < 0 {
				t.Fatalf("op %s: catalog item %s does not exist (catalog ops must come first)", op.Key, op.CatalogIdentifier)
			}
			in.Additions = append(in.Additions, Addition{ID: next, AgreementID: op.AgreementID, CatalogID: in.Catalog[i].ID,
				CatalogIdentifier: in.Catalog[i].Identifier, Quantity: op.New})
		case OpUpdateQuantity, OpZeroAddition, OpCancelAddition:
			i := slices.IndexFunc(in.Additions, func(a Addition) bool { return a.ID == op.AdditionID })
			if i < 0 || in.Additions[i].Quantity != op.Old || in.Additions[i].Cancelled {
				t.Fatalf("op %s: addition %d missing, cancelled or not at %d", op.Key, op.AdditionID, op.Old)
			}
			if op.Kind == OpCancelAddition {
				in.Additions[i].Cancelled = true
			} else {
				in.Additions[i].Quantity = op.New
			}
		default:
			t.Fatalf("unknown op kind %q", op.Kind)
		}
	}
	return in
}

func mustPlan(t *testing.T, in Input) Plan {
	t.Helper()
	p, err := NewPlan(in)
	if err != nil {
		t.Fatalf("NewPlan: %v", err)
	}
	return p
}

// assertSettles applies the plan and checks that planning again is empty.
func assertSettles(t *testing.T, in Input, p Plan) {
	t.Helper()
	again := mustPlan(t, applyOps(t, in, p))
	if !again.Empty() {
		t.Errorf("plan after apply is not empty: %+v", again.Ops)
	}
}

// brief is the part of an op most tests compare.
type brief struct {
	Key    string
	Kind   OpKind
	Old    int64
	New    int64
	Tenant string // comma-joined contributing tenants
}

func briefs(ops []Op) []brief {
	out := make([]brief, 0, len(ops))
	for _, o := range ops {
		out = append(out, brief{Key: o.Key, Kind: o.Kind, Old: o.Old, New: o.New, Tenant: strings.Join(o.Tenants, ",")})
	}
	return out
}
