package web

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"centralpsa/config"
	"centralpsa/connect"
	"centralpsa/customers"
	"centralpsa/cwemu"
	"centralpsa/jobs"
	"centralpsa/mapping"
	"centralpsa/sample"
	"centralpsa/sophosemu"
	"centralpsa/store"
	"centralpsa/usage"
	"centralpsa/usagesync"
)

// liveBundle is a server whose services talk to both emulators over
// loopback, built per request from the stored settings as cmd's adapters
// do; only the job runner is a fake (fakeJobs).
type liveBundle struct {
	*testBundle
	cw        *cwemu.Server
	so        *sophosemu.Server
	customers []sample.Customer
	jobs      *fakeJobs
	settings  map[string]string
}

// setupLive starts both emulators with n sample customers and a server
// wired to them; the connection settings are stored in the database.
func setupLive(t *testing.T, n int, edit ...func(*Config)) *liveBundle {
	t.Helper()
	lb := &liveBundle{customers: sample.Customers(n, 1), jobs: &fakeJobs{}}
	var cwURL, soURL string
	lb.cw, cwURL = cwemu.Start(t, cwemu.Options{Customers: lb.customers, Extra: sample.ExtraCompanies(1)})
	lb.so, soURL = sophosemu.Start(t, sophosemu.Options{Customers: lb.customers})
	id, secret := lb.so.Credentials()
	lb.settings = map[string]string{"allow_http": "true", "cw.url": cwURL, "cw.company": cwemu.DefaultCompany,
		"cw.public_key": cwemu.DefaultPublicKey, "cw.private_key": cwemu.DefaultPrivateKey, "cw.client_id": cwemu.DefaultClientID,
		"sophos.client_id": id, "sophos.client_secret": secret, "sophos.id_url": soURL, "sophos.api_url": soURL,
		"cw.requests_per_minute": "0", "sophos.requests_per_minute": "0", "tickets.board": "Sophos Alerts"}
	edits := append([]func(*Config){func(c *Config) {
		l := live{settings: c.SettingsFunc, db: c.Store, log: c.Logger}
		c.Services = Services{Customers: l, Usage: l, Directory: l, Jobs: lb.jobs}
	}}, edit...)
	lb.testBundle = setup(t, edits...).withAdmin(t)
	for k, v := range lb.settings {
		if err := lb.db.SetSetting(t.Context(), k, v); err != nil {
			t.Fatal(err)
		}
	}
	lb.srv.jobPoll = 5 * time.Millisecond
	return lb
}

// live implements the console's services like cmd's adapters: fresh
// clients and services from the settings of the moment.
type live struct {
	settings func(context.Context) (*config.Settings, error)
	db       *store.DB
	log      *slog.Logger
}

type liveServices struct {
	customers *customers.Service
	usage     *usagesync.Service
	dir       CWDirectory
}

func (l live) build(ctx context.Context) (*liveServices, error) {
	s, err := l.settings(ctx)
	if err != nil {
		return nil, err
	}
	cw, err := connect.ConnectWise(s, connect.Options{Logger: l.log})
	if err != nil {
		return nil, err
	}
	so, err := connect.Sophos(s, connect.Options{Logger: l.log})
	if err != nil {
		return nil, err
	}
	return &liveServices{customers: &customers.Service{CW: cw, Sophos: so, Store: l.db, Logger: l.log},
		usage: &usagesync.Service{CW: cw, Sophos: so, Store: l.db, Settings: s, Logger: l.log}, dir: CWDirectory{CW: cw}}, nil
}

func (l live) List(ctx context.Context) ([]customers.Row, error) {
	sv, err := l.build(ctx)
	if err != nil {
		return nil, err
	}
	return sv.customers.List(ctx)
}

func (l live) Refresh(ctx context.Context) (customers.RefreshResult, error) {
	sv, err := l.build(ctx)
	if err != nil {
		return customers.RefreshResult{}, err
	}
	return sv.customers.Refresh(ctx)
}

func (l live) AutoMap(ctx context.Context, dryRun bool, progress ProgressFunc) ([]mapping.Suggestion, error) {
	sv, err := l.build(ctx)
	if err != nil {
		return nil, err
	}
	sv.customers.ProgressFunc = progress
	return sv.customers.AutoMap(ctx, dryRun)
}

