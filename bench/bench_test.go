package bench

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// binary is centralpsa built once for the tests that run it.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "bench-test-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "centralpsa")
	out, err := exec.Command("go", "build", "-o", binary, "centralpsa/cmd/centralpsa").CombinedOutput()
	if err != nil {
		binary = "" // TestRun reports it
		os.Stderr.Write(out)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestRun runs the whole harness small and fast and checks that every
// figure is computed, and that the minimum's write terms match the writes
// centralpsa made where the model says exactly what they are.
func TestRun(t *testing.T) {
	if binary == "" {
		t.Fatal("could not build centralpsa (see the output above)")
	}
	cfg := DefaultConfig()
	cfg.Tenants, cfg.Latency, cfg.CWRatePerMinute, cfg.SophosRatePerMinute = 20, time.Millisecond, 0, 0
	cfg.Binary = binary
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
