package sophosemu

import (
	"slices"
	"time"
)

// usagePlan is what one tenant buys; the monthly lines derive from it.
type usagePlan struct {
	items []planItem
	term  []string // licence codes of term and trial tenants
}

type planItem struct {
	code  string
	base  int64 // quantity before the monthly drift
	split bool  // billed on two order lines, so consumers must sum
}

func (p usagePlan) codes() []string {
	if p.term != nil {
		return p.term
	}
	out := make([]string, len(p.items))
	for i, it := range p.items {
		out[i] = it.code
	}
	return out
}

// planFor decides deterministically what tenant i buys. nth counts the
// usage tenants before it: the first one also buys UnknownProductCode and
// every fifth has its endpoint licence split over two order lines.
func (s *Server) planFor(i int, billingType string, nth int) usagePlan {
	h := hash2(s.seed, "plan", uint64(i))
	if billingType != "usage" {
		return usagePlan{term: termCodes[h%uint64(len(termCodes))]}
	}
	seats := int64(5 + (h>>8)%60)
	if (h>>16)%10 == 0 {
		seats = 100 + int64((h>>20)%400)
	}
	ep := endpointCodes[(h>>32)%uint64(len(endpointCodes))]
	items := []planItem{{code: ep, base: seats, split: nth%5 == 2 && seats > 1}}
	if (h>>40)%10 < 8 {
		items = append(items, planItem{code: serverFor[ep], base: 1 + seats/12})
	}
	n, start := 1+int((h>>44)%3), int((h>>48)%uint64(len(addOnCodes)))
	for k := range n {
		code := addOnCodes[(start+k)%len(addOnCodes)]
		q := seats
		switch code {
		case "CDE-MSP":
			q = seats*2/3 + 1
		case "CMS-MSP", "CMA-MSP":
			q = seats/3 + 1
		}
		items = append(items, planItem{code: code, base: q})
	}
	if nth == 0 {
		items = append(items, planItem{code: UnknownProductCode, base: 3})
	}
	return usagePlan{items: items}
}

// yearMonth names one billing report.
type yearMonth struct {
	year  int
	month time.Month
}

func (m yearMonth) prev() yearMonth {
	if m.month == time.January {
		return yearMonth{m.year - 1, time.December}
	}
	return yearMonth{m.year, m.month - 1}
}

// buildUsage writes Options.Months reports ending with the month before
// NowFunc(): tenants in list order, their products in plan order, and one
// line without accountId in the middle of each report.
func (s *Server) buildUsage() {
	now := s.now().UTC()
	s.lastMonth = yearMonth{now.Year(), now.Month()}.prev()
	s.usage = make(map[yearMonth][]usageRow, s.opts.Months)
	m := s.lastMonth
	for ago := range s.opts.Months {
		s.usage[m] = s.monthLines(ago)
		m = m.prev()
	}
}

func (s *Server) monthLines(ago int) []usageRow {
	lines := make([]usageRow, 0, len(s.tenants)*4)
	for i, p := range s.plans {
		for k, it := range p.items {
			drift := int64(hash2(s.seed, "drift", uint64(i)<<12|uint64(k)<<6|uint64(ago))%5) - 2
			q := max(1, it.base+drift)
			if it.split && q > 1 {
				first := q * 3 / 5
				lines = append(lines, s.line(s.tenants[i].ID, it.code, max(first, 1)))
				q -= max(first, 1)
			}
			lines = append(lines, s.line(s.tenants[i].ID, it.code, q))
		}
	}
	// A standalone device subscription belongs to no tenant (§8.1).
	orphan := s.line("", "SVRCLOUDADV-MSP", 1)
	mid := len(lines) / 2
	return append(lines[:mid], append([]usageRow{orphan}, lines[mid:]...)...)
}

func (s *Server) line(accountID, code string, q int64) usageRow {
	s.lineSeq++
	l := UsageLine{AccountID: accountID, ProductCode: code, BillableQuantity: q, ActualQuantity: q, OrderedQuantity: q}
	return usageRow{UsageLine: l, seq: s.lineSeq}
}

// LastUsageMonth is the newest month with generated billing data: the
// month before NowFunc() at New.
func (s *Server) LastUsageMonth() (year int, month time.Month) {
	return s.lastMonth.year, s.lastMonth.month
}

// Usage returns a copy of a month's report lines, nil when it has none.
func (s *Server) Usage(year int, month time.Month) []UsageLine {
	s.mu.Lock()
	defer s.mu.Unlock()
	rows, ok := s.usage[yearMonth{year, month}]
	if !ok {
		return nil
	}
	out := make([]UsageLine, len(rows))
	for i, r := range rows {
		out[i] = r.UsageLine
	}
	return out
}

// SetUsage sets a tenant's quantity of a product in the newest month; see
// SetUsageIn.
func (s *Server) SetUsage(tenantID, productCode string, quantity int64) {
	s.SetUsageIn(s.lastMonth.year, s.lastMonth.month, tenantID, productCode, quantity)
}

// SetUsageIn replaces the tenant's lines for productCode in a month with a
// single line of quantity (0 keeps a zero line; RemoveUsage drops it). A
// month without a report gets one.
func (s *Server) SetUsageIn(year int, month time.Month, tenantID, productCode string, quantity int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := yearMonth{year, month}
	lines := s.usage[m]
	at := len(lines)
	out := lines[:0:0]
	for _, l := range lines {
		if l.AccountID == tenantID && l.ProductCode == productCode {
			at = min(at, len(out))
			continue
		}
		out = append(out, l)
	}
	nl := s.line(tenantID, productCode, quantity)
	s.usage[m] = slices.Insert(out, at, nl)
}

// RemoveUsage drops every line of the tenant's product from the newest
// month, as when a customer stops using it.
func (s *Server) RemoveUsage(tenantID, productCode string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.usage[s.lastMonth] = slices.DeleteFunc(s.usage[s.lastMonth], func(l usageRow) bool {
		return l.AccountID == tenantID && l.ProductCode == productCode
	})
}

// AddUsageLine appends a line to a month's report (creating the report),
// e.g. a second order line for the same tenant and product.
func (s *Server) AddUsageLine(year int, month time.Month, l UsageLine) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lineSeq++
	m := yearMonth{year, month}
	s.usage[m] = append(s.usage[m], usageRow{UsageLine: l, seq: s.lineSeq})
}

// ClearUsage removes a month's report, so it answers 404 again.
func (s *Server) ClearUsage(year int, month time.Month) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.usage, yearMonth{year, month})
}
