package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/store"
)

// dsn is the database location: CENTRALPSA_DB or the default file.
func (a *app) dsn() string {
	if v, ok := a.env("CENTRALPSA_DB"); ok && v != "" {
		return v
	}
	return store.DefaultDSN
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// openStore opens (and if needed creates) the database.
func (a *app) openStore(ctx context.Context) (*store.DB, error) {
	key, _ := a.env("CENTRALPSA_SECRET_KEY")
	db, err := store.Open(ctx, a.dsn(), store.Options{SecretKey: centralpsa.Secret(key), Logger: a.logger})
	if err != nil {
		return nil, err
	}
	return db, nil
}

// loadSettings resolves settings from the environment and, when a
// database exists, from it. Commands that only read settings (doctor) do
// not create a database file as a side effect.
func (a *app) loadSettings(ctx context.Context) (*config.Settings, error) {
	dsn := a.dsn()
	if !isPostgres(dsn) {
		if _, err := os.Stat(strings.TrimPrefix(dsn, "file:")); errors.Is(err, fs.ErrNotExist) {
			return config.Load(ctx, a.env, nil)
		}
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return config.Load(ctx, a.env, db)
}
