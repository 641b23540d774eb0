package ticket

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestDescriptionBounded: an alert carrying megabytes of text still gives
// a description and notes a server accepts, each free text cut to MaxText
// and the closing line kept.
func TestDescriptionBounded(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("x", 10<<20)
	for name, a := range map[string]Alert{
		"Description": {ID: "a1", Description: huge},
		"DeviceName":  {ID: "a1", DeviceName: huge, DeviceID: "d1", DeviceType: "computer"},
		"PersonName":  {ID: "a1", PersonName: strings.Repeat("é", 5<<20)},
		"Everything":  {ID: huge, Type: huge, Category: huge, Product: huge, TenantName: huge, Description: huge, DeviceName: huge},
	} {
		d := Description(a)
		if len(d) > 12*4*MaxText || !utf8.ValidString(d) || !strings.Contains(d, "Opened by centralpsa") {
			t.Errorf("%s: description of %d bytes (valid %v, closing line %v)", name, len(d), utf8.ValidString(d), strings.Contains(d, "Opened by centralpsa"))
		}
		if n := occurrences([]Alert{a}); len(n) > 2*4*MaxText {
			t.Errorf("%s: occurrence line of %d bytes", name, len(n))
		}
	}
	short := Alert{Description: "Threat cleanup failed", DeviceName: "PC-1"}
	if d := Description(short); !strings.HasPrefix(d, "Threat cleanup failed\n\n") || !strings.Contains(d, "Device: PC-1\n") {
		t.Errorf("short texts changed:\n%s", d)
	}
}

// FuzzBound: bound keeps short text as it is, never returns more than
// MaxText code units, and cuts only where Truncate would. Long inputs are
// built by repeating a short one, which keeps the fuzzer fast.
func FuzzBound(f *testing.F) {
	for _, s := range []string{"", "abc", "€", "𝄞", "e\u0301", "\xff"} {
		f.Add(s, uint16(0))
		f.Add(s, uint16(MaxText+1))
	}
	f.Fuzz(func(t *testing.T, part string, times uint16) {
		s := strings.Repeat(part, int(times)%(4*MaxText+2)+1)
		got := bound(s)
		if utf16Len(got) > MaxText {
			t.Fatalf("bound gave %d code units", utf16Len(got))
		}
		if utf16Len(s) <= MaxText && got != s {
			t.Fatalf("bound changed a short text: %q → %q", s, got)
		}
		if utf8.ValidString(s) && got != Truncate(s, MaxText) {
			t.Fatalf("bound(%q) = %q, Truncate gives %q", s, got, Truncate(s, MaxText))
		}
	})
}
