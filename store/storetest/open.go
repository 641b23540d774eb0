package storetest

import (
	"strconv"
	"sync"
	"testing"

	"centralpsa/store"
)

func exerciseOpen(t *testing.T, newDSN NewDSNFunc) {
	t.Run("PingAndDialect", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		mustNoErr(t, b.db.Ping(t.Context()))
		if d := b.db.Dialect(); d != store.DialectSQLite && d != store.DialectPostgres {
			t.Fatalf("Dialect() = %q", d)
		}
	})

	t.Run("ReopenIsIdempotent", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		versions := rawString(t, b.db, `SELECT CAST(count(*) AS TEXT) FROM schema_migrations`)
		if versions == "0" {
			t.Fatal("no migration recorded in schema_migrations")
		}
		mustNoErr(t, b.db.SetMapping(t.Context(), store.Mapping{TenantID: "t1", CompanyID: 7}))
		mustNoErr(t, b.db.Close())

		for i := range 2 {
			db := b.reopen(t, b.opts)
			if got := rawString(t, db, `SELECT CAST(count(*) AS TEXT) FROM schema_migrations`); got != versions {
				t.Fatalf("reopen %d: %s migrations recorded, want %s", i, got, versions)
			}
			m, err := db.Mapping(t.Context(), "t1")
			mustNoErr(t, err)
			if m.CompanyID != 7 {
				t.Fatalf("reopen %d: company %d, want 7", i, m.CompanyID)
			}
			mustNoErr(t, db.Close())
		}
	})

	// Several processes starting at once against a new database must
	// apply each migration exactly once and all come up.
	t.Run("ConcurrentOpen", func(t *testing.T) {
		t.Parallel()
		dsn := newDSN(t)
		const n = 4
		dbs := make([]*store.DB, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				dbs[i], errs[i] = store.Open(t.Context(), dsn, store.Options{SecretKey: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="})
			})
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("Open %d: %v", i, errs[i])
			}
			t.Cleanup(func() { dbs[i].Close() })
		}
		var versions, distinct int
		q := `SELECT count(*), count(DISTINCT version) FROM schema_migrations`
		mustNoErr(t, dbs[0].SQL().QueryRowContext(t.Context(), q).Scan(&versions, &distinct))
		if versions == 0 || versions != distinct {
			t.Fatalf("schema_migrations holds %d rows for %d versions", versions, distinct)
		}
		for i, db := range dbs {
			mustNoErr(t, db.SetSetting(t.Context(), "tickets.board", "b"+strconv.Itoa(i)))
		}
	})

	t.Run("ErrSQLitePathWithQuery", func(t *testing.T) {
		t.Parallel()
		_, err := store.Open(t.Context(), t.TempDir()+"/x.db?cache=shared", store.Options{})
		if err == nil {
			t.Fatal("Open accepted a SQLite path with '?'")
		}
	})
}
