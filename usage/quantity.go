package usage

// Line is one Sophos billing usage line (GET /partner/v1/billing/usage/
// {year}/{month}), reduced to what billing needs. AccountID is the tenant
// id; Sophos leaves it out on some lines (standalone subscriptions).
type Line struct {
	AccountID          string `json:"accountId"`
	ProductCode        string `json:"productCode"`
	ProductDescription string `json:"productDescription,omitempty"`
	Billable           int64  `json:"billableQuantity"`
	Actual             int64  `json:"actualQuantity"`
	Ordered            int64  `json:"orderedQuantity"`
}

// Quantity is the line's quantity on the given basis.
func (l Line) Quantity(b Basis) int64 {
	switch b {
	case BasisActual:
		return l.Actual
	case BasisOrdered:
		return l.Ordered
	}
	return l.Billable
}

// TenantProduct is the key quantities are summed under.
type TenantProduct struct {
	TenantID    string
	ProductCode string
}

// Usage is one summed (tenant, product) quantity.
type Usage struct {
	Quantity    int64
	Lines       int
	Description string // the first non-empty productDescription seen
}

// Sum adds up lines by tenant and product on the given basis (the empty
// basis means billable). Lines without an AccountID are returned apart,
// because nothing says whom they belong to.
func Sum(lines []Line, basis Basis) (map[TenantProduct]Usage, []Line) {
	out := make(map[TenantProduct]Usage, len(lines))
	var orphans []Line
	for _, l := range lines {
		if l.AccountID == "" {
			orphans = append(orphans, l)
			continue
		}
		k := TenantProduct{TenantID: l.AccountID, ProductCode: l.ProductCode}
		u := out[k]
		u.Quantity += l.Quantity(basis)
		u.Lines++
		if u.Description == "" {
			u.Description = l.ProductDescription
		}
		out[k] = u
	}
	return out, orphans
}
