package sophosemu

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

const billingMaxPageSize = 100

// UsageLine is one line of a monthly billing report, reduced to what
// tests set and check; the report's other fields are derived from it.
type UsageLine struct {
	AccountID        string // tenant id; "" for a line without accountId
	ProductCode      string
	BillableQuantity int64
	ActualQuantity   int64
	OrderedQuantity  int64
	UnitPrice        string // "" means the catalog price, e.g. "2.25"
	OrderNumber      string // "" means one derived from the line
}

// usageRow is a stored line with its sequence number, unique across the
// emulator, from which order numbers, serials and externalId derive.
type usageRow struct {
	UsageLine
	seq uint64
}

// usageLineJSON is a billing line with all 35 documented fields (§8.1).
type usageLineJSON struct {
	PartnerAccountID             string `json:"partnerAccountId"`
	PartnerEdiAccountNumber      string `json:"partnerEdiAccountNumber"`
	PartnerAccountName           string `json:"partnerAccountName"`
	BillingStartDate             string `json:"billingStartDate"`
	BillingEndDate               string `json:"billingEndDate"`
	OrderNumber                  string `json:"orderNumber"`
	OrderLineItemNumber          string `json:"orderLineItemNumber"`
	AccountNumberOrSerialNumber  string `json:"accountNumberOrSerialNumber"`
	ProductDescription           string `json:"productDescription"`
	ProductGroup                 string `json:"productGroup"`
	SKU                          string `json:"sku"`
	BillableQuantity             int64  `json:"billableQuantity"`
	ExternalID                   string `json:"externalId"`
	AccountID                    string `json:"accountId,omitempty"`
	AccountStatus                string `json:"accountStatus"`
	ActualQuantity               int64  `json:"actualQuantity"`
	ProductCode                  string `json:"productCode"`
	AssignedAccountIdentifier    string `json:"assignedAccountIdentifier"`
	ContactName                  string `json:"contactName"`
	ContactEmail                 string `json:"contactEmail"`
	ContactStreet                string `json:"contactStreet"`
	ContactCity                  string `json:"contactCity"`
	ContactCountry               string `json:"contactCountry"`
	ContactZip                   string `json:"contactZip"`
	UnitMsrpCurrency             string `json:"unitMsrpCurrency"`
	UnitMsrp                     string `json:"unitMsrp"`
	UnitPriceCurrency            string `json:"unitPriceCurrency"`
	UnitPrice                    string `json:"unitPrice"`
	NetPriceCurrency             string `json:"netPriceCurrency"`
	NetPrice                     string `json:"netPrice"`
	PriceWithTaxesCurrency       string `json:"priceWithTaxesCurrency"`
	PriceWithTaxes               string `json:"priceWithTaxes"`
	DistributorAccountName       string `json:"distributorAccountName"`
	AdditionalDiscountPercentage int64  `json:"additionalDiscountPercentage"`
	OrderedQuantity              int64  `json:"orderedQuantity"`
}

func cents(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }

// parseCents reads a two-decimal price string back; bad input gives ok=false.
func parseCents(s string) (int64, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt((frac + "00")[:2], 10, 64)
	return w*100 + f, err1 == nil && err2 == nil
}

