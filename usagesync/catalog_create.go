package usagesync

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"centralpsa"
	"centralpsa/connectwise"
	"centralpsa/store"
	"centralpsa/usage"
)

// CreateCatalogItem creates the ConnectWise catalog item that bills code,
// outside any run, for a person who wants a new item rather than an
// existing one (the console's Products page). It is the same find-or-create
// an apply makes: the product type and subcategory come from the
// usage.catalog_* settings (created when missing), an item that already
// has the identifier is returned instead of duplicated, every write is
// audited, and an item centralpsa created is recorded as managed. It
// returns the item's id.
func (s *Service) CreateCatalogItem(ctx context.Context, code, identifier, description string) (int64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	identifier, description = strings.TrimSpace(identifier), strings.TrimSpace(description)
	if _, err := usage.NewProducts(map[string]string{code: identifier}); err != nil {
		return 0, err
	}
	if description == "" {
		description = usage.Description(code, "")
	}
	if len(description) > usage.MaxDescription {
		return 0, centralpsa.Errorf(centralpsa.KindInvalid, "the description may have at most %d characters", usage.MaxDescription)
	}
	a := &applier{s: s, log: s.logger().With("product_code", code), res: &Result{Writes: map[string]int{}},
		done: map[string]bool{}, pending: map[string]bool{}, failed: map[string]string{}}
	ours := false
	find := func(ctx context.Context) (int64, error) {
		item, err := a.findCatalog(ctx, identifier)
		if item == nil || err != nil {
			return 0, err
		}
		ours = item.IntegrationXRef == integrationMark
		return int64(item.ID), nil
	}
	w := write{kind: string(usage.OpCreateCatalogItem), method: http.MethodPost, endpoint: "/procurement/catalog", entity: entityCatalogItem}
	id, err := a.findOrCreate(ctx, "", &w, find, func(ctx context.Context) (int64, any, error) {
		typeID, subcategoryID, err := a.setupTables(ctx)
		if err != nil {
			return 0, nil, err
		}
		w.body = &connectwise.CatalogItem{Identifier: identifier, Description: description, CustomerDescription: description,
			Type: connectwise.Ref(typeID), Subcategory: connectwise.Ref(subcategoryID), IntegrationXRef: integrationMark}
		item, err := s.CW.Catalog.Create(ctx, w.body.(*connectwise.CatalogItem))
		ours = true
		if item == nil {
			return 0, nil, err
		}
		return int64(item.ID), catalogView(item), err
	})
	if err == nil && a.bookErr != nil {
		err = a.bookErr
	}
	if err != nil {
		return 0, fmt.Errorf("create catalog item %s: %w", identifier, err)
	}
	if ours {
		if err := s.Store.AddUsageItem(ctx, store.UsageItem{Identifier: identifier, CatalogID: id, ProductCode: code}); err != nil {
			return id, fmt.Errorf("record catalog item %s: %w", identifier, err)
		}
	}
	a.log.Info("catalog item ready", slog.String("catalog_identifier", identifier), slog.Int64("catalog_id", id))
	return id, nil
}
