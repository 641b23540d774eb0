package sophosemu

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"centralpsa/sample"
)

// Tenant is one customer tenant as tests see it.
type Tenant struct {
	ID, Name, ShowAs string
	BillingType      string // usage, term or trial
	DataRegion       string // a real region code, e.g. eu02
	DataGeography    string // e.g. DE
	APIHost          string // the emulator's regional URL for DataRegion
	OrganizationID   string // "" when not linked to an organization
	ContactEmail     string
	Products         []string // licence codes, as tenants' products[].code
	// PartnerAssistance is false for term tenants whose customer has not
	// enabled it.
	PartnerAssistance bool
	// Reachable says whether the partner may call the tenant's APIs: not
	// for trials, nor for term tenants without Partner Assistance.
	Reachable bool
}

// regionGeography lists the nine real data regions (§6) with the
// geography each belongs to.
var regionGeography = map[string]string{
	"us01": "US", "us03": "US", "eu01": "IE", "eu02": "DE", "ca01": "CA",
	"au01": "AU", "jp01": "JP", "br01": "BR", "in01": "IN",
}

// realRegion maps a region from sample data to a real one: there is no
// de01 (Germany is eu02), and the emulator keeps dataRegion real.
func realRegion(r string) string {
	if _, ok := regionGeography[r]; ok {
		return r
	}
	if strings.HasPrefix(r, "de") {
		return "eu02"
	}
	return "eu01"
}

var extraStems = []string{"Alder", "Birch", "Copper", "Dune", "Ember", "Flint", "Grove", "Heath"}

// customers returns the sample customers, topped up deterministically when
// Tenants asks for more than Customers holds.
func (s *Server) customers() []sample.Customer {
	cs := s.opts.Customers
	if cs == nil {
		return sample.Customers(s.opts.Tenants, s.seed)
	}
	cs = slices.Clone(cs[:min(len(cs), s.opts.Tenants)])
	types := []string{"usage", "usage", "usage", "term", "usage", "trial"}
	regions := []string{"eu02", "us03", "eu01", "us01", "ca01", "au01"}
	for i := len(cs); i < s.opts.Tenants; i++ {
		cs = append(cs, sample.Customer{
			TenantID:    uuidFrom(s.seed, "extra-tenant", uint64(i)),
			TenantName:  fmt.Sprintf("%s Extra Tenant %d", extraStems[i%len(extraStems)], i),
			BillingType: types[i%len(types)],
			Region:      regions[i%len(regions)],
		})
	}
	return cs
}

func (s *Server) buildTenants() {
	cs := s.customers()
	s.tenants = make([]Tenant, len(cs))
	s.byID = make(map[string]int, len(cs))
	s.plans = make([]usagePlan, len(cs))
	s.paOff = map[string]bool{}
	terms, usages := 0, 0
	for i, c := range cs {
		region := realRegion(c.Region)
		t := Tenant{
			ID: strings.ToLower(c.TenantID), Name: c.TenantName, ShowAs: c.TenantName,
			BillingType: c.BillingType, DataRegion: region, DataGeography: regionGeography[region],
			APIHost: s.RegionURL(region), ContactEmail: "it@" + slug(c.TenantName) + ".example.com",
		}
		if i%6 == 5 {
			t.OrganizationID = uuidFrom(s.seed, "organization", uint64(i))
		}
		s.plans[i] = s.planFor(i, t.BillingType, usages)
		if t.BillingType == "usage" {
			usages++
		}
		t.Products = s.plans[i].codes()
		if t.BillingType == "term" {
			if s.opts.PartnerAssistanceOffTenants == nil && terms%3 == 0 {
				s.paOff[t.ID] = true
			}
			terms++
		}
		s.tenants[i] = t
		s.byID[t.ID] = i
	}
	for _, id := range s.opts.PartnerAssistanceOffTenants {
		s.paOff[strings.ToLower(id)] = true
	}
}

