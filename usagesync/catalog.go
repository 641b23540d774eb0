package usagesync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"centralpsa"
	"centralpsa/connectwise"
	"centralpsa/store"
	"centralpsa/usage"
)

// catalogPhase creates the plan's missing catalog items before any
// addition needs them. A failure is kept per identifier and fails only
// the customers whose additions need that item.
func (a *applier) catalogPhase(ctx context.Context) {
	for _, op := range a.p.Plan.Ops {
		if op.Kind != usage.OpCreateCatalogItem {
			continue
		}
		if a.stopped(ctx) {
			return
		}
		l := strings.ToLower(op.CatalogIdentifier)
		id, err := a.catalogItem(ctx, op)
		if err != nil {
			if !a.stopped(ctx) {
				a.log.Warn("cannot create catalog item", "identifier", op.CatalogIdentifier, "error", err)
			}
			a.catalogErr[l] = err
			continue
		}
		a.catalogIDs[l] = id
	}
}

// catalogItem finds or creates the item of a create_catalog_item op and
// records it as ours when it is.
func (a *applier) catalogItem(ctx context.Context, op usage.Op) (int64, error) {
	a.mark(ctx, op.Key, store.OpPending, nil)
	ours := false
	find := func(ctx context.Context) (int64, error) {
		item, err := a.findCatalog(ctx, op.CatalogIdentifier)
		if item == nil || err != nil {
			return 0, err
		}
		ours = item.IntegrationXRef == integrationMark
		return int64(item.ID), nil
	}
	w := write{kind: string(usage.OpCreateCatalogItem), method: http.MethodPost, endpoint: "/procurement/catalog", entity: entityCatalogItem}
	id, err := a.findOrCreate(ctx, op.Key, &w, find, func(ctx context.Context) (int64, any, error) {
		typeID, subcategoryID, err := a.setupTables(ctx)
		if err != nil {
			return 0, nil, err
		}
		w.body = &connectwise.CatalogItem{Identifier: op.CatalogIdentifier, Description: op.Description,
			CustomerDescription: op.Description, Type: connectwise.Ref(typeID), Subcategory: connectwise.Ref(subcategoryID),
			IntegrationXRef: integrationMark}
		item, err := a.s.CW.Catalog.Create(ctx, w.body.(*connectwise.CatalogItem))
		ours = true
		if item == nil {
			return 0, nil, err
		}
		return int64(item.ID), catalogView(item), err
	})
	if err != nil {
		err = fmt.Errorf("catalog item %s: %w", op.CatalogIdentifier, err)
		a.fail(ctx, op.Key, err)
		return 0, err
	}
	if ours {
		code := ""
		if len(op.ProductCodes) > 0 {
			code = op.ProductCodes[0]
		}
		a.bookkeep(ctx, "record catalog item "+op.CatalogIdentifier, func(ctx context.Context) error {
			return a.s.Store.AddUsageItem(ctx, store.UsageItem{Identifier: op.CatalogIdentifier, CatalogID: id, ProductCode: code, RunID: a.runID})
		})
	}
	a.mark(ctx, op.Key, store.OpDone, map[string]int64{"catalogId": id})
	return id, nil
}

// findOrCreate makes a record that can be looked up without duplicating
// it: look first, then create (see createChecked). A record found where an
// earlier attempt of the run left the op pending is audited late.
func (a *applier) findOrCreate(ctx context.Context, key string, w *write,
	find func(context.Context) (int64, error), create func(context.Context) (int64, any, error)) (int64, error) {
	w.key = key
	id, err := find(ctx)
	if err != nil || id != 0 {
		if id != 0 && a.pending[key] {
			w.entityID = itoa(id)
			a.late(ctx, key, *w, map[string]int64{"id": id})
		}
		return id, err
	}
	return a.createChecked(ctx, w, find, create)
}

