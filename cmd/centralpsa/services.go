package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"

	"centralpsa/config"
	"centralpsa/connect"
	"centralpsa/connectwise"
	"centralpsa/customers"
	"centralpsa/metrics"
	"centralpsa/sophos"
	"centralpsa/store"
	"centralpsa/ticketsync"
	"centralpsa/usagesync"
)

// services are the domain services for one set of settings: both clients
// and the customer, usage and ticket services built on them.
type services struct {
	settings  *config.Settings
	cw        *connectwise.Client
	sophos    *sophos.Client
	customers *customers.Service
	usage     *usagesync.Service
	tickets   *ticketsync.Service
}

// serviceFactory builds services from the settings in force when asked,
// so a setting changed in the console applies to the next run. It keeps
// the last bundle while the connection settings are unchanged, so the
// Sophos token and the ConnectWise codebase are not fetched again for
// every request.
type serviceFactory struct {
	a       *app
	db      *store.DB
	metrics *metrics.Registry // nil: calls are not counted

	mu   sync.Mutex
	key  string
	last *services
}

func (a *app) newServiceFactory(db *store.DB, reg *metrics.Registry) *serviceFactory {
	return &serviceFactory{a: a, db: db, metrics: reg}
}

// build returns the services for the current settings.
func (f *serviceFactory) build(ctx context.Context) (*services, error) {
	s, err := config.Load(ctx, f.a.env, f.db)
	if err != nil {
		return nil, err
	}
	key := fingerprint(s)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last != nil && f.key == key {
		return f.bundle(f.last.cw, f.last.sophos, s), nil
	}
	cw, err := connect.ConnectWise(s, f.options("connectwise"))
	if err != nil {
		return nil, err
	}
	so, err := connect.Sophos(s, f.options("sophos"))
	if err != nil {
		return nil, err
	}
	f.key, f.last = key, f.bundle(cw, so, s)
	return f.last, nil
}

func (f *serviceFactory) options(upstream string) connect.Options {
	o := connect.Options{Logger: f.a.logger}
	if f.metrics != nil {
		o.HTTPClient = &http.Client{Transport: f.metrics.Transport(upstream, nil)}
	}
	return o
}

// bundle builds the services on clients cw and so with settings s, so
// settings that are not about the connection (ticket board, zero policy)
// are always the current ones.
func (f *serviceFactory) bundle(cw *connectwise.Client, so *sophos.Client, s *config.Settings) *services {
	log := f.a.logger
	return &services{settings: s, cw: cw, sophos: so,
		customers: &customers.Service{CW: cw, Sophos: so, Store: f.db, Logger: log},
		usage:     &usagesync.Service{CW: cw, Sophos: so, Store: f.db, Settings: s, Logger: log},
		tickets:   &ticketsync.Service{CW: cw, Sophos: so, Store: f.db, Settings: s, Logger: log},
	}
}

// openServices opens the database and builds the services from the
// settings in force, for the one-shot CLI commands.
func (a *app) openServices(ctx context.Context) (*services, func(), error) {
	db, err := a.openStore(ctx)
	if err != nil {
		return nil, nil, err
	}
	sv, err := a.newServiceFactory(db, nil).build(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return sv, func() { db.Close() }, nil
}

// fingerprint identifies the connection settings; a change means new
// clients.
func fingerprint(s *config.Settings) string {
	h := sha256.New()
	for _, k := range append(append([]string{"allow_http"}, config.ConnectWiseKeys...), config.SophosKeys...) {
		h.Write([]byte(k + "=" + s.Get(k) + "\x00"))
	}
	for _, k := range []string{"cw.requests_per_minute", "sophos.requests_per_minute"} {
		if _, ok := config.Lookup(k); ok {
			h.Write([]byte(k + "=" + s.Get(k) + "\x00"))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// settings resolves the settings in force now.
func (f *serviceFactory) settings(ctx context.Context) (*config.Settings, error) {
	return config.Load(ctx, f.a.env, f.db)
}
