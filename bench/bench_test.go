package bench

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"centralpsa/internal/testbin"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testbin.Cleanup()
	os.Exit(code)
}

// TestRun runs the whole harness small and fast and checks that every
// figure is computed, and that the minimum's write terms match the writes
// centralpsa made where the model says exactly what they are.
func TestRun(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Tenants, cfg.Latency, cfg.CWRatePerMinute, cfg.SophosRatePerMinute = 20, time.Millisecond, 0, 0
	cfg.Binary = testbin.Path(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Phases) != 4 || rep.Mapped == 0 || rep.UsageAgreements == 0 || rep.TicketTenants == 0 {
		t.Fatalf("report: %+v", rep)
	}
	for _, p := range rep.Phases {
		for _, up := range []string{ConnectWise, Sophos} {
			if p.Ours.Calls.Of(up).Total == 0 || p.Minimum.Of(up) == 0 || !finite(p.CallRatio(up)) {
				t.Errorf("%s, %s: calls %d, minimum %d", p.Name, up, p.Ours.Calls.Of(up).Total, p.Minimum.Of(up))
			}
		}
		if !finite(p.WallRatio()) || !finite(p.NaiveCallRatio()) || !finite(p.NaiveWallRatio()) {
			t.Errorf("%s: ratios wall %v, naive calls %v, naive wall %v", p.Name, p.WallRatio(), p.NaiveCallRatio(), p.NaiveWallRatio())
		}
		if p.Ours.ExitCode != 0 || p.Ours.CPU <= 0 || p.Ours.MaxRSS <= 0 || p.Naive.Failures != 0 {
			t.Errorf("%s: exit %d (%s), cpu %v, rss %d, naive failures %d", p.Name, p.Ours.ExitCode, p.Ours.Note, p.Ours.CPU, p.Ours.MaxRSS, p.Naive.Failures)
		}
	}
	// Where every change is one write, the writes are the model's.
	for _, i := range []int{0, 1, 2} {
		p := rep.Phases[i]
		if got, want := p.Ours.Calls.ConnectWise.Writes, modelWrites(p.Minimum); got != want {
			t.Errorf("%s: centralpsa wrote %d times, the minimum counts %d writes", p.Name, got, want)
		}
	}
	// The first ticket pass reads nothing per create (the board listing
	// answers every look-up): exactly the minimum. The first usage sync
	// reads nothing per agreement beyond the plan's read; at 20 tenants
	// its fixed costs (a look-up per new catalog item) still weigh, so it
	// is held to 1.25 × the minimum, which a second additions read per
	// agreement would exceed (1.36 ×).
	if p := rep.Phases[1]; p.Ours.Calls.ConnectWise.Total > p.Minimum.ConnectWise {
		t.Errorf("%s: %d ConnectWise calls, minimum %d", p.Name, p.Ours.Calls.ConnectWise.Total, p.Minimum.ConnectWise)
	}
	if p := rep.Phases[0]; p.CallRatio(ConnectWise) > 1.25 {
		t.Errorf("%s: %d ConnectWise calls, minimum %d", p.Name, p.Ours.Calls.ConnectWise.Total, p.Minimum.ConnectWise)
	}
	if p := rep.Phases[2]; p.NaiveCallRatio() >= 1 {
		t.Errorf("nightly usage sync: %d calls, naive %d", p.Ours.Calls.Total(), p.Naive.Calls.Total())
	}
	var text strings.Builder
	if err := WriteText(&text, []*Report{rep}); err != nil || !strings.Contains(text.String(), PhaseUsageNightly) {
		t.Errorf("text table: %v\n%s", err, text.String())
	}
}

func modelWrites(m Minimum) int {
	n := 0
	for _, t := range m.Terms {
		if strings.Contains(t.Name, "create") || strings.Contains(t.Name, "change") || strings.Contains(t.Name, "close") || strings.Contains(t.Name, "notes") {
			n += t.Calls
		}
	}
	return n
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
