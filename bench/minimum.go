package bench

import "time"

// Page sizes the minimum is counted at: the largest each API serves.
const (
	cwMaxPage     = 1000 // ConnectWise pageSize limit
	sophosMaxPage = 100  // Sophos Central billing and alerts pageSize limit
)

// Upstream names, as the report shows them.
const (
	ConnectWise = "ConnectWise"
	Sophos      = "Sophos"
)

// Minimum is the least number of calls a phase needs for its data, per
// upstream, with the terms it is made of so the report can show them.
type Minimum struct {
	ConnectWise int
	Sophos      int
	Terms       []Term
}

// Term is one part of a minimum: a named number of calls to one upstream.
type Term struct {
	Upstream string
	Name     string
	Calls    int
}

func (m *Minimum) add(upstream, name string, calls int) {
	m.Terms = append(m.Terms, Term{Upstream: upstream, Name: name, Calls: calls})
	if upstream == ConnectWise {
		m.ConnectWise += calls
	} else {
		m.Sophos += calls
	}
}

// Of returns the minimum for one upstream.
func (m Minimum) Of(upstream string) int {
	if upstream == ConnectWise {
		return m.ConnectWise
	}
	return m.Sophos
}

// Bound is the least wall time the minimum allows: per upstream, the
// larger of its calls at the allowed rate and its calls at the latency
// with the allowed concurrency; and the larger over both upstreams, which
// may be called at the same time.
func (m Minimum) Bound(cfg Config) time.Duration {
	return max(bound(m.ConnectWise, cfg.CWRatePerMinute, cfg), bound(m.Sophos, cfg.SophosRatePerMinute, cfg))
}

func bound(calls, perMinute int, cfg Config) time.Duration {
	var byRate time.Duration
	if perMinute > 0 {
		byRate = time.Duration(float64(calls) / float64(perMinute) * float64(time.Minute))
	}
	byLatency := time.Duration(calls) * cfg.Latency / time.Duration(cfg.Concurrency)
	return max(byRate, byLatency)
}

// pages is how many pages of size max hold n records; at least one,
// because learning that there are none takes a call too.
func pages(n, size int) int {
	return max(1, (n+size-1)/size)
}

// session is what every process pays before its first data call: a
// Sophos token and whoami, and ConnectWise's codebase discovery
// (companyinfo).
func (m *Minimum) session() {
	m.add(Sophos, "token and whoami (once per process)", 2)
	m.add(ConnectWise, "codebase discovery (companyinfo, once per process)", 1)
}
