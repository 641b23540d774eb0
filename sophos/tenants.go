package sophos

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
)

// tenantPageSize is the documented maximum (doc §7.1).
const tenantPageSize = 100

// Tenant is a customer of the partner (doc §7.2). Only ID and APIHost are
// needed for tenant calls; everything else may be missing.
type Tenant struct {
	ID            string    `json:"id"`
	Name          string    `json:"name,omitempty"`
	ShowAs        string    `json:"showAs,omitempty"` // display name; may differ from Name
	DataGeography string    `json:"dataGeography,omitempty"`
	DataRegion    string    `json:"dataRegion,omitempty"`
	BillingType   string    `json:"billingType,omitempty"` // "trial", "term", "usage" (MSP Flex)
	Partner       *Ref      `json:"partner,omitempty"`
	Organization  *Ref      `json:"organization,omitempty"`
	APIHost       string    `json:"apiHost,omitempty"` // use verbatim for this tenant's calls
	Status        string    `json:"status,omitempty"`  // "active", "suspended" (not in official examples)
	Contact       *Contact  `json:"contact,omitempty"`
	Products      []Product `json:"products,omitempty"`
	ExternalIDs   []string  `json:"externalIds,omitempty"`
}

// DisplayName is ShowAs when set, else Name.
func (t Tenant) DisplayName() string {
	if t.ShowAs != "" {
		return t.ShowAs
	}
	return t.Name
}

// Ref is a reference to another Central object by id.
type Ref struct {
	ID string `json:"id"`
}

// Product is a product or licence code on a tenant, e.g. CIXA-MSP.
type Product struct {
	Code string `json:"code"`
}

// Contact is a tenant's contact as given on create; seen only in
// third-party captures, so every field is optional.
type Contact struct {
	FirstName string   `json:"firstName,omitempty"`
	LastName  string   `json:"lastName,omitempty"`
	Email     string   `json:"email,omitempty"`
	Phone     string   `json:"phone,omitempty"`
	Mobile    string   `json:"mobile,omitempty"`
	Fax       string   `json:"fax,omitempty"`
	Address   *Address `json:"address,omitempty"`
}

// Address is a contact's postal address.
type Address struct {
	Address1    string `json:"address1,omitempty"`
	Address2    string `json:"address2,omitempty"`
	Address3    string `json:"address3,omitempty"`
	City        string `json:"city,omitempty"`
	State       string `json:"state,omitempty"`
	CountryCode string `json:"countryCode,omitempty"`
	PostalCode  string `json:"postalCode,omitempty"`
}

// AllTenants yields every tenant of the partner, 100 a page. It stops at
// the first error, which it yields.
//
// Sophos: GET /partner/v1/tenants?page=N&pageSize=100&pageTotal=true (doc §7.1).
func (c *Client) AllTenants(ctx context.Context) iter.Seq2[Tenant, error] {
	return func(yield func(Tenant, error) bool) {
		r, err := c.partnerCall(ctx, "/partner/v1/tenants")
		if err != nil {
			yield(Tenant{}, fmt.Errorf("list tenants: %w", err))
			return
		}
		for t, err := range numberPaged(ctx, c, r, tenantPageSize, decodeTenant) {
			if err != nil {
				err = fmt.Errorf("list tenants: %w", err)
			}
			if !yield(t, err) || err != nil {
				return
			}
		}
	}
}

// ListTenants returns every tenant of the partner.
func (c *Client) ListTenants(ctx context.Context) ([]Tenant, error) {
	return collect(c.AllTenants(ctx))
}

// GetTenant returns one tenant; a 404 matches ErrNotFound.
//
// Sophos: GET /partner/v1/tenants/{tenantId} (doc §7.1).
func (c *Client) GetTenant(ctx context.Context, id string) (*Tenant, error) {
	r, err := c.partnerCall(ctx, "/partner/v1/tenants/"+url.PathEscape(id))
	if err != nil {
		return nil, fmt.Errorf("get tenant %s: %w", id, err)
	}
	var t Tenant
	err = c.do(ctx, r, func(b []byte) error {
		var derr error
		t, derr = decodeTenant(b, 0)
		return derr
	})
	if err != nil {
		return nil, fmt.Errorf("get tenant %s: %w", id, err)
	}
	return &t, nil
}

// tenantCore holds the fields a tenant call depends on; they must decode.
type tenantCore struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	ShowAs        string `json:"showAs"`
	DataGeography string `json:"dataGeography"`
	DataRegion    string `json:"dataRegion"`
	BillingType   string `json:"billingType"`
	APIHost       string `json:"apiHost"`
	Status        string `json:"status"`
}

// UnmarshalJSON decodes the core fields strictly and the optional objects
// (partner, organization, contact, products, externalIds) best-effort:
// status, contact and products are not in the official examples (doc §14.4)
// and one tenant with an odd contact must not stop the whole tenant list.
func (t *Tenant) UnmarshalJSON(b []byte) error {
	var core tenantCore
	if err := json.Unmarshal(b, &core); err != nil {
		return err
	}
	var rest map[string]json.RawMessage
	if err := json.Unmarshal(b, &rest); err != nil {
		return err
	}
	v := Tenant{ID: core.ID, Name: core.Name, ShowAs: core.ShowAs, DataGeography: core.DataGeography,
		DataRegion: core.DataRegion, BillingType: core.BillingType, APIHost: core.APIHost, Status: core.Status}
	optional(rest["partner"], &v.Partner)
	optional(rest["organization"], &v.Organization)
	optional(rest["contact"], &v.Contact)
	optional(rest["products"], &v.Products)
	optional(rest["externalIds"], &v.ExternalIDs)
	*t = v
	return nil
}

// optional sets *dst from raw when raw decodes cleanly; a malformed or
// absent field leaves it empty.
func optional[T any](raw json.RawMessage, dst *T) {
	var v T
	if len(raw) > 0 && json.Unmarshal(raw, &v) == nil {
		*dst = v
	}
}

// decodeTenant decodes one tenant and insists on an id, without which no
// tenant call can be made.
func decodeTenant(raw json.RawMessage, index int) (Tenant, error) {
	var t Tenant
	if err := json.Unmarshal(raw, &t); err != nil {
		return Tenant{}, fmt.Errorf("tenant %d: %w", index, err)
	}
	if t.ID == "" {
		return Tenant{}, fmt.Errorf("tenant %d has no id", index)
	}
	return t, nil
}
