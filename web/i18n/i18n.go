// Package i18n holds the console's messages, one catalog per language
// (en.go, it.go), and picks a language for a request. Keys are dotted
// names; a message with arguments is a fmt format. Keeping every message
// of a language in one file lets a translator work without reading code,
// and a test checks that the catalogs have the same keys.
package i18n

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Default is the language used when nothing else matches.
const Default = "en"

var catalogs = map[string]map[string]string{
	"en": en,
	"it": it,
}

// Languages lists the supported language tags, sorted.
func Languages() []string {
	out := make([]string, 0, len(catalogs))
	for l := range catalogs {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// Supported reports whether lang has a catalog.
func Supported(lang string) bool {
	_, ok := catalogs[lang]
	return ok
}

// Keys returns the keys of lang's catalog, sorted (for tests).
func Keys(lang string) []string {
	out := make([]string, 0, len(catalogs[lang]))
	for k := range catalogs[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Has reports whether key is in the default catalog.
func Has(key string) bool {
	_, ok := catalogs[Default][key]
	return ok
}

// T returns the message for key in lang, formatted with args. A key
// missing from lang falls back to English, and a key missing everywhere
// is returned as is, so a gap shows on the page instead of breaking it.
func T(lang, key string, args ...any) string {
	msg, ok := catalogs[lang][key]
	if !ok {
		if msg, ok = catalogs[Default][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Negotiate picks the supported language that an Accept-Language header
// prefers, or Default. Region subtags are ignored ("it-CH" is "it").
func Negotiate(header string) string {
	best, bestQ := Default, 0.0
	for part := range strings.SplitSeq(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		if q > bestQ && Supported(base) {
			best, bestQ = base, q
		}
	}
	return best
}

// Missing returns the keys one catalog has and another lacks, as
// "lang: key" lines.
func Missing() []string {
	var out []string
	for _, a := range Languages() {
		for _, b := range Languages() {
			for k := range catalogs[a] {
				if _, ok := catalogs[b][k]; !ok {
					out = append(out, b+": "+k)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}
