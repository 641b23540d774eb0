package customers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"centralpsa/connectwise"
	"centralpsa/mapping"
	"centralpsa/sophos"
	"centralpsa/store"
)

// Service reads both vendors and keeps the mappings in Store. Logger may be
// nil; NowFunc (time.Now when nil) decides which billing month is latest.
type Service struct {
	CW      *connectwise.Client
	Sophos  *sophos.Client
	Store   *store.DB
	Logger  *slog.Logger
	NowFunc func() time.Time
	// ProgressFunc, when set, is called as AutoMap goes through the
	// tenants (done of total), for the console's progress bar.
	ProgressFunc func(done, total int)
}

func (s *Service) progress(done, total int) {
	if s.ProgressFunc != nil {
		s.ProgressFunc(done, total)
	}
}

func (s *Service) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Service) now() time.Time {
	if s.NowFunc != nil {
		return s.NowFunc()
	}
	return time.Now()
}

// snapshot is what both vendors say at one moment: every tenant, every
// company that is not deleted, and every agreement that is not cancelled.
type snapshot struct {
	tenants    []sophos.Tenant
	companies  []mapping.Company
	agreements []mapping.Agreement
}

// Fields asked of ConnectWise: partial records keep 1,000-row pages small.
var (
	companyFields   = []string{"id", "identifier", "name", "status", "deletedFlag"}
	agreementFields = []string{"id", "name", "company", "agreementStatus", "cancelledFlag"}
)

// fetch reads the snapshot: one paged list per vendor resource.
func (s *Service) fetch(ctx context.Context) (snapshot, error) {
	var snap snapshot
	tenants, err := s.Sophos.ListTenants(ctx)
	if err != nil {
		return snap, fmt.Errorf("list sophos tenants: %w", err)
	}
	snap.tenants = tenants
	companies, err := s.CW.Companies.List(ctx, &connectwise.ListOptions{
		Conditions: connectwise.Eq("deletedFlag", false), Fields: companyFields, OrderBy: "id asc",
	})
	if err != nil {
		return snap, fmt.Errorf("list connectwise companies: %w", err)
	}
	for _, c := range companies {
		snap.companies = append(snap.companies, toCompany(c))
	}
	// Cancelled agreements are dropped on the server; expired or inactive
	// ones are dropped locally by mapping.Agreement.Active, because
	// agreementStatus is derived and may not be filterable everywhere.
	agreements, err := s.CW.Agreements.List(ctx, &connectwise.ListOptions{
		Conditions: connectwise.Eq("cancelledFlag", false), Fields: agreementFields, OrderBy: "id asc",
	})
	if err != nil {
		return snap, fmt.Errorf("list connectwise agreements: %w", err)
	}
	for _, a := range agreements {
		snap.agreements = append(snap.agreements, toAgreement(a))
	}
	return snap, nil
}

// toCompany converts a ConnectWise company. ConnectWise marks a dormant
// customer with a company status; the stock status for that is "Inactive".
func toCompany(c connectwise.Company) mapping.Company {
	inactive := c.Status != nil && strings.EqualFold(strings.TrimSpace(c.Status.Name), "Inactive")
	return mapping.Company{ID: int64(c.ID), Identifier: c.Identifier, Name: c.Name, Deleted: c.DeletedFlag, Inactive: inactive}
}

func toAgreement(a connectwise.Agreement) mapping.Agreement {
	out := mapping.Agreement{ID: int64(a.ID), Name: a.Name, Status: a.AgreementStatus, Cancelled: a.CancelledFlag}
	if a.Company != nil {
		out.CompanyID = int64(a.Company.ID)
	}
	return out
}

// tenantName is the name a partner sees for a tenant: showAs, which some
// partners set to the real customer name while name stays generic.
func tenantName(t sophos.Tenant) string { return strings.TrimSpace(t.DisplayName()) }

func toStoreTenant(t sophos.Tenant) store.Tenant {
	return store.Tenant{ID: t.ID, Name: tenantName(t), BillingType: t.BillingType, APIHost: t.APIHost}
}

// isNotFound reports a ConnectWise 404.
func isNotFound(err error) bool {
	var e *connectwise.Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

// defaultUsage is the usage switch of a new mapping: on only for MSP Flex
// ("usage") tenants, the ones Sophos bills by monthly usage; term and trial
// tenants have nothing to sync.
func defaultUsage(billingType string) bool { return billingType == "usage" }

// defaultTickets is the ticket switch of a new mapping: off, so mapping a
// customer never makes ConnectWise tickets appear for alerts nobody asked
// to be ticketed; a person turns it on per customer with --tickets=true.
const defaultTickets = false
