// Package sample generates the demo's customers once, so that the Sophos
// emulator's tenants and the ConnectWise emulator's companies describe the
// same MSP. The names are chosen to exercise auto-mapping: the ConnectWise
// spelling differs from the Sophos one by case, "&" versus "and",
// punctuation and legal suffixes; a few tenants have no company, and two
// match more than one company.
package sample

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Customer is one MSP customer as both vendors know it.
type Customer struct {
	TenantID    string // Sophos tenant id (a UUID)
	TenantName  string // the name in Sophos Central
	BillingType string // "usage", "term" or "trial"
	Region      string // Sophos data region, e.g. "eu02"
	// CompanyName is the ConnectWise company's name; "" means the customer
	// has no company in ConnectWise.
	CompanyName       string
	CompanyIdentifier string
	// Ambiguous marks a customer whose name also matches an extra company,
	// so auto-mapping must leave it for a person.
	Ambiguous bool
}

// Company is a ConnectWise company with no Sophos tenant of its own.
type Company struct {
	Name       string
	Identifier string
	Deleted    bool
}

var stems = []string{
	"Acme", "Bluebird", "Cedar", "Dolomiti", "Evergreen", "Fjord", "Granite", "Harbour",
	"Iris", "Juniper", "Kestrel", "Lagoon", "Meridian", "Nimbus", "Orchard", "Pinnacle",
	"Quarry", "Riverside", "Summit", "Tidewater", "Umbra", "Vantage", "Willow", "Xenon",
	"Yarrow", "Zephyr", "Aurora", "Beacon", "Cobalt", "Delta",
}

var trades = []string{
	"Dental", "Logistics", "Bakery", "Law", "Accounting", "Engineering", "Clinic",
	"Architects", "Motors", "Hotels", "Media", "Farms",
}

var regions = []string{"eu02", "eu01", "us03", "us01", "jp01", "ca01", "au01"}

// suffix pairs: the Sophos spelling and the ConnectWise spelling.
var suffixes = [][2]string{
	{"Ltd", "Limited"}, {"Inc.", "Inc"}, {"LLC", ""}, {"GmbH", "GmbH"}, {"S.r.l.", "SRL"},
	{"S.p.A.", "SpA"}, {"B.V.", "BV"}, {"Pty Ltd", "Pty. Ltd."}, {"", "Ltd"}, {"", ""},
}

// Customers returns n customers, the same for the same n and seed. Names
// are unique across the result.
func Customers(n int, seed uint64) []Customer {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	out := make([]Customer, 0, n)
	for i := range n {
		c := Customer{TenantID: uuid(rng), Region: regions[i%len(regions)]}
		c.BillingType = billingType(i)
		base := baseName(i)
		sfx := suffixes[i%len(suffixes)]
		c.TenantName = join(base, sfx[0])
		c.CompanyName = companySpelling(base, sfx[1], i)
		c.CompanyIdentifier = identifier(base, i)
		switch {
		case i%29 == 7: // no company in ConnectWise
			c.CompanyName, c.CompanyIdentifier = "", ""
		case i == 3 || i == 11: // also matched by an extra company
			c.Ambiguous = true
		}
		out = append(out, c)
	}
	return out
}

// ExtraCompanies returns the ConnectWise companies that have no tenant: a
// duplicate for each ambiguous customer among the first n, a deleted
// company, and a few unrelated ones.
func ExtraCompanies(seed uint64) []Company {
	out := []Company{
		{Name: companySpelling(baseName(3), "Inc", 3), Identifier: identifier(baseName(3), 3) + "2"},
		{Name: strings.ToUpper(baseName(11)), Identifier: identifier(baseName(11), 11) + "2"},
		{Name: "Old Ventures Ltd", Identifier: "OldVentures", Deleted: true},
		{Name: "Internal IT", Identifier: "InternalIT"},
		{Name: "Walk-in Customers", Identifier: "WalkIn"},
	}
	_ = seed // the set is fixed; the seed is kept for symmetry with Customers
	return out
}

func billingType(i int) string {
	switch {
	case i%10 == 8:
		return "term"
	case i%10 == 9:
		return "trial"
	}
	return "usage"
}

// baseName makes the i-th distinct business name; every third one has an
// ampersand, the case the docs warn about in conditions and matching.
func baseName(i int) string {
	stem := stems[i%len(stems)]
	trade := trades[(i/len(stems))%len(trades)]
	name := stem + " " + trade
	if i%3 == 0 {
		name = stem + " & Sons " + trade
	}
	if round := i / (len(stems) * len(trades)); round > 0 {
		name = fmt.Sprintf("%s %d", name, round+1)
	}
	return name
}

// companySpelling is how the MSP typed the same customer into ConnectWise.
func companySpelling(base, suffix string, i int) string {
	name := base
	if i%3 == 0 {
		name = strings.Replace(name, "&", "and", 1)
	}
	if i%4 == 1 {
		name = strings.ToUpper(name)
	}
	if i%5 == 2 {
		name = strings.ReplaceAll(name, " ", "  ")
	}
	return join(name, suffix)
}

func identifier(base string, i int) string {
	var b strings.Builder
	for _, r := range base {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	s := b.String()
	if len(s) > 20 {
		s = s[:20]
	}
	return fmt.Sprintf("%s%d", s, i)
}

func join(name, suffix string) string {
	if suffix == "" {
		return name
	}
	return name + " " + suffix
}

func uuid(rng *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
