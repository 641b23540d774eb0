// Package dbtest gives tests a fresh database of their own: a SQLite file
// in the test's temporary folder, or a PostgreSQL schema on the server
// named by CENTRALPSA_TEST_POSTGRES, dropped when the test ends. Every
// package that runs its tests on both databases uses it, so the two
// dialects are set up the same way everywhere.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// EnvPostgres names the variable holding the PostgreSQL server for tests.
const EnvPostgres = "CENTRALPSA_TEST_POSTGRES"

// SQLite returns the path of a new SQLite database file.
func SQLite(t testing.TB) string {
	return filepath.Join(t.TempDir(), "centralpsa.db")
}

// Postgres creates a schema of the test's own and returns a DSN whose
// search_path selects it, so our tables and River's land together in it.
// Without the variable the test is skipped with a sentence naming it;
// what says which tests (e.g. "usage sync").
func Postgres(t testing.TB, what string) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skipf("set %s=postgres://... to run the %s tests on PostgreSQL", EnvPostgres, what)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	t.Cleanup(func() { admin.Close() })
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	schema := "t_" + strings.NewReplacer(" ", "_", "-", "_").Replace(what) + "_" + hex.EncodeToString(suffix)
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		// The test's own context is already cancelled during cleanup.
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Each runs fn as parallel subtests "SQLite" and "Postgres"; newDSN gives
// each caller a database of its own. The PostgreSQL subtest skips with the
// reason when the variable is unset.
func Each(t *testing.T, what string, fn func(t *testing.T, newDSN func(t *testing.T) string)) {
	t.Helper()
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		fn(t, func(t *testing.T) string { return SQLite(t) })
	})
	t.Run("Postgres", func(t *testing.T) {
		t.Parallel()
		if os.Getenv(EnvPostgres) == "" {
			t.Skipf("set %s=postgres://... to run the %s tests on PostgreSQL", EnvPostgres, what)
		}
		fn(t, func(t *testing.T) string { return Postgres(t, what) })
	})
}
