package i18n

import (
	"testing"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	t.Parallel()
	if len(Languages()) < 2 {
		t.Fatalf("languages: %v", Languages())
	}
	for _, m := range Missing() {
		t.Errorf("missing message: %s", m)
	}
	for _, lang := range Languages() {
		for _, k := range Keys(lang) {
			if catalogs[lang][k] == "" {
				t.Errorf("%s: %s is empty", lang, k)
			}
		}
	}
}

func TestT(t *testing.T) {
	t.Parallel()
	tests := []struct{ lang, key, want string }{
		{"en", "nav.setup", "Setup"},
		{"it", "nav.setup", "Configurazione"},
		{"fr", "nav.setup", "Setup"},
		{"it", "no.such.key", "no.such.key"},
	}
	for _, tt := range tests {
		if got := T(tt.lang, tt.key); got != tt.want {
			t.Errorf("T(%q, %q) = %q, want %q", tt.lang, tt.key, got, tt.want)
		}
	}
	if got := T("it", "doctor.summary", 3, 1, 0); got != "3 controlli: 1 falliti, 0 avvisi." {
		t.Errorf("formatted: %q", got)
	}
}

func TestNegotiate(t *testing.T) {
	t.Parallel()
	tests := []struct{ header, want string }{
		{"", "en"},
		{"it", "it"},
		{"it-IT,it;q=0.9,en;q=0.8", "it"},
		{"IT-ch", "it"},
		{"en-GB, it;q=0.9", "en"},
		{"de, fr;q=0.9", "en"},
		{"de, it;q=0.2", "it"},
		{"en;q=0.1, it;q=0.5", "it"},
		{"it;q=0", "en"},
		{"it;q=abc, en", "en"},
		{"it;q=2", "en"},
		{"*", "en"},
	}
	for _, tt := range tests {
		if got := Negotiate(tt.header); got != tt.want {
			t.Errorf("Negotiate(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

// Property: whatever the header, Negotiate returns a supported language.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "it-IT,it;q=0.9", "en;q=", ";;,,q=1", "it;q=0.5;x=y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		if got := Negotiate(header); !Supported(got) {
			t.Fatalf("Negotiate(%q) = %q, not a supported language", header, got)
		}
	})
}
