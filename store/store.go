package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"centralpsa"
)

// DefaultDSN is the SQLite file used when no database is configured.
const DefaultDSN = "centralpsa.db"

// Options tune Open. The zero value is usable.
type Options struct {
	// NowFunc is the clock; time.Now when nil. Tests inject a fixed one.
	NowFunc func() time.Time
	// SecretKey is the key that seals secret settings: 32 bytes written as
	// base64 or hex, normally from CENTRALPSA_SECRET_KEY. When empty, the
	// key is read from (or generated into) KeyFile.
	SecretKey centralpsa.Secret
	// KeyFile overrides where the generated key lives: by default
	// "<database file>.key" for SQLite and "centralpsa.key" in the working
	// directory for PostgreSQL.
	KeyFile string
	// Logger receives migration and key-file notices; discarded when nil.
	Logger *slog.Logger
}

// DB is an open store. Its methods (from the embedded handle) each run in
// their own transaction; use Tx to group several into one.
type DB struct {
	handle
	sqldb *sql.DB
}

// Tx is a unit of work opened by DB.Tx. It has the same data methods as
// DB, all running inside the transaction.
type Tx struct {
	handle
	tx *sql.Tx
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// handle carries the data methods shared by DB and Tx.
type handle struct {
	q       querier
	pool    *sql.DB // nil inside a transaction
	d       *dialect
	nowFunc func() time.Time
	keys    *keyring
}

// Open connects to dsn, applies pending migrations and returns the store.
// An empty dsn means DefaultDSN; a postgres:// or postgresql:// URL
// selects PostgreSQL; anything else is a SQLite file path.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	if opts.NowFunc == nil {
		opts.NowFunc = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	target, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	keys, err := newKeyring(opts, target.keyFile)
	if err != nil {
		return nil, err
	}
	sqldb, err := sql.Open(target.d.driver, target.driverDSN)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", target.d.name, err)
	}
	if target.d == sqliteDialect {
		sqldb.SetMaxOpenConns(1)
	}
	db := &DB{
		handle: handle{q: sqldb, pool: sqldb, d: target.d, nowFunc: opts.NowFunc, keys: keys},
		sqldb:  sqldb,
	}
	if err := db.open(ctx, opts.Logger); err != nil {
		sqldb.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) open(ctx context.Context, log *slog.Logger) error {
	if err := db.sqldb.PingContext(ctx); err != nil {
		return &centralpsa.Error{Kind: centralpsa.KindUnavailable, Message: "connect to the " + db.d.name + " database", Err: err}
	}
	return db.migrate(ctx, log)
}

// dsnTarget is a parsed DSN.
type dsnTarget struct {
	d         *dialect
	driverDSN string
	keyFile   string // default key file; "" for an in-memory database
}

// parseDSN picks the dialect and, for SQLite, adds the connection
// settings: WAL so readers do not block the writer, a busy timeout so a
// second process waits instead of failing, foreign keys (off by default
// in SQLite), and BEGIN IMMEDIATE so a write transaction takes the write
// lock up front rather than failing when it upgrades from a read.
func parseDSN(dsn string) (dsnTarget, error) {
	if dsn == "" {
		dsn = DefaultDSN
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return dsnTarget{d: postgresDialect, driverDSN: dsn, keyFile: "centralpsa.key"}, nil
	}
	const params = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	path, query, hasQuery := strings.Cut(dsn, "?")
	if hasQuery && !strings.HasPrefix(dsn, "file:") {
		return dsnTarget{}, invalid("sqlite database path %q contains '?'; use a file: URI to pass parameters", dsn)
	}
	t := dsnTarget{d: sqliteDialect, driverDSN: dsn + "?" + params}
	if hasQuery {
		t.driverDSN = dsn + "&" + params
	}
	path = strings.TrimPrefix(path, "file:")
	memory := path == ":memory:" || path == "" || strings.Contains(query, "mode=memory")
	if !memory {
		t.keyFile = path + ".key"
	}
	return t, nil
}

// SQL returns the connection pool, for River's database/sql drivers.
func (db *DB) SQL() *sql.DB { return db.sqldb }

// Dialect reports DialectSQLite or DialectPostgres.
func (db *DB) Dialect() string { return db.d.name }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.sqldb.PingContext(ctx); err != nil {
		return &centralpsa.Error{Kind: centralpsa.KindUnavailable, Message: "ping the " + db.d.name + " database", Err: err}
	}
	return nil
}

// Close releases the connections.
func (db *DB) Close() error { return db.sqldb.Close() }

// Tx runs fn in one transaction: committed when fn returns nil, rolled
// back when it returns an error (returned unchanged) or panics. Inside fn
// use only tx; see the package comment for why.
func (db *DB) Tx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqltx, err := db.sqldb.BeginTx(ctx, nil)
	if err != nil {
		return classify(err, "begin transaction")
	}
	tx := &Tx{handle: db.handle, tx: sqltx}
	tx.q, tx.pool = sqltx, nil
	defer func() {
		if p := recover(); p != nil {
			_ = sqltx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = sqltx.Rollback()
		return err
	}
	if err := sqltx.Commit(); err != nil {
		return classify(err, "commit transaction")
	}
	return nil
}

// SQL returns the underlying transaction, for River's InsertTx.
func (tx *Tx) SQL() *sql.Tx { return tx.tx }

// Dialect reports DialectSQLite or DialectPostgres.
func (tx *Tx) Dialect() string { return tx.d.name }

func (h *handle) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return h.q.ExecContext(ctx, h.d.rebind(query), args...)
}

func (h *handle) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return h.q.QueryContext(ctx, h.d.rebind(query), args...)
}

func (h *handle) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return h.q.QueryRowContext(ctx, h.d.rebind(query), args...)
}

// now is the injected clock in UTC at stored precision, so what a caller
// gets back equals what was written.
func (h *handle) now() time.Time { return h.nowFunc().UTC().Truncate(timePrecision) }

// atomic runs fn in a transaction, or in the current one when h is
// already inside DB.Tx.
func (h *handle) atomic(ctx context.Context, fn func(h *handle) error) error {
	if h.pool == nil {
		return fn(h)
	}
	sqltx, err := h.pool.BeginTx(ctx, nil)
	if err != nil {
		return classify(err, "begin transaction")
	}
	inner := *h
	inner.q, inner.pool = sqltx, nil
	if err := fn(&inner); err != nil {
		_ = sqltx.Rollback()
		return err
	}
	if err := sqltx.Commit(); err != nil {
		return classify(err, "commit transaction")
	}
	return nil
}
