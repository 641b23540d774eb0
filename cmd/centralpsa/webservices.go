package main

import (
	"context"

	"centralpsa/customers"
	"centralpsa/mapping"
	"centralpsa/store"
	"centralpsa/usage"
	"centralpsa/usagesync"
	"centralpsa/web"
)

// The console's services are built per request from the settings in
// force, so a connection changed on the Setup page is used at once; the
// factory keeps the clients while the connection settings stay the same.

type webCustomers struct{ f *serviceFactory }

var _ web.Customers = webCustomers{}

func (w webCustomers) svc(ctx context.Context) (*customers.Service, error) {
	sv, err := w.f.build(ctx)
	if err != nil {
		return nil, err
	}
	return sv.customers, nil
}

func (w webCustomers) List(ctx context.Context) ([]customers.Row, error) {
	s, err := w.svc(ctx)
	if err != nil {
		return nil, err
	}
	return s.List(ctx)
}

func (w webCustomers) Refresh(ctx context.Context) (customers.RefreshResult, error) {
	s, err := w.svc(ctx)
	if err != nil {
		return customers.RefreshResult{}, err
	}
	return s.Refresh(ctx)
}

func (w webCustomers) AutoMap(ctx context.Context, dryRun bool, progress web.ProgressFunc) ([]mapping.Suggestion, error) {
	s, err := w.svc(ctx)
	if err != nil {
		return nil, err
	}
	s.ProgressFunc = progress // s is this call's own: build returns fresh services
	return s.AutoMap(ctx, dryRun)
}

func (w webCustomers) Set(ctx context.Context, req customers.SetRequest) (store.Mapping, error) {
	s, err := w.svc(ctx)
	if err != nil {
		return store.Mapping{}, err
	}
	return s.Set(ctx, req)
}

func (w webCustomers) Products(ctx context.Context) (customers.ProductList, error) {
	s, err := w.svc(ctx)
	if err != nil {
		return customers.ProductList{}, err
	}
	return s.Products(ctx)
}

func (w webCustomers) SetProduct(ctx context.Context, code, identifier string) (store.Product, error) {
	s, err := w.svc(ctx)
	if err != nil {
		return store.Product{}, err
	}
	return s.SetProduct(ctx, code, identifier)
}

type webUsage struct{ f *serviceFactory }

var _ web.UsagePlanner = webUsage{}

func (w webUsage) svc(ctx context.Context) (*usagesync.Service, error) {
	sv, err := w.f.build(ctx)
	if err != nil {
		return nil, err
	}
	return sv.usage, nil
}

func (w webUsage) Plan(ctx context.Context, month *usage.Month) (*usagesync.Prepared, error) {
	s, err := w.svc(ctx)
	if err != nil {
		return nil, err
	}
	return s.Plan(ctx, month)
}

func (w webUsage) Run(ctx context.Context, opts usagesync.Options, progress web.ProgressFunc) (*usagesync.Result, error) {
	s, err := w.svc(ctx)
	if err != nil {
		return nil, err
	}
	s.ProgressFunc = progress
	return s.Run(ctx, opts)
}

func (w webUsage) CreateCatalogItem(ctx context.Context, code, identifier, description string) (int64, error) {
	s, err := w.svc(ctx)
	if err != nil {
		return 0, err
	}
	return s.CreateCatalogItem(ctx, code, identifier, description)
}

// webDirectory serves the console's pickers from the ConnectWise client
// of the settings in force.
type webDirectory struct{ f *serviceFactory }

var _ web.Directory = webDirectory{}

func (w webDirectory) dir(ctx context.Context) (web.CWDirectory, error) {
	sv, err := w.f.build(ctx)
	if err != nil {
		return web.CWDirectory{}, err
	}
	return web.CWDirectory{CW: sv.cw}, nil
}

func (w webDirectory) Companies(ctx context.Context, query string) ([]web.Choice, error) {
	d, err := w.dir(ctx)
	if err != nil {
		return nil, err
	}
	return d.Companies(ctx, query)
}

func (w webDirectory) Agreements(ctx context.Context, companyID int64) ([]web.Choice, error) {
	d, err := w.dir(ctx)
	if err != nil {
		return nil, err
	}
	return d.Agreements(ctx, companyID)
}

func (w webDirectory) CatalogItems(ctx context.Context, query string) ([]web.Choice, error) {
	d, err := w.dir(ctx)
	if err != nil {
		return nil, err
	}
	return d.CatalogItems(ctx, query)
}

func (w webDirectory) Boards(ctx context.Context) ([]web.Choice, error) {
	d, err := w.dir(ctx)
	if err != nil {
		return nil, err
	}
	return d.Boards(ctx)
}

func (w webDirectory) BoardStatuses(ctx context.Context, board string) ([]web.Choice, error) {
	d, err := w.dir(ctx)
	if err != nil {
		return nil, err
	}
	return d.BoardStatuses(ctx, board)
}

func (w webDirectory) Priorities(ctx context.Context) ([]web.Choice, error) {
	d, err := w.dir(ctx)
	if err != nil {
		return nil, err
	}
	return d.Priorities(ctx)
}
