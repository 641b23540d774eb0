package mapping

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Acme Dental", "acme dental"},
		{"  ACME   dental  ", "acme dental"},
		{"Acme\tDental\n", "acme dental"},
		{"Smith & Sons", "smith and sons"},
		{"Smith&Sons", "smith and sons"},
		{"Smith and Sons", "smith and sons"},
		{"Acme Ltd", "acme"},
		{"Acme Limited", "acme"},
		{"Acme, Inc.", "acme"},
		{"Acme LLC", "acme"},
		{"Müller GmbH", "muller"},
		{"Mu\u0308ller GmbH", "muller"}, // decomposed ü
		{"Dolomiti S.r.l.", "dolomiti"},
		{"Dolomiti SRL", "dolomiti"},
		{"Dolomiti S.p.A.", "dolomiti"},
		{"Dolomiti SpA", "dolomiti"},
		{"Fjord B.V.", "fjord"},
		{"Fjord BV", "fjord"},
		{"Harbour Pty Ltd", "harbour"},
		{"Harbour Pty. Ltd.", "harbour"},
		{"Harbour Holdings Ltd Limited", "harbour holdings"},
		{"Smith & Co.", "smith"},
		{"Smith and Company Ltd", "smith"},
		{"Joe's Bakery", "joes bakery"},
		{"Joe’s Bakery", "joes bakery"},
		{"A.B.C. Plumbing", "abc plumbing"},
		{"ABC Plumbing", "abc plumbing"},
		{"Unit 4 5", "unit 4 5"},
		{"Straße AG", "strasse"},
		{"Crème-Brûlée (Paris) SARL", "creme brulee paris"},
		{"Limited", "limited"},
		{"Ltd. Ltd.", "ltd"},
		{"Acme &", "acme and"},
		{"!!!", ""},
		{"", ""},
		{"Acme-Dental", "acme dental"},
		{"ΑΘΗΝΑ Α.Ε.", "αθηνα αε"},
		{"Acme\xffDental", "acme dental"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNormalizeSpellings checks that each pair of spellings an MSP might
// use for one customer meets, and that distinct businesses stay apart.
func TestNormalizeSpellings(t *testing.T) {
	t.Parallel()
	same := [][2]string{
		{"Acme & Sons Dental Ltd", "ACME and Sons  Dental Limited"},
		{"Bluebird Logistics Inc.", "Bluebird Logistics Inc"},
		{"Cedar Bakery S.r.l.", "CEDAR BAKERY SRL"},
		{"Evergreen Law B.V.", "Evergreen  Law BV"},
		{"Fjord Pty Ltd", "Fjord Pty. Ltd."},
		{"Zürich Treuhand AG", "Zurich Treuhand"},
	}
	for _, p := range same {
		if a, b := Normalize(p[0]), Normalize(p[1]); a != b {
			t.Errorf("%q → %q and %q → %q should be equal", p[0], a, p[1], b)
		}
	}
	different := [][2]string{
		{"Acme Dental", "Acme Dental Care"},
		{"Unit 45", "Unit 4 5"},
		{"Acme Dental", "Acme Medical"},
	}
	for _, p := range different {
		if a, b := Normalize(p[0]), Normalize(p[1]); a == b {
			t.Errorf("%q and %q both normalize to %q", p[0], p[1], a)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Acme & Sons Ltd", "S.p.A.", "Müller GmbH", "a b c", "Ltd Ltd", "x & co", "İstanbul", "\xff\xfe", "ǅemal", "and co"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := Normalize(in)
		if !utf8.ValidString(got) {
			t.Fatalf("Normalize(%q) = %q is not valid UTF-8", in, got)
		}
		if strings.TrimSpace(got) != got || strings.Contains(got, "  ") {
			t.Fatalf("Normalize(%q) = %q has stray spaces", in, got)
		}
		if again := Normalize(got); again != got {
			t.Fatalf("not idempotent: Normalize(%q) = %q, Normalize(%q) = %q", in, got, got, again)
		}
		for _, r := range got {
			if unicode.ToLower(r) != r {
				t.Fatalf("Normalize(%q) = %q keeps upper-case %q", in, got, r)
			}
		}
	})
}
