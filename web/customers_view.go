package web

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"centralpsa"
	"centralpsa/customers"
	"centralpsa/store"
)

// The Customers page and GET /api/v1/customers share this file: the
// filter, and the rows with the advice of each tenant's last failure.

// CustomerFilter narrows the customer list, as typed.
type CustomerFilter struct {
	Query  string // tenant or company name contains this, any case
	Show   string // "all", or "usage": tenants whose usage can be synced (MSP Flex)
	Status string // "both", "ok" or "failed": the last usage sync's outcome
}

var (
	customerShows    = []string{"all", "usage"}
	customerStatuses = []string{"both", "ok", "failed"}
)

// parseCustomerFilter reads q, show and status; blanks mean no filter.
func parseCustomerFilter(q url.Values) (CustomerFilter, error) {
	f := CustomerFilter{Query: strings.TrimSpace(q.Get("q")), Show: cmpOrDefault(q.Get("show"), "all"), Status: cmpOrDefault(q.Get("status"), "both")}
	if !slices.Contains(customerShows, f.Show) {
		return f, centralpsa.Errorf(centralpsa.KindInvalid, "show must be all or usage, not %q", f.Show)
	}
	if !slices.Contains(customerStatuses, f.Status) {
		return f, centralpsa.Errorf(centralpsa.KindInvalid, "status must be both, ok or failed, not %q", f.Status)
	}
	return f, nil
}

func cmpOrDefault(v, def string) string {
	if v = strings.TrimSpace(v); v == "" {
		return def
	}
	return v
}

// match reports whether r passes the filter.
func (f CustomerFilter) match(r customers.Row) bool {
	if f.Show == "usage" && r.BillingType != "usage" {
		return false
	}
	if f.Status != "both" && r.LastUsageStatus != f.Status {
		return false
	}
	q := strings.ToLower(f.Query)
	return q == "" || strings.Contains(strings.ToLower(r.TenantName), q) || strings.Contains(strings.ToLower(r.CompanyName), q) ||
		strings.EqualFold(r.TenantID, f.Query)
}

// CustomerRow is a tenant with the advice recorded for its last failed
// usage sync.
type CustomerRow struct {
	customers.Row
	LastUsageAdvice string `json:"lastUsageAdvice,omitempty"`
}

// customerRows lists the tenants passing f and how many there are in all.
func (s *Server) customerRows(ctx context.Context, f CustomerFilter) (rows []CustomerRow, total int, err error) {
	svc := s.cfg.Services.Customers
	if svc == nil {
		return nil, 0, unavailable("the customer service")
	}
	all, err := svc.List(ctx)
	if err != nil {
		return nil, 0, err
	}
	advice, err := s.lastAdvice(ctx)
	if err != nil {
		return nil, 0, err
	}
	rows = []CustomerRow{}
	for _, r := range all {
		if f.match(r) {
			rows = append(rows, CustomerRow{Row: r, LastUsageAdvice: advice[r.TenantID]})
		}
	}
	return rows, len(all), nil
}

// lastAdvice maps each tenant that failed in the latest applied usage run
// to the advice recorded for it.
func (s *Server) lastAdvice(ctx context.Context) (map[string]string, error) {
	runs, err := s.cfg.Store.Runs(ctx, store.RunKindUsage, 10)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, run := range runs {
		if run.DryRun {
			continue
		}
		results, err := s.cfg.Store.RunResults(ctx, run.ID)
		if err != nil {
			return nil, err
		}
		for _, res := range results {
			if res.Status == store.ResultFailed && res.Advice != "" {
				out[res.TenantID] = res.Advice
			}
		}
		break
	}
	return out, nil
}

// customerRow returns one tenant's row, or KindNotFound.
func (s *Server) customerRow(ctx context.Context, tenantID string) (CustomerRow, error) {
	rows, _, err := s.customerRows(ctx, CustomerFilter{Show: "all", Status: "both"})
	if err != nil {
		return CustomerRow{}, err
	}
	for _, r := range rows {
		if strings.EqualFold(r.TenantID, tenantID) {
			return r, nil
		}
	}
	return CustomerRow{}, centralpsa.Errorf(centralpsa.KindNotFound, "no tenant %q is known; refresh the customers to read new tenants from Sophos Central", tenantID)
}
