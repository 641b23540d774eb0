package usage

import (
	"testing"
	"time"
)

func TestParseMonth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Month
		ok   bool
	}{
		{"2026-03", Month{2026, time.March}, true},
		{"1999-12", Month{1999, time.December}, true},
		{"2026-3", Month{}, false},
		{"2026-13", Month{}, false},
		{"03-2026", Month{}, false},
		{"", Month{}, false},
	}
	for _, tt := range tests {
		got, err := ParseMonth(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseMonth(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if m := (Month{2026, time.January}); m.String() != "2026-01" || m.FirstDay() != "2026-01-01" {
		t.Errorf("formatting: %s %s", m, m.FirstDay())
	}
	if got := MonthOf(time.Date(2026, 2, 28, 23, 30, 0, 0, time.FixedZone("x", -3600))); got != (Month{2026, time.March}) {
		t.Errorf("MonthOf uses UTC: got %v", got)
	}
}

func FuzzParseMonth(f *testing.F) {
	f.Add("2026-03")
	f.Add("0000-00")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMonth(s)
		if err != nil {
			if m != (Month{}) {
				t.Fatalf("ParseMonth(%q) returned %v with an error", s, m)
			}
			return
		}
		again, err := ParseMonth(m.String())
		if err != nil || again != m {
			t.Fatalf("ParseMonth(%q) = %v does not round-trip: %v, %v", s, m, again, err)
		}
	})
}
