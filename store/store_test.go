package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
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
	base := os.Getenv("CENTRALPSA_TEST_POSTGRES")
	if base == "" {
		t.Skip("set CENTRALPSA_TEST_POSTGRES=postgres://... to run the PostgreSQL store tests")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	if err := admin.PingContext(t.Context()); err != nil {
		t.Fatalf("CENTRALPSA_TEST_POSTGRES: %v", err)
	}
	storetest.Exercise(t, func(t *testing.T) string {
		return testSchema(t, admin, base)
	})
}

func testSchema(t *testing.T, admin *sql.DB, base string) string {
	t.Helper()
	suffix := make([]byte, 6)
	rand.Read(suffix)
	schema := "storetest_" + hex.EncodeToString(suffix)
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// t.Context is already cancelled during cleanup.
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop test schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
