package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// migration is one NNNN_name.sql file.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads a dialect's migrations in version order.
func loadMigrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("read %s migrations: %w", dialect, err)
	}
	var out []migration
	seen := map[int]string{}
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", e.Name())
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", prev, e.Name(), v)
		}
		seen[v] = e.Name()
		body, err := fs.ReadFile(migrationFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// migrate applies pending migrations in one transaction. Two processes
// starting together must not both apply a migration: on PostgreSQL a
// transaction-scoped advisory lock (keyed by schema, so separate schemas
// do not wait for each other) serializes them; on SQLite BEGIN IMMEDIATE
// already takes the database's single write lock. The second process
// then sees the first one's rows and has nothing left to do.
func (db *DB) migrate(ctx context.Context, log *slog.Logger) error {
	all, err := loadMigrations(db.d.name)
	if err != nil {
		return err
	}
	return db.atomic(ctx, func(h *handle) error {
		if h.d == postgresDialect {
			if _, err := h.exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('centralpsa.migrate.' || coalesce(current_schema(), '')))`); err != nil {
				return classify(err, "lock for migrations")
			}
		}
		if _, err := h.exec(ctx, h.d.migrationsDDL); err != nil {
			return classify(err, "create schema_migrations")
		}
		applied, err := h.appliedVersions(ctx)
		if err != nil {
			return err
		}
		for _, m := range all {
			if applied[m.version] {
				continue
			}
			if _, err := h.exec(ctx, m.sql); err != nil {
				return classify(err, "apply migration %04d_%s", m.version, m.name)
			}
			if _, err := h.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, h.d.timeArg(h.now())); err != nil {
				return classify(err, "record migration %04d_%s", m.version, m.name)
			}
			log.Info("applied database migration", "version", m.version, "name", m.name, "dialect", h.d.name)
		}
		return nil
	})
}

func (h *handle) appliedVersions(ctx context.Context) (map[int]bool, error) {
	rows, err := h.query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, classify(err, "read schema_migrations")
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, classify(err, "read schema_migrations")
		}
		applied[v] = true
	}
	return applied, rows.Err()
}
