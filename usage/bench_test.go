package usage

import (
	"fmt"
	"testing"
)

// benchInput is an MSP with tenants × products of usage. With billed set,
// ConnectWise already holds an addition per slot and one in ten quantities
// changed since (the nightly steady state); without, it is the first run.
func benchInput(tenants int, billed bool) Input {
	codes := []string{"CIXA-MSP", "XDR-MSP", "SVRCIXAXDR-MSP", "CDE-MSP"}
	in := Input{Month: march, CreateCatalog: true}
	for i := range tenants {
		id := fmt.Sprintf("%08d-0000-4000-8000-000000000000", i)
		ag := int64(i/2 + 1) // two tenants per agreement, to exercise aggregation
		in.Tenants = append(in.Tenants, Tenant{ID: id, Name: fmt.Sprintf("Customer %d", i), BillingType: "usage"})
		in.Mappings = append(in.Mappings, Mapping{TenantID: id, CompanyID: ag, AgreementID: ag, UsageEnabled: true})
		for j, c := range codes {
			in.Lines = append(in.Lines, Line{AccountID: id, ProductCode: c, ProductDescription: "d", Billable: int64(i%7 + j + 1)})
		}
	}
	for a := int64(1); a <= int64(tenants+1)/2; a++ {
		in.Companies = append(in.Companies, Company{ID: a, Name: fmt.Sprintf("Company %d", a)})
		in.Agreements = append(in.Agreements, Agreement{ID: a, CompanyID: a, Name: "MSP", Status: "Active"})
	}
	if billed {
		p, err := NewPlan(in)
		if err != nil {
			panic(err)
		}
		next := int64(1)
		for _, op := range p.Ops {
			if op.Kind == OpCreateCatalogItem {
				in.Catalog = append(in.Catalog, CatalogItem{ID: next, Identifier: op.CatalogIdentifier})
			} else {
				q := op.New
				if next%10 == 0 {
					q++
				}
				in.Additions = append(in.Additions, Addition{ID: next, AgreementID: op.AgreementID, CatalogIdentifier: op.CatalogIdentifier, Quantity: q})
			}
			next++
		}
	}
	return in
}

func BenchmarkPlan5000x4(b *testing.B) {
	for _, bc := range []struct {
		name   string
		billed bool
	}{{"Steady", true}, {"FirstRun", false}} {
		b.Run(bc.name, func(b *testing.B) {
			in := benchInput(5000, bc.billed)
			b.ReportAllocs()
			var p Plan
			for b.Loop() {
				var err error
				if p, err = NewPlan(in); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(p.Ops)), "ops")
		})
	}
}
