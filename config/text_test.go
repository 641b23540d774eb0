package config

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestCheckText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value string
		ok    bool
	}{
		{"Sophos Alerts – Düsseldorf", true},
		{"警报 👩\u200d💻", true},
		{"  pasted-key\n", true}, // trimmed on use
		{strings.Repeat("a", MaxValue), true},
		{strings.Repeat("a", MaxValue+1), false},
		{"a\x00b", false},
		{"a\r\nb", false},
		{"\x1b[31m", false},
		{"a\u202eb", false},
		{"a\u2028b", false},
		{"a\xffb", false},
	}
	for _, tt := range tests {
		if err := checkText(tt.value); (err == nil) != tt.ok {
			t.Errorf("checkText(%.40q) = %v, want ok=%v", tt.value, err, tt.ok)
		}
	}
}

// FuzzValidateValue: whatever a setting accepts is one line of valid text
// of at most MaxValue bytes, and a refusal names the key without echoing
// a huge value.
func FuzzValidateValue(f *testing.F) {
	for _, s := range []string{"", "nightly", "https://x.example", "a\x00", "\u202e", strings.Repeat("ab", 1100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, def := range Registry {
			err := ValidateValue(def.Key, v)
			if err != nil {
				if !strings.Contains(err.Error(), def.Key) || len(err.Error()) > len(def.Key)+MaxValue+200 {
					t.Fatalf("%s: refusal %.200q does not name the key or is too long", def.Key, err)
				}
				continue
			}
			s := strings.TrimSpace(v)
			if len(s) > MaxValue || !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl) {
				t.Fatalf("%s accepted %q", def.Key, v)
			}
		}
	})
}
