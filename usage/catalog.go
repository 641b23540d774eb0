package usage

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"

	"centralpsa"
)

// MaxIdentifier is the catalog identifier length we keep to: 60 is the
// limit before ConnectWise 2025.1 (75 after), so it fits every server.
const MaxIdentifier = 60

// MaxDescription is ConnectWise's limit for a catalog item's description.
const MaxDescription = 60

// product is one row of the default table.
type product struct{ identifier, description string }

// defaultProducts maps Sophos productCodes to the catalog identifiers
// Sophos's own integration uses (contract.md; the pairing is ours). Keys
// are upper case; lookups fold case.
var defaultProducts = map[string]product{
	"CIXA-MSP":           {"Sophos_Intercept_X_Advanced", "Sophos Central Intercept X Advanced"},
	"XDR-MSP":            {"Sophos_Intercept_X_Advanced_XDR", "Sophos Central Intercept X Advanced with XDR"},
	"CIXAXDR-MSP":        {"Sophos_Intercept_X_Advanced_XDR", "Sophos Central Intercept X Advanced with XDR"},
	"CIXAMTR-STD-MSP":    {"Sophos_MTR_Standard", "Intercept X Advanced with XDR and MTR Standard"},
	"CIXAMTR-ADV-MSP":    {"Sophos_MTR_Advanced", "Intercept X Advanced with XDR and MTR Advanced"},
	"SVRCLOUDADV-MSP":    {"Sophos_Intercept_X_Adv_Srv", "Sophos Central Server Intercept X Advanced for Server"},
	"SVRCIXAXDR-MSP":     {"Sophos_Intercept_X_Adv_Srv_XDR", "Sophos Central Intercept X Advanced for Server with XDR"},
	"SVRCIXAMTR-STD-MSP": {"Sophos_MTR_Standard_Srv", "Intercept X Advanced for Server with XDR and MTR Standard"},
	"SVRCIXAMTR-ADV-MSP": {"Sophos_MTR_Advanced_Srv", "Intercept X Advanced for Server with XDR and MTR Advanced"},
	"CDE-MSP":            {"Sophos_Device_Encryption", "Sophos Central Device Encryption"},
	"CPHISH-MSP":         {"Sophos_Central_Phish_Threat", "Sophos Central Phish Threat"},
	"CMS-MSP":            {"Sophos_Mobile_Standard", "Sophos Central Mobile Control Standard"},
	"CMA-MSP":            {"Sophos_Mobile_Advanced", "Sophos Central Mobile Control Advanced"},
	"CEMA-PE-ADDON-MSP":  {"Sophos_Email_Portal_Encryption", "Sophos Central Portal Encryption Add-on for Email Advanced"},
}

// DefaultIdentifier is the catalog identifier for a productCode when the
// user has not mapped it: the table above, else "Sophos_" + the code with
// every character outside [A-Za-z0-9] replaced by "_". A result longer than
// MaxIdentifier is cut and given an 8-hex-digit hash of the code, so two
// long codes sharing a prefix still get different identifiers.
func DefaultIdentifier(code string) string {
	if p, ok := defaultProducts[strings.ToUpper(code)]; ok {
		return p.identifier
	}
	var b strings.Builder
	b.Grow(len("Sophos_") + len(code))
	b.WriteString("Sophos_")
	for _, r := range code {
		if r < utf8.RuneSelf && (r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	id := b.String()
	if len(id) <= MaxIdentifier {
		return id
	}
	sum := sha256.Sum256([]byte(code))
	return id[:MaxIdentifier-9] + "_" + hex.EncodeToString(sum[:4])
}

// Description is the description for a catalog item created for code:
// the default table's (Sophos's own wording, so our items look like the
// ones its integration makes), else the billing line's productDescription,
// else "Sophos " + code; one line of plain text (the report's text comes
// from Sophos and reaches invoices), at most MaxDescription characters,
// never cut inside a character.
func Description(code, productDescription string) string {
	d := defaultProducts[strings.ToUpper(code)].description
	if d == "" {
		d = oneLine(productDescription)
	}
	if d == "" {
		d = oneLine("Sophos " + code)
	}
	return truncate(d, MaxDescription)
}

// oneLine makes text fit a one-line field: invalid bytes become U+FFFD,
// control characters and line breaks become spaces, invisible format
// characters (bidi overrides among them) are dropped, and runs of spaces
// shrink to one.
func oneLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029':
			return ' '
		case unicode.In(r, unicode.Cf) && r != '\u200d':
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// truncate keeps the first n characters of s and makes it valid UTF-8.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, count := 0, 0
	for i := range s {
		if count == n {
			cut = i
			break
		}
		count++
	}
	return strings.TrimRight(s[:cut], " ")
}

// Products resolves productCodes to catalog identifiers: the user's
// overrides first, then DefaultIdentifier. Build it with NewProducts.
type Products struct {
	overrides map[string]string // upper-case code → identifier
	managed   map[string]bool   // lower-case identifier
}

// NewProducts validates the user's overrides (productCode → identifier).
// An identifier must be non-empty and at most MaxIdentifier characters.
func NewProducts(overrides map[string]string) (Products, error) {
	p := Products{overrides: make(map[string]string, len(overrides)), managed: make(map[string]bool, len(defaultProducts)+len(overrides))}
	for _, d := range defaultProducts {
		p.managed[strings.ToLower(d.identifier)] = true
	}
	for code, id := range overrides {
		id = strings.TrimSpace(id)
		switch {
		case strings.TrimSpace(code) == "":
			return Products{}, centralpsa.Errorf(centralpsa.KindInvalid, "product mapping has an empty product code")
		case id == "":
			return Products{}, centralpsa.Errorf(centralpsa.KindInvalid, "product mapping for %.40q has an empty catalog identifier", code)
		case utf8.RuneCountInString(id) > MaxIdentifier:
			return Products{}, centralpsa.Errorf(centralpsa.KindInvalid, "catalog identifier %.80q for %.40q is longer than %d characters", id, code, MaxIdentifier)
		case !plain(code) || !plain(id):
			return Products{}, centralpsa.Errorf(centralpsa.KindInvalid,
				"product mapping %.40q → %.80q: the product code and the catalog identifier must be plain text, without control or invisible characters", code, id)
		}
		p.overrides[strings.ToUpper(code)] = id
		p.managed[strings.ToLower(id)] = true
	}
	return p, nil
}

// plain reports valid UTF-8 without control or invisible format
// characters: what a product code or catalog identifier may hold.
func plain(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || unicode.In(r, unicode.Cf) || r == '\u2028' || r == '\u2029'
	})
}

// Identifier is the catalog identifier that bills code.
func (p Products) Identifier(code string) string {
	if id, ok := p.overrides[strings.ToUpper(code)]; ok {
		return id
	}
	return DefaultIdentifier(code)
}

// Managed reports whether identifier is in the product table (defaults or
// overrides), compared without regard to case as ConnectWise does.
func (p Products) Managed(identifier string) bool {
	return p.managed[strings.ToLower(identifier)]
}
