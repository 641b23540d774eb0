package bench

import (
	"strings"

	"centralpsa/store"
	"centralpsa/usage"
)

// Names of the catalog setup tables centralpsa files its items under: the
// defaults of usage.catalog_type, usage.catalog_category and
// usage.catalog_subcategory, which the benchmark leaves alone.
const (
	setupType        = "Sophos"
	setupCategory    = "Sophos"
	setupSubcategory = "Sophos Central"
)

// usageMinimum is the least a usage sync of the site's newest billing
// month can cost, counted from the data the sync starts from:
//
//   - Sophos: the session, and the month's billing report in pages of 100;
//   - ConnectWise: the session; the usage-mapped agreements, their
//     companies and the month's catalog items, each in pages of 1,000;
//     one additions read per mapped active agreement; and one write per
//     real change: a missing catalog item (plus, when any is missing, one
//     read and at most one create per catalog setup table), an addition
//     to create, a quantity that differs, and an addition of ours left
//     with no usage that is not zero yet (usage.zero_policy zero).
func usageMinimum(s *site, mappings []store.Mapping) (Minimum, error) {
	var m Minimum
	m.session()
	year, month := s.sophos.LastUsageMonth()
	lines := s.sophos.Usage(year, month)
	m.add(Sophos, "billing report pages (100 lines a page)", pages(len(lines), sophosMaxPage))

	products, err := usage.NewProducts(nil)
	if err != nil {
		return m, err
	}
	agreements := activeAgreements(s)
	billedOn := map[string]int64{} // tenant → active agreement it is billed on
	companies, mapped := map[int64]bool{}, map[int64]bool{}
	for _, mp := range mappings {
		if !mp.Mapped() || !mp.UsageEnabled {
			continue
		}
		companies[mp.CompanyID] = true
		if mp.AgreementID != 0 {
			mapped[mp.AgreementID] = true
			if agreements[mp.AgreementID] {
				billedOn[mp.TenantID] = mp.AgreementID
			}
		}
	}
	identifiers := map[string]bool{}
	want := map[int64]map[string]int64{} // agreement → identifier → quantity
	for _, l := range lines {
		id := strings.ToLower(products.Identifier(l.ProductCode))
		identifiers[id] = true
		ag, ok := billedOn[l.AccountID]
		if !ok {
			continue
		}
		if want[ag] == nil {
			want[ag] = map[string]int64{}
		}
		want[ag][id] += l.BillableQuantity
	}
	m.add(ConnectWise, "mapped agreements (1,000 a page)", pages(len(mapped), cwMaxPage))
	m.add(ConnectWise, "their companies (1,000 a page)", pages(len(companies), cwMaxPage))
	m.add(ConnectWise, "the month's catalog items (1,000 a page)", pages(len(identifiers), cwMaxPage))
	synced := 0
	for id := range mapped {
		if agreements[id] {
			synced++
		}
	}
	m.add(ConnectWise, "one additions read per mapped active agreement", synced)

	catalog, ours := catalogState(s)
	missing := 0
	for id := range wanted(want) {
		if !catalog[id] {
			missing++
		}
	}
	if missing > 0 {
		m.add(ConnectWise, "catalog setup tables: one read each", 3)
		m.add(ConnectWise, "catalog setup tables: one create each missing", missingSetup(s))
		m.add(ConnectWise, "catalog items to create", missing)
	}
	m.add(ConnectWise, "addition changes (create, quantity, zero)", additionChanges(s, want, ours))
	return m, nil
}

// activeAgreements are the site's agreements usage may bill on.
func activeAgreements(s *site) map[int64]bool {
	out := map[int64]bool{}
	for _, a := range s.cw.Agreements() {
		ag := usage.Agreement{Status: str(a["agreementStatus"]), Cancelled: a["cancelledFlag"] == true}
		out[num(a["id"])] = ag.Active()
	}
	return out
}

// catalogState is the catalog's identifiers (lower case), and those that
// carry centralpsa's mark, which the zero policy may touch.
func catalogState(s *site) (all, ours map[string]bool) {
	all, ours = map[string]bool{}, map[string]bool{}
	for _, c := range s.cw.CatalogItems() {
		id := strings.ToLower(str(c["identifier"]))
		all[id] = true
		if str(c["integrationXRef"]) == "centralpsa" {
			ours[id] = true
		}
	}
	return all, ours
}

func wanted(want map[int64]map[string]int64) map[string]bool {
	out := map[string]bool{}
	for _, ids := range want {
		for id := range ids {
			out[id] = true
		}
	}
	return out
}

// missingSetup counts the catalog setup records that do not exist yet.
func missingSetup(s *site) int {
	n := 0
	for _, t := range []struct{ resource, name string }{
		{"productTypes", setupType}, {"categories", setupCategory}, {"subcategories", setupSubcategory},
	} {
		found := false
		for _, r := range s.cw.Records(t.resource) {
			found = found || strings.EqualFold(str(r["name"]), t.name)
		}
		if !found {
			n++
		}
	}
	return n
}

// additionChanges counts the additions whose state differs from the
// wanted one, agreement by agreement.
func additionChanges(s *site, want map[int64]map[string]int64, ours map[string]bool) int {
	n := 0
	for ag, ids := range want {
		live := liveAdditions(s, ag)
		for id, q := range ids {
			if cur, ok := live[id]; !ok || cur != q {
				n++
			}
		}
		for id, q := range live {
			if _, ok := ids[id]; !ok && ours[id] && q != 0 {
				n++
			}
		}
	}
	return n
}

// liveAdditions maps the identifiers of an agreement's additions that are
// not cancelled to their quantity (the lowest id when several).
func liveAdditions(s *site, agreementID int64) map[string]int64 {
	out, low := map[string]int64{}, map[string]int64{}
	for _, a := range s.cw.Additions(int(agreementID)) {
		if str(a["cancelledDate"]) != "" {
			continue
		}
		prod, _ := a["product"].(map[string]any)
		id := strings.ToLower(str(prod["identifier"]))
		if cur, ok := low[id]; ok && cur < num(a["id"]) {
			continue
		}
		low[id], out[id] = num(a["id"]), int64(f64(a["quantity"])+0.5)
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func f64(v any) float64 {
	f, _ := v.(float64)
	return f
}

func num(v any) int64 { return int64(f64(v)) }
