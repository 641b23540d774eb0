package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/metrics"
	"centralpsa/sophos"
	"centralpsa/sophosemu"
)

// scrape fetches the exposition over HTTP, as Prometheus would.
func scrape(t *testing.T, r *metrics.Registry) string {
	t.Helper()
	srv := httptest.NewServer(r.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: status %d\n%s", resp.StatusCode, body)
	}
	return string(body)
}

func wantLines(t *testing.T, exposition string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(exposition, "\n"+l+"\n") {
			t.Errorf("exposition lacks %q", l)
		}
	}
	if t.Failed() {
		t.Logf("exposition:\n%s", exposition)
	}
}

func TestExposition(t *testing.T) {
	t.Parallel()
	r := metrics.New()
	r.ObserveSync("usage", "ok", 3*time.Second)
	r.ObserveSync("usage", "failed", time.Second)
	r.AddWrites("addition_update", 4)
	r.AddWrites("addition_update", 0)
	r.SetTicketsFunc(func(context.Context) (map[string]int, error) { return map[string]int{"open": 3, "closed": 9}, nil })
	r.SetQueueDepthFunc(func(context.Context) (int, error) { return 2, nil })
	wantLines(t, scrape(t, r),
		`centralpsa_sync_runs_total{kind="usage",status="ok"} 1`,
		`centralpsa_sync_runs_total{kind="usage",status="failed"} 1`,
		`centralpsa_sync_duration_seconds_count{kind="usage"} 2`,
		`centralpsa_sync_duration_seconds_sum{kind="usage"} 4`,
		`centralpsa_writes_total{kind="addition_update"} 4`,
		`centralpsa_tickets{state="open"} 3`,
		`centralpsa_tickets{state="closed"} 9`,
		`centralpsa_job_queue_depth 2`,
	)
}

// A failing gauge source leaves its gauge out; the scrape still succeeds.
func TestGaugeErrorLeavesGaugeOut(t *testing.T) {
	t.Parallel()
	r := metrics.New()
	r.SetQueueDepthFunc(func(context.Context) (int, error) { return 0, errors.New("database is down") })
	r.SetTicketsFunc(func(context.Context) (map[string]int, error) { return map[string]int{"open": 1}, nil })
	out := scrape(t, r)
	if strings.Contains(out, "centralpsa_job_queue_depth ") {
		t.Fatal("queue depth exported although its source failed")
	}
	wantLines(t, out, `centralpsa_tickets{state="open"} 1`)
}

// The transport counts by status class, including requests that got no
// response, and counts 429s and retries separately.
func TestTransportCounts(t *testing.T) {
	t.Parallel()
	statuses := map[string][]int{"/flaky": {503, 200}, "/throttled": {429, 429, 200}, "/ok": {200}, "/missing": {404}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		list := statuses[req.URL.Path]
		status := list[0]
		if len(list) > 1 {
			statuses[req.URL.Path] = list[1:]
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	r := metrics.New()
	c := &http.Client{Transport: r.Transport("connectwise", nil)}
	for _, p := range []string{"/flaky", "/flaky", "/throttled", "/throttled", "/throttled", "/ok", "/ok", "/missing", "/missing"} {
		resp, err := c.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if _, err := c.Get("http://127.0.0.1:1/refused"); err == nil {
		t.Fatal("request to a closed port succeeded")
	}
	wantLines(t, scrape(t, r),
		`centralpsa_upstream_requests_total{status_class="2xx",upstream="connectwise"} 4`,
		`centralpsa_upstream_requests_total{status_class="4xx",upstream="connectwise"} 4`,
		`centralpsa_upstream_requests_total{status_class="5xx",upstream="connectwise"} 1`,
		`centralpsa_upstream_requests_total{status_class="error",upstream="connectwise"} 1`,
		`centralpsa_upstream_429_total{upstream="connectwise"} 2`,
		// flaky once, throttled twice; repeating a 404 is not a retry
		`centralpsa_upstream_retries_total{upstream="connectwise"} 3`,
	)
}

// The real Sophos client, given the transport through HTTPClient, has its
// calls, the emulator's 429 and its own retry counted.
func TestTransportWithSophosClient(t *testing.T) {
	t.Parallel()
	emu, url := sophosemu.Start(t, sophosemu.Options{})
	f := sophosemu.TooManyRequests(time.Millisecond)
	f.PathPrefix, f.Times = "/partner/v1/tenants", 1
	emu.Faults().Add(f)
	r := metrics.New()
	id, secret := emu.Credentials()
	c, err := sophos.New(sophos.Options{ClientID: id, ClientSecret: centralpsa.Secret(secret), IDURL: url, APIURL: url, AllowHTTP: true,
		RequestsPerMinute: -1, HTTPClient: &http.Client{Transport: r.Transport("sophos", nil)},
		SleepFunc: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListTenants(t.Context()); err != nil {
		t.Fatal(err)
	}
	out := scrape(t, r)
	wantLines(t, out,
		`centralpsa_upstream_429_total{upstream="sophos"} 1`,
		`centralpsa_upstream_retries_total{upstream="sophos"} 1`,
	)
	if !strings.Contains(out, `centralpsa_upstream_requests_total{status_class="2xx",upstream="sophos"}`) {
		t.Fatalf("no successful sophos requests counted:\n%s", out)
	}
}

func TestNilRegistryIgnoresObservations(t *testing.T) {
	t.Parallel()
	var r *metrics.Registry
	r.ObserveSync("usage", "ok", time.Second)
	r.AddWrites("x", 1)
	if tr := r.Transport("sophos", http.DefaultTransport); tr != http.DefaultTransport {
		t.Fatal("nil registry wrapped the transport")
	}
}
