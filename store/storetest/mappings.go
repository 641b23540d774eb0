package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"centralpsa"
	"centralpsa/store"
)

func exerciseMappings(t *testing.T, newDSN NewDSNFunc) {
	t.Run("UpsertTenantsKeepsMapping", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		mustNoErr(t, b.db.UpsertTenants(ctx, []store.Tenant{
			{ID: "t1", Name: "Acme", BillingType: "trial", APIHost: "https://api-eu02.central.sophos.com"},
			{ID: "t2", Name: "Beta", BillingType: "usage", APIHost: "https://api-us03.central.sophos.com"},
		}))
		mustNoErr(t, b.db.SetMapping(ctx, store.Mapping{TenantID: "t1", CompanyID: 250, CompanyName: "ACME Ltd",
			AgreementID: 31, AgreementName: "Sophos MSP", UsageEnabled: true, TicketsEnabled: true}))
		mustNoErr(t, b.db.SetUsageStatus(ctx, "t1", "ok", "3 additions", clockStart))

		b.clock.Advance(time.Hour)
		mustNoErr(t, b.db.UpsertTenants(ctx, []store.Tenant{
			{ID: "t1", Name: "Acme & Sons", BillingType: "usage", APIHost: "https://api-eu02.central.sophos.com"},
		}))
		got, err := b.db.Mapping(ctx, "t1")
		mustNoErr(t, err)
		want := store.Mapping{TenantID: "t1", TenantName: "Acme & Sons", BillingType: "usage",
			APIHost: "https://api-eu02.central.sophos.com", CompanyID: 250, CompanyName: "ACME Ltd",
			AgreementID: 31, AgreementName: "Sophos MSP", UsageEnabled: true, TicketsEnabled: true,
			LastUsageStatus: "ok", LastUsageMessage: "3 additions", LastUsageAt: stored(clockStart),
			UpdatedAt: stored(clockStart.Add(time.Hour))}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Mapping after refresh (-want +got):\n%s", diff)
		}
		if !got.Mapped() {
			t.Fatal("Mapped() = false for a tenant with a company")
		}
		if got.UpdatedAt.Location() != time.UTC {
			t.Fatalf("UpdatedAt in %s, want UTC", got.UpdatedAt.Location())
		}
	})

	t.Run("SetMappingCreatesAndKeepsTenantFields", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		mustNoErr(t, b.db.SetMapping(ctx, store.Mapping{TenantID: "t9", TenantName: "Nine", CompanyID: 5, UsageEnabled: true}))
		// Unmap: empty tenant fields keep what is stored; ids go back to none.
		mustNoErr(t, b.db.SetMapping(ctx, store.Mapping{TenantID: "t9"}))
		got, err := b.db.Mapping(ctx, "t9")
		mustNoErr(t, err)
		want := store.Mapping{TenantID: "t9", TenantName: "Nine", UpdatedAt: stored(clockStart)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Mapping (-want +got):\n%s", diff)
		}
		if got.Mapped() {
			t.Fatal("Mapped() = true after unmapping")
		}
	})

	t.Run("MappingsOrderedByName", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		got, err := b.db.Mappings(t.Context())
		mustNoErr(t, err)
		if got == nil || len(got) != 0 {
			t.Fatalf("Mappings() on an empty store = %#v, want an empty slice", got)
		}
		mustNoErr(t, b.db.UpsertTenants(t.Context(), []store.Tenant{{ID: "a", Name: "Zulu"}, {ID: "b", Name: "Alpha"}, {ID: "c", Name: "Mike"}}))
		got, err = b.db.Mappings(t.Context())
		mustNoErr(t, err)
		var names []string
		for _, m := range got {
			names = append(names, m.TenantName)
		}
		if diff := cmp.Diff([]string{"Alpha", "Mike", "Zulu"}, names); diff != "" {
			t.Fatalf("order (-want +got):\n%s", diff)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		for _, tt := range []struct {
			name string
			err  error
			kind centralpsa.Kind
		}{
			{"MappingNotFound", func() error { _, err := b.db.Mapping(ctx, "nope"); return err }(), centralpsa.KindNotFound},
			{"UsageStatusNotFound", b.db.SetUsageStatus(ctx, "nope", "ok", "", clockStart), centralpsa.KindNotFound},
			{"MappingWithoutTenant", b.db.SetMapping(ctx, store.Mapping{CompanyID: 1}), centralpsa.KindInvalid},
			{"AgreementWithoutCompany", b.db.SetMapping(ctx, store.Mapping{TenantID: "t", AgreementID: 3}), centralpsa.KindInvalid},
			{"TenantWithoutID", b.db.UpsertTenants(ctx, []store.Tenant{{ID: "ok"}, {Name: "no id"}}), centralpsa.KindInvalid},
		} {
			t.Run(tt.name, func(t *testing.T) { wantKind(t, tt.err, tt.kind) })
		}
		// The batch with one bad tenant stored nothing.
		if _, err := b.db.Mapping(ctx, "ok"); centralpsa.ErrorKind(err) != centralpsa.KindNotFound {
			t.Fatalf("a rejected UpsertTenants batch was partly stored: %v", err)
		}
	})
}

