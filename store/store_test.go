package store_test

import (
	"centralpsa/internal/dbtest"
	"path/filepath"
	"testing"

	"centralpsa/store/storetest"
)

func TestSQLite(t *testing.T) {
	t.Parallel()
	storetest.Exercise(t, func(t *testing.T) string {
		return filepath.Join(t.TempDir(), "centralpsa.db")
	})
}

// TestPostgres runs the suite against the server in
// CENTRALPSA_TEST_POSTGRES, each test in a schema of its own (named in
// the DSN's search_path) that is dropped afterwards.
func TestPostgres(t *testing.T) {
	t.Parallel()
	dbtest.Postgres(t, "store") // skips with the reason when the variable is unset
	storetest.Exercise(t, func(t *testing.T) string { return dbtest.Postgres(t, "store") })
}
