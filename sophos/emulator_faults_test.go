package sophos_test

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/emu"
	"centralpsa/sophos"
	"centralpsa/sophosemu"
)

// listCall is one of the client's listings, run against the emulator; it
// returns how many items it read.
type listCall struct {
	name string
	path string // the prefix of the emulator path it requests
	run  func(t *testing.T, r *rig) (int, error)
}

var (
	listTenants = listCall{"Tenants", "/partner/v1/tenants", func(t *testing.T, r *rig) (int, error) {
		ts, err := r.client.ListTenants(t.Context())
		return len(ts), err
	}}
	listUsage = listCall{"Usage", "/partner/v1/billing/usage/", func(t *testing.T, r *rig) (int, error) {
		y, m := r.emu.LastUsageMonth()
		rep, err := r.client.Usage(t.Context(), y, int(m), sophos.UsageOptions{})
		if err != nil {
			return 0, err
		}
		return len(rep.Lines), nil
	}}
	// listAlerts reads the first reachable tenant's alerts on its regional
	// host; the tenant is looked up without the request log seeing it.
	listAlerts = listCall{"Alerts", "/r/", func(t *testing.T, r *rig) (int, error) {
		et := firstReachable(r)
		as, err := r.client.ListAlerts(t.Context(), sophos.Tenant{ID: et.ID, APIHost: et.APIHost}, sophos.AlertsOptions{})
		return len(as), err
	}}
)

func wantItems(r *rig, c listCall) int {
	switch c.name {
	case "Tenants":
		return len(r.emu.Tenants())
	case "Usage":
		return len(r.emu.Usage(r.emu.LastUsageMonth()))
	}
	return len(r.emu.OpenAlerts(firstReachable(r).ID))
}

func firstReachable(r *rig) sophosemu.Tenant {
	for _, et := range r.emu.Tenants() {
		if et.Reachable {
			return et
		}
	}
	panic("the emulator has no reachable tenant")
}

func TestEmulatorRetries(t *testing.T) {
	t.Parallel()
	status := func(code int, body string) emu.Fault {
		return emu.Fault{Kind: emu.FaultStatus, Status: code, Body: body}
	}
	for _, tc := range []struct {
		name  string
		call  listCall
		fault emu.Fault
		at    string // the path prefix the fault hits; "" means call.path
		// statuses are those of the first requests to that path (all of
		// them for an error); the rest must be 200. Nil skips the check.
		statuses []int
		minSleep time.Duration // the first recorded sleep must be at least this
		wantKind centralpsa.Kind
		timeout  time.Duration // the client's per-attempt timeout; 0 keeps the rig's
	}{
		{name: "TooManyRequestsWaitsRetryAfter", call: listTenants, fault: with(sophosemu.TooManyRequests(2*time.Second), 1),
			statuses: []int{429, 200}, minSleep: 2 * time.Second},
		{name: "TooManyRequestsOnUsage", call: listUsage, fault: with(sophosemu.TooManyRequests(5*time.Second), 2),
			statuses: []int{429, 429, 200}, minSleep: 5 * time.Second},
		{name: "TooManyRequestsOnRegionalHost", call: listAlerts, fault: with(sophosemu.TooManyRequests(time.Second), 1),
			statuses: []int{429, 200}, minSleep: time.Second},
		{name: "ServerErrorRetried", call: listTenants, fault: with(sophosemu.ServerError(500), 1), statuses: []int{500, 200}},
		{name: "BadGatewayRetried", call: listAlerts, fault: with(sophosemu.ServerError(502), 2), statuses: []int{502, 502, 200}},
		{name: "UnavailableRetried", call: listUsage, fault: with(sophosemu.ServerError(503), 1), statuses: []int{503, 200, 200, 200}},
		{name: "ConnectionResetRetried", call: listTenants, fault: emu.Fault{Kind: emu.FaultReset, Times: 1}},
		{name: "SlowAnswerTimesOutAndRetries", call: listUsage, fault: emu.Fault{Kind: emu.FaultDelay, Delay: 2 * time.Second, Times: 1},
			timeout: 300 * time.Millisecond},
		{name: "TokenServiceErrorRetried", call: listTenants, at: tokenPath,
			fault: with(sophosemu.TokenError(500, "internal.error"), 1), statuses: []int{500, 200}},
		{name: "TruncatedTokenAnswerRetried", call: listTenants, at: tokenPath,
			fault: emu.Fault{Kind: emu.FaultMalformed, Times: 1}, statuses: []int{200, 200}},
		{name: "TruncatedWhoamiRetried", call: listUsage, at: "/whoami/v1",
			fault: emu.Fault{Kind: emu.FaultMalformed, Times: 1}, statuses: []int{200, 200}},
		{name: "ErrTokenClientDisabled", call: listUsage, at: tokenPath,
			fault: sophosemu.TokenError(401, "oauth.client_disabled"), statuses: []int{401}, wantKind: centralpsa.KindUnauthorized},
		{name: "ErrBadRequestNotRetried", call: listTenants, fault: status(400, `{"error":"badRequest","message":"bad"}`),
			statuses: []int{400}, wantKind: centralpsa.KindInvalid},
		{name: "ErrForbiddenNotRetried", call: listUsage, fault: status(403, `{"error":"Forbidden"}`),
			statuses: []int{403}, wantKind: centralpsa.KindForbidden},
		{name: "ErrForbiddenTenantNotRetried", call: listAlerts, fault: status(403, `{"error":"Forbidden"}`),
			statuses: []int{403}, wantKind: centralpsa.KindForbidden},
		{name: "ErrRetryAfterTooLongGoesToCaller", call: listTenants, fault: sophosemu.TooManyRequests(3 * time.Minute),
			statuses: []int{429}, wantKind: centralpsa.KindUnavailable},
		{name: "ErrServerErrorGivesUp", call: listTenants, fault: sophosemu.ServerError(500),
			statuses: []int{500, 500, 500}, wantKind: centralpsa.KindUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := startRig(t, sophosemu.Options{Tenants: 150}, func(o *sophos.Options) {
				o.MaxRetries = 2
				if tc.timeout > 0 {
					o.Timeout = tc.timeout
				}
			})
			at := cmp.Or(tc.at, tc.call.path)
			f := tc.fault
			f.PathPrefix = at
			r.emu.Faults().Add(f)
			n, err := tc.call.run(t, r)
			got := statuses(r.calls("", at))
			if tc.statuses != nil && tc.wantKind == "" {
				for len(got) > len(tc.statuses) && got[len(got)-1] == http.StatusOK {
					got = got[:len(got)-1]
				}
			}
			if tc.statuses != nil && !slices.Equal(got, tc.statuses) {
				t.Errorf("statuses %v, want %v", statuses(r.calls("", at)), tc.statuses)
			}
			sleeps := r.sleeps.All()
			if tc.wantKind != "" {
				if err == nil {
					t.Fatalf("read %d items, want an error", n)
				}
				if k := sophos.ErrorKind(err); k != tc.wantKind {
					t.Errorf("ErrorKind = %s, want %s (%v)", k, tc.wantKind, err)
				}
				if len(tc.statuses) == 1 && len(sleeps) != 0 {
					t.Errorf("slept %v before failing at once", sleeps)
				}
				return
			}
			if err != nil {
				t.Fatalf("call failed despite retries: %v", err)
			}
			if want := wantItems(r, tc.call); n != want {
				t.Errorf("read %d items, want %d", n, want)
			}
			// Go's transport may retry a reset GET on a reused connection
			// itself, so the reset case checks only the outcome.
			if tc.statuses != nil && (len(sleeps) == 0 || sleeps[0] < tc.minSleep) {
				t.Errorf("sleeps %v, want a first one of at least %v", sleeps, tc.minSleep)
			}
		})
	}
}