func (s *Server) lineBody(m yearMonth, l usageRow) usageLineJSON {
	p := productFor(l.ProductCode)
	price := p.price
	if c, ok := parseCents(l.UnitPrice); ok && l.UnitPrice != "" {
		price = c
	}
	order := l.OrderNumber
	if order == "" {
		order = fmt.Sprintf("ORD-%08d", 40000000+l.seq/3)
	}
	start := time.Date(m.year, m.month, 1, 0, 0, 0, 0, time.UTC)
	net := cents(price * l.BillableQuantity)
	serial := "C" + strings.ToUpper(hexFrom(s.seed, "serial", l.seq, 14))
	j := usageLineJSON{
		PartnerAccountID:            strings.ToLower(s.opts.PartnerID),
		PartnerEdiAccountNumber:     "7700123",
		PartnerAccountName:          "Emulated MSP Partner",
		BillingStartDate:            start.Format(time.DateOnly),
		BillingEndDate:              start.AddDate(0, 1, -1).Format(time.DateOnly),
		OrderNumber:                 order,
		OrderLineItemNumber:         fmt.Sprintf("%s-%03d", order, l.seq%1000),
		AccountNumberOrSerialNumber: serial,
		ProductDescription:          p.description,
		ProductGroup:                p.group,
		SKU:                         p.sku,
		BillableQuantity:            l.BillableQuantity,
		ExternalID:                  uuidFrom(s.seed, "external", l.seq),
		AccountID:                   l.AccountID,
		AccountStatus:               "active",
		ActualQuantity:              l.ActualQuantity,
		ProductCode:                 l.ProductCode,
		AssignedAccountIdentifier:   "Unassigned subscription " + serial,
		UnitMsrpCurrency:            "USD",
		UnitMsrp:                    cents(p.msrp),
		UnitPriceCurrency:           "USD",
		UnitPrice:                   cents(price),
		NetPriceCurrency:            "USD",
		NetPrice:                    net,
		PriceWithTaxesCurrency:      "USD",
		PriceWithTaxes:              net,
		DistributorAccountName:      "Emulated Distribution Inc.",
		OrderedQuantity:             l.OrderedQuantity,
	}
	if p.msrp > 0 {
		j.AdditionalDiscountPercentage = (p.msrp - price) * 100 / p.msrp
	}
	if i, ok := s.byID[l.AccountID]; ok {
		t := s.tenants[i]
		j.AssignedAccountIdentifier, j.ContactName, j.ContactEmail = t.ShowAs, "Alex Admin", t.ContactEmail
		j.ContactStreet, j.ContactCity, j.ContactCountry, j.ContactZip = "1 Main Street", "Springfield", t.DataGeography, "00000"
	}
	return j
}

// parseMonth accepts a four-digit year and a month written 8 or 08.
func parseMonth(year, month string) (yearMonth, bool) {
	if len(year) != 4 || len(month) < 1 || len(month) > 2 || !digits(year) || !digits(month) {
		return yearMonth{}, false
	}
	y, _ := strconv.Atoi(year)
	m, _ := strconv.Atoi(month)
	return yearMonth{y, time.Month(m)}, m >= 1 && m <= 12
}

func digits(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// handleUsage is GET /partner/v1/billing/usage/{year}/{month}.
func (s *Server) handleUsage(w http.ResponseWriter, r *http.Request) {
	m, ok := parseMonth(r.PathValue("year"), r.PathValue("month"))
	if !ok {
		s.fail(w, http.StatusBadRequest, codeBadRequest, "year must have four digits and month be 1 to 12.")
		return
	}
	q := r.URL.Query()
	pq, err := parseKeyQuery(q.Get("pageSize"), q.Get("pageFromKey"), q.Get("pageTotal"), billingMaxPageSize)
	if err != nil {
		s.fail(w, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	lines, total, ok := s.usagePage(m, pq, listParam(q, "accountId"), listParam(q, "contactEmail"))
	if !ok {
		s.fail(w, http.StatusNotFound, codeNotFound, MsgNoUsageData)
		return
	}
	items := make([]any, 0, len(lines))
	for _, l := range lines {
		items = append(items, s.lineBody(m, l))
	}
	s.writePage(w, items, pq.pages(total), q)
}

// usagePage returns the page of a month's lines that matches the
// accountId and contactEmail filters (lists; empty means any) and how
// many lines match in all; ok is false when the month has no report.
func (s *Server) usagePage(m yearMonth, pq pageQuery, accounts, emails []string) (page []usageRow, total int, ok bool) {
	for i := range accounts {
		accounts[i] = strings.ToLower(accounts[i])
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	all, ok := s.usage[m]
	if !ok {
		return nil, 0, false
	}
	if len(accounts) > 0 || len(emails) > 0 {
		var match []usageRow
		for _, l := range all {
			if (len(accounts) == 0 || slices.Contains(accounts, l.AccountID)) &&
				(len(emails) == 0 || slices.ContainsFunc(emails, func(e string) bool { return strings.EqualFold(e, s.contactEmail(l.AccountID)) })) {
				match = append(match, l)
			}
		}
		all = match
	}
	lo, hi := pq.bounds(len(all))
	return slices.Clone(all[lo:hi]), len(all), true
}

func (s *Server) contactEmail(tenantID string) string {
	if i, ok := s.byID[tenantID]; ok {
		return s.tenants[i].ContactEmail
	}
	return ""
}