func (l live) Set(ctx context.Context, req customers.SetRequest) (store.Mapping, error) {
	sv, err := l.build(ctx)
	if err != nil {
		return store.Mapping{}, err
	}
	return sv.customers.Set(ctx, req)
}

func (l live) Products(ctx context.Context) (customers.ProductList, error) {
	sv, err := l.build(ctx)
	if err != nil {
		return customers.ProductList{}, err
	}
	return sv.customers.Products(ctx)
}

func (l live) SetProduct(ctx context.Context, code, identifier string) (store.Product, error) {
	sv, err := l.build(ctx)
	if err != nil {
		return store.Product{}, err
	}
	return sv.customers.SetProduct(ctx, code, identifier)
}

func (l live) Plan(ctx context.Context, month *usage.Month) (*usagesync.Prepared, error) {
	sv, err := l.build(ctx)
	if err != nil {
		return nil, err
	}
	return sv.usage.Plan(ctx, month)
}

func (l live) Run(ctx context.Context, opts usagesync.Options, progress ProgressFunc) (*usagesync.Result, error) {
	sv, err := l.build(ctx)
	if err != nil {
		return nil, err
	}
	sv.usage.ProgressFunc = progress
	return sv.usage.Run(ctx, opts)
}

func (l live) CreateCatalogItem(ctx context.Context, code, identifier, description string) (int64, error) {
	sv, err := l.build(ctx)
	if err != nil {
		return 0, err
	}
	return sv.usage.CreateCatalogItem(ctx, code, identifier, description)
}

func (l live) dir(ctx context.Context) (CWDirectory, error) {
	sv, err := l.build(ctx)
	if err != nil {
		return CWDirectory{}, err
	}
	return sv.dir, nil
}

func (l live) Companies(ctx context.Context, q string) ([]Choice, error) {
	d, err := l.dir(ctx)
	if err != nil {
		return nil, err
	}
	return d.Companies(ctx, q)
}

func (l live) Agreements(ctx context.Context, id int64) ([]Choice, error) {
	d, err := l.dir(ctx)
	if err != nil {
		return nil, err
	}
	return d.Agreements(ctx, id)
}

func (l live) CatalogItems(ctx context.Context, q string) ([]Choice, error) {
	d, err := l.dir(ctx)
	if err != nil {
		return nil, err
	}
	return d.CatalogItems(ctx, q)
}

func (l live) Boards(ctx context.Context) ([]Choice, error) {
	d, err := l.dir(ctx)
	if err != nil {
		return nil, err
	}
	return d.Boards(ctx)
}

func (l live) BoardStatuses(ctx context.Context, board string) ([]Choice, error) {
	d, err := l.dir(ctx)
	if err != nil {
		return nil, err
	}
	return d.BoardStatuses(ctx, board)
}

func (l live) Priorities(ctx context.Context) ([]Choice, error) {
	d, err := l.dir(ctx)
	if err != nil {
		return nil, err
	}
	return d.Priorities(ctx)
}

// fakeJobs is a job queue that records what was queued and answers Jobs
// with states the test sets.
type fakeJobs struct {
	mu       sync.Mutex
	queued   []string
	list     []jobs.Job
	existing int64 // when set, enqueue finds this job already queued
	err      error
}

func (f *fakeJobs) enqueue(kind, month string) (int64, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return 0, false, f.err
	}
	if f.existing != 0 {
		return f.existing, false, nil
	}
	f.queued = append(f.queued, kind+":"+month)
	id := int64(len(f.queued))
	f.list = append(f.list, jobs.Job{ID: id, Kind: kind, State: "available", Month: month})
	return id, true, nil
}

func (f *fakeJobs) EnqueueUsageSync(_ context.Context, month string) (int64, bool, error) {
	return f.enqueue(jobs.KindUsageSync, month)
}

func (f *fakeJobs) EnqueueTicketSync(context.Context) (int64, bool, error) {
	return f.enqueue(jobs.KindTicketSync, "")
}

func (f *fakeJobs) QueueDepth(context.Context) (int, error) { return 0, nil }

func (f *fakeJobs) Jobs(context.Context, int) ([]jobs.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]jobs.Job(nil), f.list...), nil
}

// setState moves job id to state.
func (f *fakeJobs) setState(id int64, state string, errs ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.list {
		if f.list[i].ID == id {
			f.list[i].State = state
			for _, e := range errs {
				f.list[i].Errors = append(f.list[i].Errors, jobs.JobError{Message: e})
			}
		}
	}
}