// slug makes a tenant name into a host-name label for contact addresses.
func slug(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' && b.Len() > 0:
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// tenant returns a copy of a tenant with its current Partner Assistance.
func (s *Server) tenant(id string) (Tenant, bool) {
	i, ok := s.byID[id]
	if !ok {
		return Tenant{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tenantLocked(i), true
}

func (s *Server) tenantLocked(i int) Tenant {
	t := s.tenants[i]
	t.Products = slices.Clone(t.Products)
	t.PartnerAssistance = !s.paOff[t.ID]
	t.Reachable = t.BillingType != "trial" && (t.BillingType != "term" || t.PartnerAssistance)
	return t
}

// Tenants returns every tenant in list order.
func (s *Server) Tenants() []Tenant {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Tenant, len(s.tenants))
	for i := range s.tenants {
		out[i] = s.tenantLocked(i)
	}
	return out
}

// SetPartnerAssistance turns Partner Assistance on or off for a tenant and
// reports whether the tenant exists. It only changes access to term
// tenants: usage tenants are always reachable and trials never.
func (s *Server) SetPartnerAssistance(tenantID string, on bool) bool {
	if _, ok := s.byID[tenantID]; !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paOff[tenantID] = !on
	return true
}

// tenantJSON is a Partner API tenant (§7.2).
type tenantJSON struct {
	ID            string      `json:"id"`
	ShowAs        string      `json:"showAs"`
	Name          string      `json:"name"`
	DataGeography string      `json:"dataGeography"`
	DataRegion    string      `json:"dataRegion"`
	BillingType   string      `json:"billingType"`
	Partner       idRef       `json:"partner"`
	Organization  *idRef      `json:"organization,omitempty"`
	APIHost       string      `json:"apiHost"`
	Status        string      `json:"status"`
	Contact       contactJSON `json:"contact"`
	Products      []codeRef   `json:"products"`
}

type idRef struct {
	ID string `json:"id"`
}

type codeRef struct {
	Code string `json:"code"`
}

type contactJSON struct {
	FirstName string      `json:"firstName"`
	LastName  string      `json:"lastName"`
	Email     string      `json:"email"`
	Phone     string      `json:"phone"`
	Address   addressJSON `json:"address"`
}

type addressJSON struct {
	Address1    string `json:"address1"`
	City        string `json:"city"`
	CountryCode string `json:"countryCode"`
	PostalCode  string `json:"postalCode"`
}

func (s *Server) tenantBody(t Tenant) tenantJSON {
	j := tenantJSON{
		ID: t.ID, ShowAs: t.ShowAs, Name: t.Name, DataGeography: t.DataGeography,
		DataRegion: t.DataRegion, BillingType: t.BillingType, Partner: idRef{s.opts.PartnerID},
		APIHost: t.APIHost, Status: "active",
		Contact: contactJSON{
			FirstName: "Alex", LastName: "Admin", Email: t.ContactEmail, Phone: "+1 555 0100",
			Address: addressJSON{Address1: "1 Main Street", City: "Springfield", CountryCode: t.DataGeography, PostalCode: "00000"},
		},
		Products: make([]codeRef, len(t.Products)),
	}
	if t.OrganizationID != "" {
		j.Organization = &idRef{t.OrganizationID}
	}
	for i, c := range t.Products {
		j.Products[i] = codeRef{c}
	}
	return j
}

// handleTenants is GET /partner/v1/tenants with page-number paging.
func (s *Server) handleTenants(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pg, err := parsePageQuery(q, 100)
	if err != nil {
		s.fail(w, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	lo, hi := pg.bounds(len(s.tenants))
	page := make([]Tenant, 0, hi-lo)
	s.mu.Lock()
	for i := lo; i < hi; i++ {
		page = append(page, s.tenantLocked(i))
	}
	s.mu.Unlock()
	items := make([]any, 0, len(page))
	for _, t := range page {
		items = append(items, s.tenantBody(t))
	}
	s.writePage(w, items, pg.pages(len(s.tenants)), q)
}

// handleTenant is GET /partner/v1/tenants/{tenantId}.
func (s *Server) handleTenant(w http.ResponseWriter, r *http.Request) {
	t, ok := s.tenant(strings.ToLower(r.PathValue("tenantId")))
	if !ok {
		s.fail(w, http.StatusNotFound, codeResourceNotFound, "Tenant not found.")
		return
	}
	writeFields(w, s.tenantBody(t), listParam(r.URL.Query(), "fields"))
}
