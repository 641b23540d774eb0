package usagesync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"centralpsa"
	"centralpsa/sophos"
	"centralpsa/store"
	"centralpsa/usage"
)

// probeMonths is how many months, counting the current one, Plan looks
// back for billing data when no month is given. Sophos publishes a month's
// report after the month ends, so the latest one is usually last month.
const probeMonths = 4

// Prepared is a plan with the inputs it was made from: what Apply needs to
// carry it out and what Verify or Resume need to check it later.
type Prepared struct {
	Month usage.Month
	Plan  usage.Plan
	Input usage.Input

	known      map[string]bool // tenant ids the store has rows for
	agreements map[int64]usage.Agreement
	companies  map[int64]usage.Company
	catalog    map[string]usage.CatalogItem // lower-case identifier
}

// Plan gathers the inputs for month (nil: the latest month with billing
// data) and computes the plan. It writes nothing anywhere.
func (s *Service) Plan(ctx context.Context, month *usage.Month) (*Prepared, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	in, stored, err := s.gather(ctx, month)
	if err != nil {
		return nil, err
	}
	plan, err := usage.NewPlan(in)
	if err != nil {
		return nil, fmt.Errorf("plan usage for %s: %w", in.Month, err)
	}
	return newPrepared(in, plan, stored), nil
}

func newPrepared(in usage.Input, plan usage.Plan, stored []store.Mapping) *Prepared {
	p := &Prepared{Month: in.Month, Plan: plan, Input: in,
		agreements: make(map[int64]usage.Agreement, len(in.Agreements)),
		companies:  make(map[int64]usage.Company, len(in.Companies)),
		catalog:    make(map[string]usage.CatalogItem, len(in.Catalog)),
		known:      make(map[string]bool, len(stored)),
	}
	for _, m := range stored {
		p.known[m.TenantID] = true
	}
	for _, a := range in.Agreements {
		p.agreements[a.ID] = a
	}
	for _, c := range in.Companies {
		p.companies[c.ID] = c
	}
	for _, c := range in.Catalog {
		l := strings.ToLower(c.Identifier)
		if old, ok := p.catalog[l]; !ok || c.ID < old.ID {
			p.catalog[l] = c
		}
	}
	return p
}

// gather fills usage.Input: the store first (cheap, and it says which
// agreements matter), then Sophos and ConnectWise side by side.
func (s *Service) gather(ctx context.Context, month *usage.Month) (usage.Input, []store.Mapping, error) {
	st, err := s.readStore(ctx)
	if err != nil {
		return usage.Input{}, nil, err
	}
	in := usage.Input{
		Basis:         usage.Basis(s.Settings.Get("usage.quantity")),
		ZeroPolicy:    usage.ZeroPolicy(s.Settings.Get("usage.zero_policy")),
		CreateCatalog: true,
		Products:      st.overrides,
		Mappings:      st.mappings,
		Tenants:       st.tenants,
	}
	var u monthUsage
	var cw cwState
	err = parallel(ctx,
		func(ctx context.Context) (err error) {
			u, err = s.usageLines(ctx, month)
			return err
		},
		func(ctx context.Context) (err error) {
			cw, err = s.readAgreements(ctx, st.mappings)
			return err
		},
	)
	if err != nil {
		return usage.Input{}, nil, err
	}
	in.Month, in.Lines = u.month, u.lines
	in.Agreements, in.Companies = cw.agreements, cw.companies
	in.Tenants = addLineTenants(in.Tenants, u, st.names)

	products, err := usage.NewProducts(in.Products)
	if err != nil {
		return usage.Input{}, nil, err
	}
	var marked []string
	err = parallel(ctx,
		func(ctx context.Context) (err error) {
			in.Catalog, marked, err = s.readCatalog(ctx, identifiersOf(products, u.lines))
			return err
		},
		func(ctx context.Context) (err error) {
			in.Additions, err = s.readAdditions(ctx, syncedAgreements(st.mappings, cw.agreements))
			return err
		},
	)
	if err != nil {
		return usage.Input{}, nil, err
	}
	in.Managed = managed(st.items, marked)
	return in, st.all, nil
}

// storeState is what the store contributes to a plan.
type storeState struct {
	all       []store.Mapping
	tenants   []usage.Tenant
	names     map[string]bool // tenant ids the store knows
	mappings  []usage.Mapping
	overrides map[string]string
	items     []store.UsageItem
}

func (s *Service) readStore(ctx context.Context) (storeState, error) {
	var st storeState
	var err error
	if st.all, err = s.Store.Mappings(ctx); err != nil {
		return st, fmt.Errorf("read mappings: %w", err)
	}
	products, err := s.Store.Products(ctx)
	if err != nil {
		return st, fmt.Errorf("read product mappings: %w", err)
	}
	if st.items, err = s.Store.UsageItems(ctx); err != nil {
		return st, fmt.Errorf("read created catalog items: %w", err)
	}
	st.names = make(map[string]bool, len(st.all))
	for _, m := range st.all {
		st.names[m.TenantID] = true
		st.tenants = append(st.tenants, usage.Tenant{ID: m.TenantID, Name: m.TenantName, BillingType: m.BillingType})
		if m.Mapped() {
			st.mappings = append(st.mappings, usage.Mapping{TenantID: m.TenantID, CompanyID: m.CompanyID,
				AgreementID: m.AgreementID, UsageEnabled: m.UsageEnabled})
		}
	}
	for _, p := range products {
		if p.Source == store.SourceUser {
			if st.overrides == nil {
				st.overrides = map[string]string{}
			}
			st.overrides[p.Code] = p.CatalogIdentifier
		}
	}
	return st, nil
}

