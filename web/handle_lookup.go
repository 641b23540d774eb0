package web

import (
	"net/http"
	"strconv"

	"centralpsa"
)

// The /lookup routes answer <option> lists for htmx: the company search
// as you type, a company's agreements, the catalog search and a board's
// statuses. A failed lookup still answers 200 with the reason as a
// disabled option, because htmx swaps only successful answers and the
// person should see why the list is empty.

func (s *Server) handleLookupCompanies(w http.ResponseWriter, r *http.Request) {
	l := Locale{Lang: langFrom(r.Context())}
	q := r.URL.Query().Get("q")
	var choices []Choice
	err := unavailable("the ConnectWise lookup")
	if dir := s.cfg.Services.Directory; dir != nil {
		choices, err = dir.Companies(r.Context(), q)
	}
	v := idOptions(l, l.T("customer.companies_found", len(choices)), choices, 0, s.lookupError(r, err))
	s.renderFragment(w, http.StatusOK, "customer", "options", v)
}

func (s *Server) handleLookupAgreements(w http.ResponseWriter, r *http.Request) {
	l := Locale{Lang: langFrom(r.Context())}
	id, _ := strconv.ParseInt(r.URL.Query().Get("company"), 10, 64)
	var choices []Choice
	err := unavailable("the ConnectWise lookup")
	if dir := s.cfg.Services.Directory; dir != nil && id > 0 {
		choices, err = dir.Agreements(r.Context(), id)
	} else if id <= 0 {
		err = nil
	}
	s.renderFragment(w, http.StatusOK, "customer", "options", agreementOptions(l, choices, 0, s.lookupError(r, err)))
}

func (s *Server) handleLookupCatalog(w http.ResponseWriter, r *http.Request) {
	l := Locale{Lang: langFrom(r.Context())}
	var choices []Choice
	err := unavailable("the ConnectWise lookup")
	if dir := s.cfg.Services.Directory; dir != nil {
		choices, err = dir.CatalogItems(r.Context(), r.URL.Query().Get("q"))
	}
	v := OptionsView{Locale: l, Placeholder: l.T("product.items_found", len(choices)), Choices: choices, ByName: true, Error: s.lookupError(r, err)}
	s.renderFragment(w, http.StatusOK, "product", "options", v)
}

// lookupError is the message of a failed lookup, logged when it is not
// the person's doing.
func (s *Server) lookupError(r *http.Request, err error) string {
	if err == nil {
		return ""
	}
	kind, msg := publicError(err)
	if kind == centralpsa.KindInternal || kind == centralpsa.KindUnavailable {
		s.log.Warn("lookup failed", "path", r.URL.Path, "error", err)
	}
	return msg
}
