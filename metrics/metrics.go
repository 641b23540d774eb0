// Package metrics is centralpsa's Prometheus instrumentation: sync runs and
// their durations, writes by kind, upstream API calls, retries and 429s,
// tickets by state and the job queue depth, served at /metrics.
//
// A Registry owns its own prometheus.Registry rather than the global one,
// so two servers in one test binary do not collide and nothing registered
// by a library leaks into centralpsa's exposition. Upstream calls are
// counted by an http.RoundTripper (Registry.Transport) that the command
// layer hands to the ConnectWise and Sophos clients, so the client packages
// know nothing of Prometheus.
package metrics

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry holds centralpsa's metrics. Its methods are safe for concurrent
// use; a nil *Registry ignores every observation, so code may record
// unconditionally.
type Registry struct {
	reg *prometheus.Registry

	syncRuns         *prometheus.CounterVec
	syncDuration     *prometheus.HistogramVec
	writes           *prometheus.CounterVec
	upstreamRequests *prometheus.CounterVec
	upstreamRetries  *prometheus.CounterVec
	upstream429      *prometheus.CounterVec

	mu         sync.RWMutex
	tickets    func(context.Context) (map[string]int, error)
	queueDepth func(context.Context) (int, error)
}

// scrapeTimeout bounds the database reads behind the gauges, so a stuck
// database makes a scrape incomplete rather than hung.
const scrapeTimeout = 5 * time.Second

// New builds a registry with every centralpsa metric plus the Go runtime
// and process collectors.
func New() *Registry {
	r := &Registry{
		reg: prometheus.NewRegistry(),
		syncRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "centralpsa_sync_runs_total", Help: "Sync runs finished, by kind (usage, tickets) and status.",
		}, []string{"kind", "status"}),
		syncDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "centralpsa_sync_duration_seconds", Help: "Duration of sync runs, by kind.",
			Buckets: []float64{0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800},
		}, []string{"kind"}),
		writes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "centralpsa_writes_total", Help: "Writes sent to ConnectWise or Sophos, by kind (e.g. addition_create, ticket_note).",
		}, []string{"kind"}),
		upstreamRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "centralpsa_upstream_requests_total", Help: "HTTP requests to upstream APIs, by upstream and status class (2xx..5xx, or error when no response arrived).",
		}, []string{"upstream", "status_class"}),
		upstreamRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "centralpsa_upstream_retries_total", Help: "Requests that repeat a request to the same URL that failed shortly before, by upstream.",
		}, []string{"upstream"}),
		upstream429: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "centralpsa_upstream_429_total", Help: "Responses with status 429 (throttled), by upstream.",
		}, []string{"upstream"}),
	}
	r.reg.MustRegister(r.syncRuns, r.syncDuration, r.writes, r.upstreamRequests, r.upstreamRetries, r.upstream429,
		&gauges{r: r},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Series for the known kinds and upstreams exist from the start, at
	// zero, so rate() and absent-alerts work before the first sync.
	for _, kind := range []string{"usage", "tickets"} {
		r.syncDuration.WithLabelValues(kind)
	}
	for _, up := range []string{"connectwise", "sophos"} {
		r.upstreamRetries.WithLabelValues(up)
		r.upstream429.WithLabelValues(up)
	}
	return r
}

// Handler serves the exposition. A gauge whose source fails is left out of
// the scrape instead of failing it.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Prometheus returns the underlying registry, to register more collectors.
func (r *Registry) Prometheus() *prometheus.Registry { return r.reg }

// ObserveSync records one finished sync run: kind is "usage" or "tickets",
// status the run's outcome (e.g. "ok", "partial", "failed").
func (r *Registry) ObserveSync(kind, status string, d time.Duration) {
	if r == nil {
		return
	}
	r.syncRuns.WithLabelValues(kind, status).Inc()
	r.syncDuration.WithLabelValues(kind).Observe(d.Seconds())
}

// AddWrites counts n writes of one kind sent upstream.
func (r *Registry) AddWrites(kind string, n int) {
	if r == nil || n <= 0 {
		return
	}
	r.writes.WithLabelValues(kind).Add(float64(n))
}

// SetTicketsFunc sets the source of centralpsa_tickets{state}: open
// tickets by state, read at scrape time. Nil removes the gauge.
func (r *Registry) SetTicketsFunc(fn func(context.Context) (map[string]int, error)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tickets = fn
}

// SetQueueDepthFunc sets the source of centralpsa_job_queue_depth (jobs
// waiting to run), read at scrape time. Nil removes the gauge.
func (r *Registry) SetQueueDepthFunc(fn func(context.Context) (int, error)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queueDepth = fn
}

var (
	ticketsDesc    = prometheus.NewDesc("centralpsa_tickets", "Tickets centralpsa manages, by state.", []string{"state"}, nil)
	queueDepthDesc = prometheus.NewDesc("centralpsa_job_queue_depth", "Background jobs waiting to run.", nil, nil)
)

// gauges reads the function-backed gauges at scrape time. The functions
// are set after New (the job runner is built after the web server), so
// they are looked up on every scrape rather than fixed at registration.
type gauges struct{ r *Registry }

func (g *gauges) Describe(ch chan<- *prometheus.Desc) {
	ch <- ticketsDesc
	ch <- queueDepthDesc
}

func (g *gauges) Collect(ch chan<- prometheus.Metric) {
	g.r.mu.RLock()
	tickets, depth := g.r.tickets, g.r.queueDepth
	g.r.mu.RUnlock()
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if tickets != nil {
		if states, err := tickets(ctx); err == nil {
			for state, n := range states {
				ch <- prometheus.MustNewConstMetric(ticketsDesc, prometheus.GaugeValue, float64(n), state)
			}
		}
	}
	if depth != nil {
		if n, err := depth(ctx); err == nil {
			ch <- prometheus.MustNewConstMetric(queueDepthDesc, prometheus.GaugeValue, float64(n))
		}
	}
}
