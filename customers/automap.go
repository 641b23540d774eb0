package customers

import (
	"context"
	"fmt"
	"strings"

	"centralpsa/mapping"
	"centralpsa/store"
)

// AutoMap refreshes the customers and then maps every unmapped tenant whose
// name matches exactly one usable ConnectWise company after normalization
// (mapping.Suggest), with that company's agreement when it has exactly one
// active agreement. It returns a suggestion per tenant: matched (and
// stored), ambiguous or no_match (left for `map set`, with candidates), or
// already_mapped (never overwritten).
//
// With dryRun, nothing is written anywhere, not even the refresh: the
// suggestions say what a real run would do.
func (s *Service) AutoMap(ctx context.Context, dryRun bool) ([]mapping.Suggestion, error) {
	snap, err := s.fetch(ctx)
	if err != nil {
		return nil, err
	}
	s.progress(0, len(snap.tenants))
	if !dryRun {
		if _, err := s.storeSnapshot(ctx, snap); err != nil {
			return nil, err
		}
	}
	stored, err := s.Store.Mappings(ctx)
	if err != nil {
		return nil, fmt.Errorf("read mappings: %w", err)
	}
	existing := make(map[string]bool, len(stored))
	for _, m := range stored {
		existing[m.TenantID] = m.Mapped()
	}
	suggestions := suggest(snap, existing)
	if dryRun {
		s.progress(len(suggestions), len(suggestions))
		return suggestions, nil
	}
	if err := s.storeMatches(ctx, snap, suggestions); err != nil {
		return suggestions, err
	}
	return suggestions, nil
}

// suggest matches on the name the partner sees (showAs) and, for a tenant
// whose showAs matches nothing, on its legal name as well.
func suggest(snap snapshot, existing map[string]bool) []mapping.Suggestion {
	tenants := make([]mapping.Tenant, len(snap.tenants))
	for i, t := range snap.tenants {
		tenants[i] = mapping.Tenant{ID: t.ID, Name: tenantName(t)}
	}
	out := mapping.Suggest(tenants, snap.companies, snap.agreements, existing)
	for i, t := range snap.tenants {
		name := strings.TrimSpace(t.Name)
		if out[i].Status != mapping.StatusNoMatch || name == "" || name == tenants[i].Name {
			continue
		}
		again := mapping.Suggest([]mapping.Tenant{{ID: t.ID, Name: name}}, snap.companies, snap.agreements, existing)[0]
		if again.Status == mapping.StatusMatched {
			again.TenantName = tenants[i].Name
			out[i] = again
		}
	}
	return out
}

// storeMatches stores the matched suggestions in one transaction. Each
// tenant is read again inside it, so a mapping someone stored since the
// snapshot (a concurrent `map set`) is not overwritten.
func (s *Service) storeMatches(ctx context.Context, snap snapshot, suggestions []mapping.Suggestion) error {
	billing := make(map[string]string, len(snap.tenants))
	for _, t := range snap.tenants {
		billing[t.ID] = t.BillingType
	}
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		for i := range suggestions {
			sg := &suggestions[i]
			s.progress(i+1, len(suggestions))
			if sg.Status != mapping.StatusMatched {
				continue
			}
			cur, err := tx.Mapping(ctx, sg.TenantID)
			if err != nil {
				return err
			}
			if cur.Mapped() {
				sg.Status, sg.Reason = mapping.StatusAlreadyMapped, "tenant was mapped meanwhile; auto-mapping never overwrites a mapping"
				continue
			}
			m := store.Mapping{TenantID: sg.TenantID, CompanyID: sg.Company.ID, CompanyName: sg.Company.Name,
				UsageEnabled: defaultUsage(billing[sg.TenantID]), TicketsEnabled: defaultTickets}
			if sg.Agreement != nil {
				m.AgreementID, m.AgreementName = sg.Agreement.ID, sg.Agreement.Name
			}
			if err := tx.SetMapping(ctx, m); err != nil {
				return err
			}
			s.logger().Info("tenant auto-mapped", "tenant_id", sg.TenantID, "company_id", m.CompanyID, "agreement_id", m.AgreementID)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store automatic mappings: %w", err)
	}
	return nil
}
