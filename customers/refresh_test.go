package customers

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRefresh(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, dsn func(*testing.T) string) {
		b := setup(t, dsn(t), 12)
		ctx := t.Context()
		res, err := b.svc.Refresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.Tenants != 12 || res.NewTenants != 12 || res.Companies == 0 || res.Agreements == 0 {
			t.Fatalf("first refresh: %+v", res)
		}
		for _, m := range b.mappings(t) {
			if m.Mapped() || m.UsageEnabled || m.TicketsEnabled || m.TenantName == "" || m.APIHost == "" {
				t.Fatalf("a refreshed tenant must start unmapped with both syncs off: %+v", m)
			}
		}
		renamed, gone := b.customers[0], b.customers[1]
		for _, c := range []string{renamed.CompanyName, gone.CompanyName} {
			if _, err := b.svc.Set(ctx, SetRequest{TenantID: map[string]string{renamed.CompanyName: renamed.TenantID, gone.CompanyName: gone.TenantID}[c], CompanyID: b.companyID(t, c)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := b.cw.Update("companies", int(b.companyID(t, renamed.CompanyName)), map[string]any{"name": "Renamed Customer Ltd"}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.cw.Update("companies", int(b.companyID(t, gone.CompanyName)), map[string]any{"deletedFlag": true}); err != nil {
			t.Fatal(err)
		}
		res, err = b.svc.Refresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.NewTenants != 0 || res.UpdatedTenants != 0 || res.Renamed != 1 || !cmp.Equal(res.Missing, []string{gone.TenantID}) {
			t.Fatalf("second refresh: %+v", res)
		}
		after := b.mappings(t)
		if m := after[renamed.TenantID]; m.CompanyName != "Renamed Customer Ltd" || m.TenantName != renamed.TenantName || !m.Mapped() {
			t.Fatalf("rename not carried over: %+v", m)
		}
		if m := after[gone.TenantID]; !m.Mapped() {
			t.Fatal("a refresh must not unmap a tenant whose company disappeared")
		}
		// Nothing new: nothing written.
		if _, err := b.svc.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(after, b.mappings(t)); diff != "" {
			t.Fatalf("an idle refresh changed rows (-before +after):\n%s", diff)
		}
	})
}
