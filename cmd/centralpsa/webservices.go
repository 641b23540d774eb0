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

func (w webCustomers) AutoMap(ctx context.Context, dryRun bool) ([]mapping.Suggestion, error) {
	s, err := w.svc(ctx)
	if err != nil {
		return nil, err
	}
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

func (w webUsage) Plan(ctx context.Context, month *usage.Month) (*usagesync.Prepared, error) {
	sv, err := w.f.build(ctx)
	if err != nil {
		return nil, err
	}
	return sv.usage.Plan(ctx, month)
}
