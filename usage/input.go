package usage

import "strings"

// Input is everything NewPlan decides from. The adapters fill it from the
// store, Sophos and ConnectWise; slices may come in any order.
type Input struct {
	Month      Month      `json:"month"`
	Basis      Basis      `json:"basis"`      // usage.quantity; "" = billable
	ZeroPolicy ZeroPolicy `json:"zeroPolicy"` // usage.zero_policy; "" = zero
	// CreateCatalog allows creating missing catalog items; without it a
	// product whose item does not exist is skipped as unknown_product.
	CreateCatalog bool `json:"createCatalog"`
	// Products are the user's productCode → catalog identifier overrides.
	Products map[string]string `json:"products,omitempty"`
	// Managed are catalog identifiers centralpsa created in earlier runs
	// (the apply layer records them). Their additions stay managed after
	// the product that created them disappears from the usage report, so
	// they are zeroed rather than billed forever.
	Managed []string `json:"managed,omitempty"`

	Lines      []Line        `json:"lines"`
	Tenants    []Tenant      `json:"tenants"`
	Mappings   []Mapping     `json:"mappings"`
	Companies  []Company     `json:"companies,omitempty"` // optional: names and inactive flags
	Agreements []Agreement   `json:"agreements"`
	Catalog    []CatalogItem `json:"catalog"`
	Additions  []Addition    `json:"additions"`
}

// Tenant is a Sophos Central tenant. BillingType is "usage" (MSP Flex),
// "term" or "trial"; empty means unknown and is not held against it.
type Tenant struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	BillingType string `json:"billingType,omitempty"`
}

// Mapping ties a tenant to a ConnectWise company and agreement.
// AgreementID 0 means none chosen yet.
type Mapping struct {
	TenantID     string `json:"tenantId"`
	CompanyID    int64  `json:"companyId"`
	AgreementID  int64  `json:"agreementId,omitempty"`
	UsageEnabled bool   `json:"usageEnabled"`
}

// Company is a ConnectWise company; Inactive covers deleted ones too.
type Company struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Inactive bool   `json:"inactive,omitempty"`
}

// Agreement is a ConnectWise agreement. Status is agreementStatus;
// Cancelled mirrors cancelledFlag.
type Agreement struct {
	ID        int64  `json:"id"`
	CompanyID int64  `json:"companyId"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	Cancelled bool   `json:"cancelled,omitempty"`
}

// Active reports whether additions may be written onto the agreement.
func (a Agreement) Active() bool { return !a.Cancelled && strings.EqualFold(a.Status, "Active") }

// CatalogItem is a ConnectWise product catalog item.
type CatalogItem struct {
	ID          int64  `json:"id"`
	Identifier  string `json:"identifier"`
	Description string `json:"description,omitempty"`
}

// Addition is an agreement addition. CatalogIdentifier is product/identifier
// of the addition; Cancelled is true once cancelledDate is set.
type Addition struct {
	ID                int64  `json:"id"`
	AgreementID       int64  `json:"agreementId"`
	CatalogID         int64  `json:"catalogId,omitempty"`
	CatalogIdentifier string `json:"catalogIdentifier"`
	Quantity          int64  `json:"quantity"`
	Cancelled         bool   `json:"cancelled,omitempty"`
}
