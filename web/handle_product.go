package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"centralpsa"
	"centralpsa/customers"
	"centralpsa/usage"
)

// productPage changes one product code's catalog item: pick an existing
// item (searched as you type) or create a new one.
type productPage struct {
	Layout
	Row         customers.ProductRow
	Query       string
	Items       []Choice
	Identifier  string // the new item's identifier (create form)
	Description string // the new item's description
	Error       string
	LookupError string
}

// ItemOptions is the catalog picker.
func (p *productPage) ItemOptions() OptionsView {
	return OptionsView{Locale: p.Locale, Placeholder: p.T("product.items_found", len(p.Items)), Choices: p.Items,
		Selected: p.Row.CatalogIdentifier, ByName: true}
}

// handleProduct shows the form for ?code=, searching the catalog for ?q=.
func (s *Server) handleProduct(w http.ResponseWriter, r *http.Request) {
	p, err := s.newProductPage(r.Context(), r.URL.Query().Get("code"))
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	p.Query = strings.TrimSpace(r.URL.Query().Get("q"))
	p.Path = "/products/edit?code=" + url.QueryEscape(p.Row.Code)
	s.searchCatalog(r.Context(), p)
	s.render(w, r, http.StatusOK, "product", p)
}

// newProductPage finds code among the listed products; a code that is
// not listed yet (never billed) can still be mapped.
func (s *Server) newProductPage(ctx context.Context, code string) (*productPage, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return nil, centralpsa.Errorf(centralpsa.KindInvalid, "a product code is required (?code=)")
	}
	svc := s.cfg.Services.Customers
	if svc == nil {
		return nil, unavailable("the customer service")
	}
	p := &productPage{Layout: Layout{Title: "product.title", Nav: "/products", Path: "/products/edit"},
		Row: customers.ProductRow{Code: code, CatalogIdentifier: usage.DefaultIdentifier(code), Description: usage.Description(code, "")}}
	list, err := svc.Products(ctx)
	if err != nil {
		_, p.LookupError = publicError(err)
	}
	for _, row := range list.Products {
		if strings.EqualFold(row.Code, code) {
			p.Row = row
		}
	}
	p.Identifier, p.Description = usage.DefaultIdentifier(p.Row.Code), p.Row.Description
	if p.Description == "" {
		p.Description = usage.Description(p.Row.Code, "")
	}
	return p, nil
}

func (s *Server) searchCatalog(ctx context.Context, p *productPage) {
	dir := s.cfg.Services.Directory
	if dir == nil {
		_, p.LookupError = publicError(unavailable("the ConnectWise lookup"))
		return
	}
	items, err := dir.CatalogItems(ctx, p.Query)
	if err != nil {
		_, p.LookupError = publicError(err)
	}
	p.Items = items
}
