package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"centralpsa/bench"
)

// TestBenchRefusesBadFlags: a bad size list or setting is a usage error
// (exit 2) reported before any emulator starts.
func TestBenchRefusesBadFlags(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"NotANumber", []string{"--tenants", "500,lots"}, "--tenants"},
		{"Zero", []string{"--tenants", "0"}, "--tenants"},
		{"NoConcurrency", []string{"--tenants", "5", "--concurrency", "0"}, "concurrency"},
		{"NegativeRate", []string{"--tenants", "5", "--cw-rate", "-1"}, "rates"},
		{"UnknownFlag", []string{"--frobnicate"}, "frobnicate"},
		{"NaiveOnlyWithoutNaive", []string{"--tenants", "5", "--naive-only", "--naive=false"}, "--naive-only"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, errOut := cli(t, map[string]string{}, append([]string{"bench"}, tt.args...)...)
			if code != 2 || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and a message naming %q", code, errOut, tt.want)
			}
		})
	}
}

func TestParseSizes(t *testing.T) {
	t.Parallel()
	got, err := parseSizes(" 500, 5000,20000")
	if err != nil || !slices.Equal(got, []int{500, 5000, 20000}) {
		t.Fatalf("parseSizes = %v, %v", got, err)
	}
}

func TestBenchCommandDropsDataFlags(t *testing.T) {
	t.Parallel()
	got := benchCommand([]string{"--tenants", "500,5000", "--json", "/tmp/r.json", "--out", "docs/benchmarks.md", "--render=x.json"})
	if want := "centralpsa bench --tenants 500,5000 --out docs/benchmarks.md"; got != want {
		t.Errorf("benchCommand = %q, want %q", got, want)
	}
}

// TestBenchRender: --render writes the markdown from saved reports without
// measuring, with the command they were measured by, and keeps the prose
// around the generated section.
func TestBenchRender(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data, md := filepath.Join(dir, "r.json"), filepath.Join(dir, "b.md")
	rep := &bench.Report{Config: bench.DefaultConfig(), Mapped: 9, Phases: []bench.Phase{{Name: bench.PhaseUsage,
		Minimum: bench.Minimum{ConnectWise: 10, Sophos: 4}, Bound: time.Second,
		Ours: bench.Measure{Calls: bench.Calls{ConnectWise: bench.Count{Total: 11}, Sophos: bench.Count{Total: 4}}, Wall: 2 * time.Second}}}}
	if err := writeReports(data, "centralpsa bench --tenants 5000", []*bench.Report{rep}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(md, []byte("# Benchmarks\n\nProse stays.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cli(t, map[string]string{}, "bench", "--render", data, "--out", md)
	if code != 0 || !strings.Contains(out, "11/10 = 1.10") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	b, _ := os.ReadFile(md)
	for _, want := range []string{"Prose stays.", "Command: `centralpsa bench --tenants 5000`", "| usage sync (first) | 11/10 = 1.10"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("markdown lacks %q:\n%s", want, b)
		}
	}
}

// TestBenchRenderMerges: --render with two files, one measured with
// --naive-only, shows centralpsa's figures beside the baseline's and both
// commands.
func TestBenchRenderMerges(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	oursFile, naiveFile := filepath.Join(dir, "ours.json"), filepath.Join(dir, "naive.json")
	calls := func(n int) bench.Calls { return bench.Calls{ConnectWise: bench.Count{Total: n}} }
	cfg := bench.DefaultConfig()
	cfg.Naive = false
	ours := &bench.Report{Config: cfg, Phases: []bench.Phase{{Name: bench.PhaseUsage,
		Minimum: bench.Minimum{ConnectWise: 10}, Bound: time.Second, Ours: bench.Measure{Calls: calls(11), Wall: 2 * time.Second}}}}
	cfg.Naive, cfg.NaiveOnly = true, true
	naive := &bench.Report{Config: cfg, Phases: []bench.Phase{{Name: bench.PhaseUsage,
		Naive: &bench.Measure{Calls: calls(110), Wall: 40 * time.Second}}}}
	if err := writeReports(oursFile, "centralpsa bench --naive=false", []*bench.Report{ours}); err != nil {
		t.Fatal(err)
	}
	if err := writeReports(naiveFile, "centralpsa bench --naive-only", []*bench.Report{naive}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cli(t, map[string]string{}, "bench", "--render", naiveFile+","+oursFile)
	for _, want := range []string{"11/10 = 1.10", "11/110 = 0.10"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("exit %d, output lacks %q:\n%s%s", code, want, out, errOut)
		}
	}
}
