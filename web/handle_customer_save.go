package web

import (
	"net/http"
	"strconv"
	"strings"

	"centralpsa"
	"centralpsa/customers"
)

// handleCustomerSave stores a tenant's mapping through the customer
// service's validation (the company must exist and be active, the
// agreement must be the company's and active; no agreement picks the
// company's only active one). The "Show agreements" button (op=agreements)
// only lists the chosen company's agreements, for browsers without
// JavaScript. A refused mapping shows the form again with the reason.
func (s *Server) handleCustomerSave(w http.ResponseWriter, r *http.Request) {
	svc := s.cfg.Services.Customers
	if svc == nil {
		s.fail(w, r, false, unavailable("the customer service"))
		return
	}
	row, err := s.customerRow(r.Context(), r.PathValue("tenant"))
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	p := s.newCustomerPage(row)
	p.Query = strings.TrimSpace(r.PostFormValue("q"))
	p.CompanyID, _ = strconv.ParseInt(r.PostFormValue("company"), 10, 64)
	p.AgreementID, _ = strconv.ParseInt(r.PostFormValue("agreement"), 10, 64)
	p.Usage, p.Tickets = r.PostFormValue("usage") == "on", r.PostFormValue("tickets") == "on"
	if r.PostFormValue("op") == "agreements" {
		s.fillCustomerChoices(r.Context(), p)
		s.render(w, r, http.StatusOK, "customer", p)
		return
	}
	_, err = svc.Set(r.Context(), customers.SetRequest{TenantID: row.TenantID, CompanyID: p.CompanyID, AgreementID: p.AgreementID,
		Usage: &p.Usage, Tickets: &p.Tickets})
	if err == nil {
		http.Redirect(w, r, "/customers?saved=1", http.StatusSeeOther)
		return
	}
	kind, msg := publicError(err)
	if kind != centralpsa.KindInvalid && kind != centralpsa.KindNotFound {
		s.fail(w, r, false, err)
		return
	}
	p.Error = msg
	s.fillCustomerChoices(r.Context(), p)
	s.render(w, r, statusOf[kind], "customer", p)
}
