package customers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"centralpsa"
	"centralpsa/connectwise"
	"centralpsa/sophos"
	"centralpsa/store"
	"centralpsa/usage"
)

// defaultCodes are the product codes of the default table (contract.md).
// The usage package owns the identifiers; this list only makes the table
// visible in `products list` before any usage has been seen.
var defaultCodes = []string{
	"CIXA-MSP", "XDR-MSP", "CIXAXDR-MSP", "CIXAMTR-STD-MSP", "CIXAMTR-ADV-MSP",
	"SVRCLOUDADV-MSP", "SVRCIXAXDR-MSP", "SVRCIXAMTR-STD-MSP", "SVRCIXAMTR-ADV-MSP",
	"CDE-MSP", "CPHISH-MSP", "CMS-MSP", "CMA-MSP", "CEMA-PE-ADDON-MSP",
}

// monthsBack bounds the search for the latest month with billing data:
// Sophos publishes a month's report after it ends, so the current month
// usually has none.
const monthsBack = 3

// ProductRow is one product code and the catalog item that bills it.
type ProductRow struct {
	Code              string `json:"code"`
	CatalogIdentifier string `json:"catalogIdentifier"`
	Description       string `json:"description,omitempty"`
	Source            string `json:"source"`        // store.SourceDefault or store.SourceUser
	Seen              bool   `json:"seen"`          // billed in ProductList.Month
	InConnectWise     bool   `json:"inConnectWise"` // a catalog item has the identifier
	CatalogID         int64  `json:"catalogId,omitempty"`
	Inactive          bool   `json:"inactive,omitempty"` // the catalog item is inactive
}

// ProductList is every known product code. Month is the latest billing
// month with data ("" when Sophos has none in the last few months).
type ProductList struct {
	Month    string       `json:"month,omitempty"`
	Products []ProductRow `json:"products"`
}

// Products lists every code seen in the latest billing month, every stored
// mapping and the default table, each with its catalog identifier and
// whether ConnectWise has that item.
func (s *Service) Products(ctx context.Context) (ProductList, error) {
	var out ProductList
	month, lines, err := s.latestUsage(ctx)
	if err != nil {
		return out, err
	}
	if !month.IsZero() {
		out.Month = month.String()
	}
	stored, err := s.Store.Products(ctx)
	if err != nil {
		return out, fmt.Errorf("read product mappings: %w", err)
	}
	rows := productRows(stored, lines)
	if err := s.markCatalog(ctx, rows); err != nil {
		return out, err
	}
	out.Products = rows
	return out, nil
}

// productRows merges stored mappings, billed codes and the default table;
// codes compare without case, as usage.Products does.
func productRows(stored []store.Product, lines []sophos.UsageLine) []ProductRow {
	byCode := map[string]*ProductRow{}
	var order []string
	add := func(code string) *ProductRow {
		key := strings.ToUpper(code)
		if r, ok := byCode[key]; ok {
			return r
		}
		r := &ProductRow{Code: code, CatalogIdentifier: usage.DefaultIdentifier(code), Source: store.SourceDefault}
		byCode[key] = r
		order = append(order, key)
		return r
	}
	for _, p := range stored {
		r := add(p.Code)
		r.CatalogIdentifier, r.Description, r.Source, r.CatalogID = p.CatalogIdentifier, p.Description, p.Source, p.CatalogID
	}
	for _, l := range lines {
		if strings.TrimSpace(l.ProductCode) == "" {
			continue
		}
		r := add(l.ProductCode)
		r.Seen = true
		if r.Description == "" {
			r.Description = usage.Description(l.ProductCode, l.ProductDescription)
		}
	}
	for _, c := range defaultCodes {
		if r := add(c); r.Description == "" {
			r.Description = usage.Description(c, "")
		}
	}
	slices.Sort(order)
	rows := make([]ProductRow, len(order))
	for i, k := range order {
		rows[i] = *byCode[k]
	}
	return rows
}

// latestUsage reads the newest month with billing data, going back at most
// monthsBack months. A month without data is skipped, never read as "no
// usage".
func (s *Service) latestUsage(ctx context.Context) (usage.Month, []sophos.UsageLine, error) {
	start := usage.MonthOf(s.now()).Start()
	for i := range monthsBack + 1 {
		m := usage.MonthOf(start.AddDate(0, -i, 0))
		rep, err := s.Sophos.Usage(ctx, m.Year, int(m.Month), sophos.UsageOptions{})
		if errors.Is(err, sophos.ErrNoData) {
			continue
		}
		if err != nil {
			return usage.Month{}, nil, fmt.Errorf("read sophos usage for %s: %w", m, err)
		}
		return m, rep.Lines, nil
	}
	return usage.Month{}, nil, nil
}

