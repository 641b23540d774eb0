package bench

import (
	"io"
	"time"

	"centralpsa"
)

// Config is one benchmark run. DefaultConfig gives the documented run;
// zero fields are taken as given (a zero Latency is no added latency, a
// zero rate is no limit), so tests can run small and fast.
type Config struct {
	// Tenants is the number of sample customers (Sophos tenants).
	Tenants int
	// AlertsPerTenant is the number of open alerts each tenant starts
	// with; negative means none.
	AlertsPerTenant int
	// Latency is added to every emulated call while a phase is measured.
	Latency time.Duration
	// CWRatePerMinute and SophosRatePerMinute are the emulators' limits
	// (429 beyond them) and centralpsa's client-side limits; 0 is none.
	CWRatePerMinute     int
	SophosRatePerMinute int
	// Concurrency is the requests an upstream allows in flight at once:
	// the bound's divisor, and centralpsa's usage.concurrency and
	// tickets.concurrency.
	Concurrency int
	// ChangePercent is the share of mapped tenants whose usage changes
	// (one product's quantity) before the nightly sync, and of ticket
	// tenants that gain an alert and, separately, lose one before the
	// second ticket pass.
	ChangePercent int
	// Naive also measures the naive baseline.
	Naive bool
	// NaiveOnly measures the naive baseline and not centralpsa (which
	// still maps the tenants): a long baseline can then run beside a later
	// measurement of centralpsa, and Merge joins the two reports.
	NaiveOnly bool `json:",omitempty"`
	// Binary is the centralpsa executable run as the child process.
	Binary string
	// Seed drives the sample customers.
	Seed uint64
	// Out receives progress lines; nil discards them.
	Out io.Writer `json:"-"`
}

// DefaultConfig is the documented benchmark at 5,000 tenants. The rates
// are ten times the clients' defaults (600 and 300 a minute) and the
// latency a tenth of a cloud round trip, so that the product of the two,
// which decides how much concurrency can pay, is what it is in
// production, while a run takes a tenth of the time.
func DefaultConfig() Config {
	return Config{Tenants: 5000, AlertsPerTenant: 3, Latency: 20 * time.Millisecond,
		CWRatePerMinute: 6000, SophosRatePerMinute: 3000, Concurrency: 6, ChangePercent: 10,
		Naive: true, Seed: 1}
}

func (c Config) check() error {
	switch {
	case c.Tenants < 1:
		return centralpsa.Errorf(centralpsa.KindInvalid, "bench: tenants must be 1 or more, not %d", c.Tenants)
	case c.Latency < 0 || c.CWRatePerMinute < 0 || c.SophosRatePerMinute < 0:
		return centralpsa.Errorf(centralpsa.KindInvalid, "bench: latency and rates must not be negative")
	case c.Concurrency < 1:
		return centralpsa.Errorf(centralpsa.KindInvalid, "bench: concurrency must be 1 or more, not %d", c.Concurrency)
	case c.ChangePercent < 0 || c.ChangePercent > 100:
		return centralpsa.Errorf(centralpsa.KindInvalid, "bench: change percent must be 0 to 100, not %d", c.ChangePercent)
	case c.NaiveOnly && !c.Naive:
		return centralpsa.Errorf(centralpsa.KindInvalid, "bench: measuring only the naive baseline needs the baseline on")
	case c.Binary == "":
		return centralpsa.Errorf(centralpsa.KindInvalid, "bench: no centralpsa binary to run")
	}
	return nil
}

func (c Config) out() io.Writer {
	if c.Out == nil {
		return io.Discard
	}
	return c.Out
}
