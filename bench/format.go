package bench

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteText prints the reports as a table, one row per phase.
func WriteText(w io.Writer, reports []*Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TENANTS\tPHASE\tCW CALLS/MIN\tSOPHOS CALLS/MIN\tWALL/BOUND\tOURS/NAIVE CALLS\tOURS/NAIVE WALL\tCPU\tPEAK RSS")
	for _, r := range reports {
		for _, p := range r.Phases {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Config.Tenants, p.Name,
				callCell(p, ConnectWise), callCell(p, Sophos), wallCell(p), naiveCalls(p), naiveWall(p),
				dur(p.Ours.CPU), mib(p.Ours.MaxRSS))
		}
	}
	return tw.Flush()
}

func callCell(p Phase, upstream string) string {
	return fmt.Sprintf("%d/%d = %s", p.Ours.Calls.Of(upstream).Total, p.Minimum.Of(upstream), num2(p.CallRatio(upstream)))
}

func wallCell(p Phase) string {
	return fmt.Sprintf("%s/%s = %s", dur(p.Ours.Wall), dur(p.Bound), num2(p.WallRatio()))
}

func naiveCalls(p Phase) string {
	if p.Naive == nil {
		return "-"
	}
	return fmt.Sprintf("%d/%d = %s", p.Ours.Calls.Total(), p.Naive.Calls.Total(), num2(p.NaiveCallRatio()))
}

func naiveWall(p Phase) string {
	if p.Naive == nil {
		return "-"
	}
	return fmt.Sprintf("%s/%s = %s", dur(p.Ours.Wall), dur(p.Naive.Wall), num2(p.NaiveWallRatio()))
}

// num2 prints a ratio with two decimals, "n/a" when undefined.
func num2(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", f)
}

// dur rounds a duration for reading: milliseconds under ten seconds,
// tenths of a second above.
func dur(d time.Duration) string {
	if d < 10*time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

func mib(b int64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

// WriteMarkdown writes the results section of docs/benchmarks.md: per
// size, what the data was and a table of the phases; then the terms of
// the minimum at the largest size with a naive baseline, and how cost
// grows with tenants.
func WriteMarkdown(w io.Writer, reports []*Report) error {
	var b strings.Builder
	for _, r := range reports {
		c := r.Config
		fmt.Fprintf(&b, "### %d tenants\n\n", c.Tenants)
		fmt.Fprintf(&b, "%d tenants mapped, %d billed on an agreement, %d with alert tickets, %d billing lines; "+
			"latency %v, ConnectWise %s, Sophos %s, concurrency %d, %d%% changed before the second passes.\n\n",
			r.Mapped, r.UsageAgreements, r.TicketTenants, r.UsageLines, c.Latency, rateText(c.CWRatePerMinute),
			rateText(c.SophosRatePerMinute), c.Concurrency, c.ChangePercent)
		b.WriteString("| Phase | ConnectWise calls / minimum | Sophos calls / minimum | Wall / bound | Calls ours / naive | Wall ours / naive | CPU | Peak RSS |\n")
		b.WriteString("|---|---|---|---|---|---|---|---|\n")
		for _, p := range r.Phases {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", p.Name, callCell(p, ConnectWise), callCell(p, Sophos),
				wallCell(p), naiveCalls(p), naiveWall(p), dur(p.Ours.CPU), mib(p.Ours.MaxRSS))
		}
		b.WriteString("\n")
		writeNotes(&b, r)
	}
	writeGoals(&b, reports)
	writeTerms(&b, reports)
	writeGrowth(&b, reports)
	_, err := io.WriteString(w, b.String())
	return err
}

func rateText(perMinute int) string {
	if perMinute == 0 {
		return "no rate limit"
	}
	return fmt.Sprintf("%d calls/min", perMinute)
}

// writeNotes lists what a reader must know about a size's table: exits
// other than 0, naive failures, throttled calls.
func writeNotes(b *strings.Builder, r *Report) {
	var notes []string
	for _, p := range r.Phases {
		if p.Ours.ExitCode != 0 {
			notes = append(notes, fmt.Sprintf("%s: centralpsa exited %d (%s)", p.Name, p.Ours.ExitCode, strings.ReplaceAll(p.Ours.Note, "\n", " ")))
		}
		if n := p.Ours.Calls.ConnectWise.Throttled + p.Ours.Calls.Sophos.Throttled; n > 0 {
			notes = append(notes, fmt.Sprintf("%s: %d of centralpsa's calls were answered 429", p.Name, n))
		}
		if p.Naive != nil && p.Naive.Failures > 0 {
			notes = append(notes, fmt.Sprintf("%s: the naive baseline failed %d tenants", p.Name, p.Naive.Failures))
		}
		if p.Naive != nil {
			if n := p.Naive.Calls.ConnectWise.Throttled + p.Naive.Calls.Sophos.Throttled; n > 0 {
				notes = append(notes, fmt.Sprintf("%s: %d of the naive baseline's calls were answered 429", p.Name, n))
			}
		}
	}
	for _, n := range notes {
		fmt.Fprintf(b, "- %s\n", n)
	}
	if len(notes) > 0 {
		b.WriteString("\n")
	}
}

// writeTerms shows, for the first report with the most tenants, what each
// phase's minimum is made of next to the writes centralpsa made.
func writeTerms(b *strings.Builder, reports []*Report) {
	if len(reports) == 0 {
		return
	}
	r := reports[0]
	if x := pick(reports); x != nil {
		r = x
	}
	fmt.Fprintf(b, "### The minimum, term by term (%d tenants)\n\n", r.Config.Tenants)
	b.WriteString("| Phase | Upstream | Term | Calls |\n|---|---|---|---|\n")
	for _, p := range r.Phases {
		for _, t := range p.Minimum.Terms {
			fmt.Fprintf(b, "| %s | %s | %s | %d |\n", p.Name, t.Upstream, t.Name, t.Calls)
		}
		fmt.Fprintf(b, "| %s | ConnectWise | *writes centralpsa made* | *%d* |\n", p.Name, p.Ours.Calls.ConnectWise.Writes)
	}
	b.WriteString("\n")
}

// writeGrowth shows calls and wall time per thousand tenants at each
// size: flat rows mean cost grows linearly.
func writeGrowth(b *strings.Builder, reports []*Report) {
	if len(reports) < 2 {
		return
	}
	b.WriteString("### Growth with tenants\n\nCalls and wall time of centralpsa per 1,000 tenants (flat rows mean linear growth); peak RSS as measured.\n\n")
	b.WriteString("| Phase |")
	for _, r := range reports {
		fmt.Fprintf(b, " %d: calls | wall | RSS |", r.Config.Tenants)
	}
	b.WriteString("\n|---|")
	b.WriteString(strings.Repeat("---|---|---|", len(reports)))
	b.WriteString("\n")
	for i, p := range reports[0].Phases {
		fmt.Fprintf(b, "| %s |", p.Name)
		for _, r := range reports {
			if i >= len(r.Phases) {
				b.WriteString(" - | - | - |")
				continue
			}
			q := r.Phases[i]
			k := float64(r.Config.Tenants) / 1000
			fmt.Fprintf(b, " %.0f | %s | %s |", float64(q.Ours.Calls.Total())/k, dur(time.Duration(float64(q.Ours.Wall)/k)), mib(q.Ours.MaxRSS))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}
