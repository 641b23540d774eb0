package sophos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"centralpsa"
)

// usagePageSize is what we ask for; the report's maximum is undocumented
// and key paging copes with a server that hands out less.
const usagePageSize = 100

// UsageReport is one month of billing usage.
type UsageReport struct {
	Year, Month int
	Lines       []UsageLine
}

// UsageOptions narrows the report.
type UsageOptions struct {
	AccountIDs []string // tenant ids (the accountId filter); empty means all
}

// Usage returns the partner's billing usage for a calendar month, reading
// every key page. A month without a report yet is the error ErrNoData
// (kind not_found), never an empty report: a caller that applied an empty
// month would set every customer's quantity to zero.
//
// Sophos: GET /partner/v1/billing/usage/{year}/{month} (doc §8).
func (c *Client) Usage(ctx context.Context, year, month int, opts UsageOptions) (*UsageReport, error) {
	label := fmt.Sprintf("%04d-%02d", year, month)
	if year < 1000 || year > 9999 || month < 1 || month > 12 {
		return nil, centralpsa.Errorf(centralpsa.KindInvalid, "sophos usage report: %d/%d is not a calendar month", year, month)
	}
	r, err := c.partnerCall(ctx, fmt.Sprintf("/partner/v1/billing/usage/%d/%d", year, month))
	if err != nil {
		return nil, fmt.Errorf("usage report %s: %w", label, err)
	}
	r.query = url.Values{"pageSize": {strconv.Itoa(usagePageSize)}}
	if len(opts.AccountIDs) > 0 {
		r.query.Set("accountId", strings.Join(opts.AccountIDs, ","))
	}
	report := &UsageReport{Year: year, Month: month, Lines: []UsageLine{}}
	for l, err := range keyPaged(ctx, c, r, decodeUsageItem) {
		if err != nil {
			if ae, ok := errors.AsType[*Error](err); ok && isNoData(ae) {
				return nil, &centralpsa.Error{Kind: centralpsa.KindNotFound, Err: ErrNoData,
					Message: "sophos usage report " + label}
			}
			return nil, fmt.Errorf("usage report %s: %w", label, err)
		}
		report.Lines = append(report.Lines, l)
	}
	return report, nil
}

// isNoData tells the "No data for requested year or month" 404 from other
// 404s (a wrong path, a gateway page). The error code of the real answer is
// not documented, so the words are matched in code and message alike.
func isNoData(e *Error) bool {
	if e.Status != http.StatusNotFound {
		return false
	}
	for _, s := range []string{e.Code, e.Message} {
		s = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' {
				return r
			}
			if r >= 'A' && r <= 'Z' {
				return r + 'a' - 'A'
			}
			return -1
		}, s)
		if strings.Contains(s, "nodata") {
			return true
		}
	}
	return false
}

// usageField reads and writes one field of UsageLine under its JSON name.
// set reports false for a value that counts as absent (an empty price).
type usageField struct {
	name string
	set  func(l *UsageLine, raw json.RawMessage) (bool, error)
	get  func(l *UsageLine) any
}

func textField(name string, p func(*UsageLine) *string) usageField {
	return usageField{name: name,
		set: func(l *UsageLine, raw json.RawMessage) (bool, error) {
			s, err := parseText(raw)
			*p(l) = s
			return true, err
		},
		get: func(l *UsageLine) any { return *p(l) },
	}
}

func intField(name string, p func(*UsageLine) *int64) usageField {
	return usageField{name: name,
		set: func(l *UsageLine, raw json.RawMessage) (bool, error) {
			n, err := parseInt(raw)
			*p(l) = n
			return true, err
		},
		get: func(l *UsageLine) any { return *p(l) },
	}
}

func decimalField(name string, p func(*UsageLine) *Decimal) usageField {
	return usageField{name: name,
		set: func(l *UsageLine, raw json.RawMessage) (bool, error) {
			var d Decimal
			err := d.UnmarshalJSON(raw)
			*p(l) = d
			return d != "", err
		},
		get: func(l *UsageLine) any { return *p(l) },
	}
}

