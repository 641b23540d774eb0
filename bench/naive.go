package bench

// The naive baseline exists only to be measured: it is how peer tools
// sync, and the benchmark sets centralpsa against it. It uses the same
// clients as centralpsa but none of its care: one tenant at a time,
// ConnectWise's default page size of 25, one lookup per item (the company
// by name, the agreement, each catalog item, each addition, each ticket
// by summary) and a write for every item on every run, changed or not.
// Nothing but the benchmark should call it.

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"centralpsa"
	"centralpsa/connectwise"
	"centralpsa/cwemu"
	"centralpsa/sophos"
	"centralpsa/store"
	"centralpsa/usage"
)

// naivePageSize is ConnectWise's default page size, which peer tools
// leave as it is.
const naivePageSize = 25

// naive syncs one site the naive way.
type naive struct {
	cw       *connectwise.Client
	sophos   *sophos.Client
	site     *site
	mappings []store.Mapping
}

func newNaive(cfg Config, s *site, mappings []store.Mapping) (*naive, error) {
	off := func(n int) int { // 0 (no limit) is the clients' -1
		if n == 0 {
			return -1
		}
		return n
	}
	cw, err := connectwise.New(connectwise.Options{URL: s.cwURL, Company: cwemu.DefaultCompany, PublicKey: cwemu.DefaultPublicKey,
		PrivateKey: centralpsa.Secret(cwemu.DefaultPrivateKey), ClientID: cwemu.DefaultClientID, AllowHTTP: true,
		RequestsPerMinute: off(cfg.CWRatePerMinute)})
	if err != nil {
		return nil, err
	}
	id, secret := s.sophos.Credentials()
	so, err := sophos.New(sophos.Options{ClientID: id, ClientSecret: centralpsa.Secret(secret), IDURL: s.soURL, APIURL: s.soURL,
		AllowHTTP: true, RequestsPerMinute: off(cfg.SophosRatePerMinute)})
	if err != nil {
		return nil, err
	}
	// The mappings are centralpsa's, whose tenants live on the other
	// site's Sophos emulator: point them at this site's hosts.
	hosts := map[string]string{}
	for _, t := range s.sophos.Tenants() {
		hosts[t.ID] = t.APIHost
	}
	ms := slices.Clone(mappings)
	for i := range ms {
		ms[i].APIHost = hosts[ms[i].TenantID]
	}
	slices.SortFunc(ms, func(a, b store.Mapping) int { return cmp.Compare(a.TenantID, b.TenantID) })
	return &naive{cw: cw, sophos: so, site: s, mappings: ms}, nil
}

func eq(field string, v any) *connectwise.ListOptions {
	return &connectwise.ListOptions{Conditions: connectwise.Eq(field, v), PageSize: naivePageSize}
}

// usage syncs last month's usage tenant by tenant and returns how many
// tenants failed.
func (n *naive) usage(ctx context.Context) (failed int, err error) {
	last := time.Now().UTC().AddDate(0, -1, 0)
	rep, err := n.sophos.Usage(ctx, last.Year(), int(last.Month()), sophos.UsageOptions{})
	if err != nil {
		return 0, fmt.Errorf("naive: read usage: %w", err)
	}
	byTenant := map[string]map[string]int64{}
	for _, l := range rep.Lines {
		if byTenant[l.AccountID] == nil {
			byTenant[l.AccountID] = map[string]int64{}
		}
		byTenant[l.AccountID][l.ProductCode] += l.BillableQuantity
	}
	for _, m := range n.mappings {
		if !m.Mapped() || !m.UsageEnabled || m.AgreementID == 0 || len(byTenant[m.TenantID]) == 0 {
			continue
		}
		if err := n.usageTenant(ctx, m, byTenant[m.TenantID]); err != nil {
			if ctx.Err() != nil {
				return failed, ctx.Err()
			}
			failed++
		}
	}
	return failed, nil
}

func (n *naive) usageTenant(ctx context.Context, m store.Mapping, quantities map[string]int64) error {
	companies, err := n.cw.Companies.List(ctx, eq("name", m.CompanyName))
	if err != nil || len(companies) == 0 {
		return fmt.Errorf("company %q: %w", m.CompanyName, err)
	}
	agreements, err := n.cw.Agreements.List(ctx, &connectwise.ListOptions{PageSize: naivePageSize,
		Conditions: connectwise.And(connectwise.Eq("company/id", companies[0].ID), connectwise.Eq("name", m.AgreementName))})
	if err != nil || len(agreements) == 0 {
		return fmt.Errorf("agreement %q: %w", m.AgreementName, err)
	}
	agreement := agreements[0].ID
	codes := make([]string, 0, len(quantities))
	for c := range quantities {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, code := range codes {
		if err := n.usageProduct(ctx, agreement, code, quantities[code]); err != nil {
			return err
		}
	}
	return nil
}

// usageProduct looks the catalog item and the addition up and writes the
// quantity, whether it changed or not.
func (n *naive) usageProduct(ctx context.Context, agreement int, code string, quantity int64) error {
	identifier := usage.DefaultIdentifier(code)
	items, err := n.cw.Catalog.List(ctx, eq("identifier", identifier))
	if err != nil {
		return err
	}
	var itemID int
	if len(items) > 0 {
		itemID = items[0].ID
	} else {
		item, err := n.cw.Catalog.Create(ctx, &connectwise.CatalogItem{Identifier: identifier, Description: "Sophos " + code,
			CustomerDescription: "Sophos " + code, Type: &connectwise.Reference{Name: setupType},
			Subcategory: &connectwise.Reference{Name: setupSubcategory}, IntegrationXRef: "centralpsa"})
		if err != nil {
			return err
		}
		itemID = item.ID
	}
	adds, err := n.cw.Agreements.ListAdditions(ctx, agreement, eq("product/identifier", identifier))
	if err != nil {
		return err
	}
	for _, a := range adds {
		if a.CancelledDate.IsZero() {
			_, err := n.cw.Agreements.UpdateAddition(ctx, agreement, a.ID, []connectwise.PatchOp{connectwise.Replace("quantity", quantity)})
			return err
		}
	}
	_, err = n.cw.Agreements.CreateAddition(ctx, agreement, &connectwise.Addition{Product: connectwise.Ref(itemID),
		BillCustomer: "Billable", Quantity: connectwise.Float(float64(quantity))})
	return err
}
