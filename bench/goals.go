package bench

import (
	"fmt"
	"math"
	"strings"
)

// The goals, checked at GoalTenants.
const (
	GoalTenants      = 5000
	goalCallRatio    = 1.05 // calls ≤ 1.05 × minimum
	goalWallRatio    = 1.25 // wall ≤ 1.25 × bound
	goalNaiveRatio   = 0.10 // ≥ 10× fewer calls and ≥ 10× faster than naive
	goalRSS          = 256 << 20
	goalGrowthSpread = 0.25 // calls per tenant within ±25 % across sizes
)

// Goal is one goal checked against one phase.
type Goal struct {
	Phase, Goal, Value string
	Holds              bool
}

// Goals checks the goals on the report at GoalTenants (or the largest one
// when none has that size), and linear growth across all of them.
func Goals(reports []*Report) []Goal {
	r := pick(reports)
	if r == nil {
		return nil
	}
	var out []Goal
	add := func(phase, goal string, v float64, limit float64, text string) {
		out = append(out, Goal{Phase: phase, Goal: goal, Value: text, Holds: !math.IsNaN(v) && v <= limit})
	}
	for _, p := range r.Phases {
		for _, up := range []string{ConnectWise, Sophos} {
			add(p.Name, fmt.Sprintf("%s calls ≤ %.2f × minimum", up, goalCallRatio), p.CallRatio(up), goalCallRatio, num2(p.CallRatio(up)))
		}
		add(p.Name, fmt.Sprintf("wall ≤ %.2f × bound", goalWallRatio), p.WallRatio(), goalWallRatio, num2(p.WallRatio()))
		if p.Naive != nil {
			add(p.Name, "calls ≤ 0.10 × naive", p.NaiveCallRatio(), goalNaiveRatio, num2(p.NaiveCallRatio()))
			add(p.Name, "wall ≤ 0.10 × naive", p.NaiveWallRatio(), goalNaiveRatio, num2(p.NaiveWallRatio()))
		}
	}
	rss := float64(r.PeakRSS())
	add("all", "peak RSS ≤ 256 MiB", rss, goalRSS, mib(r.PeakRSS()))
	if len(reports) > 1 {
		for i, p := range reports[0].Phases {
			spread, text := growth(reports, i)
			add(p.Name, "calls per tenant flat across sizes (±25 %)", spread, goalGrowthSpread, text)
		}
	}
	return out
}

func pick(reports []*Report) *Report {
	var best *Report
	for _, r := range reports {
		if r.Config.Tenants == GoalTenants {
			return r
		}
		if best == nil || r.Config.Tenants > best.Config.Tenants {
			best = r
		}
	}
	return best
}

// growth is how far calls per tenant of phase i stray from their mean
// across the sizes, as a fraction, with the values as text.
func growth(reports []*Report, i int) (float64, string) {
	var per []float64
	var parts []string
	for _, r := range reports {
		if i >= len(r.Phases) {
			continue
		}
		v := float64(r.Phases[i].Ours.Calls.Total()) / float64(r.Config.Tenants)
		per = append(per, v)
		parts = append(parts, fmt.Sprintf("%.2f", v))
	}
	mean := 0.0
	for _, v := range per {
		mean += v / float64(len(per))
	}
	spread := 0.0
	for _, v := range per {
		spread = max(spread, math.Abs(v-mean)/mean)
	}
	return spread, strings.Join(parts, " / ") + " calls per tenant"
}

func writeGoals(b *strings.Builder, reports []*Report) {
	goals := Goals(reports)
	if len(goals) == 0 {
		return
	}
	fmt.Fprintf(b, "### Goals at %d tenants\n\n| Phase | Goal | Value | Holds |\n|---|---|---|---|\n", pick(reports).Config.Tenants)
	for _, g := range goals {
		holds := "yes"
		if !g.Holds {
			holds = "**no**"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", g.Phase, g.Goal, g.Value, holds)
	}
	b.WriteString("\n")
}
