package web

import (
	"net/http"

	"centralpsa/web/i18n"
)

// customersPage lists the tenants with their mapping, switches and last
// usage sync, with filters and the bulk actions.
type customersPage struct {
	Layout
	Available   bool
	Filter      CustomerFilter
	FilterError string
	Rows        []CustomerRow
	Total       int
}

// handleCustomers shows the Customers page. It reads only the database:
// "Refresh customer details" reads Sophos and ConnectWise in a task.
func (s *Server) handleCustomers(w http.ResponseWriter, r *http.Request) {
	p := &customersPage{Layout: Layout{Title: "customers.title", Nav: "/customers", Path: "/customers"},
		Available: s.cfg.Services.Customers != nil}
	f, err := parseCustomerFilter(r.URL.Query())
	p.Filter = f
	if err != nil {
		_, p.FilterError = publicError(err)
		p.Filter = CustomerFilter{Query: f.Query, Show: "all", Status: "both"}
	}
	if p.Available {
		p.Rows, p.Total, err = s.customerRows(r.Context(), p.Filter)
		if err != nil {
			s.fail(w, r, false, err)
			return
		}
	}
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = i18n.T(langFrom(r.Context()), "customers.saved")
	}
	s.render(w, r, http.StatusOK, "customers", p)
}
