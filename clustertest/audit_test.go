package clustertest

import (
	"slices"
	"strings"
	"testing"

	"centralpsa/store"
)

// openStore opens the database a child used; on SQLite only while no
// child runs.
func openStore(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), dsn, store.Options{SecretKey: testKey})
	if err != nil {
		t.Fatalf("open the store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// audited lists the writes the audit log claims reached ConnectWise, as
// "METHOD /path": those answered with a success, and those a resumed run
// found applied after the process that sent them died. Any other entry
// (a refusal, an outcome never resolved) is an error here, where nothing
// but a kill disturbs the sync.
func audited(t *testing.T, db *store.DB) []string {
	t.Helper()
	entries, err := db.Audit(t.Context(), store.AuditFilter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		switch {
		case e.Status >= 200 && e.Status < 300, e.Status == 0 && strings.Contains(e.Error, "found applied"):
			out = append(out, e.Method+" "+e.Endpoint)
		default:
			t.Errorf("unexpected audit entry: %s %s status %d: %s", e.Method, e.Endpoint, e.Status, e.Error)
		}
	}
	return out
}

// multisetDiff returns what want has more of than got (missing) and what
// got has more of than want (extra).
func multisetDiff(want, got []string) (missing, extra []string) {
	n := map[string]int{}
	for _, w := range want {
		n[w]++
	}
	for _, g := range got {
		n[g]--
	}
	for k, c := range n {
		for ; c > 0; c-- {
			missing = append(missing, k)
		}
		for ; c < 0; c++ {
			extra = append(extra, k)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	return missing, extra
}

// checkAudit compares the audit log with the writes ConnectWise accepted:
// none audited that was not made, none audited twice, and none missing
// except those in mayMiss.
func checkAudit(t *testing.T, db *store.DB, writes []string, mayMiss ...string) {
	t.Helper()
	missing, extra := multisetDiff(writes, audited(t, db))
	if len(extra) > 0 {
		t.Errorf("audit log claims writes ConnectWise did not get, or claims one twice: %v", extra)
	}
	for _, m := range missing {
		if i := slices.Index(mayMiss, m); i >= 0 {
			mayMiss = slices.Delete(mayMiss, i, i+1)
			continue
		}
		t.Errorf("write missing from the audit log: %s", m)
	}
}
