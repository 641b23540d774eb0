package ticket

import (
	"cmp"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxSummary is the ticket summary limit (doc §9), counted in UTF-16 code
// units as ConnectWise counts characters; that is never fewer than runes.
const MaxSummary = 100

// Summary is the ticket's one-line title: product, alert type in words and
// device, e.g. "Sophos Endpoint: Threat cleanup failed on JOHN-PC". It is
// deterministic, holds no control characters, is valid UTF-8 and fits
// MaxSummary; a longer one is cut at a character boundary with "…".
func Summary(a Alert) string {
	what := TypeWords(a.Type)
	if what == "" {
		what = clean(a.Description)
	}
	if what == "" {
		what = cmp.Or(words(a.Category), "Alert")
	}
	s := "Sophos " + cmp.Or(productWords(a.Product), "Central") + ": " + what
	if dev := clean(a.DeviceName); dev != "" {
		s += " on " + dev
	} else if p := clean(a.PersonName); p != "" {
		s += " for " + p
	}
	return Truncate(s, MaxSummary)
}

// Truncate shortens s to at most max UTF-16 code units, ending it with "…"
// when something was cut. It never splits a rune, and it drops a base
// character together with the combining marks that follow it rather than
// leave a bare base (an "é" written as e + U+0301 is kept or dropped
// whole).
func Truncate(s string, max int) string {
	if utf16Len(s) <= max {
		return s
	}
	if max <= 0 {
		return ""
	}
	runes := []rune(s)
	n, keep := 0, 0
	for keep < len(runes) && n+utf16.RuneLen(runes[keep]) <= max-1 {
		n += utf16.RuneLen(runes[keep])
		keep++
	}
	for keep > 0 && keep < len(runes) && extends(runes[keep]) {
		keep--
	}
	for keep > 0 && runes[keep-1] == '\u200d' { // a zero-width joiner waits for its partner
		keep--
	}
	if keep < len(runes) && isRegional(runes[keep]) { // flags are pairs of regional indicators
		n := 0
		for i := keep - 1; i >= 0 && isRegional(runes[i]); i-- {
			n++
		}
		keep -= n % 2
	}
	return strings.TrimRightFunc(string(runes[:keep]), unicode.IsSpace) + "…"
}

// extends reports runes that belong to the character before them.
func extends(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) || r == '\u200d' ||
		(r >= 0xfe00 && r <= 0xfe0f) || (r >= 0x1f3fb && r <= 0x1f3ff) // variation selectors, skin tones
}

func isRegional(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }

// clean makes free text fit a one-line field: invalid bytes become U+FFFD,
// control characters and line breaks become spaces, runs of spaces shrink
// to one.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		if unicode.In(r, unicode.Cf) && r != '\u200d' { // bidi overrides and other invisible format characters
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// TypeWords turns an alert type into words: "Event::Endpoint::Threat::
// CleanupFailed" reads "Threat cleanup failed". The leading "Event" and
// the product family after it (Endpoint, Firewall, Mobile …, which the
// summary names already) are left out; acronyms keep or get their
// capitals ("PUA detected", "SAV disabled").
func TypeWords(alertType string) string {
	segs := strings.FieldsFunc(clean(alertType), func(r rune) bool { return r == ':' })
	if len(segs) > 1 && strings.EqualFold(segs[0], "Event") {
		segs = segs[1:]
	}
	if len(segs) > 1 {
		segs = segs[1:]
	}
	return words(strings.Join(segs, " "))
}

// acronyms are the abbreviations Sophos types spell in mixed case.
var acronyms = map[string]string{"sav": "SAV", "pua": "PUA", "hmpa": "HMPA", "mtr": "MTR", "mdr": "MDR", "xdr": "XDR",
	"edr": "EDR", "ips": "IPS", "atp": "ATP", "ztna": "ZTNA", "vpn": "VPN", "av": "AV", "ssl": "SSL", "url": "URL"}

// productWords names a product: "emailGateway" → "Email Gateway".
func productWords(product string) string {
	switch strings.ToLower(product) {
	case "", "other":
		return ""
	case "iaas":
		return "IaaS"
	case "ztna":
		return "ZTNA"
	}
	ws := splitWords(clean(product))
	for i, w := range ws {
		ws[i] = capitalise(w)
	}
	return strings.Join(ws, " ")
}

// words splits camel case, underscores and dashes into a sentence: the
// first word capitalised, acronyms kept, the rest lower case.
func words(s string) string {
	ws := splitWords(clean(s))
	for i, w := range ws {
		switch {
		case acronyms[strings.ToLower(w)] != "":
			ws[i] = acronyms[strings.ToLower(w)]
		case isAcronym(w):
		case i == 0:
			ws[i] = capitalise(strings.ToLower(w))
		default:
			ws[i] = strings.ToLower(w)
		}
	}
	return strings.Join(ws, " ")
}

// splitWords splits at spaces, '_' and '-', and inside camel case: before
// an upper-case letter that follows a lower-case one or a digit, and
// before the last capital of an acronym that runs into a word
// ("PUADetected" → "PUA", "Detected").
func splitWords(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '_' || r == '-' }) {
		rs := []rune(f)
		start := 0
		for i := 1; i < len(rs); i++ {
			prev, cur := rs[i-1], rs[i]
			next := rune(0)
			if i+1 < len(rs) {
				next = rs[i+1]
			}
			if unicode.IsUpper(cur) && (unicode.IsLower(prev) || unicode.IsDigit(prev) ||
				(unicode.IsUpper(prev) && unicode.IsLower(next))) {
				out = append(out, string(rs[start:i]))
				start = i
			}
		}
		out = append(out, string(rs[start:]))
	}
	return out
}

func isAcronym(w string) bool {
	n := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) {
			n++
		}
	}
	return n > 1
}

func capitalise(w string) string {
	r, size := utf8.DecodeRuneInString(w)
	if size == 0 {
		return w
	}
	return string(unicode.ToUpper(r)) + w[size:]
}
