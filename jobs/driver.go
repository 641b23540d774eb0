package jobs

import (
	"context"
	"database/sql"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"centralpsa"
	"centralpsa/store"
)

// newDriver picks River's driver for the store's database (see the package
// comment for why these two). For PostgreSQL it opens the LISTEN pool from
// dsn, which the returned close function releases.
func newDriver(ctx context.Context, db *store.DB, dsn string) (riverdriver.Driver[*sql.Tx], func(), error) {
	if db.Dialect() != store.DialectPostgres {
		return riversqlite.New(db.SQL()), func() {}, nil
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The cause may quote the URL, password and all.
		return nil, nil, centralpsa.Errorf(centralpsa.KindInvalid, "the database URL cannot be read for River's listener")
	}
	// River hijacks one connection per client for LISTEN and never gives it
	// back, so the pool needs no more than one (riverdatabasesql doc).
	cfg.MinConns, cfg.MaxConns = 0, 1
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, nil, &centralpsa.Error{Kind: centralpsa.KindUnavailable, Message: "open River's listener connection", Err: err}
	}
	return riverdatabasesql.NewWithPgxListener(db.SQL(), pool), pool.Close, nil
}

// migrate creates or upgrades River's tables. rivermigrate takes no lock,
// and two processes starting together would both try to apply the same
// migration.
//
// On PostgreSQL a transaction on a separate connection holds an advisory
// lock (keyed by schema, like the store's) while the migrator works on the
// pool; rolling that transaction back releases the lock on every path.
//
// SQLite has no such lock, but each migration commits on its own, so a
// process whose migration fails on tables another process has just
// created reads the state again and goes on. Every such failure means
// another process committed a migration, so one try per migration plus
// one always suffices.
func migrate(ctx context.Context, db *store.DB, driver riverdriver.Driver[*sql.Tx], log *slog.Logger) error {
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: log})
	if err != nil {
		return &centralpsa.Error{Kind: centralpsa.KindInternal, Message: "prepare River's migrations", Err: err}
	}
	up := func() error {
		if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
			return &centralpsa.Error{Kind: centralpsa.KindUnavailable, Message: "apply River's migrations", Err: err}
		}
		return nil
	}
	if db.Dialect() != store.DialectPostgres {
		for range migrator.AllVersions() {
			if up() == nil {
				return nil
			}
		}
		return up()
	}
	lock, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return &centralpsa.Error{Kind: centralpsa.KindUnavailable, Message: "lock for River's migrations", Err: err}
	}
	defer lock.Rollback()
	if _, err := lock.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('centralpsa.river_migrate.' || coalesce(current_schema(), '')))`); err != nil {
		return &centralpsa.Error{Kind: centralpsa.KindUnavailable, Message: "lock for River's migrations", Err: err}
	}
	return up()
}
