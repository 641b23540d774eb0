package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"centralpsa"
	"centralpsa/bench"
)

const benchUsage = "[--tenants N[,N...]] [--latency 20ms] [--cw-rate N] [--sophos-rate N] [--concurrency N] [--alerts N] [--change PCT] [--naive=BOOL] [--naive-max N] [--naive-only] [--out FILE] [--json FILE] [--render FILE[,FILE...]]"

func init() {
	register("bench", command{
		summary: "benchmark syncs against the emulators at MSP scale (calls, wall time, memory)",
		usage:   benchUsage,
		run:     (*app).bench,
	})
}

// bench runs the benchmark harness once per size, with this very binary
// as the measured child process, prints a table and, with --out, writes
// the results into the markdown file (keeping its hand-written prose).
func (a *app) bench(ctx context.Context, args []string) error {
	def := bench.DefaultConfig()
	fs := a.flags("bench")
	tenants := fs.String("tenants", strconv.Itoa(def.Tenants), "comma-separated numbers of tenants, one run each")
	latency := fs.Duration("latency", def.Latency, "latency added to every emulated call")
	cwRate := fs.Int("cw-rate", def.CWRatePerMinute, "ConnectWise requests a minute, for the emulator and centralpsa (0 = no limit)")
	soRate := fs.Int("sophos-rate", def.SophosRatePerMinute, "Sophos requests a minute, for the emulator and centralpsa (0 = no limit)")
	conc := fs.Int("concurrency", def.Concurrency, "requests an upstream allows in flight (usage.concurrency and the bound)")
	alerts := fs.Int("alerts", def.AlertsPerTenant, "open alerts per tenant")
	change := fs.Int("change", def.ChangePercent, "percent of tenants whose usage or alerts change before the second passes")
	naive := fs.Bool("naive", def.Naive, "also measure the naive baseline")
	naiveMax := fs.Int("naive-max", 0, "measure the naive baseline only up to `N` tenants (0 = at every size)")
	naiveOnly := fs.Bool("naive-only", false, "measure the naive baseline and not centralpsa, to merge later with --render")
	out := fs.String("out", "", "write the results into this markdown `FILE`, e.g. docs/benchmarks.md")
	jsonOut := fs.String("json", "", "also write the raw reports to this JSON `FILE`")
	render := fs.String("render", "", "measure nothing: render the reports of JSON `FILES` written by --json (comma-separated; reports of one size are merged)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *naiveOnly && !*naive {
		return centralpsa.Errorf(centralpsa.KindInvalid, "--naive-only measures the naive baseline: it cannot go with --naive=false")
	}
	sizes, err := parseSizes(*tenants)
	if err != nil {
		return err
	}
	var reports []*bench.Report
	command := benchCommand(args)
	if *render != "" {
		if command, reports, err = readReportFiles(*render); err != nil {
			return err
		}
		sizes = nil
	}
	binary, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the centralpsa binary: %w", err)
	}
	for _, n := range sizes {
		cfg := def
		cfg.Tenants, cfg.Latency, cfg.CWRatePerMinute, cfg.SophosRatePerMinute = n, *latency, *cwRate, *soRate
		cfg.Concurrency, cfg.AlertsPerTenant, cfg.ChangePercent = *conc, *alerts, *change
		cfg.Naive = *naive && (*naiveMax == 0 || n <= *naiveMax)
		if *naiveOnly && !cfg.Naive {
			continue // nothing to measure at this size
		}
		cfg.NaiveOnly = *naiveOnly
		cfg.Binary, cfg.Out = binary, a.stderr
		rep, err := bench.Run(ctx, cfg)
		if err != nil {
			return err
		}
		reports = append(reports, rep)
		if *jsonOut != "" { // after every size, so a long run keeps what it measured
			if err := writeReports(*jsonOut, command, reports); err != nil {
				return err
			}
		}
	}
	if err := bench.WriteText(a.stdout, reports); err != nil {
		return err
	}
	if *out == "" {
		return nil
	}
	existing, err := os.ReadFile(*out)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("read %s: %w", *out, err)
	}
	doc := bench.Doc{Command: command, Finished: time.Now(), Reports: reports}
	if err := os.WriteFile(*out, doc.Splice(existing), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	return nil
}

// benchCommand is the command line that reproduces the numbers: the
// arguments without those that only say where raw data goes.
func benchCommand(args []string) string {
	out := []string{"centralpsa", "bench"}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name := strings.TrimLeft(a, "-")
		if name == "json" || name == "render" {
			i++ // its value
			continue
		}
		if strings.HasPrefix(name, "json=") || strings.HasPrefix(name, "render=") {
			continue
		}
		out = append(out, a)
	}
	return strings.Join(out, " ")
}

// reportFile is what --json writes and --render reads.
type reportFile struct {
	Command string          `json:"command"`
	Reports []*bench.Report `json:"reports"`
}

func writeReports(path, command string, reports []*bench.Report) error {
	b, err := json.MarshalIndent(reportFile{Command: command, Reports: reports}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// readReportFiles reads one or more report files (comma-separated) and
// merges their reports; the commands are joined with " and ".
func readReportFiles(paths string) (string, []*bench.Report, error) {
	var commands []string
	var all []*bench.Report
	for _, p := range strings.Split(paths, ",") {
		command, reports, err := readReports(strings.TrimSpace(p))
		if err != nil {
			return "", nil, err
		}
		if !slices.Contains(commands, command) {
			commands = append(commands, command)
		}
		all = append(all, reports...)
	}
	return strings.Join(commands, "` and `"), bench.Merge(all), nil
}

func readReports(path string) (string, []*bench.Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", nil, fmt.Errorf("read %s: %w", path, err)
	}
	var f reportFile
	if err := json.Unmarshal(b, &f); err != nil || len(f.Reports) == 0 {
		return "", nil, centralpsa.Errorf(centralpsa.KindInvalid, "%s is not a report file written by --json", path)
	}
	return f.Command, f.Reports, nil
}

// parseSizes reads "500,5000,20000".
func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, centralpsa.Errorf(centralpsa.KindInvalid, "--tenants: %q is not a list of positive numbers such as 500,5000", s)
		}
		out = append(out, n)
	}
	return out, nil
}