// monthUsage is one month of billing lines and the customer names the
// lines carry.
type monthUsage struct {
	month usage.Month
	lines []usage.Line
	names map[string]string // accountId → assignedAccountIdentifier
}

// usageLines reads the month's billing lines. Without a month it probes
// back from the current one; a month Sophos has no data for is never
// planned, because an empty month would zero every addition.
func (s *Service) usageLines(ctx context.Context, month *usage.Month) (monthUsage, error) {
	if month != nil {
		u, err := s.readUsage(ctx, *month)
		if errors.Is(err, sophos.ErrNoData) {
			return u, &centralpsa.Error{Kind: centralpsa.KindNotFound,
				Message: fmt.Sprintf("Sophos Central has no billing data for %s yet; nothing was planned", month), Err: err}
		}
		return u, err
	}
	m := usage.MonthOf(s.now())
	for range probeMonths {
		u, err := s.readUsage(ctx, m)
		if !errors.Is(err, sophos.ErrNoData) {
			return u, err
		}
		s.logger().Debug("no Sophos billing data yet", "month", m.String())
		m = previous(m)
	}
	return monthUsage{}, centralpsa.Errorf(centralpsa.KindNotFound,
		"Sophos Central has no billing data for any of the last %d months; nothing was planned", probeMonths)
}

func (s *Service) readUsage(ctx context.Context, m usage.Month) (monthUsage, error) {
	u := monthUsage{month: m, names: map[string]string{}}
	rep, err := s.Sophos.Usage(ctx, m.Year, int(m.Month), sophos.UsageOptions{})
	if err != nil {
		if errors.Is(err, sophos.ErrNoData) {
			return u, err
		}
		return u, fmt.Errorf("read Sophos billing usage for %s: %w", m, err)
	}
	if err := checkLines(rep.Lines, s.Settings.Get("usage.quantity"), m); err != nil {
		return u, err
	}
	u.lines = make([]usage.Line, 0, len(rep.Lines))
	for _, l := range rep.Lines {
		u.lines = append(u.lines, usage.Line{
			AccountID: l.AccountID, ProductCode: l.ProductCode, ProductDescription: l.ProductDescription,
			Billable: l.BillableQuantity, Actual: l.ActualQuantity, Ordered: l.OrderedQuantity,
		})
		if l.AccountID != "" && l.AssignedAccountIdentifier != "" && u.names[l.AccountID] == "" {
			u.names[l.AccountID] = l.AssignedAccountIdentifier
		}
	}
	return u, nil
}

// checkLines refuses a month in which a tenant's line lacks its product
// code or the quantity that is billed (absent or null), or has a negative
// one. Read as "" or zero, such a line would bill an item named "Sophos_"
// and zero or cancel the customer's real additions, so nothing is planned
// until Sophos sends the month whole.
//
// A report without any line is refused too: a partner's whole customer
// base does not stop using Sophos in one month, but a glitch answering an
// empty list would zero every addition, as a missing month would.
func checkLines(lines []sophos.UsageLine, basis string, m usage.Month) error {
	if len(lines) == 0 {
		return centralpsa.Errorf(centralpsa.KindUnavailable,
			"Sophos billing usage for %s is empty: not one line for any tenant; nothing was planned", m)
	}
	if basis == "" {
		basis = string(usage.BasisBillable)
	}
	for i, l := range lines {
		q, ok := l.Quantity(basis)
		code := strings.TrimSpace(l.ProductCode) != ""
		if l.AccountID == "" || (ok && q >= 0 && code) {
			continue
		}
		what := "no " + basis + "Quantity"
		switch {
		case !code:
			what = "no productCode"
		case ok:
			what = fmt.Sprintf("a negative %sQuantity (%d)", basis, q)
		}
		return centralpsa.Errorf(centralpsa.KindUnavailable,
			"Sophos billing usage for %s: line %d (tenant %s, product %q) has %s; nothing was planned",
			m, i, l.AccountID, l.ProductCode, what)
	}
	return nil
}

func previous(m usage.Month) usage.Month {
	return usage.MonthOf(m.Start().AddDate(0, -1, 0))
}

// addLineTenants adds the tenants that appear in billing lines but not in
// the store, named as the line names the customer (else by id), so the
// report can say who is unmapped.
func addLineTenants(tenants []usage.Tenant, u monthUsage, known map[string]bool) []usage.Tenant {
	seen := map[string]bool{}
	for _, l := range u.lines {
		if l.AccountID == "" || known[l.AccountID] || seen[l.AccountID] {
			continue
		}
		seen[l.AccountID] = true
		name := u.names[l.AccountID]
		if name == "" {
			name = l.AccountID
		}
		tenants = append(tenants, usage.Tenant{ID: l.AccountID, Name: name})
	}
	return tenants
}

// identifiersOf lists the catalog identifiers of the month's products.
func identifiersOf(p usage.Products, lines []usage.Line) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lines {
		id := p.Identifier(l.ProductCode)
		if k := strings.ToLower(id); !seen[k] {
			seen[k] = true
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// managed are the identifiers centralpsa created: those recorded in the
// store, and items carrying our integrationXRef mark (a run that died
// between creating an item and recording it). Sorted and deduplicated, so
// the plan's fingerprint does not depend on where an identifier came from.
func managed(items []store.UsageItem, marked []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(id string) {
		if k := strings.ToLower(id); !seen[k] {
			seen[k] = true
			out = append(out, id)
		}
	}
	for _, it := range items {
		add(it.Identifier)
	}
	for _, id := range marked {
		add(id)
	}
	slices.Sort(out)
	return out
}
