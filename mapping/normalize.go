package mapping

import (
	"strings"
	"unicode"
)

// Normalize reduces a company name to the form two spellings of the same
// business share: lower case, common Latin accents folded ("Müller" and
// "Muller"), "&" read as "and", apostrophes dropped ("Joe's" = "Joes"), any
// other punctuation turned into a space, runs of single letters joined so
// that dotted abbreviations meet their undotted form ("S.p.A." = "SpA"),
// and trailing legal suffixes removed ("Acme Pty. Ltd." = "ACME"). The
// result has single spaces and no leading or trailing space, and
// Normalize(Normalize(x)) == Normalize(x).
//
// A name made only of a suffix ("Limited") keeps it rather than becoming
// empty, so it can still match itself.
func Normalize(name string) string {
	tokens := stripSuffixes(joinInitials(tokenize(name)))
	return strings.Join(tokens, " ")
}

// tokenize splits a name into lower-case folded words.
func tokenize(name string) []string {
	var tokens []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			tokens = append(tokens, b.String())
			b.Reset()
		}
	}
	for _, r := range name {
		switch {
		case r == '&':
			flush()
			tokens = append(tokens, "and")
		case isApostrophe(r) || unicode.Is(unicode.Mn, r):
			// Dropped without splitting: "Joe's", and the combining marks of
			// a decomposed "é", belong to the word around them.
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mc, unicode.Me):
			// Spacing marks (vowel signs in Indic scripts) are part of the
			// word; only the non-spacing accents above are dropped.
			r = unicode.ToLower(r)
			if f, ok := accentFold[r]; ok {
				b.WriteString(f)
			} else {
				b.WriteRune(r)
			}
		default:
			flush()
		}
	}
	flush()
	return tokens
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '\u2019' || r == '\u02bc' || r == '`' || r == '\u00b4'
}

// joinInitials merges every run of two or more one-letter words: "s r l"
// (from "S.r.l.") becomes "srl", "b v" becomes "bv". Digits are left alone
// so "Unit 4 5" keeps its numbers apart.
func joinInitials(tokens []string) []string {
	out := tokens[:0]
	for i := 0; i < len(tokens); {
		j := i
		for j < len(tokens) && isInitial(tokens[j]) {
			j++
		}
		if j-i >= 2 {
			out = append(out, strings.Join(tokens[i:j], ""))
			i = j
			continue
		}
		out = append(out, tokens[i])
		i++
	}
	return out
}

func isInitial(tok string) bool {
	r := []rune(tok)
	return len(r) == 1 && unicode.IsLetter(r[0])
}

// legalSuffixes are company-form words removed from the end of a name, after
// joinInitials (so "s.p.a." arrives as "spa"). Words that are also common
// English ("as") are left out on purpose.
var legalSuffixes = map[string]bool{
	"ltd": true, "limited": true, "inc": true, "incorporated": true,
	"llc": true, "llp": true, "lp": true, "plc": true, "pty": true, "pte": true,
	"corp": true, "corporation": true, "co": true, "company": true,
	"gmbh": true, "mbh": true, "ag": true, "kg": true, "ohg": true,
	"srl": true, "spa": true, "sas": true, "sarl": true, "sa": true, "sl": true, "sro": true,
	"bv": true, "nv": true, "ab": true, "oy": true, "aps": true,
}

// stripSuffixes removes trailing legal suffixes, and the "and" of "& Co",
// while more than one word remains.
func stripSuffixes(tokens []string) []string {
	for len(tokens) > 1 {
		last := tokens[len(tokens)-1]
		if !legalSuffixes[last] {
			break
		}
		tokens = tokens[:len(tokens)-1]
		if (last == "co" || last == "company") && len(tokens) > 1 && tokens[len(tokens)-1] == "and" {
			tokens = tokens[:len(tokens)-1]
		}
	}
	return tokens
}

// accentFold maps accented lower-case Latin letters to plain ASCII. A small
// table instead of Unicode decomposition keeps the package free of
// dependencies; decomposed input is handled by dropping combining marks.
var accentFold = func() map[rune]string {
	pairs := []struct{ from, to string }{
		{"àáâãäåāăą", "a"}, {"çćĉċč", "c"}, {"ďđ", "d"}, {"èéêëēĕėęě", "e"},
		{"ĝğġģ", "g"}, {"ĥħ", "h"}, {"ìíîïĩīĭįı", "i"}, {"ĵ", "j"}, {"ķ", "k"},
		{"ĺļľŀł", "l"}, {"ñńņňŉ", "n"}, {"òóôõöøōŏő", "o"}, {"ŕŗř", "r"},
		{"śŝşšș", "s"}, {"ţťŧț", "t"}, {"ùúûüũūŭůűų", "u"}, {"ŵ", "w"},
		{"ýÿŷ", "y"}, {"źżž", "z"}, {"ß", "ss"}, {"æ", "ae"}, {"œ", "oe"},
		{"þ", "th"}, {"ð", "d"},
	}
	m := make(map[rune]string)
	for _, p := range pairs {
		for _, r := range p.from {
			m[r] = p.to
		}
	}
	return m
}()
