package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"centralpsa"
)

// The dialect names DB.Dialect reports.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// dialect is every difference between SQLite and PostgreSQL that the rest
// of the package has to know about. The rest is written once:
//
//   - Placeholders: queries are written with ?, and rebind turns them into
//     $1, $2... for PostgreSQL.
//   - Upserts: both accept INSERT ... ON CONFLICT (cols) DO UPDATE SET
//     col = excluded.col [WHERE ...] (SQLite since 3.24), so there is one
//     spelling and nothing to translate.
//   - Generated ids: both accept RETURNING id (SQLite since 3.35); the
//     column types differ and live in the migrations.
//   - Time: PostgreSQL's timestamptz keeps microseconds; SQLite has no
//     time type, so times are fixed-width UTC text that sorts the way the
//     instants do. Both are truncated to timePrecision before they are
//     stored, so a value reads back equal to what was written.
//   - Booleans: SQLite stores 0/1; database/sql converts both ways.
//   - Errors: constraint and lock errors have different types (classify).
type dialect struct {
	name   string
	driver string // database/sql driver name
	// migrationsDDL creates the table that records applied migrations.
	migrationsDDL string
}

var (
	sqliteDialect = &dialect{
		name:          DialectSQLite,
		driver:        "sqlite",
		migrationsDDL: `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
	}
	postgresDialect = &dialect{
		name:          DialectPostgres,
		driver:        "pgx",
		migrationsDDL: `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`,
	}
)

// timePrecision is the coarsest precision of the two databases
// (PostgreSQL: microseconds). Every stored time is truncated to it.
const timePrecision = time.Microsecond

// sqliteTimeLayout is fixed width, so comparing the text compares times.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z"

// rebind rewrites ? placeholders for PostgreSQL. The package's queries
// never contain a literal question mark, so no quoting rules are needed.
func (d *dialect) rebind(query string) string {
	if d != postgresDialect || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r != '?' {
			b.WriteRune(r)
			continue
		}
		n++
		b.WriteString("$" + strconv.Itoa(n))
	}
	return b.String()
}

// timeArg is the value to bind for t: NULL for the zero time.
func (d *dialect) timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = t.UTC().Truncate(timePrecision)
	if d == sqliteDialect {
		return t.Format(sqliteTimeLayout)
	}
	return t
}

// timeScanner reads a time column of either dialect; NULL reads as the
// zero time.
type timeScanner struct{ t *time.Time }

func (s timeScanner) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = v.UTC()
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("cannot read %T as a time", src)
	}
	return nil
}

func (s timeScanner) parse(v string) error {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return fmt.Errorf("read stored time: %w", err)
	}
	*s.t = t.UTC()
	return nil
}

// idArg binds a ConnectWise id, 0 meaning "none" (NULL).
func idArg(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// jsonArg binds a JSON document as text, so it reads back byte for byte
// (a plan's hash must still match); empty means NULL.
func jsonArg(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

// classify wraps a database error with what was being done, turning
// constraint violations into KindConflict and lock timeouts into
// KindUnavailable so callers can act on them without knowing the dialect.
func classify(err error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // extended codes carry the primary code in the low byte
		case sqlite3.SQLITE_CONSTRAINT:
			return &centralpsa.Error{Kind: centralpsa.KindConflict, Message: msg, Err: err}
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return &centralpsa.Error{Kind: centralpsa.KindUnavailable, Message: msg, Err: err}
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "23"): // integrity_constraint_violation
			return &centralpsa.Error{Kind: centralpsa.KindConflict, Message: msg, Err: err}
		case pe.Code == "40001" || pe.Code == "40P01" || pe.Code == "55P03": // serialization, deadlock, lock_not_available
			return &centralpsa.Error{Kind: centralpsa.KindUnavailable, Message: msg, Err: err}
		}
	}
	return fmt.Errorf("%s: %w", msg, err)
}

// notFound is the error for a missing row.
func notFound(format string, args ...any) error {
	return centralpsa.Errorf(centralpsa.KindNotFound, format, args...)
}

// invalid is the error for an argument the store refuses.
func invalid(format string, args ...any) error {
	return centralpsa.Errorf(centralpsa.KindInvalid, format, args...)
}

// rowsAffected reports whether res changed at least one row.
func rowsAffected(res sql.Result) (bool, error) {
	n, err := res.RowsAffected()
	return n > 0, err
}
