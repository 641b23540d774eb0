package bench

import (
	"strings"
	"testing"
	"time"
)

func TestBound(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name        string
		cw, sophos  int
		cwRate, soR int
		latency     time.Duration
		conc        int
		want        time.Duration
	}{
		{"RateDominates", 6000, 0, 6000, 0, 20 * time.Millisecond, 6, time.Minute},
		{"LatencyDominates", 600, 0, 60000, 0, 20 * time.Millisecond, 6, 2 * time.Second},
		{"NoLimitNoLatency", 600, 600, 0, 0, 0, 6, 0},
		{"SlowerUpstreamWins", 100, 300, 6000, 600, 0, 6, 30 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := Config{CWRatePerMinute: tt.cwRate, SophosRatePerMinute: tt.soR, Latency: tt.latency, Concurrency: tt.conc}
			if got := (Minimum{ConnectWise: tt.cw, Sophos: tt.sophos}).Bound(cfg); got != tt.want {
				t.Errorf("Bound = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPagesAndEvery(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ n, size, want int }{{0, 100, 1}, {1, 100, 1}, {100, 100, 1}, {101, 100, 2}, {20000, 1000, 20}} {
		if got := pages(tt.n, tt.size); got != tt.want {
			t.Errorf("pages(%d, %d) = %d, want %d", tt.n, tt.size, got, tt.want)
		}
	}
	for _, tt := range []struct{ pct, want int }{{0, 0}, {10, 10}, {100, 1}, {30, 3}, {1, 100}} {
		if got := every(tt.pct); got != tt.want {
			t.Errorf("every(%d) = %d, want %d", tt.pct, got, tt.want)
		}
	}
}

func TestSpliceKeepsProse(t *testing.T) {
	t.Parallel()
	d := Doc{Command: "centralpsa bench --tenants 20", Machine: "test machine", Reports: []*Report{{Config: Config{Tenants: 20}}}}
	first := string(d.Splice(nil))
	if !strings.HasPrefix(first, "# Benchmarks") || !strings.Contains(first, "test machine") {
		t.Fatalf("new document:\n%s", first)
	}
	if got := string(d.Splice([]byte("# Benchmarks\n\nOnly prose.\n"))); !strings.Contains(got, "Only prose.\n\n"+beginMarker) {
		t.Errorf("section not added after the prose:\n%s", got)
	}
	doc := "# Benchmarks\n\nMethod prose.\n\n" + beginMarker + "\nold numbers\n" + endMarker + "\n\n## Notes\n\nWhy a goal fails.\n"
	got := string(d.Splice([]byte(doc)))
	for _, want := range []string{"Method prose.", "## Notes\n\nWhy a goal fails.", "centralpsa bench --tenants 20"} {
		if !strings.Contains(got, want) {
			t.Errorf("spliced document lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "old numbers") || strings.Count(got, beginMarker) != 1 {
		t.Errorf("old section kept:\n%s", got)
	}
}