// createChecked creates a record and audits the attempt. When the answer
// was lost (connectwise.ErrOutcomeUnknown) it looks again, because
// ConnectWise may have applied the create; only a record still missing
// then is an error, and the next run creates it.
func (a *applier) createChecked(ctx context.Context, w *write,
	find func(context.Context) (int64, error), create func(context.Context) (int64, any, error)) (int64, error) {
	if a.stopped(ctx) {
		return 0, context.Cause(ctx)
	}
	id, resp, err := create(ctx)
	if w.body == nil { // failed before anything was sent
		return 0, err
	}
	if id != 0 {
		w.entityID = itoa(id)
	}
	a.sent(ctx, *w, resp, err)
	if errors.Is(err, connectwise.ErrOutcomeUnknown) {
		bctx, cancel := a.book(ctx)
		defer cancel()
		found, ferr := find(bctx)
		if ferr == nil && found != 0 {
			a.log.Info("create whose answer was lost found applied", "endpoint", w.endpoint, "id", found)
			return found, nil
		}
		return 0, fmt.Errorf("%w (not found afterwards, so the next run creates it)", err)
	}
	return id, err
}

// findCatalog returns the item with the identifier (compared without
// case, lowest id when several), or nil.
func (a *applier) findCatalog(ctx context.Context, identifier string) (*connectwise.CatalogItem, error) {
	list, err := a.s.CW.Catalog.List(ctx, &connectwise.ListOptions{Conditions: connectwise.Eq("identifier", identifier), Fields: catalogFields})
	if err != nil {
		return nil, fmt.Errorf("look up catalog item %s: %w", identifier, err)
	}
	var best *connectwise.CatalogItem
	for i, c := range list {
		if strings.EqualFold(c.Identifier, identifier) && (best == nil || c.ID < best.ID) {
			best = &list[i]
		}
	}
	return best, nil
}

// setupIDs are the product type and subcategory created items get.
type setupIDs struct {
	typeID, subcategoryID int
	err                   error
}

// setupTables resolves (creating when missing, once per apply) the product
// type, category and subcategory named by usage.catalog_type,
// usage.catalog_category and usage.catalog_subcategory.
func (a *applier) setupTables(ctx context.Context) (typeID, subcategoryID int, err error) {
	if a.setup == nil {
		a.setup = a.resolveSetup(ctx)
	}
	return a.setup.typeID, a.setup.subcategoryID, a.setup.err
}

func (a *applier) resolveSetup(ctx context.Context) *setupIDs {
	set := a.s.Settings
	typeName, catName, subName := set.Get("usage.catalog_type"), set.Get("usage.catalog_category"), set.Get("usage.catalog_subcategory")
	cw := a.s.CW.Procurement
	typeID, err := a.setupRecord(ctx, "product_type", "/procurement/types", typeName,
		func(ctx context.Context) ([]named, error) {
			list, err := cw.ListTypes(ctx, byName(typeName))
			return mapNamed(list, func(t connectwise.ProductType) named { return named{t.ID, t.Name, t.InactiveFlag, 0} }), err
		},
		func(ctx context.Context) (int, error) {
			t, err := cw.CreateType(ctx, &connectwise.ProductType{Name: typeName})
			return idOr(t, func(t *connectwise.ProductType) int { return t.ID }), err
		})
	if err != nil {
		return &setupIDs{err: fmt.Errorf("product type %q (usage.catalog_type): %w", typeName, err)}
	}
	catID, err := a.setupRecord(ctx, "product_category", "/procurement/categories", catName,
		func(ctx context.Context) ([]named, error) {
			list, err := cw.ListCategories(ctx, byName(catName))
			return mapNamed(list, func(c connectwise.Category) named { return named{c.ID, c.Name, c.InactiveFlag, 0} }), err
		},
		func(ctx context.Context) (int, error) {
			c, err := cw.CreateCategory(ctx, &connectwise.Category{Name: catName})
			return idOr(c, func(c *connectwise.Category) int { return c.ID }), err
		})
	if err != nil {
		return &setupIDs{err: fmt.Errorf("product category %q (usage.catalog_category): %w", catName, err)}
	}
	subID, err := a.setupRecord(ctx, "product_subcategory", "/procurement/subcategories", subName,
		func(ctx context.Context) ([]named, error) {
			list, err := cw.ListSubcategories(ctx, byName(subName))
			return mapNamed(list, func(s connectwise.Subcategory) named {
				return named{s.ID, s.Name, s.InactiveFlag, int(refID(s.Category))}
			}), err
		},
		func(ctx context.Context) (int, error) {
			s, err := cw.CreateSubcategory(ctx, &connectwise.Subcategory{Name: subName, Category: connectwise.Ref(catID)})
			return idOr(s, func(s *connectwise.Subcategory) int { return s.ID }), err
		}, catID)
	if err != nil {
		return &setupIDs{err: fmt.Errorf("product subcategory %q (usage.catalog_subcategory): %w", subName, err)}
	}
	return &setupIDs{typeID: typeID, subcategoryID: subID}
}

