package web

import (
	"net/http"

	"centralpsa/store"
)

// apiProducts lists the product codes and their catalog items, like the
// Products page.
func (s *Server) apiProducts(w http.ResponseWriter, r *http.Request) {
	svc := s.cfg.Services.Customers
	if svc == nil {
		s.fail(w, r, true, unavailable("the customer service"))
		return
	}
	list, err := svc.Products(r.Context())
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

// apiProductRequest is the body of PUT /api/v1/products/{code} and POST
// /api/v1/products/{code}/catalog (which also takes a description).
type apiProductRequest struct {
	CatalogIdentifier string `json:"catalogIdentifier"`
	Description       string `json:"description,omitempty"`
}

// apiProductOut is a product mapping as the API returns it.
type apiProductOut struct {
	Code              string `json:"code"`
	CatalogIdentifier string `json:"catalogIdentifier"`
	CatalogID         int64  `json:"catalogId,omitempty"`
	Description       string `json:"description,omitempty"`
	Source            string `json:"source"`
}

func apiProductOf(p store.Product) apiProductOut {
	return apiProductOut{Code: p.Code, CatalogIdentifier: p.CatalogIdentifier, CatalogID: p.CatalogID, Description: p.Description, Source: p.Source}
}

// apiProductPut maps a code to an existing, active catalog item.
func (s *Server) apiProductPut(w http.ResponseWriter, r *http.Request) { s.apiProductSet(w, r, false) }

// apiProductCreate creates the catalog item (or finds one with the
// identifier) and maps the code to it.
func (s *Server) apiProductCreate(w http.ResponseWriter, r *http.Request) {
	s.apiProductSet(w, r, true)
}

func (s *Server) apiProductSet(w http.ResponseWriter, r *http.Request, create bool) {
	var req apiProductRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, true, err)
		return
	}
	p, err := s.setProduct(r.Context(), r.PathValue("code"), req.CatalogIdentifier, req.Description, create)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, apiProductOf(p))
}