// usageFields lists the 35 fields in the order of doc §8.1; an entry's
// index is its bit in FieldSet.
var usageFields = [...]usageField{
	textField("partnerAccountId", func(l *UsageLine) *string { return &l.PartnerAccountID }),
	textField("partnerEdiAccountNumber", func(l *UsageLine) *string { return &l.PartnerEdiAccountNumber }),
	textField("partnerAccountName", func(l *UsageLine) *string { return &l.PartnerAccountName }),
	textField("billingStartDate", func(l *UsageLine) *string { return &l.BillingStartDate }),
	textField("billingEndDate", func(l *UsageLine) *string { return &l.BillingEndDate }),
	textField("orderNumber", func(l *UsageLine) *string { return &l.OrderNumber }),
	textField("orderLineItemNumber", func(l *UsageLine) *string { return &l.OrderLineItemNumber }),
	textField("accountNumberOrSerialNumber", func(l *UsageLine) *string { return &l.AccountNumberOrSerialNumber }),
	textField("productDescription", func(l *UsageLine) *string { return &l.ProductDescription }),
	textField("productGroup", func(l *UsageLine) *string { return &l.ProductGroup }),
	textField("sku", func(l *UsageLine) *string { return &l.SKU }),
	intField("billableQuantity", func(l *UsageLine) *int64 { return &l.BillableQuantity }),
	textField("externalId", func(l *UsageLine) *string { return &l.ExternalID }),
	textField("accountId", func(l *UsageLine) *string { return &l.AccountID }),
	textField("accountStatus", func(l *UsageLine) *string { return &l.AccountStatus }),
	intField("actualQuantity", func(l *UsageLine) *int64 { return &l.ActualQuantity }),
	textField("productCode", func(l *UsageLine) *string { return &l.ProductCode }),
	textField("assignedAccountIdentifier", func(l *UsageLine) *string { return &l.AssignedAccountIdentifier }),
	textField("contactName", func(l *UsageLine) *string { return &l.ContactName }),
	textField("contactEmail", func(l *UsageLine) *string { return &l.ContactEmail }),
	textField("contactStreet", func(l *UsageLine) *string { return &l.ContactStreet }),
	textField("contactCity", func(l *UsageLine) *string { return &l.ContactCity }),
	textField("contactCountry", func(l *UsageLine) *string { return &l.ContactCountry }),
	textField("contactZip", func(l *UsageLine) *string { return &l.ContactZip }),
	textField("unitMsrpCurrency", func(l *UsageLine) *string { return &l.UnitMsrpCurrency }),
	decimalField("unitMsrp", func(l *UsageLine) *Decimal { return &l.UnitMsrp }),
	textField("unitPriceCurrency", func(l *UsageLine) *string { return &l.UnitPriceCurrency }),
	decimalField("unitPrice", func(l *UsageLine) *Decimal { return &l.UnitPrice }),
	textField("netPriceCurrency", func(l *UsageLine) *string { return &l.NetPriceCurrency }),
	decimalField("netPrice", func(l *UsageLine) *Decimal { return &l.NetPrice }),
	textField("priceWithTaxesCurrency", func(l *UsageLine) *string { return &l.PriceWithTaxesCurrency }),
	decimalField("priceWithTaxes", func(l *UsageLine) *Decimal { return &l.PriceWithTaxes }),
	textField("distributorAccountName", func(l *UsageLine) *string { return &l.DistributorAccountName }),
	decimalField("additionalDiscountPercentage", func(l *UsageLine) *Decimal { return &l.AdditionalDiscountPercentage }),
	intField("orderedQuantity", func(l *UsageLine) *int64 { return &l.OrderedQuantity }),
}

var usageFieldIndex = func() map[string]int {
	m := make(map[string]int, len(usageFields))
	for i, f := range usageFields {
		m[f.name] = i
	}
	return m
}()