// catalogChunk is how many identifiers go into one "identifier in (…)"
// condition, keeping the query string well under URL limits.
const catalogChunk = 50

var catalogFields = []string{"id", "identifier", "description", "inactiveFlag"}

// markCatalog looks the rows' identifiers up in the catalog, a chunk of
// identifiers per request.
func (s *Service) markCatalog(ctx context.Context, rows []ProductRow) error {
	var ids []any
	seen := map[string]bool{}
	for _, r := range rows {
		key := strings.ToLower(r.CatalogIdentifier)
		if !seen[key] && !(strings.Contains(key, "'") && strings.Contains(key, `"`)) {
			seen[key] = true
			ids = append(ids, r.CatalogIdentifier)
		}
	}
	items := map[string]connectwise.CatalogItem{}
	for chunk := range slices.Chunk(ids, catalogChunk) {
		list, err := s.CW.Catalog.List(ctx, &connectwise.ListOptions{Conditions: connectwise.In("identifier", chunk...), Fields: catalogFields})
		if err != nil {
			return fmt.Errorf("look up catalog items: %w", err)
		}
		for _, it := range list {
			items[strings.ToLower(it.Identifier)] = it
		}
	}
	for i := range rows {
		if it, ok := items[strings.ToLower(rows[i].CatalogIdentifier)]; ok {
			rows[i].InConnectWise, rows[i].CatalogID, rows[i].Inactive = true, int64(it.ID), it.InactiveFlag
		}
	}
	return nil
}

// SetProduct maps code to an existing ConnectWise catalog item, stored with
// source "user" so re-seeding the defaults never replaces it. The item must
// exist and be active: usage sync would otherwise fail on every customer.
func (s *Service) SetProduct(ctx context.Context, code, identifier string) (store.Product, error) {
	code, identifier = strings.TrimSpace(code), strings.TrimSpace(identifier)
	if code == "" {
		return store.Product{}, centralpsa.Errorf(centralpsa.KindInvalid, "a product code is required (--code)")
	}
	if _, err := usage.NewProducts(map[string]string{code: identifier}); err != nil {
		return store.Product{}, err
	}
	item, err := s.catalogItem(ctx, identifier)
	if err != nil {
		return store.Product{}, err
	}
	if prev, err := s.storedProduct(ctx, code); err != nil {
		return store.Product{}, err
	} else if prev != "" {
		code = prev // keep one row per code, whatever its case
	}
	p := store.Product{Code: code, CatalogIdentifier: item.Identifier, CatalogID: int64(item.ID), Description: item.Description, Source: store.SourceUser}
	if err := s.Store.SetProduct(ctx, p); err != nil {
		return store.Product{}, fmt.Errorf("store product mapping: %w", err)
	}
	s.logger().Info("product mapped", "product_code", code, "catalog_identifier", item.Identifier)
	return s.Store.Product(ctx, code)
}

// catalogItem finds the active catalog item with identifier.
func (s *Service) catalogItem(ctx context.Context, identifier string) (connectwise.CatalogItem, error) {
	cond := connectwise.Eq("identifier", identifier)
	if cond.Err() != nil {
		return connectwise.CatalogItem{}, &centralpsa.Error{Kind: centralpsa.KindInvalid, Message: "catalog identifier", Err: cond.Err()}
	}
	list, err := s.CW.Catalog.List(ctx, &connectwise.ListOptions{Conditions: cond, Fields: catalogFields})
	if err != nil {
		return connectwise.CatalogItem{}, fmt.Errorf("look up catalog item %q: %w", identifier, err)
	}
	for _, it := range list {
		if !strings.EqualFold(it.Identifier, identifier) {
			continue
		}
		if it.InactiveFlag {
			return it, centralpsa.Errorf(centralpsa.KindInvalid, "catalog item %q is inactive in ConnectWise; activate it or choose another item", it.Identifier)
		}
		return it, nil
	}
	return connectwise.CatalogItem{}, centralpsa.Errorf(centralpsa.KindNotFound,
		"no ConnectWise catalog item has the identifier %q; create it under Procurement > Product Catalog, or choose an existing one", identifier)
}

// storedProduct returns the stored spelling of code, compared without case.
func (s *Service) storedProduct(ctx context.Context, code string) (string, error) {
	stored, err := s.Store.Products(ctx)
	if err != nil {
		return "", fmt.Errorf("read product mappings: %w", err)
	}
	for _, p := range stored {
		if strings.EqualFold(p.Code, code) {
			return p.Code, nil
		}
	}
	return "", nil
}
