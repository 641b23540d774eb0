package sophos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// UsageLine is one line of the monthly billing usage report, with all 35
// documented fields (doc §8.1). Quantities are int64 and prices Decimal.
// Every field is optional: the newest official example shows only 17 of
// them. Missing records which were absent or null, so Has can tell a zero
// quantity from a missing one; a line built by hand has nothing missing.
type UsageLine struct {
	PartnerAccountID             string
	PartnerEdiAccountNumber      string
	PartnerAccountName           string
	BillingStartDate             string // "2021-01-31"; kept as text, Sophos's own example has "2021-04-31"
	BillingEndDate               string
	OrderNumber                  string
	OrderLineItemNumber          string
	AccountNumberOrSerialNumber  string
	ProductDescription           string
	ProductGroup                 string // "User", "Server", "Device"
	SKU                          string
	BillableQuantity             int64
	ExternalID                   string
	AccountID                    string // the tenant id; missing on some lines
	AccountStatus                string // "active", "suspended", "canceled"
	ActualQuantity               int64
	ProductCode                  string // e.g. CIXA-MSP
	AssignedAccountIdentifier    string // customer name as the partner sees it
	ContactName                  string
	ContactEmail                 string
	ContactStreet                string
	ContactCity                  string
	ContactCountry               string
	ContactZip                   string
	UnitMsrpCurrency             string
	UnitMsrp                     Decimal
	UnitPriceCurrency            string
	UnitPrice                    Decimal
	NetPriceCurrency             string
	NetPrice                     Decimal // possibly the order-line total, not per customer (uncertain)
	PriceWithTaxesCurrency       string
	PriceWithTaxes               Decimal
	DistributorAccountName       string
	AdditionalDiscountPercentage Decimal // a JSON number upstream, e.g. 25
	OrderedQuantity              int64

	Missing FieldSet
}

// FieldSet is a set of usage line fields, one bit per entry of usageFields.
type FieldSet uint64

// Has reports whether the line carried the JSON field name (e.g.
// "orderedQuantity"). Unknown names report false.
func (l UsageLine) Has(name string) bool {
	i, ok := usageFieldIndex[name]
	return ok && l.Missing&(1<<i) == 0
}

// Quantity returns the quantity named by the usage.quantity setting
// ("billable", "actual" or "ordered") and whether the line carried it.
func (l UsageLine) Quantity(which string) (int64, bool) {
	switch which {
	case "billable":
		return l.BillableQuantity, l.Has("billableQuantity")
	case "actual":
		return l.ActualQuantity, l.Has("actualQuantity")
	case "ordered":
		return l.OrderedQuantity, l.Has("orderedQuantity")
	}
	return 0, false
}

// UsageFieldError names the usage line and field Sophos sent in a form we
// cannot read.
type UsageFieldError struct {
	Index     int    // position in the month's report, from 0; -1 when unknown
	AccountID string // the line's accountId when readable
	Field     string
	Err       error
}

func (e *UsageFieldError) Error() string {
	var b strings.Builder
	b.WriteString("usage line")
	if e.Index >= 0 {
		fmt.Fprintf(&b, " %d", e.Index)
	}
	if e.AccountID != "" {
		fmt.Fprintf(&b, " (accountId %s)", e.AccountID)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %s", e.Field)
	}
	return b.String() + ": " + e.Err.Error()
}

func (e *UsageFieldError) Unwrap() error { return e.Err }

// UnmarshalJSON decodes a line strictly per field and tolerantly overall:
// unknown fields are ignored, absent and null ones recorded in Missing, and
// a malformed one is an error that leaves l untouched.
func (l *UsageLine) UnmarshalJSON(b []byte) error {
	v, err := decodeUsageLine(b)
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// MarshalJSON writes the fields the line has, under their Sophos names.
func (l UsageLine) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range usageFields {
		if l.Missing&(1<<i) != 0 {
			continue
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(f.name)
		val, err := json.Marshal(f.get(&l))
		if err != nil {
			return nil, err
		}
		b.Write(name)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func decodeUsageLine(b []byte) (UsageLine, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		if err == nil {
			err = errors.New("not a JSON object")
		}
		return UsageLine{}, &UsageFieldError{Index: -1, Err: err}
	}
	var l UsageLine
	var account string
	if raw, ok := m["accountId"]; ok {
		_ = json.Unmarshal(raw, &account)
	}
	for i, f := range usageFields {
		raw, ok := m[f.name]
		if !ok || string(raw) == "null" {
			l.Missing |= 1 << i
			continue
		}
		present, err := f.set(&l, raw)
		if err != nil {
			return UsageLine{}, &UsageFieldError{Index: -1, AccountID: account, Field: f.name, Err: err}
		}
		if !present {
			l.Missing |= 1 << i
		}
	}
	return l, nil
}

// decodeUsageItem decodes line index of the report for the pager.
func decodeUsageItem(raw json.RawMessage, index int) (UsageLine, error) {
	l, err := decodeUsageLine(raw)
	if fe, ok := errors.AsType[*UsageFieldError](err); ok {
		fe.Index = index
	}
	return l, err
}

// parseInt reads a quantity: a JSON integer, an integer written with a
// ".0" fraction, or the same inside a string. Anything else is an error.
func parseInt(raw json.RawMessage) (int64, error) {
	s := string(raw)
	if len(raw) > 0 && raw[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
	}
	digits := s
	if i := strings.IndexByte(s, '.'); i >= 0 && strings.Trim(s[i+1:], "0") == "" && i+1 < len(s) {
		digits = s[:i]
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || (digits != "" && digits[0] == '+') {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return 0, fmt.Errorf("%s is out of range", truncate(s))
		}
		return 0, fmt.Errorf("%q is not an integer", truncate(s))
	}
	return n, nil
}

// parseText reads a text field: a JSON string, or a bare number kept as its
// text (partner EDI numbers look numeric).
func parseText(raw json.RawMessage) (string, error) {
	switch {
	case len(raw) > 0 && raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case len(raw) > 0 && (raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9')):
		return string(raw), nil
	}
	return "", fmt.Errorf("%s is not a string", truncate(string(raw)))
}
