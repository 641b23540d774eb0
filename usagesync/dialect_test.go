package usagesync_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"centralpsa/usagesync"
)

var additionID = regexp.MustCompile(`/additions/\d+`)

// The same sync against SQLite and PostgreSQL leaves the same state in
// ConnectWise and records the same results. Agreements are applied
// several at a time, so results are compared in tenant order, and only
// the first plan's hash is compared: the second plan's inputs hold the ids
// ConnectWise gave the first run's additions, which may come in another
// order.
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
			if o.Hashes == nil {
				o.Hashes = append(o.Hashes, res.Plan.Hash)
			}
			o.Writes = append(o.Writes, res.Writes)
			results, err := b.db.RunResults(t.Context(), res.RunID)
			if err != nil {
				t.Fatal(err)
			}
			var rs []string
			for _, r := range results {
				rs = append(rs, r.TenantID+" "+r.Status+" "+r.Message+" "+r.Advice)
			}
			for i := range rs { // ids ConnectWise gave may differ (see above)
				rs[i] = additionID.ReplaceAllString(rs[i], "/additions/N")
			}
			slices.Sort(rs)
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