// named is a setup-table row reduced to what choosing one needs.
type named struct {
	id       int
	name     string
	inactive bool
	parent   int // a subcategory's category
}

// setupRecord finds the row called name (preferring an active one, and
// one under parent when given) or creates it.
func (a *applier) setupRecord(ctx context.Context, entity, endpoint, name string,
	list func(context.Context) ([]named, error), create func(context.Context) (int, error), parent ...int) (int, error) {
	find := func(ctx context.Context) (int64, error) {
		rows, err := list(ctx)
		if err != nil {
			return 0, fmt.Errorf("look up %s: %w", strings.ReplaceAll(entity, "_", " "), err)
		}
		best, score := 0, -1
		for _, r := range rows {
			if !strings.EqualFold(r.name, name) {
				continue
			}
			s := 0
			if !r.inactive {
				s += 2
			}
			if len(parent) > 0 && r.parent == parent[0] {
				s++
			}
			if s > score {
				best, score = r.id, s
			}
		}
		return int64(best), nil
	}
	// Within a run the create is marked in run_ops like a plan op, though
	// it is not one, so that a resume finds a record whose creator died
	// before auditing it and audits it then (findOrCreate), once.
	key := "setup:" + entity
	inRun, created := a.runID != 0, false
	w := write{kind: "create_" + entity, method: http.MethodPost, endpoint: endpoint, entity: entity}
	id, err := a.findOrCreate(ctx, key, &w, find, func(ctx context.Context) (int64, any, error) {
		w.body = map[string]any{"name": name}
		if len(parent) > 0 {
			w.body = map[string]any{"name": name, "category": map[string]int{"id": parent[0]}}
		}
		if inRun {
			a.mark(ctx, key, store.OpPending, nil)
		}
		id, err := create(ctx)
		created = true
		if id == 0 {
			return 0, nil, err
		}
		return int64(id), map[string]any{"id": id, "name": name}, err
	})
	if inRun && err == nil && id != 0 && (created || a.pending[key]) {
		a.mark(ctx, key, store.OpDone, map[string]int64{"id": id})
		delete(a.pending, key)
	}
	return int(id), err
}

func byName(name string) *connectwise.ListOptions {
	return &connectwise.ListOptions{Conditions: connectwise.Eq("name", name)}
}

func mapNamed[T any](list []T, f func(T) named) []named {
	out := make([]named, 0, len(list))
	for _, v := range list {
		out = append(out, f(v))
	}
	return out
}

func idOr[T any](v *T, id func(*T) int) int {
	if v == nil {
		return 0
	}
	return id(v)
}

// catalogFor is the catalog id an addition op bills: from the plan, or the
// item the catalog phase found or created.
func (a *applier) catalogFor(op usage.Op) (int, error) {
	if op.CatalogID != 0 {
		return int(op.CatalogID), nil
	}
	l := strings.ToLower(op.CatalogIdentifier)
	if id := a.catalogIDs[l]; id != 0 {
		return int(id), nil
	}
	if err := a.catalogErr[l]; err != nil {
		return 0, err
	}
	return 0, centralpsa.Errorf(centralpsa.KindInternal, "catalog item %s was neither found nor created", op.CatalogIdentifier)
}
