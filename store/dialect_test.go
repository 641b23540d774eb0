package store

import (
	"testing"
	"time"
)

func TestParseDSN(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		dsn     string
		dialect string
		keyFile string
		wantErr bool
	}{
		{"", DialectSQLite, "centralpsa.db.key", false},
		{"/var/lib/centralpsa/data.db", DialectSQLite, "/var/lib/centralpsa/data.db.key", false},
		{"file:/tmp/x.db?mode=rwc", DialectSQLite, "/tmp/x.db.key", false},
		{":memory:", DialectSQLite, "", false},
		{"file:mem1?mode=memory&cache=shared", DialectSQLite, "", false},
		{"postgres://u@db:5432/c?sslmode=require", DialectPostgres, "centralpsa.key", false},
		{"postgresql://u@db/c", DialectPostgres, "centralpsa.key", false},
		{"data.db?cache=shared", "", "", true},
	} {
		got, err := parseDSN(tt.dsn)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseDSN(%q) error = %v, want error %v", tt.dsn, err, tt.wantErr)
			continue
		}
		if err == nil && (got.d.name != tt.dialect || got.keyFile != tt.keyFile) {
			t.Errorf("parseDSN(%q) = %s with key file %q, want %s with %q", tt.dsn, got.d.name, got.keyFile, tt.dialect, tt.keyFile)
		}
	}
}

func TestRebind(t *testing.T) {
	t.Parallel()
	const q = `UPDATE t SET a = ?, b = ? WHERE c = ?`
	if got := sqliteDialect.rebind(q); got != q {
		t.Errorf("sqlite rebind changed the query: %s", got)
	}
	if got, want := postgresDialect.rebind(q), `UPDATE t SET a = $1, b = $2 WHERE c = $3`; got != want {
		t.Errorf("postgres rebind = %s, want %s", got, want)
	}
}

// Stored SQLite times must sort as text the way the instants sort, and
// read back as the truncated UTC instant.
func TestSQLiteTimeText(t *testing.T) {
	t.Parallel()
	zone := time.FixedZone("EST", -5*3600)
	times := []time.Time{
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 999, time.UTC), // below precision: same as above
		time.Date(2026, 1, 1, 0, 0, 0, 1000, time.UTC),
		time.Date(2025, 12, 31, 20, 0, 1, 0, zone), // 2026-01-01T01:00:01Z
	}
	var prev string
	for i, in := range times {
		text := sqliteDialect.timeArg(in).(string)
		if i > 0 && text < prev {
			t.Errorf("%s sorts before %s", text, prev)
		}
		prev = text
		var back time.Time
		if err := (timeScanner{&back}).Scan(text); err != nil {
			t.Fatal(err)
		}
		if want := in.UTC().Truncate(time.Microsecond); !back.Equal(want) || back.Location() != time.UTC {
			t.Errorf("%s read back as %v, want %v", text, back, want)
		}
	}
	if sqliteDialect.timeArg(time.Time{}) != nil {
		t.Error("zero time is not NULL")
	}
}

func TestOpenInMemory(t *testing.T) {
	t.Parallel()
	db, err := Open(t.Context(), ":memory:", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SetSetting(t.Context(), "cw.private_key", "pk"); err != nil {
		t.Fatal(err)
	}
	got, err := db.Settings(t.Context())
	if err != nil || got["cw.private_key"] != "pk" {
		t.Fatalf("Settings() = %v, %v", got, err)
	}
}
