package mapping

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Status says what Suggest concluded for one tenant.
type Status string

// The statuses of a suggestion.
const (
	StatusMatched       Status = "matched"
	StatusAmbiguous     Status = "ambiguous"
	StatusNoMatch       Status = "no_match"
	StatusAlreadyMapped Status = "already_mapped"
)

// maxCandidates bounds the near-miss list of a no_match suggestion; a
// common first word ("The") would otherwise list half the PSA.
const maxCandidates = 5

// Suggestion is the auto-mapping verdict for one tenant.
type Suggestion struct {
	TenantID   string `json:"tenantId"`
	TenantName string `json:"tenantName"`
	Status     Status `json:"status"`
	// Company is set only when exactly one usable company matched.
	Company *Company `json:"company,omitempty"`
	// Agreement is set when the matched company has exactly one active
	// agreement; otherwise Agreements lists the active ones to choose from.
	Agreement  *Agreement  `json:"agreement,omitempty"`
	Agreements []Agreement `json:"agreements,omitempty"`
	// Candidates are every match of an ambiguous name, or, for no_match,
	// companies whose normalized name starts with the same word.
	Candidates []Company `json:"candidates,omitempty"`
	Reason     string    `json:"reason"`
}

// Suggest proposes a company (and, when it is unambiguous, an agreement) for
// every tenant, in the order given. Tenants whose id is in existing keep
// their mapping and get StatusAlreadyMapped: auto-mapping never overwrites.
// Deleted and inactive companies are never matched nor offered. Several
// tenants may be matched to the same company.
func Suggest(tenants []Tenant, companies []Company, agreements []Agreement, existing map[string]bool) []Suggestion {
	idx := newCompanyIndex(companies)
	active := activeAgreements(agreements)
	out := make([]Suggestion, 0, len(tenants))
	for _, t := range tenants {
		s := Suggestion{TenantID: t.ID, TenantName: t.Name}
		if existing[t.ID] {
			s.Status, s.Reason = StatusAlreadyMapped, "tenant is already mapped; auto-mapping never overwrites a mapping"
			out = append(out, s)
			continue
		}
		key := Normalize(t.Name)
		switch matches := idx.byName[key]; {
		case key == "" || len(matches) == 0:
			s.Status = StatusNoMatch
			s.Candidates = idx.near(key)
			s.Reason = fmt.Sprintf("no active ConnectWise company is named like %q", t.Name)
		case len(matches) > 1:
			s.Status, s.Candidates = StatusAmbiguous, slices.Clone(matches)
			s.Reason = fmt.Sprintf("%d ConnectWise companies are named like %q; choose one with map set", len(matches), t.Name)
		default:
			c := matches[0]
			s.Status, s.Company = StatusMatched, &c
			chooseAgreement(&s, active[c.ID])
		}
		out = append(out, s)
	}
	return out
}

// chooseAgreement picks the company's only active agreement, or lists the
// choice for a person.
func chooseAgreement(s *Suggestion, active []Agreement) {
	switch len(active) {
	case 1:
		a := active[0]
		s.Agreement = &a
		s.Reason = fmt.Sprintf("name matches company %q; its only active agreement is %q", s.Company.Name, a.Name)
	case 0:
		s.Reason = fmt.Sprintf("name matches company %q, which has no active agreement; usage sync needs one", s.Company.Name)
	default:
		s.Agreements = active
		s.Reason = fmt.Sprintf("name matches company %q, which has %d active agreements; choose one with map set --agreement", s.Company.Name, len(active))
	}
}

// companyIndex finds usable companies by normalized name and by first word.
type companyIndex struct {
	byName  map[string][]Company
	byFirst map[string][]Company
}

func newCompanyIndex(companies []Company) companyIndex {
	idx := companyIndex{byName: map[string][]Company{}, byFirst: map[string][]Company{}}
	for _, c := range companies {
		key := Normalize(c.Name)
		if !c.Usable() || key == "" {
			continue
		}
		idx.byName[key] = append(idx.byName[key], c)
		first, _, _ := strings.Cut(key, " ")
		idx.byFirst[first] = append(idx.byFirst[first], c)
	}
	for _, list := range idx.byName {
		sortCompanies(list)
	}
	for _, list := range idx.byFirst {
		sortCompanies(list)
	}
	return idx
}

// near returns up to maxCandidates companies sharing the first word of key.
func (idx companyIndex) near(key string) []Company {
	first, _, _ := strings.Cut(key, " ")
	list := idx.byFirst[first]
	if first == "" || len(list) == 0 {
		return nil
	}
	return slices.Clone(list[:min(len(list), maxCandidates)])
}

func sortCompanies(list []Company) {
	slices.SortFunc(list, func(a, b Company) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
}
