package customers

import (
	"context"
	"fmt"
	"time"

	"centralpsa/store"
)

// Row is one tenant as `map list` and the console show it.
type Row struct {
	TenantID         string    `json:"tenantId"`
	TenantName       string    `json:"tenantName"`
	BillingType      string    `json:"billingType"`
	CompanyID        int64     `json:"companyId,omitempty"`
	CompanyName      string    `json:"companyName,omitempty"`
	AgreementID      int64     `json:"agreementId,omitempty"`
	AgreementName    string    `json:"agreementName,omitempty"`
	Usage            bool      `json:"usage"`
	Tickets          bool      `json:"tickets"`
	LastUsageStatus  string    `json:"lastUsageStatus,omitempty"`
	LastUsageMessage string    `json:"lastUsageMessage,omitempty"`
	LastUsageAt      time.Time `json:"lastUsageAt,omitzero"`
}

// Mapped reports whether the row has a ConnectWise company.
func (r Row) Mapped() bool { return r.CompanyID != 0 }

// List returns every stored tenant ordered by name. It reads only the
// database; run Refresh first to pick up new tenants.
func (s *Service) List(ctx context.Context) ([]Row, error) {
	stored, err := s.Store.Mappings(ctx)
	if err != nil {
		return nil, fmt.Errorf("read mappings: %w", err)
	}
	rows := make([]Row, len(stored))
	for i, m := range stored {
		rows[i] = RowOf(m)
	}
	return rows, nil
}

// RowOf converts a stored mapping.
func RowOf(m store.Mapping) Row {
	return Row{TenantID: m.TenantID, TenantName: m.TenantName, BillingType: m.BillingType,
		CompanyID: m.CompanyID, CompanyName: m.CompanyName, AgreementID: m.AgreementID, AgreementName: m.AgreementName,
		Usage: m.UsageEnabled, Tickets: m.TicketsEnabled,
		LastUsageStatus: m.LastUsageStatus, LastUsageMessage: m.LastUsageMessage, LastUsageAt: m.LastUsageAt}
}
