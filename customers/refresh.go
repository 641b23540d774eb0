package customers

import (
	"context"
	"fmt"

	"centralpsa/mapping"
	"centralpsa/store"
)

// RefreshResult counts what a refresh found and changed.
type RefreshResult struct {
	Tenants        int `json:"tenants"`        // tenants Sophos lists
	NewTenants     int `json:"newTenants"`     // stored for the first time
	UpdatedTenants int `json:"updatedTenants"` // name, billing type or API host changed
	Companies      int `json:"companies"`      // ConnectWise companies not deleted
	Agreements     int `json:"agreements"`     // ConnectWise agreements not cancelled
	Renamed        int `json:"renamed"`        // mappings whose company or agreement name changed
	// Missing lists tenants mapped to a company ConnectWise no longer lists
	// (deleted or merged); their mapping is kept for a person to fix.
	Missing []string `json:"missing,omitempty"`
}

// Refresh re-reads tenant details from Sophos (names, billing types, API
// hosts) and company and agreement names from ConnectWise, and stores what
// changed. It is what `map refresh` runs and what the service repeats
// every 24 hours; it never changes which company a tenant is mapped to.
func (s *Service) Refresh(ctx context.Context) (RefreshResult, error) {
	snap, err := s.fetch(ctx)
	if err != nil {
		return RefreshResult{}, err
	}
	return s.storeSnapshot(ctx, snap)
}

// storeSnapshot writes only differences, so a refresh with nothing new
// leaves every row (and its updated_at) as it was.
func (s *Service) storeSnapshot(ctx context.Context, snap snapshot) (RefreshResult, error) {
	res := RefreshResult{Tenants: len(snap.tenants), Companies: len(snap.companies), Agreements: len(snap.agreements)}
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		stored, err := tx.Mappings(ctx)
		if err != nil {
			return err
		}
		byID := make(map[string]store.Mapping, len(stored))
		for _, m := range stored {
			byID[m.TenantID] = m
		}
		var changed []store.Tenant
		for _, t := range snap.tenants {
			st := toStoreTenant(t)
			old, ok := byID[st.ID]
			switch {
			case !ok:
				res.NewTenants++
			case old.TenantName != st.Name || old.BillingType != st.BillingType || old.APIHost != st.APIHost:
				res.UpdatedTenants++
			default:
				continue
			}
			changed = append(changed, st)
		}
		if err := tx.UpsertTenants(ctx, changed); err != nil {
			return err
		}
		return s.renameMappings(ctx, tx, stored, snap, &res)
	})
	if err != nil {
		return res, fmt.Errorf("store refreshed customers: %w", err)
	}
	s.logger().Info("customers refreshed", "tenants", res.Tenants, "new_tenants", res.NewTenants,
		"updated_tenants", res.UpdatedTenants, "renamed", res.Renamed, "missing", len(res.Missing))
	return res, nil
}

// renameMappings carries ConnectWise renames into the stored mappings.
func (s *Service) renameMappings(ctx context.Context, tx *store.Tx, stored []store.Mapping, snap snapshot, res *RefreshResult) error {
	companies := make(map[int64]mapping.Company, len(snap.companies))
	for _, c := range snap.companies {
		companies[c.ID] = c
	}
	agreements := make(map[int64]mapping.Agreement, len(snap.agreements))
	for _, a := range snap.agreements {
		agreements[a.ID] = a
	}
	for _, m := range stored {
		if !m.Mapped() {
			continue
		}
		c, ok := companies[m.CompanyID]
		if !ok {
			res.Missing = append(res.Missing, m.TenantID)
			s.logger().Warn("mapped company not found in ConnectWise", "tenant_id", m.TenantID, "company_id", m.CompanyID)
			continue
		}
		a, hasAgreement := agreements[m.AgreementID]
		if c.Name == m.CompanyName && (!hasAgreement || a.Name == m.AgreementName) {
			continue
		}
		m.CompanyName = c.Name
		if hasAgreement {
			m.AgreementName = a.Name
		}
		// Empty tenant fields keep what UpsertTenants just stored.
		m.TenantName, m.BillingType, m.APIHost = "", "", ""
		if err := tx.SetMapping(ctx, m); err != nil {
			return err
		}
		res.Renamed++
	}
	return nil
}
