// Package mapping decides which ConnectWise company and agreement a Sophos
// Central tenant belongs to. It is pure: the adapters fetch tenants,
// companies and agreements and convert them into the small types below, and
// the commands (`map auto`, `map set`) store what this package decides.
//
// Names are matched after Normalize, which forgives the ways an MSP types
// the same customer twice (case, spacing, punctuation, "&" versus "and",
// legal suffixes). A name that matches nothing or more than one company is
// left for a person: a wrong automatic mapping bills the wrong customer,
// while a missing one only shows up as a skip in the usage report.
package mapping

import "strings"

// Tenant is a Sophos Central tenant as mapping needs it.
type Tenant struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Company is a ConnectWise company. Deleted covers companies in the recycle
// bin; both Deleted and Inactive companies are never matched, because an
// MSP keeps old duplicates there and they look like live candidates.
type Company struct {
	ID         int64  `json:"id"`
	Identifier string `json:"identifier"`
	Name       string `json:"name"`
	Deleted    bool   `json:"deleted,omitempty"`
	Inactive   bool   `json:"inactive,omitempty"`
}

// Usable reports whether the company may be mapped to.
func (c Company) Usable() bool { return !c.Deleted && !c.Inactive }

// Agreement is a ConnectWise agreement. Status is ConnectWise's
// agreementStatus (Active, Cancelled, Expired, Inactive); Cancelled mirrors
// cancelledFlag, which can be set while the status still says Active.
type Agreement struct {
	ID        int64  `json:"id"`
	CompanyID int64  `json:"companyId"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	Cancelled bool   `json:"cancelled,omitempty"`
}

// Active reports whether usage may be written onto the agreement.
func (a Agreement) Active() bool {
	return !a.Cancelled && strings.EqualFold(a.Status, "Active")
}

// activeAgreements returns the active agreements of each company, in the
// order given.
func activeAgreements(agreements []Agreement) map[int64][]Agreement {
	out := make(map[int64][]Agreement)
	for _, a := range agreements {
		if a.Active() {
			out[a.CompanyID] = append(out[a.CompanyID], a)
		}
	}
	return out
}
