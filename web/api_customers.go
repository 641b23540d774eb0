package web

import (
	"net/http"

	"centralpsa/customers"
)

// apiCustomers lists the tenants passing ?q=, ?show= and ?status=, like
// the Customers page.
func (s *Server) apiCustomers(w http.ResponseWriter, r *http.Request) {
	f, err := parseCustomerFilter(r.URL.Query())
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	rows, total, err := s.customerRows(r.Context(), f)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Customers []CustomerRow `json:"customers"`
		Total     int           `json:"total"`
	}{rows, total})
}

// apiCustomerPutRequest is the body of PUT /api/v1/customers/{tenant}.
type apiCustomerPutRequest struct {
	CompanyID   int64 `json:"companyId"`
	AgreementID int64 `json:"agreementId,omitempty"`
	Usage       *bool `json:"usage,omitempty"`
	Tickets     *bool `json:"tickets,omitempty"`
}

// apiCustomerPut maps a tenant with the customer service's validation and
// returns its row.
func (s *Server) apiCustomerPut(w http.ResponseWriter, r *http.Request) {
	svc := s.cfg.Services.Customers
	if svc == nil {
		s.fail(w, r, true, unavailable("the customer service"))
		return
	}
	var req apiCustomerPutRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, true, err)
		return
	}
	m, err := svc.Set(r.Context(), customers.SetRequest{TenantID: r.PathValue("tenant"), CompanyID: req.CompanyID,
		AgreementID: req.AgreementID, Usage: req.Usage, Tickets: req.Tickets})
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	row, err := s.customerRow(r.Context(), m.TenantID)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, row)
}

// apiBulkRequest is the body of the bulk call; tenants are for the
// switch actions, dryRun for automap.
type apiBulkRequest struct {
	Action  string   `json:"action"`
	Tenants []string `json:"tenants,omitempty"`
	DryRun  bool     `json:"dryRun,omitempty"`
}

// apiCustomersBulk starts a bulk action as a task: automap, refresh,
// usage_on, usage_off, tickets_on or tickets_off.
func (s *Server) apiCustomersBulk(w http.ResponseWriter, r *http.Request) {
	var req apiBulkRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, true, err)
		return
	}
	s.apiStartBulk(w, r, req)
}

// apiCustomersAutoMap is the bulk call's automap, with an optional body
// {"dryRun": true}.
func (s *Server) apiCustomersAutoMap(w http.ResponseWriter, r *http.Request) {
	req := apiBulkRequest{Action: "automap"}
	if r.ContentLength != 0 {
		var body struct {
			DryRun bool `json:"dryRun"`
		}
		if err := decodeJSON(r, &body); err != nil {
			s.fail(w, r, true, err)
			return
		}
		req.DryRun = body.DryRun
	}
	s.apiStartBulk(w, r, req)
}

// apiCustomersRefresh re-reads tenants, companies and agreements in a task.
func (s *Server) apiCustomersRefresh(w http.ResponseWriter, r *http.Request) {
	s.apiStartBulk(w, r, apiBulkRequest{Action: "refresh"})
}

func (s *Server) apiStartBulk(w http.ResponseWriter, r *http.Request, req apiBulkRequest) {
	t, err := s.startBulk(req.Action, req.Tenants, req.DryRun)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeTask(w, t)
}
