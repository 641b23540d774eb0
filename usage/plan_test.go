package usage

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

type skipBrief struct {
	Tenant  string
	Code    SkipCode
	Product string
	Qty     int64
}

func TestPlan(t *testing.T) {
	t.Parallel()
	const (
		cixa = "addition:10:Sophos_Intercept_X_Advanced"
		xdr  = "addition:10:Sophos_Intercept_X_Advanced_XDR"
	)
	tests := []struct {
		name      string
		edit      func(in *Input)
		want      []brief
		wantSkips []skipBrief
	}{
		{
			name: "SumsLinesOfOneProduct",
			edit: func(in *Input) {
				in.Lines = []Line{line("t1", "CIXA-MSP", 3), line("t1", "CIXA-MSP", 4)}
			},
			want: []brief{{Key: cixa, Kind: OpCreateAddition, New: 7, Tenant: "t1"}},
		},
		{
			name: "ActualBasis",
			edit: func(in *Input) {
				in.Basis = BasisActual
				in.Lines = []Line{line("t1", "CIXA-MSP", 3), line("t1", "CIXA-MSP", 4)}
			},
			want: []brief{{Key: cixa, Kind: OpCreateAddition, New: 9, Tenant: "t1"}},
		},
		{
			name: "OrderedBasis",
			edit: func(in *Input) {
				in.Basis = BasisOrdered
				in.Lines = []Line{line("t1", "CIXA-MSP", 3)}
			},
			want: []brief{{Key: cixa, Kind: OpCreateAddition, New: 5, Tenant: "t1"}},
		},
		{
			name: "AggregatesTenantsOnOneAgreement",
			edit: func(in *Input) {
				in.Tenants = append(in.Tenants, Tenant{ID: "t3", Name: "Acme Branch", BillingType: "usage"})
				in.Mappings = append(in.Mappings, Mapping{TenantID: "t3", CompanyID: 1, AgreementID: 10, UsageEnabled: true})
				in.Lines = []Line{line("t3", "CIXA-MSP", 2), line("t1", "CIXA-MSP", 5)}
			},
			want: []brief{{Key: cixa, Kind: OpCreateAddition, New: 7, Tenant: "t1,t3"}},
		},
		{
			name: "TwoCodesOneIdentifier",
			edit: func(in *Input) {
				in.Lines = []Line{line("t1", "XDR-MSP", 2), line("t1", "CIXAXDR-MSP", 3)}
			},
			want: []brief{{Key: xdr, Kind: OpCreateAddition, New: 5, Tenant: "t1"}},
		},
		{
			name: "UpdatesQuantity",
			edit: func(in *Input) {
				in.Lines = []Line{line("t1", "CIXA-MSP", 7)}
				in.Additions = []Addition{{ID: 1, AgreementID: 10, CatalogIdentifier: "Sophos_Intercept_X_Advanced", Quantity: 5}}
			},
			want: []brief{{Key: cixa, Kind: OpUpdateQuantity, Old: 5, New: 7, Tenant: "t1"}},
		},
		{
			name: "UnchangedQuantityPlansNothing",
			edit: func(in *Input) {
				in.Lines = []Line{line("t1", "CIXA-MSP", 7)}
				in.Additions = []Addition{{ID: 1, AgreementID: 10, CatalogIdentifier: "sophos_intercept_x_advanced", Quantity: 7}}
			},
		},
		{
			name: "ZeroPolicyZeroes",
			edit: func(in *Input) {
				in.Lines = []Line{line("t1", "CIXA-MSP", 7)}
				in.Additions = []Addition{
					{ID: 1, AgreementID: 10, CatalogIdentifier: "Sophos_Intercept_X_Advanced", Quantity: 7},
					{ID: 2, AgreementID: 10, CatalogIdentifier: "Sophos_Intercept_X_Advanced_XDR", Quantity: 4},
				}
			},
			want: []brief{{Key: xdr, Kind: OpZeroAddition, Old: 4, Tenant: "t1"}},
		},
		{
			name: "ZeroPolicyLeavesZeroAlone",
			edit: func(in *Input) {
				in.Additions = []Addition{{ID: 2, AgreementID: 10, CatalogIdentifier: "Sophos_Intercept_X_Advanced_XDR"}}
			},
		},
		{
			name: "LineWithZeroQuantityZeroes",
			edit: func(in *Input) {
				in.Lines = []Line{line("t1", "CIXA-MSP", 0)}
				in.Additions = []Addition{{ID: 1, AgreementID: 10, CatalogIdentifier: "Sophos_Intercept_X_Advanced", Quantity: 3}}
			},
			want: []brief{{Key: cixa, Kind: OpZeroAddition, Old: 3, Tenant: "t1"}},
		},
		{
			name: "CancelPolicyCancels",
			edit: func(in *Input) {
				in.ZeroPolicy = ZeroPolicyCancel
				in.Additions = []Addition{
					{ID: 2, AgreementID: 10, CatalogIdentifier: "Sophos_Intercept_X_Advanced_XDR", Quantity: 4},
					{ID: 3, AgreementID: 10, CatalogIdentifier: "Sophos_Intercept_X_Advanced", Cancelled: true, Quantity: 2},
				}
			},
			want: []brief{{Key: xdr, Kind: OpCancelAddition, Old: 4, Tenant: "t1"}},
		},
		{
			name: "UsageReturnsAfterCancelCreatesNew",
			edit: func(in *Input) {
				in.Lines = []Line{line("t1", "CIXA-MSP", 6)}
				in.Additions = []Addition{{ID: 3, AgreementID: 10, CatalogIdentifier: "Sophos_Intercept_X_Advanced", Cancelled: true, Quantity: 2}}
			},
			want: []brief{{Key: cixa, Kind: OpCreateAddition, New: 6, Tenant: "t1"}},
		},
		{
			name: "DuplicateAdditionsKeepLowestID",
			edit: func(in *Input) {
				in.Lines = []Line{line("t1", "CIXA-MSP", 8)}
				in.Additions = []Addition{
					{ID: 7, AgreementID: 10, CatalogIdentifier: "Sophos_Intercept_X_Advanced", Quantity: 3},
					{ID: 4, AgreementID: 10, CatalogIdentifier: "Sophos_Intercept_X_Advanced", Quantity: 5},
				}
			},
			want: []brief{
				{Key: cixa, Kind: OpUpdateQuantity, Old: 5, New: 8, Tenant: "t1"},
				{Key: cixa + ":7", Kind: OpZeroAddition, Old: 3},
			},
		},
		{
			name: "OnlyManagedAdditionsTouched",
			edit: func(in *Input) {
				in.Lines = []Line{line("t1", "CIXA-MSP", 1)}
				in.Agreements = append(in.Agreements, Agreement{ID: 99, CompanyID: 9, Name: "Other", Status: "Active"})
				in.Additions = []Addition{
					{ID: 1, AgreementID: 10, CatalogIdentifier: "Sophos_Intercept_X_Advanced", Quantity: 1},
					{ID: 2, AgreementID: 10, CatalogIdentifier: "MSP_Backup", Quantity: 40},                 // not ours
					{ID: 3, AgreementID: 10, CatalogIdentifier: "Sophos_Firewall_Manual", Quantity: 2},      // not in the table
					{ID: 4, AgreementID: 99, CatalogIdentifier: "Sophos_Intercept_X_Advanced", Quantity: 9}, // agreement not synced
				}
			},
		},
		{
			name: "MappedTenantWithoutLinesZeroes",
			edit: func(in *Input) {
				in.Additions = []Addition{{ID: 5, AgreementID: 20, CatalogIdentifier: "Sophos_Intercept_X_Advanced", Quantity: 9}}
			},
			want: []brief{{Key: "addition:20:Sophos_Intercept_X_Advanced", Kind: OpZeroAddition, Old: 9, Tenant: "t2"}},
		},
		{
			name: "OverrideWinsAndOldItemIsZeroed",
			edit: func(in *Input) {
				in.Products = map[string]string{"cixa-msp": "MSP_EDR"}
				in.Catalog = append(in.Catalog, CatalogItem{ID: 600, Identifier: "MSP_EDR"})
				in.Lines = []Line{line("t1", "CIXA-MSP", 3)}
				in.Additions = []Addition{{ID: 1, AgreementID: 10, CatalogIdentifier: "Sophos_Intercept_X_Advanced", Quantity: 3}}
			},
			want: []brief{
				{Key: "addition:10:MSP_EDR", Kind: OpCreateAddition, New: 3, Tenant: "t1"},
				{Key: cixa, Kind: OpZeroAddition, Old: 3, Tenant: "t1"},
			},
		},
		{
			name: "MissingCatalogItemIsCreated",
			edit: func(in *Input) {
				in.CreateCatalog = true
				in.Lines = []Line{line("t1", "NDR-MSP", 2), line("t2", "NDR-MSP", 1)}
			},
			want: []brief{
				{Key: "catalog:Sophos_NDR_MSP", Kind: OpCreateCatalogItem},
				{Key: "addition:10:Sophos_NDR_MSP", Kind: OpCreateAddition, New: 2, Tenant: "t1"},
				{Key: "addition:20:Sophos_NDR_MSP", Kind: OpCreateAddition, New: 1, Tenant: "t2"},
			},
		},
		{
			name: "NegativeCreditDoesNotGoBelowZero",
			edit: func(in *Input) {
				in.Lines = []Line{line("t1", "CIXA-MSP", -4)}
			},
		},
		{
			name: "EverySkipReason",
			edit: func(in *Input) {
				in.Tenants = append(in.Tenants,
					Tenant{ID: "off", BillingType: "usage"}, Tenant{ID: "term", BillingType: "term"},
					Tenant{ID: "trial", BillingType: "trial"}, Tenant{ID: "noag", BillingType: "usage"},
					Tenant{ID: "gone", BillingType: "usage"}, Tenant{ID: "other", BillingType: "usage"},
					Tenant{ID: "cancelled", BillingType: "usage"}, Tenant{ID: "expired", BillingType: "usage"},
					Tenant{ID: "deadco", BillingType: "usage"})
				in.Mappings = append(in.Mappings,
					Mapping{TenantID: "off", CompanyID: 1, AgreementID: 10},
					Mapping{TenantID: "term", CompanyID: 1, AgreementID: 10, UsageEnabled: true},
					Mapping{TenantID: "trial", CompanyID: 1, AgreementID: 10, UsageEnabled: true},
					Mapping{TenantID: "noag", CompanyID: 1, UsageEnabled: true},
					Mapping{TenantID: "gone", CompanyID: 1, AgreementID: 404, UsageEnabled: true},
					Mapping{TenantID: "other", CompanyID: 1, AgreementID: 20, UsageEnabled: true},
					Mapping{TenantID: "cancelled", CompanyID: 3, AgreementID: 30, UsageEnabled: true},
					Mapping{TenantID: "expired", CompanyID: 3, AgreementID: 31, UsageEnabled: true},
					Mapping{TenantID: "deadco", CompanyID: 4, AgreementID: 40, UsageEnabled: true})
				in.Companies = append(in.Companies, Company{ID: 3, Name: "C"}, Company{ID: 4, Name: "Dead", Inactive: true})
				in.Agreements = append(in.Agreements,
					Agreement{ID: 30, CompanyID: 3, Status: "Active", Cancelled: true},
					Agreement{ID: 31, CompanyID: 3, Status: "Expired"},
					Agreement{ID: 40, CompanyID: 4, Status: "Active"})
				in.Lines = []Line{
					line("stranger", "CIXA-MSP", 1), line("off", "CIXA-MSP", 2), line("term", "CIXA-MSP", 3),
					line("trial", "CIXA-MSP", 4), line("noag", "CIXA-MSP", 5), line("gone", "CIXA-MSP", 6),
					line("other", "CIXA-MSP", 7), line("cancelled", "CIXA-MSP", 8), line("expired", "CIXA-MSP", 9),
					line("deadco", "CIXA-MSP", 10), line("t2", "NDR-MSP", 11), line("", "CIXA-MSP", 12), line("", "CIXA-MSP", 1),
				}
			},
			wantSkips: []skipBrief{
				{Tenant: "", Code: SkipNoAccountID, Product: "CIXA-MSP", Qty: 13},
				{Tenant: "cancelled", Code: SkipAgreementInactive, Qty: 8},
				{Tenant: "deadco", Code: SkipCompanyInactive, Qty: 10},
				{Tenant: "expired", Code: SkipAgreementInactive, Qty: 9},
				{Tenant: "gone", Code: SkipAgreementMissing, Qty: 6},
				{Tenant: "noag", Code: SkipNoAgreement, Qty: 5},
				{Tenant: "off", Code: SkipUsageOff, Qty: 2},
				{Tenant: "other", Code: SkipAgreementMissing, Qty: 7},
				{Tenant: "stranger", Code: SkipUnmapped, Qty: 1},
				{Tenant: "t2", Code: SkipUnknownProduct, Product: "NDR-MSP", Qty: 11},
				{Tenant: "term", Code: SkipNotUsageBilled, Qty: 3},
				{Tenant: "trial", Code: SkipNotUsageBilled, Qty: 4},
			},
		},
		{
			name: "UnknownProductKeepsItsAddition",
			edit: func(in *Input) {
				in.Products = map[string]string{"NDR-MSP": "MSP_NDR"}
				in.Lines = []Line{line("t1", "NDR-MSP", 2)}
				in.Additions = []Addition{{ID: 8, AgreementID: 10, CatalogIdentifier: "MSP_NDR", Quantity: 5}}
			},
			wantSkips: []skipBrief{{Tenant: "t1", Code: SkipUnknownProduct, Product: "NDR-MSP", Qty: 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := testInput()
			tt.edit(&in)
			p := mustPlan(t, in)
			if diff := cmp.Diff(tt.want, briefs(p.Ops), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ops (-want +got):\n%s", diff)
			}
			var skips []skipBrief
			for _, s := range p.Skips {
				if s.Reason == "" {
					t.Errorf("skip %+v has no reason", s)
				}
				skips = append(skips, skipBrief{Tenant: s.TenantID, Code: s.Code, Product: s.ProductCode, Qty: s.Quantity})
			}
			if diff := cmp.Diff(tt.wantSkips, skips); diff != "" {
				t.Errorf("skips (-want +got):\n%s", diff)
			}
			for _, op := range p.Ops {
				if op.Reason == "" {
					t.Errorf("op %s has no reason", op.Key)
				}
			}
			assertSettles(t, in, p)
		})
	}
}

func TestPlanOpDetails(t *testing.T) {
	t.Parallel()
	in := testInput()
	in.CreateCatalog = true
	in.ZeroPolicy = ZeroPolicyCancel
	in.Tenants = append(in.Tenants, Tenant{ID: "t3", Name: "Acme Branch", BillingType: "usage"})
	in.Mappings = append(in.Mappings, Mapping{TenantID: "t3", CompanyID: 1, AgreementID: 10, UsageEnabled: true})
	in.Lines = []Line{
		line("t1", "CIXA-MSP", 2), line("t3", "CIXA-MSP", 3),
		{AccountID: "t1", ProductCode: "NEW-THING-MSP", ProductDescription: "Sophos Brand New Thing", Billable: 1},
	}
	in.Additions = []Addition{{ID: 5, AgreementID: 20, CatalogIdentifier: "Sophos_Intercept_X_Advanced", Quantity: 9}}
	p := mustPlan(t, in)

	want := []Op{
		{Key: "catalog:Sophos_NEW_THING_MSP", Kind: OpCreateCatalogItem, CatalogIdentifier: "Sophos_NEW_THING_MSP",
			Description: "Sophos Brand New Thing", ProductCodes: []string{"NEW-THING-MSP"},
			Reason: "no catalog item Sophos_NEW_THING_MSP; 1 new addition(s) need it"},
		{Key: "addition:10:Sophos_Intercept_X_Advanced", Kind: OpCreateAddition, AgreementID: 10, CatalogID: 501,
			CatalogIdentifier: "Sophos_Intercept_X_Advanced", ProductCodes: []string{"CIXA-MSP"}, Tenants: []string{"t1", "t3"},
			New: 5, BillCustomer: "Billable", EffectiveDate: "2026-03-01", Reason: "new: billable quantity 5, summed over 2 tenants"},
		{Key: "addition:10:Sophos_NEW_THING_MSP", Kind: OpCreateAddition, AgreementID: 10,
			CatalogIdentifier: "Sophos_NEW_THING_MSP", ProductCodes: []string{"NEW-THING-MSP"}, Tenants: []string{"t1"},
			New: 1, BillCustomer: "Billable", EffectiveDate: "2026-03-01", Reason: "new: billable quantity 1"},
		{Key: "addition:20:Sophos_Intercept_X_Advanced", Kind: OpCancelAddition, AgreementID: 20, AdditionID: 5,
			CatalogIdentifier: "Sophos_Intercept_X_Advanced", Tenants: []string{"t2"}, Old: 9, CancelledDate: "2026-03-01",
			Reason: "no billable usage of Sophos_Intercept_X_Advanced this month; zero policy cancel cancels the addition"},
	}
	if diff := cmp.Diff(want, p.Ops); diff != "" {
		t.Errorf("ops (-want +got):\n%s", diff)
	}
	assertSettles(t, in, p)
}

func TestPlanErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(in *Input)
		want string
	}{
		{"ErrNoMonth", func(in *Input) { in.Month = Month{} }, "not a valid billing month"},
		{"ErrBadBasis", func(in *Input) { in.Basis = "peak" }, `usage.quantity "peak"`},
		{"ErrBadPolicy", func(in *Input) { in.ZeroPolicy = "delete" }, `usage.zero_policy "delete"`},
		{"ErrDuplicateMapping", func(in *Input) { in.Mappings = append(in.Mappings, in.Mappings[0]) }, `tenant "t1" is mapped twice`},
		{"ErrEmptyOverride", func(in *Input) { in.Products = map[string]string{"CIXA-MSP": " "} }, "empty catalog identifier"},
		{"ErrLongOverride", func(in *Input) { in.Products = map[string]string{"CIXA-MSP": strings.Repeat("x", 61)} }, "longer than 60"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := testInput()
			tt.edit(&in)
			_, err := NewPlan(in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewPlan error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestPlanManagedRemembersCreatedItems: an item created for a code outside
// the table is zeroed once the code vanishes, if the store remembers it.
func TestPlanManagedRemembersCreatedItems(t *testing.T) {
	t.Parallel()
	in := testInput()
	in.Additions = []Addition{{ID: 8, AgreementID: 10, CatalogIdentifier: "Sophos_NDR_MSP", Quantity: 5}}
	if p := mustPlan(t, in); !p.Empty() {
		t.Fatalf("unknown item touched without Managed: %+v", p.Ops)
	}
	in.Managed = []string{"Sophos_NDR_MSP"}
	p := mustPlan(t, in)
	want := []brief{{Key: "addition:10:Sophos_NDR_MSP", Kind: OpZeroAddition, Old: 5, Tenant: "t1"}}
	if diff := cmp.Diff(want, briefs(p.Ops)); diff != "" {
		t.Errorf("ops (-want +got):\n%s", diff)
	}
	assertSettles(t, in, p)
}
