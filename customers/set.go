package customers

import (
	"context"
	"fmt"

	"centralpsa"
	"centralpsa/connectwise"
	"centralpsa/mapping"
	"centralpsa/store"
)

// SetRequest is a manual mapping (`map set`). AgreementID 0 means none
// given: the company's only active agreement is then chosen, if it has
// exactly one. Usage and Tickets nil keep the current switches, or, for a
// tenant not mapped yet, take the defaults (usage on for MSP Flex tenants,
// tickets off).
type SetRequest struct {
	TenantID    string `json:"tenantId"`
	CompanyID   int64  `json:"companyId"`
	AgreementID int64  `json:"agreementId,omitempty"`
	Usage       *bool  `json:"usage,omitempty"`
	Tickets     *bool  `json:"tickets,omitempty"`
}

// Set validates req against Sophos and ConnectWise and stores it. Several
// tenants may share one company and agreement. Errors are
// *centralpsa.Error of kind not_found (unknown tenant, company or
// agreement) or invalid (deleted or inactive company, an agreement of
// another company, a cancelled or expired agreement).
func (s *Service) Set(ctx context.Context, req SetRequest) (store.Mapping, error) {
	if req.TenantID == "" {
		return store.Mapping{}, centralpsa.Errorf(centralpsa.KindInvalid, "a tenant id is required (--tenant)")
	}
	cur, err := s.tenant(ctx, req.TenantID)
	if err != nil {
		return store.Mapping{}, err
	}
	var tenants []mapping.Tenant
	if cur.TenantID != "" {
		tenants = []mapping.Tenant{{ID: cur.TenantID, Name: cur.TenantName}}
	}
	companies, agreements, err := s.companyData(ctx, req.CompanyID, req.AgreementID)
	if err != nil {
		return store.Mapping{}, err
	}
	valid, err := mapping.ValidateSet(mapping.Set{TenantID: req.TenantID, CompanyID: req.CompanyID, AgreementID: req.AgreementID},
		tenants, companies, agreements)
	if err != nil {
		return store.Mapping{}, err
	}
	m := store.Mapping{TenantID: cur.TenantID, CompanyID: valid.CompanyID, CompanyName: companies[0].Name,
		AgreementID: valid.AgreementID, UsageEnabled: cur.UsageEnabled, TicketsEnabled: cur.TicketsEnabled}
	for _, a := range agreements {
		if a.ID == valid.AgreementID {
			m.AgreementName = a.Name
		}
	}
	if !cur.Mapped() {
		m.UsageEnabled, m.TicketsEnabled = defaultUsage(cur.BillingType), defaultTickets
	}
	if req.Usage != nil {
		m.UsageEnabled = *req.Usage
	}
	if req.Tickets != nil {
		m.TicketsEnabled = *req.Tickets
	}
	if err := s.Store.SetMapping(ctx, m); err != nil {
		return store.Mapping{}, fmt.Errorf("store mapping: %w", err)
	}
	s.logger().Info("tenant mapped", "tenant_id", m.TenantID, "company_id", m.CompanyID, "agreement_id", m.AgreementID)
	return s.Store.Mapping(ctx, m.TenantID)
}

// tenant returns the stored tenant, refreshing the tenant list from Sophos
// once when it is not stored yet (a customer added since the last
// refresh). A tenant Sophos does not list either comes back zero.
func (s *Service) tenant(ctx context.Context, id string) (store.Mapping, error) {
	m, err := s.Store.Mapping(ctx, id)
	if err == nil || centralpsa.ErrorKind(err) != centralpsa.KindNotFound {
		return m, err
	}
	tenants, err := s.Sophos.ListTenants(ctx)
	if err != nil {
		return store.Mapping{}, fmt.Errorf("list sophos tenants: %w", err)
	}
	for _, t := range tenants {
		if t.ID != id {
			continue
		}
		if err := s.Store.UpsertTenants(ctx, []store.Tenant{toStoreTenant(t)}); err != nil {
			return store.Mapping{}, err
		}
		return s.Store.Mapping(ctx, id)
	}
	return store.Mapping{}, nil
}

// companyData reads one company and its agreements (every status, so that
// a cancelled one is reported as cancelled, not as unknown), plus the
// requested agreement when it belongs to another company, so the error can
// say whose it is. An unknown company comes back as an empty list.
func (s *Service) companyData(ctx context.Context, companyID, agreementID int64) ([]mapping.Company, []mapping.Agreement, error) {
	if companyID <= 0 {
		return nil, nil, nil
	}
	c, err := s.CW.Companies.Get(ctx, int(companyID))
	if isNotFound(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read connectwise company %d: %w", companyID, err)
	}
	list, err := s.CW.Agreements.List(ctx, &connectwise.ListOptions{
		Conditions: connectwise.Eq("company/id", companyID), Fields: agreementFields, OrderBy: "id asc",
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list agreements of company %d: %w", companyID, err)
	}
	agreements := make([]mapping.Agreement, 0, len(list)+1)
	found := agreementID == 0
	for _, a := range list {
		agreements = append(agreements, toAgreement(a))
		found = found || int64(a.ID) == agreementID
	}
	if !found {
		a, err := s.CW.Agreements.Get(ctx, int(agreementID))
		switch {
		case err == nil:
			agreements = append(agreements, toAgreement(*a))
		case !isNotFound(err):
			return nil, nil, fmt.Errorf("read connectwise agreement %d: %w", agreementID, err)
		}
	}
	return []mapping.Company{toCompany(*c)}, agreements, nil
}