func with(f emu.Fault, times int) emu.Fault {
	f.Times = times
	return f
}

func TestEmulatorMalformedBodies(t *testing.T) {
	t.Parallel()
	malformed := emu.Fault{Kind: emu.FaultMalformed}
	html := emu.Fault{Kind: emu.FaultStatus, Status: 200, Body: "<html><body>Gateway</body></html>", ContentType: "text/html"}
	noItems := emu.Fault{Kind: emu.FaultStatus, Status: 200, Body: `{"pages":{"size":100}}`}
	for _, tc := range []struct {
		name     string
		call     listCall
		fault    emu.Fault
		requests int
		wantErr  string // "" means the call succeeds with every item
	}{
		{name: "TruncatedTenantPageRetried", call: listTenants, fault: with(malformed, 1), requests: 3},
		{name: "TruncatedUsagePageRetried", call: listUsage, fault: with(malformed, 1)},
		{name: "TruncatedAlertPageRetried", call: listAlerts, fault: with(malformed, 1), requests: 2},
		{name: "HTMLOnceRetried", call: listTenants, fault: with(html, 1), requests: 3},
		{name: "ErrAlwaysTruncated", call: listUsage, fault: malformed, requests: 3, wantErr: "decode response"},
		{name: "ErrAlwaysHTML", call: listAlerts, fault: html, requests: 3, wantErr: "decode response"},
		{name: "ErrNoItemsArray", call: listTenants, fault: noItems, requests: 1, wantErr: `no "items" array`},
		{name: "ErrNoItemsArrayUsage", call: listUsage, fault: noItems, requests: 1, wantErr: `no "items" array`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := startRig(t, sophosemu.Options{Tenants: 150}, func(o *sophos.Options) { o.MaxRetries = 2 })
			f := tc.fault
			f.PathPrefix = tc.call.path
			r.emu.Faults().Add(f)
			var (
				n   int
				err error
			)
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("client panicked on a malformed body: %v", p)
					}
				}()
				n, err = tc.call.run(t, r)
			}()
			if got := len(r.calls("", tc.call.path)); tc.requests > 0 && got != tc.requests {
				t.Errorf("%d requests, want %d", got, tc.requests)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %d items, error %v; want an error containing %q", n, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("call failed: %v", err)
			}
			if want := wantItems(r, tc.call); n != want {
				t.Errorf("read %d items, want %d", n, want)
			}
		})
	}
}

// TestEmulatorRateLimit lets the emulator's own per-client limiter answer
// 429 with Retry-After, and the client wait it out for real (about a
// second), which proves the recorded sleeps of the other tests stand for
// waits that work.
func TestEmulatorRateLimit(t *testing.T) {
	t.Parallel()
	var waited []time.Duration
	var mu sync.Mutex
	r := startRig(t, sophosemu.Options{Tenants: 5, RequestsPerMinute: 120}, func(o *sophos.Options) {
		o.SleepFunc = func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			waited = append(waited, d)
			mu.Unlock()
			select {
			case <-time.After(d):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	})
	ts, err := r.client.ListTenants(t.Context())
	if err != nil || len(ts) != 5 {
		t.Fatalf("ListTenants: %d tenants, %v", len(ts), err)
	}
	var throttled int
	for _, q := range r.emu.Log().Requests() {
		if q.Status == http.StatusTooManyRequests {
			throttled++
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if throttled == 0 || len(waited) != throttled {
		t.Fatalf("%d answers 429 and %d waits (%v); want at least one, a wait for each", throttled, len(waited), waited)
	}
	for _, d := range waited {
		if d < time.Second {
			t.Errorf("waited %v, less than the emulator's Retry-After of 1s", d)
		}
	}
}
