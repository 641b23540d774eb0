package bench

import (
	"math"
	"time"
)

// Count is the calls one upstream received in a phase.
type Count struct {
	Total     int // every call, including those answered 429
	Writes    int // POST, PUT, PATCH and DELETE
	Throttled int // answered 429
}

// Calls are a phase's calls per upstream.
type Calls struct {
	ConnectWise Count
	Sophos      Count
}

// Of returns the count for one upstream.
func (c Calls) Of(upstream string) Count {
	if upstream == ConnectWise {
		return c.ConnectWise
	}
	return c.Sophos
}

// Total is the calls to both upstreams.
func (c Calls) Total() int { return c.ConnectWise.Total + c.Sophos.Total }

// Measure is what one implementation cost in a phase. CPU and MaxRSS are
// centralpsa's own (its child process); the naive baseline runs inside
// the harness, so only its calls and wall time are known.
type Measure struct {
	Calls    Calls
	Wall     time.Duration
	CPU      time.Duration
	MaxRSS   int64  // bytes
	ExitCode int    // centralpsa's exit status (1: some customers failed)
	Failures int    // naive baseline: tenants it could not sync
	Note     string // the end of stderr when centralpsa failed
}

// Phase names.
const (
	PhaseUsage        = "usage sync (first)"
	PhaseTickets      = "ticket pass (first)"
	PhaseUsageNightly = "usage sync (nightly)"
	PhaseTicketsNext  = "ticket pass (next)"
)

// Phase is one measured step: its minimum, its bound and what centralpsa
// and, when measured, the naive baseline cost.
type Phase struct {
	Name    string
	Minimum Minimum
	Bound   time.Duration
	Ours    Measure
	Naive   *Measure
}

// CallRatio is centralpsa's calls to upstream over the minimum.
func (p Phase) CallRatio(upstream string) float64 {
	return ratio(float64(p.Ours.Calls.Of(upstream).Total), float64(p.Minimum.Of(upstream)))
}

// WallRatio is centralpsa's wall time over the bound.
func (p Phase) WallRatio() float64 { return ratio(float64(p.Ours.Wall), float64(p.Bound)) }

// NaiveCallRatio is centralpsa's calls (both upstreams) over the naive
// baseline's; NaN when the baseline was not measured.
func (p Phase) NaiveCallRatio() float64 {
	if p.Naive == nil {
		return math.NaN()
	}
	return ratio(float64(p.Ours.Calls.Total()), float64(p.Naive.Calls.Total()))
}

// NaiveWallRatio is centralpsa's wall time over the naive baseline's.
func (p Phase) NaiveWallRatio() float64 {
	if p.Naive == nil {
		return math.NaN()
	}
	return ratio(float64(p.Ours.Wall), float64(p.Naive.Wall))
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

// Report is one benchmark run at one size.
type Report struct {
	Config Config
	// The data: tenants with a mapping, those billed on an agreement,
	// those whose alerts are ticketed, and the month's billing lines.
	Mapped, UsageAgreements, TicketTenants, UsageLines int
	Phases                                             []Phase
}

// PeakRSS is centralpsa's largest peak RSS over the phases.
func (r *Report) PeakRSS() int64 {
	var m int64
	for _, p := range r.Phases {
		m = max(m, p.Ours.MaxRSS)
	}
	return m
}

// Merge joins reports of the same sizes measured apart, such as a run
// with NaiveOnly beside one without the baseline: per size, centralpsa's
// figures and the minimum come from the report that measured centralpsa,
// and a phase's naive figures from whichever report has them. Sizes keep
// the order they first appear in.
func Merge(reports []*Report) []*Report {
	var out []*Report
	bySize := map[int]*Report{}
	for _, r := range reports {
		base, ok := bySize[r.Config.Tenants]
		if !ok {
			c := *r
			c.Phases = append([]Phase(nil), r.Phases...)
			bySize[r.Config.Tenants] = &c
			out = append(out, &c)
			continue
		}
		from, naive := r, base.Config.Naive || r.Config.Naive
		if base.Config.NaiveOnly && !r.Config.NaiveOnly { // r measured centralpsa: it is the base
			c := *r
			c.Phases = append([]Phase(nil), r.Phases...)
			from = &Report{Phases: base.Phases}
			*base = c
		}
		for _, p := range from.Phases {
			for i := range base.Phases {
				if base.Phases[i].Name == p.Name && base.Phases[i].Naive == nil && p.Naive != nil {
					base.Phases[i].Naive = p.Naive
				}
			}
		}
		base.Config.Naive = naive
	}
	return out
}
