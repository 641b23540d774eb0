package connectwise

import (
	"context"
	"iter"
)

// CompaniesService reads companies (customers).
type CompaniesService service

// Company is a ConnectWise company (§10.8). Deleted companies (recycle bin)
// can look like duplicates in name searches: filter deletedFlag=false and
// match by ID.
type Company struct {
	ID             int           `json:"id,omitempty"`
	Identifier     string        `json:"identifier,omitempty"`
	Name           string        `json:"name,omitempty"`
	Status         *Reference    `json:"status,omitempty"`
	Types          []Reference   `json:"types,omitempty"`
	AddressLine1   string        `json:"addressLine1,omitempty"`
	AddressLine2   string        `json:"addressLine2,omitempty"`
	City           string        `json:"city,omitempty"`
	State          string        `json:"state,omitempty"`
	Zip            string        `json:"zip,omitempty"`
	Country        *Reference    `json:"country,omitempty"`
	PhoneNumber    string        `json:"phoneNumber,omitempty"`
	Website        string        `json:"website,omitempty"`
	Territory      *Reference    `json:"territory,omitempty"`
	Market         *Reference    `json:"market,omitempty"`
	DefaultContact *Reference    `json:"defaultContact,omitempty"`
	Site           *Reference    `json:"site,omitempty"`
	ParentCompany  *Reference    `json:"parentCompany,omitempty"`
	DeletedFlag    bool          `json:"deletedFlag,omitempty"`
	DateDeleted    Time          `json:"dateDeleted,omitzero"`
	DeletedBy      string        `json:"deletedBy,omitempty"`
	IsVendorFlag   bool          `json:"isVendorFlag,omitempty"`
	IntegratorTags []string      `json:"integratorTags,omitempty"`
	CustomFields   []CustomField `json:"customFields,omitempty"`
	Info           Info          `json:"_info,omitempty"`
}

// List returns the companies matching opts.
//
// CW: GET /company/companies
func (s *CompaniesService) List(ctx context.Context, opts *ListOptions) ([]Company, error) {
	return list[Company](ctx, s.client, "/company/companies", opts)
}

// All streams the companies matching opts page by page.
//
// CW: GET /company/companies
func (s *CompaniesService) All(ctx context.Context, opts *ListOptions) iter.Seq2[Company, error] {
	return all[Company](ctx, s.client, "/company/companies", opts)
}

// Count counts the companies matching opts.
//
// CW: GET /company/companies/count
func (s *CompaniesService) Count(ctx context.Context, opts *ListOptions) (int, error) {
	return count(ctx, s.client, "/company/companies", opts)
}

// Get returns one company.
//
// CW: GET /company/companies/{id}
func (s *CompaniesService) Get(ctx context.Context, id int) (*Company, error) {
	return get[Company](ctx, s.client, idPath("/company/companies", id))
}
