package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"centralpsa"
	"centralpsa/store"
)

// setProduct maps code to an existing catalog item; create first makes
// the item (with description) when asked. The page and the API share it.
func (s *Server) setProduct(ctx context.Context, code, identifier, description string, create bool) (store.Product, error) {
	svc := s.cfg.Services.Customers
	if svc == nil {
		return store.Product{}, unavailable("the customer service")
	}
	code, identifier = strings.TrimSpace(code), strings.TrimSpace(identifier)
	if code == "" {
		return store.Product{}, centralpsa.Errorf(centralpsa.KindInvalid, "a product code is required")
	}
	if identifier == "" {
		return store.Product{}, centralpsa.Errorf(centralpsa.KindInvalid, "choose a catalog item (its identifier)")
	}
	if create {
		if s.cfg.Services.Usage == nil {
			return store.Product{}, unavailable("usage sync")
		}
		if _, err := s.cfg.Services.Usage.CreateCatalogItem(ctx, code, identifier, description); err != nil {
			return store.Product{}, err
		}
	}
	return svc.SetProduct(ctx, code, identifier)
}

// handleProductSave maps a code to the item chosen (POST /products) or to
// a new item (POST /products/create). A refused change shows the form
// again with the reason.
func (s *Server) handleProductSave(w http.ResponseWriter, r *http.Request) {
	create := strings.HasSuffix(r.URL.Path, "/create")
	code := r.PostFormValue("code")
	identifier := r.PostFormValue("identifier")
	_, err := s.setProduct(r.Context(), code, identifier, r.PostFormValue("description"), create)
	if err == nil {
		http.Redirect(w, r, "/products?saved=1", http.StatusSeeOther)
		return
	}
	kind, msg := publicError(err)
	if kind != centralpsa.KindInvalid && kind != centralpsa.KindNotFound && kind != centralpsa.KindConflict {
		s.fail(w, r, false, err)
		return
	}
	p, perr := s.newProductPage(r.Context(), code)
	if perr != nil {
		s.fail(w, r, false, err)
		return
	}
	p.Error, p.Path = msg, "/products/edit?code="+url.QueryEscape(code)
	if create {
		p.Identifier, p.Description = strings.TrimSpace(identifier), strings.TrimSpace(r.PostFormValue("description"))
	}
	s.searchCatalog(r.Context(), p)
	s.render(w, r, statusOf[kind], "product", p)
}
