package ticket

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSummary(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Überwachungs-Gerät ", 12)
	tests := []struct {
		name string
		in   Alert
		want string
	}{
		{"Endpoint", Alert{Type: "Event::Endpoint::OutOfDate", Product: "endpoint", DeviceName: "JOHN-PC"},
			"Sophos Endpoint: Out of date on JOHN-PC"},
		{"NestedType", Alert{Type: "Event::Endpoint::Threat::CleanupFailed", Product: "endpoint", DeviceName: "JOHN-PC"},
			"Sophos Endpoint: Threat cleanup failed on JOHN-PC"},
		{"AcronymKept", Alert{Type: "Event::Endpoint::PUADetected", Product: "endpoint", DeviceName: "pc1"},
			"Sophos Endpoint: PUA detected on pc1"},
		{"ProductSegmentInsideWordKept", Alert{Type: "Event::Firewall::FirewallGatewayDown", Product: "firewall", DeviceName: "XG-1"},
			"Sophos Firewall: Firewall gateway down on XG-1"},
		{"KnownAcronym", Alert{Type: "Event::Endpoint::SavDisabled", Product: "server", DeviceName: "SRV"},
			"Sophos Server: SAV disabled on SRV"},
		{"CamelProduct", Alert{Type: "Event::Email::MessageQuarantined", Product: "emailGateway"},
			"Sophos Email Gateway: Message quarantined"},
		{"PersonWhenNoDevice", Alert{Type: "Event::Phish::LinkClicked", Product: "phishThreat", PersonName: "Ann Lee"},
			"Sophos Phish Threat: Link clicked for Ann Lee"},
		{"TypeWithoutFamily", Alert{Type: "HeartbeatMissing", Product: "endpoint", DeviceName: "PC"},
			"Sophos Endpoint: Heartbeat missing on PC"},
		{"DescriptionWhenNoType", Alert{Product: "other", Description: "Something\nodd\thappened"},
			"Sophos Central: Something odd happened"},
		{"CategoryWhenNothingElse", Alert{Category: "systemHealth"}, "Sophos Central: System health"},
		{"Bare", Alert{}, "Sophos Central: Alert"},
		{"LongDeviceCut", Alert{Type: "Event::Endpoint::OutOfDate", Product: "endpoint", DeviceName: long},
			Truncate("Sophos Endpoint: Out of date on "+strings.TrimSpace(long), MaxSummary)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Summary(tt.in)
			if got != tt.want {
				t.Fatalf("Summary = %q, want %q", got, tt.want)
			}
			checkSummary(t, got)
		})
	}
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"Fits", "abc", 3, "abc"},
		{"Cut", "abcdef", 4, "abc…"},
		{"TrailingSpaceDropped", "ab cdef", 4, "ab…"},
		{"CombiningMarkStaysWithBase", "abe\u0301f", 4, "ab…"},
		{"PrecomposedKept", "abé!f", 4, "abé…"},
		{"EmojiCountsTwice", "a😀bcd", 3, "a…"},
		{"EmojiFits", "a😀bcd", 4, "a😀…"},
		{"FlagNotSplit", "a🇩🇪🇫🇷x", 8, "a🇩🇪…"},
		{"JoinerNotLeftDangling", "ab👩\u200d💻xyz", 6, "ab👩…"},
		{"Zero", "abc", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Truncate(tt.in, tt.max); got != tt.want {
				t.Fatalf("Truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}

// checkSummary asserts what ConnectWise needs of a summary.
func checkSummary(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("summary %q is not valid UTF-8", s)
	}
	if n := utf16Len(s); n > MaxSummary {
		t.Fatalf("summary %q is %d UTF-16 units long", s, n)
	}
	if n := utf8.RuneCountInString(s); n > MaxSummary {
		t.Fatalf("summary %q is %d characters long", s, n)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			t.Fatalf("summary %q holds control character %U", s, r)
		}
	}
}

func FuzzSummary(f *testing.F) {
	f.Add("Event::Endpoint::OutOfDate", "endpoint", "JOHN-PC", "JOHN-PC is out of date.")
	f.Add("", "", "", strings.Repeat("Überwachung 监控 🇩🇪 e\u0301 ", 20))
	f.Add("Event::X::\xff\xfe", "ema\x00il", strings.Repeat("😀", 60), "line\r\nbreak")
	f.Fuzz(func(t *testing.T, typ, product, device, desc string) {
		a := Alert{Type: typ, Product: product, DeviceName: device, Description: desc, PersonName: desc}
		got := Summary(a)
		checkSummary(t, got)
		if again := Summary(a); again != got {
			t.Fatalf("Summary is not deterministic: %q then %q", got, again)
		}
		if got == "" {
			t.Fatal("empty summary")
		}
	})
}

func FuzzTruncate(f *testing.F) {
	f.Add("abé!f", 4)
	f.Add("a🇩🇪🇫🇷x", 8)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if !utf8.ValidString(s) || max < 0 || max > 500 {
			t.Skip()
		}
		got := Truncate(s, max)
		if !utf8.ValidString(got) || utf16Len(got) > max {
			t.Fatalf("Truncate(%q, %d) = %q", s, max, got)
		}
		if utf16Len(s) <= max && got != s {
			t.Fatalf("Truncate(%q, %d) changed a string that fits: %q", s, max, got)
		}
		if cut := strings.TrimSuffix(got, "…"); cut != got && !strings.HasPrefix(s, cut) {
			t.Fatalf("Truncate(%q, %d) = %q is not a prefix of the input", s, max, got)
		}
	})
}
