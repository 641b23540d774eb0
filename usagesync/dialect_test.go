package usagesync_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"centralpsa/usagesync"
)

// The same sync against SQLite and PostgreSQL leaves the same state in
// ConnectWise and records the same results.
func TestSQLiteAndPostgresAgree(t *testing.T) {
	t.Parallel()
	pg := postgresDSN(t)
	type outcome struct {
		End     endState
		Hashes  []string
		Writes  []map[string]int
		Results [][]string
	}
	scenario := func(dsn string) outcome {
		b := setup(t, setupOptions{dsn: dsn})
		mappings := b.mapCustomers(t)
		var o outcome
		record := func(res *usagesync.Result) {
			o.Hashes = append(o.Hashes, res.Plan.Hash)
			o.Writes = append(o.Writes, res.Writes)
			results, err := b.db.RunResults(t.Context(), res.RunID)
			if err != nil {
				t.Fatal(err)
			}
			var rs []string
			for _, r := range results {
				rs = append(rs, r.TenantID+" "+r.Status+" "+r.Message+" "+r.Advice)
			}
			o.Results = append(o.Results, rs)
		}
		record(b.run(t, usagesync.Options{}))
		m, code := b.billedTenant(t, mappings)
		b.so.SetUsage(m.TenantID, code, 999)
		other, code2 := b.billedTenant(t, mappings, m.TenantID)
		b.so.RemoveUsage(other.TenantID, code2)
		forbidden(b, m.AgreementID)
		record(b.run(t, usagesync.Options{}))
		o.End = b.endState(mappings)
		return o
	}
	lite := scenario("")
	post := scenario(pg)
	if diff := cmp.Diff(lite, post, cmp.AllowUnexported()); diff != "" {
		t.Fatalf("SQLite and PostgreSQL differ (-sqlite +postgres):\n%s", diff)
	}
}
