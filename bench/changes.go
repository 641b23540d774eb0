package bench

import (
	"cmp"
	"slices"

	"centralpsa/sophosemu"
	"centralpsa/store"
)

// every is the step that picks percent of a list; 0 picks nothing.
func every(percent int) int {
	if percent <= 0 {
		return 0
	}
	return max(1, (100+percent/2)/percent)
}

// changeUsage raises one product's quantity by one for every k-th tenant
// billed on an agreement, as a month's growth would. The choice depends
// only on the data, so both sites get the same changes. It returns how
// many tenants changed.
func changeUsage(s *site, mappings []store.Mapping, percent int) int {
	k := every(percent)
	if k == 0 {
		return 0
	}
	year, month := s.sophos.LastUsageMonth()
	quantities := map[string]map[string]int64{}
	for _, l := range s.sophos.Usage(year, month) {
		if quantities[l.AccountID] == nil {
			quantities[l.AccountID] = map[string]int64{}
		}
		quantities[l.AccountID][l.ProductCode] += l.BillableQuantity
	}
	n := 0
	for i, m := range billed(mappings) {
		q := quantities[m.TenantID]
		if i%k != 0 || len(q) == 0 {
			continue
		}
		codes := make([]string, 0, len(q))
		for c := range q {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		s.sophos.SetUsage(m.TenantID, codes[0], q[codes[0]]+1)
		n++
	}
	return n
}

// changeAlerts raises a new alert on every k-th ticketed tenant and clears
// one open alert of every k-th other one. It returns both counts.
func changeAlerts(s *site, mappings []store.Mapping, percent int) (raised, cleared int) {
	k := every(percent)
	if k == 0 {
		return 0, 0
	}
	for i, m := range ticketed(mappings) {
		switch i % k {
		case 0:
			s.sophos.RaiseAlert(m.TenantID, sophosemu.AlertSpec{})
			raised++
		case k / 2:
			open := s.sophos.OpenAlerts(m.TenantID)
			if len(open) == 0 {
				continue
			}
			slices.SortFunc(open, func(a, b sophosemu.Alert) int { return cmp.Compare(a.ID, b.ID) })
			s.sophos.ClearAlert(open[0].ID)
			cleared++
		}
	}
	return raised, cleared
}

// billed are the mappings usage bills on an agreement, by tenant id.
func billed(mappings []store.Mapping) []store.Mapping {
	return sorted(mappings, func(m store.Mapping) bool { return m.Mapped() && m.UsageEnabled && m.AgreementID != 0 })
}

// ticketed are the mappings whose alerts become tickets, by tenant id.
func ticketed(mappings []store.Mapping) []store.Mapping {
	return sorted(mappings, func(m store.Mapping) bool { return m.Mapped() && m.TicketsEnabled })
}

func sorted(mappings []store.Mapping, keep func(store.Mapping) bool) []store.Mapping {
	var out []store.Mapping
	for _, m := range mappings {
		if keep(m) {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b store.Mapping) int { return cmp.Compare(a.TenantID, b.TenantID) })
	return out
}
