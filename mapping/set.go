package mapping

import (
	"fmt"

	"centralpsa"
)

// Set is what `map set` asks for. AgreementID 0 means "none given".
type Set struct {
	TenantID    string `json:"tenantId"`
	CompanyID   int64  `json:"companyId"`
	AgreementID int64  `json:"agreementId,omitempty"`
}

// ValidateSet checks a manual mapping against what Sophos and ConnectWise
// hold, and returns it ready to store. When no agreement is given and the
// company has exactly one active agreement, that one is filled in — the
// same rule as auto-mapping; with none or several the mapping is kept
// without an agreement (usage sync then skips it with a clear reason).
//
// Errors are *centralpsa.Error: KindNotFound for an id that does not exist,
// KindInvalid for one that exists but cannot be used.
func ValidateSet(s Set, tenants []Tenant, companies []Company, agreements []Agreement) (Set, error) {
	if s.TenantID == "" {
		return s, centralpsa.Errorf(centralpsa.KindInvalid, "a tenant id is required")
	}
	if !hasTenant(tenants, s.TenantID) {
		return s, centralpsa.Errorf(centralpsa.KindNotFound, "unknown tenant %.60q: no Sophos Central tenant of this partner has that id", s.TenantID)
	}
	c, err := findCompany(companies, s.CompanyID)
	if err != nil {
		return s, err
	}
	if s.AgreementID == 0 {
		if active := activeAgreements(agreements)[c.ID]; len(active) == 1 {
			s.AgreementID = active[0].ID
		}
		return s, nil
	}
	return s, checkAgreement(agreements, s.AgreementID, c)
}

func hasTenant(tenants []Tenant, id string) bool {
	for _, t := range tenants {
		if t.ID == id {
			return true
		}
	}
	return false
}

func findCompany(companies []Company, id int64) (Company, error) {
	if id <= 0 {
		return Company{}, centralpsa.Errorf(centralpsa.KindInvalid, "a ConnectWise company id is required")
	}
	for _, c := range companies {
		if c.ID != id {
			continue
		}
		switch {
		case c.Deleted:
			return c, centralpsa.Errorf(centralpsa.KindInvalid, "company %d (%s) is deleted in ConnectWise; restore it or choose another company", c.ID, c.Name)
		case c.Inactive:
			return c, centralpsa.Errorf(centralpsa.KindInvalid, "company %d (%s) is inactive in ConnectWise; activate it or choose another company", c.ID, c.Name)
		}
		return c, nil
	}
	return Company{}, centralpsa.Errorf(centralpsa.KindNotFound, "unknown company %d: no ConnectWise company has that id", id)
}

func checkAgreement(agreements []Agreement, id int64, c Company) error {
	for _, a := range agreements {
		if a.ID != id {
			continue
		}
		if a.CompanyID != c.ID {
			return centralpsa.Errorf(centralpsa.KindInvalid, "agreement %d (%s) belongs to company %d, not to company %d (%s)", a.ID, a.Name, a.CompanyID, c.ID, c.Name)
		}
		if !a.Active() {
			return centralpsa.Errorf(centralpsa.KindInvalid, "agreement %d (%s) is %s; usage sync needs an active agreement", a.ID, a.Name, agreementState(a))
		}
		return nil
	}
	return centralpsa.Errorf(centralpsa.KindNotFound, "unknown agreement %d: no ConnectWise agreement has that id", id)
}

func agreementState(a Agreement) string {
	if a.Cancelled {
		return "cancelled"
	}
	if a.Status == "" {
		return "not active"
	}
	return fmt.Sprintf("%q, not active", a.Status)
}