func exerciseProducts(t *testing.T, newDSN NewDSNFunc) {
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		in := []store.Product{
			{Code: "XDR-MSP", CatalogIdentifier: "Sophos_Intercept_X_Advanced_XDR", CatalogID: 812, Description: "XDR", Source: store.SourceDefault},
			{Code: "CIXA-MSP", CatalogIdentifier: "Sophos_Intercept_X_Advanced", Source: store.SourceUser},
		}
		for _, p := range in {
			mustNoErr(t, b.db.SetProduct(ctx, p))
		}
		got, err := b.db.Products(ctx)
		mustNoErr(t, err)
		for i := range in {
			in[i].UpdatedAt = stored(clockStart)
		}
		if diff := cmp.Diff([]store.Product{in[1], in[0]}, got); diff != "" {
			t.Fatalf("Products (-want +got):\n%s", diff)
		}
		one, err := b.db.Product(ctx, "XDR-MSP")
		mustNoErr(t, err)
		if diff := cmp.Diff(in[0], one); diff != "" {
			t.Fatalf("Product (-want +got):\n%s", diff)
		}
	})

	t.Run("DefaultNeverReplacesUser", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		for _, step := range []struct {
			p    store.Product
			want string
		}{
			{store.Product{Code: "CDE-MSP", CatalogIdentifier: "Default_1", Source: store.SourceDefault}, "Default_1"},
			{store.Product{Code: "CDE-MSP", CatalogIdentifier: "Default_2", Source: store.SourceDefault}, "Default_2"},
			{store.Product{Code: "CDE-MSP", CatalogIdentifier: "Mine", Source: store.SourceUser}, "Mine"},
			{store.Product{Code: "CDE-MSP", CatalogIdentifier: "Default_3", Source: store.SourceDefault}, "Mine"},
			{store.Product{Code: "CDE-MSP", CatalogIdentifier: "Mine_2", Source: store.SourceUser}, "Mine_2"},
		} {
			mustNoErr(t, b.db.SetProduct(ctx, step.p))
			got, err := b.db.Product(ctx, "CDE-MSP")
			mustNoErr(t, err)
			if got.CatalogIdentifier != step.want {
				t.Fatalf("after setting %s (%s): identifier %s, want %s", step.p.CatalogIdentifier, step.p.Source, got.CatalogIdentifier, step.want)
			}
		}
	})

	t.Run("Errors", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		_, err := b.db.Product(ctx, "NOPE")
		wantKind(t, err, centralpsa.KindNotFound)
		wantKind(t, b.db.SetProduct(ctx, store.Product{Code: "X", CatalogIdentifier: "Y", Source: "robot"}), centralpsa.KindInvalid)
		wantKind(t, b.db.SetProduct(ctx, store.Product{Code: "X", Source: store.SourceUser}), centralpsa.KindInvalid)
	})
}
