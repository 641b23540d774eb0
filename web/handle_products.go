package web

import (
	"net/http"

	"centralpsa/customers"
	"centralpsa/web/i18n"
)

// productsPage lists the Sophos product codes and the catalog item that
// bills each.
type productsPage struct {
	Layout
	Available bool
	List      customers.ProductList
	Error     string
}

// handleProducts shows the product mappings. Listing reads the latest
// billing month from Sophos and the catalog from ConnectWise; when either
// cannot be asked the page says why.
func (s *Server) handleProducts(w http.ResponseWriter, r *http.Request) {
	p := &productsPage{Layout: Layout{Title: "products.title", Nav: "/products", Path: "/products"}, Available: s.cfg.Services.Customers != nil}
	if p.Available {
		list, err := s.cfg.Services.Customers.Products(r.Context())
		if err != nil {
			_, p.Error = publicError(err)
			s.log.Info("list products failed", "error", err)
		}
		p.List = list
	}
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = i18n.T(langFrom(r.Context()), "products.saved")
	}
	s.render(w, r, http.StatusOK, "products", p)
}
