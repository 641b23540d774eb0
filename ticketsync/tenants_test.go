package ticketsync

import (
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/emu"
	"centralpsa/sophos"
)

// inFlight is a transport that remembers the most requests it ever had
// in flight at once.
type inFlight struct {
	mu       sync.Mutex
	now, max int
}

func (f *inFlight) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.now++
	f.max = max(f.max, f.now)
	f.mu.Unlock()
	defer func() { f.mu.Lock(); f.now--; f.mu.Unlock() }()
	return http.DefaultTransport.RoundTrip(r)
}

// TestTenantsInParallel: tickets.concurrency tenants are synced at once
// (their alert reads overlap), every tenant gets its tickets, and the
// results keep the order of the mappings.
func TestTenantsInParallel(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 3} {
		t.Run("Concurrency"+strconv.Itoa(n), func(t *testing.T) {
			t.Parallel()
			b := setup(t, bundleOptions{tenants: 6, alertsPer: 1})
			b.so.Faults().Add(emu.Fault{Kind: emu.FaultDelay, PathPrefix: "/r/", Delay: 30 * time.Millisecond})
			svc := b.service()
			svc.Settings = config.FromMap(map[string]string{"tickets.board": "Sophos Alerts", "tickets.concurrency": strconv.Itoa(n)})
			counter := &inFlight{}
			id, secret := b.so.Credentials()
			so, err := sophos.New(sophos.Options{ClientID: id, ClientSecret: centralpsa.Secret(secret), IDURL: b.soURL, APIURL: b.soURL,
				AllowHTTP: true, RequestsPerMinute: -1, NowFunc: b.clock.Now, HTTPClient: &http.Client{Transport: counter}})
			if err != nil {
				t.Fatal(err)
			}
			svc.Sophos = so
			res, err := svc.Run(t.Context())
			if err != nil || res.Failed() != 0 || res.Totals.Created != len(b.tenants) {
				t.Fatalf("run: %v, %s", err, res.Summary())
			}
			var got, want []string
			for _, tr := range res.Tenants {
				got = append(got, tr.TenantID)
			}
			mappings, err := b.db.Mappings(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range mappings {
				want = append(want, m.TenantID)
			}
			if !slices.Equal(got, want) {
				t.Errorf("results in order %v, want the mappings' %v", got, want)
			}
			if counter.max > n || (n > 1) != (counter.max > 1) {
				t.Errorf("at most %d Sophos requests in flight with tickets.concurrency %d", counter.max, n)
			}
		})
	}
}
